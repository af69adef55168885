// File adapter specifics beyond the conformance suite: the writer lock, torn-tail truncation,
// corruption in the middle, segment rollover, and the checkpoint helpers.
import { spawnSync } from "node:child_process";
import { appendFile, mkdtemp, open, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  CorruptLog,
  EventStoreLocked,
  fileCheckpoint,
  openFileEventStore,
  type RecordedEvent,
  streamCheckpoint,
} from "../src/index.ts";

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), "ghx-recovery-"));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

const segment0 = () => join(directory, "0000000000.seg");

async function appendSome(count: number, options = {}): Promise<void> {
  const store = await openFileEventStore(directory, options);
  for (let i = 0; i < count; i++) {
    await store.append("s", [{ type: "E", data: { i, pad: "x".repeat(100) } }], { commitId: `c${i}` });
  }
  await store.close();
}

async function revisionsAfterReopen(): Promise<bigint[]> {
  const store = await openFileEventStore(directory);
  try {
    return (await store.readStream("s")).map((e) => e.revision);
  } finally {
    await store.close();
  }
}

describe("file event store: writer lock", () => {
  it("refuses a second writer in this process and in another process, and frees the lock on close", async () => {
    const store = await openFileEventStore(directory);
    const second = await openFileEventStore(directory).catch((e: unknown) => e);
    expect(second).toBeInstanceOf(EventStoreLocked);
    expect((second as EventStoreLocked).ownerPid).toBe(process.pid);
    const script = `import { openFileEventStore } from ${JSON.stringify(join(import.meta.dirname, "../src/index.ts"))};
      await openFileEventStore(${JSON.stringify(directory)}).catch((e) => { console.log(e.name); process.exit(3); });`;
    const other = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      encoding: "utf8",
    });
    expect([other.status, other.stdout.trim()]).toEqual([3, "EventStoreLocked"]);
    await store.close();
    const again = await openFileEventStore(directory);
    await again.close();
  });

  it("takes over the lock of a process that no longer exists", async () => {
    await writeFile(join(directory, "LOCK"), "999999999");
    const store = await openFileEventStore(directory);
    await store.close();
  });
});

describe("file event store: recovery", () => {
  it("truncates a record cut short at the tail and keeps appending", async () => {
    await appendSome(3);
    const { size } = await stat(segment0());
    const handle = await open(segment0(), "r+");
    await handle.truncate(size - 20);
    await handle.close();
    expect(await revisionsAfterReopen()).toEqual([0n, 1n]);
    expect((await stat(segment0())).size).toBeLessThan(size - 20);
    const store = await openFileEventStore(directory);
    const result = await store.append("s", [{ type: "E", data: {} }], {
      expectedRevision: 1n,
      commitId: "c2",
    });
    expect(result.nextExpectedRevision).toBe(2n);
    await store.close();
  });

  it("truncates a tail of zeros and a last record whose checksum fails", async () => {
    await appendSome(2);
    await appendFile(segment0(), Buffer.alloc(4096));
    expect(await revisionsAfterReopen()).toEqual([0n, 1n]);
    const bytes = await readFile(segment0());
    bytes[bytes.length - 5] = bytes[bytes.length - 5]! ^ 0xff;
    await writeFile(segment0(), bytes);
    expect(await revisionsAfterReopen()).toEqual([0n]);
  });

  it("refuses to open when a record in the middle is damaged", async () => {
    await appendSome(3);
    const bytes = await readFile(segment0());
    bytes[40] = bytes[40]! ^ 0xff;
    await writeFile(segment0(), bytes);
    const error = await openFileEventStore(directory).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CorruptLog);
    expect((error as CorruptLog).offset).toBe(0);
    expect(await readFile(segment0())).toEqual(bytes);
  });

  it("rolls over to new segments and reads across them after reopen", async () => {
    await appendSome(40, { segmentBytesMax: 1024 });
    const segments = (await readdir(directory)).filter((name) => name.endsWith(".seg"));
    expect(segments.length).toBeGreaterThan(3);
    expect(await revisionsAfterReopen()).toEqual(Array.from({ length: 40 }, (_, i) => BigInt(i)));
  });
});

describe("checkpoints", () => {
  it("a stream checkpoint returns the last saved position, also after reopen", async () => {
    let store = await openFileEventStore(directory);
    expect(await streamCheckpoint(store, "ledger").load()).toBeUndefined();
    await streamCheckpoint(store, "ledger").save(41n);
    await streamCheckpoint(store, "ledger").save(42n);
    await store.close();
    store = await openFileEventStore(directory);
    expect(await streamCheckpoint(store, "ledger").load()).toBe(42n);
    expect(await streamCheckpoint(store, "other").load()).toBeUndefined();
    await store.close();
  });

  it("a file checkpoint returns the last saved position", async () => {
    const checkpoint = fileCheckpoint(join(directory, "feed.checkpoint"));
    expect(await checkpoint.load()).toBeUndefined();
    await checkpoint.save(7n);
    await checkpoint.save(2n ** 70n);
    expect(await fileCheckpoint(join(directory, "feed.checkpoint")).load()).toBe(2n ** 70n);
  });
});

