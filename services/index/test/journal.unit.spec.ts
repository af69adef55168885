import { createMemoryEventStore, type EventStore } from "@ghx/eventstore";
import { describe, expect, it } from "vitest";
import { IndexJournal, type IndexPublished, indexStream } from "../src/index.ts";

const publication = (periodStart: number): IndexPublished => ({
  type: "IndexPublished",
  v: 1,
  key: "H100.WUHU",
  classCode: "H100",
  zone: "WUHU",
  currency: "CNY",
  kind: "hourly",
  periodStart,
  value: "20.10",
  method: "transactions",
  stale: false,
  revision: 0,
  publishedAt: periodStart - 300_000,
  inputs: { source: "daily", hours: [] },
});

async function storedPeriods(store: EventStore): Promise<number[]> {
  const events = await store.readStream(indexStream);
  return events.map((e) => (e.data as IndexPublished).periodStart);
}

async function journalOf(store: EventStore, batches: number[][]) {
  const failures: Error[] = [];
  const journal = await IndexJournal.open(store, (error) => failures.push(error));
  for (const batch of batches) journal.append(batch.map(publication));
  await journal.flushed();
  return failures;
}

describe("IndexJournal", () => {
  it("appends publications in order, one append per command", async () => {
    const store = createMemoryEventStore();
    expect(await journalOf(store, [[1], [], [2, 3]])).toEqual([]);
    expect(await storedPeriods(store)).toEqual([1, 2, 3]);
  });

  it("skips what a replay recomputes and appends only what is new", async () => {
    const store = createMemoryEventStore();
    await journalOf(store, [[1], [2, 3]]);
    // The restarted host replays the same commands, then one more publication arrives.
    expect(await journalOf(store, [[1], [2, 3, 4]])).toEqual([]);
    expect(await storedPeriods(store)).toEqual([1, 2, 3, 4]);
  });

  it("reports a second writer (expected revision) and writes nothing more", async () => {
    const store = createMemoryEventStore();
    const failures: Error[] = [];
    const journal = await IndexJournal.open(store, (error) => failures.push(error));
    await journalOf(store, [[7]]);
    journal.append([publication(1)]);
    journal.append([publication(2)]);
    await journal.flushed();
    expect(failures.map((e) => e.name)).toEqual(["WrongExpectedRevision"]);
    expect(await storedPeriods(store)).toEqual([7]);
  });
});
