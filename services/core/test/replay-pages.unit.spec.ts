// Reading the journal back in pages sized by the records before them, with the next page read
// while the caller works: every record once, in order, from any revision, whatever the sizes.
import type { CoreCommand } from "@ghx/domain";
import { createMemoryEventStore, type EventStore } from "@ghx/eventstore";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { journalCommandCount, journalRecords, journalRecordType, journalStream } from "../src/index.ts";
import { replayPageRecordsMax } from "../src/limits.ts";
import { journalRecord } from "../src/records.ts";
import { interceptAppends } from "./fixtures.ts";

const cancel = (n: number): CoreCommand => ({
  type: "CancelOrder",
  commandId: `c${n}`,
  accountId: "a",
  orderId: n,
});

/** A journal of records holding `sizes[i]` commands each; returns the store. */
async function journalOf(sizes: readonly number[]): Promise<EventStore> {
  const store = createMemoryEventStore();
  let first = 1;
  for (const [revision, size] of sizes.entries()) {
    const commands = Array.from({ length: size }, (_, i) => cancel(first + i));
    await store.append(
      journalStream,
      [
        {
          type: journalRecordType,
          data: journalRecord(
            first,
            commands.map(() => 0),
            commands,
          ),
        },
      ],
      { expectedRevision: revision === 0 ? "no_stream" : BigInt(revision - 1), commitId: `j${revision}` },
    );
    first += size;
  }
  return store;
}

/** Counts the store's reads of the journal and the records each asked for. */
function countingReads(store: EventStore) {
  const pages: number[] = [];
  const counted = interceptAppends(store, () => {});
  counted.readStream = (stream, options) => {
    if (stream === journalStream) pages.push(options?.maxCount ?? Number.POSITIVE_INFINITY);
    return store.readStream(stream, options);
  };
  return { counted, pages };
}

describe("journal pages", () => {
  it("yields every record once, in order, from any revision", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 40_000 }), { minLength: 0, maxLength: 150 }),
        fc.nat(),
        async (sizes, start) => {
          const store = await journalOf(sizes.map((size) => (size > 30_000 ? size : (size % 40) + 1)));
          const after = sizes.length === 0 ? -1 : (start % (sizes.length + 1)) - 1;
          const revisions: number[] = [];
          let expectedFirst: number | undefined;
          for await (const { revision, record } of journalRecords(store, after)) {
            if (expectedFirst !== undefined) expect(record.first).toBe(expectedFirst);
            expectedFirst = record.first + journalCommandCount(record);
            revisions.push(revision);
          }
          expect(revisions).toEqual(
            Array.from({ length: sizes.length - after - 1 }, (_, i) => after + 1 + i),
          );
        },
      ),
      { numRuns: 25 },
    );
  });

  it("reads small records many to a page and large records few to a page", async () => {
    const small = countingReads(await journalOf(Array.from({ length: 200 }, () => 10)));
    for await (const _ of journalRecords(small.counted, -1));
    // After the first page, pages of small records take the most a page may hold.
    expect(small.pages.slice(1, 3)).toEqual([replayPageRecordsMax, replayPageRecordsMax]);

    const large = countingReads(await journalOf(Array.from({ length: 12 }, () => 8_192)));
    for await (const _ of journalRecords(large.counted, -1));
    expect(Math.max(...large.pages.slice(1))).toBeLessThanOrEqual(4);
  });

  it("a caller that stops early leaves no failing read behind", async () => {
    const store = await journalOf(Array.from({ length: 20 }, () => 5));
    let reads = 0;
    const failing = interceptAppends(store, () => {});
    failing.readStream = async (stream, options) => {
      // The read ahead (every read after the first) fails.
      if (++reads > 1) throw new Error("connection lost");
      return store.readStream(stream, options);
    };
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      for await (const { record } of journalRecords(failing, -1)) {
        expect(record.first).toBe(1);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(reads).toBe(2);
      expect(unhandled).toEqual([]);
      // A caller that goes on gets the failure.
      await expect(async () => {
        for await (const _ of journalRecords(failing, -1));
      }).rejects.toThrow("connection lost");
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });
});
