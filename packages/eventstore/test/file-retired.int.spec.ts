// The file store keeps only its last two segments' commits in its index and reads older ones back
// from the segments (LiveSegments, SegmentArchive). Whatever it has retired, every read, every
// subscription and every commitId retry must answer what the memory store, which retires
// nothing, answers for the same appends: before and after a reopen.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  createMemoryEventStore,
  type EventStore,
  openFileEventStore,
  type RecordedEvent,
} from "../src/index.ts";
import { StoreIndex } from "../src/memory/store-index.ts";
import { collect } from "./conformance.ts";

const streams = ["alpha", "beta", "gamma"] as const;

const appendArb = fc.record({
  stream: fc.constantFrom(...streams),
  count: fc.integer({ min: 1, max: 4 }),
  padding: fc.integer({ min: 0, max: 400 }),
});

const readArb = fc.record({
  stream: fc.constantFrom(...streams),
  from: fc.oneof(fc.constant("start" as const), fc.constant("end" as const), fc.nat({ max: 120 })),
  maxCount: fc.option(fc.integer({ min: 1, max: 60 }), { nil: undefined }),
  backwards: fc.boolean(),
});

const comparable = (events: readonly RecordedEvent[]) =>
  events.map(({ stream, revision, position, type, data, commitId }) => ({
    stream,
    revision,
    position,
    type,
    data,
    commitId,
  }));

async function readAll(store: EventStore, stream: string, options: Parameters<EventStore["readStream"]>[1]) {
  try {
    return comparable(await store.readStream(stream, options));
  } catch (error) {
    return (error as Error).name;
  }
}

async function subscribed(store: EventStore, after: bigint | undefined, prefix: string | undefined) {
  const items = await collect(
    store,
    { ...(after === undefined ? {} : { after }), ...(prefix ? { streamPrefixes: [prefix] } : {}) },
    (seen) => seen.at(-1)?.kind === "caughtUp",
  );
  return items.map((item) =>
    item.kind === "event" ? comparable([item.event])[0] : { caughtUp: item.position },
  );
}

const directories: string[] = [];
afterEach(async () => {
  await Promise.all(directories.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe("file store with commits retired from its index", () => {
  it("reads, subscribes and dedupes as the memory store does, before and after a reopen", async () => {
    const retire = vi.spyOn(StoreIndex.prototype, "retire");
    await fc.assert(
      fc.asyncProperty(
        fc.array(appendArb, { minLength: 1, maxLength: 60 }),
        fc.array(readArb, { minLength: 1, maxLength: 8 }),
        fc.array(fc.option(fc.nat({ max: 200 }), { nil: undefined }), { minLength: 1, maxLength: 3 }),
        fc.constantFrom(400, 1_500, 6_000),
        async (appends, reads, afters, segmentBytesMax) => {
          const directory = await mkdtemp(join(tmpdir(), "ghx-retired-"));
          directories.push(directory);
          let file = await openFileEventStore(directory, { segmentBytesMax });
          const memory = createMemoryEventStore();
          try {
            for (const [i, { stream, count, padding }] of appends.entries()) {
              const events = Array.from({ length: count }, (_, n) => ({
                type: "Appended",
                data: { i, n, padding: "x".repeat(padding) },
              }));
              const options = { commitId: `commit-${i}` };
              expect(await file.append(stream, events, options)).toEqual(
                await memory.append(stream, events, options),
              );
            }
            const compare = async (store: EventStore) => {
              for (const { stream, from, maxCount, backwards } of reads) {
                const options = {
                  fromRevision: typeof from === "number" ? BigInt(from) : from,
                  backwards,
                  ...(maxCount === undefined ? {} : { maxCount }),
                };
                expect(await readAll(store, stream, options)).toEqual(await readAll(memory, stream, options));
              }
              for (const after of afters) {
                const position = after === undefined ? undefined : BigInt(after);
                for (const prefix of [undefined, "beta"])
                  expect(await subscribed(store, position, prefix)).toEqual(
                    await subscribed(memory, position, prefix),
                  );
              }
              // A retry of the first append (retired by now when segments are small) is answered, not appended.
              const retry = [{ type: "Appended", data: { i: 0, n: 0, padding: "" } }];
              const first = { commitId: "commit-0" };
              expect(await store.append(appends[0]!.stream, retry, first)).toEqual(
                await memory.append(appends[0]!.stream, retry, first),
              );
            };
            await compare(file);
            await file.close();
            file = await openFileEventStore(directory, { segmentBytesMax });
            await compare(file);
          } finally {
            await file.close();
            await memory.close();
          }
        },
      ),
      { numRuns: 30 },
    );
    // The small segments did make the index retire commits (the spy only counts calls).
    expect(retire).toHaveBeenCalled();
    retire.mockRestore();
  }, 120_000);
});