describe("file event store: segment index files", () => {
  const named = async (suffix: string) =>
    (await readdir(directory)).filter((name) => name.endsWith(suffix)).sort();

  async function appendTwoStreams(count: number): Promise<void> {
    const store = await openFileEventStore(directory, { segmentBytesMax: 1024 });
    for (let i = 0; i < count; i++) {
      const stream = i % 3 === 0 ? "t" : "s";
      await store.append(stream, [{ type: "E", data: { i, pad: "x".repeat(60) } }], { commitId: `c${i}` });
    }
    await store.close();
  }

  /** What readers see after an open: both streams and the whole log, with commit ids. */
  async function contents() {
    const store = await openFileEventStore(directory, { segmentBytesMax: 1024 });
    try {
      const view = (e: RecordedEvent) => [e.stream, e.revision, e.position, e.commitId, e.data];
      const log: unknown[] = [];
      for await (const item of store.subscribeToAll()) {
        if (item.kind === "caughtUp") break;
        log.push(view(item.event));
      }
      const streams = [await store.readStream("s"), await store.readStream("t")].map((s) => s.map(view));
      // The dedupe window and the revisions continue from what the index files said.
      const retried = await store.append("s", [{ type: "E", data: {} }], { commitId: "c1" });
      return { log, streams, retried };
    } finally {
      await store.close();
    }
  }

  it("indexes every sealed segment, and opening from the index files sees what a full scan sees", async () => {
    await appendTwoStreams(60);
    const segments = await named(".seg");
    expect(segments.length).toBeGreaterThan(3);
    expect(await named(".idx")).toEqual(segments.slice(0, -1).map((name) => name.replace(".seg", ".idx")));
    const indexes = await Promise.all((await named(".idx")).map((name) => readFile(join(directory, name))));
    const fromIndexes = await contents();
    expect(fromIndexes.log).toHaveLength(60);
    expect(fromIndexes.retried.position).toBe(1n);
    for (const name of await named(".idx")) await rm(join(directory, name));
    expect(await contents()).toEqual(fromIndexes);
    // The scan wrote them again, byte for byte.
    const rewritten = await Promise.all((await named(".idx")).map((name) => readFile(join(directory, name))));
    expect(rewritten).toEqual(indexes);
  });

  it("opens from the summaries of retired segments alone, and checks their records when a read reaches them", async () => {
    await appendTwoStreams(60);
    const [firstIndex] = await named(".idx");
    const [firstSegment] = await named(".seg");
    // The first segment's records can no longer be read from its index nor scanned from it.
    const index = await readFile(join(directory, firstIndex!));
    index[index.length - 3] = index[index.length - 3]! ^ 0xff;
    await writeFile(join(directory, firstIndex!), index);
    const segment = await readFile(join(directory, firstSegment!));
    segment[20] = segment[20]! ^ 0xff;
    await writeFile(join(directory, firstSegment!), segment);
    // A commitId window of 8 appends reaches into the last two segments only: the first one is
    // retired from its summary, its records not read.
    const store = await openFileEventStore(directory, { segmentBytesMax: 1024, commitIdWindow: 8 });
    try {
      expect(await store.readStream("s", { fromRevision: "end", backwards: true, maxCount: 1 })).toHaveLength(
        1,
      );
      await expect(store.readStream("s", { fromRevision: "start", maxCount: 1 })).rejects.toBeInstanceOf(
        CorruptLog,
      );
    } finally {
      await store.close();
    }
  });

  it("passes over a damaged index file or one of another segment, scans the segment and indexes it again", async () => {
    await appendTwoStreams(60);
    const expected = await contents();
    const [first, second, third] = await named(".idx");
    const original = await readFile(join(directory, first!));
    // Damage in the summary (the first frame) is found at open: the segment is scanned and indexed.
    const damagedSummary = Buffer.from(original);
    damagedSummary[12] = damagedSummary[12]! ^ 0xff;
    await writeFile(join(directory, first!), damagedSummary);
    await writeFile(join(directory, second!), original);
    // Damage among the records is found when they are read: the segment is scanned then.
    const damagedRecords = await readFile(join(directory, third!));
    damagedRecords[damagedRecords.length - 3] = damagedRecords[damagedRecords.length - 3]! ^ 0xff;
    await writeFile(join(directory, third!), damagedRecords);
    expect(await contents()).toEqual(expected);
    expect(await readFile(join(directory, first!))).toEqual(original);
    expect(await readFile(join(directory, second!))).not.toEqual(original);
  });
});
