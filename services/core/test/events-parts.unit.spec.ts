// A command whose events do not fit one append of the store (a market closing with many open
// orders) is published as consecutive parts of its events record: consumers join them, a crash
// between parts is finished by recovery, and verify compares the joined record with the replay.
import type { CoreCommand } from "@ghx/domain";
import { createMemoryEventStore, type EventStore } from "@ghx/eventstore";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  BrokenEventsParts,
  CoreRuntime,
  CoreStandby,
  type EventsRecord,
  EventsRecordAssembler,
  eventsRecords,
  eventsStream,
  journalStream,
  recover,
  type StoredEventsRecord,
  verifyJournal,
} from "../src/index.ts";
import { appendedValue, interceptAppends, marketSetup, order, symbol } from "./fixtures.ts";

const appendLimit = 8 * 1024;
const restingOrders = 400;

/** Resting asks at distinct prices, then the market closes: one command, ~400 cancels (~24 KB of events). */
const commands = (): CoreCommand[] => [
  ...marketSetup(),
  ...Array.from({ length: restingOrders }, (_, i) => order(`ask${i}`, "p", "sell", 1_000 + i, 1)),
  { type: "SetTradingState", commandId: "close", symbol, state: "closed" },
];

const runtimeOn = async (store: EventStore, onFailure?: (error: Error) => void) =>
  new CoreRuntime(await recover(store, undefined), {
    store,
    snapshotEveryCommands: 1e9,
    snapshotEveryMs: 1e12,
    invariantCheckEveryCommands: 0,
    clock: () => 1_700_000_000_000,
    ...(onFailure ? { onFailure } : {}),
  });

/** Every command in turn, each its own group commit (as a quiet market sends them). */
async function submitAll(core: CoreRuntime) {
  let last: Awaited<ReturnType<CoreRuntime["submit"]>> | undefined;
  for (const command of commands()) last = await core.submit(command);
  return last!;
}

const storedEntries = async (store: EventStore) =>
  (await store.readStream(eventsStream)).map((e) => e.data as StoredEventsRecord);

async function wholeRecords(store: EventStore): Promise<EventsRecord[]> {
  const out: EventsRecord[] = [];
  for await (const { record } of eventsRecords(store, -1)) out.push(record);
  return out;
}

/** A store that fails the append of the second part of any cut events record (a power cut). */
function crashingAtSecondPart() {
  const inner = createMemoryEventStore({ maxAppendBytes: appendLimit });
  let partsWritten = 0;
  const crashing = interceptAppends(inner, (stream, data) => {
    const isPart = stream === eventsStream && (appendedValue(data) as StoredEventsRecord).from !== undefined;
    if (isPart && ++partsWritten === 2) throw new Error("power cut");
  });
  return { inner, crashing };
}

