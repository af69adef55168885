// Where a consumer keeps the position it has processed up to, so a restart resumes with
// subscribeToAll({ after: await checkpoint.load() }). Two homes: a stream in the same store
// (`$checkpoint-<name>`, one small event per save) or a file replaced atomically.
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { writeFileDurably } from "./file/sync.ts";
import { type EventStore, StreamNotFound } from "./port.ts";

export interface Checkpoint {
  /** The last saved position, undefined if none was saved yet. */
  load(): Promise<bigint | undefined>;
  save(position: bigint): Promise<void>;
}

const checkpointType = "CheckpointSaved";

/** Saves into stream `$checkpoint-<name>`; the stream grows by one event per save. */
export function streamCheckpoint(store: EventStore, name: string): Checkpoint {
  const stream = `$checkpoint-${name}`;
  return {
    async load() {
      try {
        const [last] = await store.readStream(stream, { backwards: true, maxCount: 1 });
        return last && BigInt((last.data as { position: string }).position);
      } catch (error) {
        if (error instanceof StreamNotFound) return undefined;
        throw error;
      }
    },
    async save(position) {
      await store.append(stream, [{ type: checkpointType, data: { position: String(position) } }], {
        commitId: randomUUID(),
      });
    },
  };
}

/** Saves into a file: written to a temporary file, synced, renamed over, directory synced. */
export function fileCheckpoint(path: string): Checkpoint {
  return {
    async load() {
      try {
        return BigInt((await readFile(path, "utf8")).trim());
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw error;
      }
    },
    async save(position) {
      await writeFileDurably(path, `${position}\n`);
    },
  };
}
