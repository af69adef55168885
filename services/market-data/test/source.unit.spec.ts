// The follower of `core-events`: whole records and the parts of a record cut because one
// command's events did not fit one append reach the projections as one CommandEvents per
// command, and a checkpoint position is only ever a record's end.
import { type EventsRecord, encodeEventsRecord, eventsRecordType, eventsStream } from "@ghx/core-service";
import type { CoreEvent } from "@ghx/domain";
import { createMemoryEventStore, type EventStore } from "@ghx/eventstore";
import { describe, expect, it } from "vitest";
import { BadEventsRecord, followCoreEvents } from "../src/index.ts";
import type { CommandEvents } from "../src/projections/market.ts";

const symbol = "H100.WUHU.20261124T14";
const cancelled = (orderId: number): CoreEvent => ({
  type: "OrderCancelled",
  orderId,
  accountId: "p",
  symbol,
  side: "sell",
  price: 1_000 + orderId,
  qty: 1,
  remaining: 0,
  reason: "market_closed",
});

async function append(store: EventStore, entries: readonly unknown[]) {
  for (const data of entries)
    await store.append(eventsStream, [{ type: eventsRecordType, data }], { commitId: `c${Math.random()}` });
}

async function follow(store: EventStore) {
  const commands: CommandEvents[] = [];
  const checkpoints: bigint[] = [];
  const abort = new AbortController();
  await followCoreEvents(store, {
    signal: abort.signal,
    onCommand: (command) => commands.push(command),
    onRecordApplied: (position) => checkpoints.push(position),
    onCaughtUp: () => abort.abort(),
  }).catch((error: unknown) => {
    if (!abort.signal.aborted) throw error;
  });
  return { commands, checkpoints };
}

describe("followCoreEvents", () => {
  it("joins the parts of a cut record into one command and checkpoints only at record ends", async () => {
    const store = createMemoryEventStore();
    const before: EventsRecord = { first: 1, ts: [5, 6], events: [[cancelled(100)], []] };
    const closing: EventsRecord = {
      first: 3,
      ts: [7],
      events: [Array.from({ length: 300 }, (_, i) => cancelled(i + 1))],
    };
    const parts = encodeEventsRecord(closing, 8 * 1024)!;
    expect(parts.length).toBeGreaterThan(2);
    const after: EventsRecord = { first: 4, ts: [8], events: [[cancelled(200)]] };
    await append(store, [before, ...parts, after]);

    const { commands, checkpoints } = await follow(store);
    expect(commands).toEqual([
      { seq: 1, ts: 5, events: before.events[0] },
      { seq: 2, ts: 6, events: [] },
      { seq: 3, ts: 7, events: closing.events[0] },
      { seq: 4, ts: 8, events: after.events[0] },
    ]);
    const positions = (await store.readStream(eventsStream)).map((e) => e.position);
    expect(checkpoints).toEqual([positions[0], positions[parts.length], positions[parts.length + 1]]);
  });

  it("refuses a malformed record with BadEventsRecord naming the entry", async () => {
    const store = createMemoryEventStore();
    await append(store, [{ first: 1, ts: [1, 2], events: [[]] }]);
    await expect(follow(store)).rejects.toThrow(BadEventsRecord);
    await expect(follow(store)).rejects.toThrow("core-events@0");
  });

  it("refuses a stored tuple that does not decode to a valid event, or of no known kind", async () => {
    const [stored] = encodeEventsRecord({ first: 1, ts: [5], events: [[cancelled(100)]] }, 8 * 1024)!;
    const record = JSON.parse(stored!.json) as { first: number; ts: number[]; events: unknown[][] };
    const cut = { ...record, events: [[(record.events[0]![0] as unknown[]).slice(0, 5)]] };
    const shortStore = createMemoryEventStore();
    await append(shortStore, [cut]);
    await expect(follow(shortStore)).rejects.toThrow(/core-events@0: events\.0\.0\./);
    const unknownStore = createMemoryEventStore();
    await append(unknownStore, [{ ...record, events: [[[99, 1]]] }]);
    await expect(follow(unknownStore)).rejects.toThrow("core-events@0: unknown stored event tag 99");
  });
});