describe("events records in parts", () => {
  it("publishes a command's oversized events as consecutive parts that join to the whole record", async () => {
    const store = createMemoryEventStore({ maxAppendBytes: appendLimit });
    const core = await runtimeOn(store);
    const published: EventsRecord[] = [];
    core.onEvents((record) => published.push(record));
    const closed = await submitAll(core);
    expect(closed.outcome.status).toBe("accepted");
    expect(closed.events.filter((e) => e.type === "OrderCancelled")).toHaveLength(restingOrders);
    await core.close({ snapshot: false });

    const parts = (await storedEntries(store)).filter((e) => e.from !== undefined);
    expect(parts.length).toBeGreaterThanOrEqual(3);
    expect(parts.map((p) => p.last)).toEqual([...parts.slice(1).map(() => false), true]);
    for (const part of parts)
      expect(Buffer.byteLength(JSON.stringify(part))).toBeLessThanOrEqual(appendLimit);
    const whole = await wholeRecords(store);
    expect(whole.at(-1)).toEqual({
      first: closed.outcome.seq,
      ts: [1_700_000_000_000],
      events: [closed.events],
    });
    expect(whole).toEqual(published);
    const verified = await verifyJournal(store);
    expect(verified.eventsRecordsCompared).toBe(verified.journalRecords);
  });

  it("a crash between the parts is finished by recovery, byte for byte as an uninterrupted run", async () => {
    const reference = createMemoryEventStore({ maxAppendBytes: appendLimit });
    const referenceCore = await runtimeOn(reference);
    await submitAll(referenceCore);
    await referenceCore.close({ snapshot: false });

    const { inner, crashing } = crashingAtSecondPart();
    const failures: Error[] = [];
    const core = await runtimeOn(crashing, (error) => failures.push(error));
    // The close is acknowledged once journaled; its events stop after the first part.
    expect((await submitAll(core)).outcome.status).toBe("accepted");
    await expect(core.close({ snapshot: false })).rejects.toThrow("power cut");
    expect(failures.map((e) => e.message)).toEqual(["power cut"]);
    expect((await storedEntries(inner)).at(-1)).toMatchObject({ from: 0, last: false });

    const restarted = await runtimeOn(inner);
    expect(await storedEntries(inner)).toEqual(await storedEntries(reference));
    expect(await wholeRecords(inner)).toEqual(await wholeRecords(reference));
    const deposit: CoreCommand = {
      type: "Deposit",
      commandId: "after",
      accountId: "b",
      currency: "CNY",
      amount: 1,
    };
    expect((await restarted.submit(deposit)).outcome.status).toBe("accepted");
    await restarted.close({ snapshot: false });
    const verified = await verifyJournal(inner);
    expect(verified.eventsRecordsCompared).toBe(verified.journalRecords);
  });

  it("a standby promoted after the primary died between the parts writes the rest", async () => {
    const { inner, crashing } = crashingAtSecondPart();
    const standby = await CoreStandby.start(inner, undefined, 1);
    const primary = await runtimeOn(crashing, () => {});
    await submitAll(primary);
    await expect(primary.close({ snapshot: false })).rejects.toThrow("power cut");
    const promoted = await standby.promote({
      snapshotEveryCommands: 1e9,
      snapshotEveryMs: 1e12,
      invariantCheckEveryCommands: 0,
    });
    const whole = await wholeRecords(inner);
    expect(whole.at(-1)?.events[0]?.filter((e) => e.type === "OrderCancelled")).toHaveLength(restingOrders);
    const verified = await verifyJournal(inner);
    expect(verified.eventsRecordsCompared).toBe(verified.journalRecords);
    await promoted.close({ snapshot: false });
  });

  it("cuts any burst so that every journal and events entry fits the store's limit (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1_500, max: 8 * 1024 }),
        fc.array(fc.tuple(fc.integer({ min: 1, max: 64 }), fc.boolean(), fc.integer({ min: 0, max: 40 })), {
          minLength: 20,
          maxLength: 150,
        }),
        async (limit, burst) => {
          const store = createMemoryEventStore({ maxAppendBytes: limit });
          const core = await runtimeOn(store);
          for (const command of marketSetup()) await core.submit(command);
          // Crossing orders of varied id lengths, all in one group commit.
          const results = await Promise.all(
            burst.map(([idLength, buy, offset], i) => {
              const id = `${i}-${"x".repeat(idLength)}`.slice(0, 64);
              return core.submit(order(id, buy ? "b" : "p", buy ? "buy" : "sell", 1_000 + offset, 1));
            }),
          );
          await core.close({ snapshot: false });
          expect(core.failed).toBeUndefined();
          for (const stream of [journalStream, eventsStream]) {
            for (const entry of await store.readStream(stream)) {
              expect(
                Buffer.byteLength(JSON.stringify([{ type: entry.type, data: entry.data }])),
              ).toBeLessThanOrEqual(limit);
            }
          }
          const joined = (await wholeRecords(store)).flatMap((r) => r.events);
          expect(joined.slice(-burst.length)).toEqual(results.map((r) => r.events));
        },
      ),
      { numRuns: 25 },
    );
  });

  it("refuses parts that do not continue each other", () => {
    const part = (from: number, last: boolean, first = 9): EventsRecord => ({
      first,
      ts: [1],
      events: [[{ type: "TradingStateChanged", symbol, from: "open", to: "closed" }]],
      from,
      last,
    });
    const whole: EventsRecord = { first: 10, ts: [1], events: [[]] };
    const joiner = new EventsRecordAssembler();
    expect(joiner.push(part(0, false))).toBeUndefined();
    expect(() => joiner.push(part(2, true))).toThrow(BrokenEventsParts);
    const another = new EventsRecordAssembler();
    another.push(part(0, false));
    expect(() => another.push(whole)).toThrow(BrokenEventsParts);
    expect(() => new EventsRecordAssembler().push(part(1, true))).toThrow(BrokenEventsParts);
    const complete = new EventsRecordAssembler();
    complete.push(part(0, false));
    expect(complete.push(part(1, true))?.events[0]).toHaveLength(2);
    expect(complete.push(whole)).toBe(whole);
  });
});
