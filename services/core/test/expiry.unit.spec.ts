// GTD expiry on time: the runtime wakes at the earliest pending expiry and submits ExpireOrders,
// a journaled command, so an expired order leaves its book without waiting for other traffic.
import { stateHash } from "@ghx/core";
import type { CoreCommand } from "@ghx/domain";
import { createMemoryEventStore, type EventStore } from "@ghx/eventstore";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ExpiryScheduler } from "../src/expiry.ts";
import { CoreRuntime, type EventsRecord, recover } from "../src/index.ts";
import { journaledCommandIds, marketSetup, order } from "./fixtures.ts";

const runtimeOn = async (store: EventStore) =>
  new CoreRuntime(await recover(store, undefined), {
    store,
    snapshotEveryCommands: 1e9,
    snapshotEveryMs: 1e12,
    invariantCheckEveryCommands: 0,
  });

const gtd = (commandId: string, expiry: number): CoreCommand => ({
  ...(order(commandId, "b", "buy", 500, 2) as Extract<CoreCommand, { type: "PlaceOrder" }>),
  tif: "GTD",
  expiry,
});

describe("ExpiryScheduler", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("wakes once at the earliest expiry armed, and not before the clock says it is due", () => {
    vi.useFakeTimers();
    let now = 1_000;
    const wakes: number[] = [];
    const scheduler = new ExpiryScheduler(
      () => now,
      () => wakes.push(now),
    );
    scheduler.arm(1_050);
    scheduler.arm(1_080); // later: the earlier wake-up stays
    scheduler.arm(1_020); // earlier: replaces it
    vi.advanceTimersByTime(20);
    expect(wakes).toEqual([]); // the timer fired, but the sequencer's clock still reads 1,000
    now = 1_020;
    vi.advanceTimersByTime(20);
    expect(wakes).toEqual([1_020]);
    scheduler.arm(undefined);
    scheduler.arm(5_000);
    scheduler.stop();
    now = 9_000;
    vi.advanceTimersByTime(10_000);
    expect(wakes).toEqual([1_020]);
  });
});

describe("the runtime expires GTD orders on time", () => {
  it("without any other command, journaled, and replayed to the same state", async () => {
    const store = createMemoryEventStore();
    const core = await runtimeOn(store);
    for (const command of marketSetup()) await core.submit(command);
    const expired = new Promise<EventsRecord>((resolve) =>
      core.onEvents((record) => {
        if (record.events.flat().some((e) => e.type === "OrderExpired")) resolve(record);
      }),
    );
    const placed = await core.submit(gtd("short", Date.now() + 40));
    await core.submit(gtd("long", Date.now() + 60_000));
    expect(placed.outcome.status).toBe("accepted");
    const record = await expired;
    expect(record.events.flat()).toMatchObject([
      { type: "OrderExpired", orderId: placed.outcome.seq, qty: 2 },
    ]);
    expect(core.state.accounts.get("b")!.openClientIds.size).toBe(1);
    const hash = stateHash(core.state);
    await core.close({ snapshot: false });
    expect((await journaledCommandIds(store)).at(-1)).toMatch(/^expire-/);

    const replayed = await recover(store, undefined);
    expect(stateHash(replayed.state)).toBe(hash);
  });

  it("after a restart too: the recovered runtime wakes at the expiry it finds in the books", async () => {
    const store = createMemoryEventStore();
    const first = await runtimeOn(store);
    for (const command of marketSetup()) await first.submit(command);
    const placed = await first.submit(gtd("across-restart", Date.now() + 150));
    await first.close({ snapshot: false });

    const second = await runtimeOn(store);
    const expired = new Promise<EventsRecord>((resolve) => second.onEvents(resolve));
    expect((await expired).events.flat()).toMatchObject([
      { type: "OrderExpired", orderId: placed.outcome.seq },
    ]);
    await second.close({ snapshot: false });
  });

  it("journals nothing for a GTD order that left before its expiry", async () => {
    const store = createMemoryEventStore();
    const core = await runtimeOn(store);
    for (const command of marketSetup()) await core.submit(command);
    await core.submit(gtd("cancelled-early", Date.now() + 30));
    const cancel: CoreCommand = {
      type: "CancelOrder",
      commandId: "cancel",
      accountId: "b",
      clientOrderId: "cancelled-early",
    };
    expect((await core.submit(cancel)).outcome.status).toBe("accepted");
    await new Promise((resolve) => setTimeout(resolve, 100));
    await core.close({ snapshot: false });
    expect((await journaledCommandIds(store)).at(-1)).toBe("cancel");
  });
});
