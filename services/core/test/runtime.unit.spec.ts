// The runtime over a memory store whose appends we hold back: acks wait for the journal, commands
// arriving during an append form the next group commit, and a failed append acks nothing.
import type { CoreCommand } from "@ghx/domain";
import type { EventStore } from "@ghx/eventstore";
import { createMemoryEventStore } from "@ghx/eventstore";
import { describe, expect, it } from "vitest";
import {
  CoreOverloaded,
  CoreRuntime,
  type JournalRecord,
  journalCommandCount,
  journalStream,
  type RuntimeOptions,
  recover,
  type SubmitResult,
} from "../src/index.ts";
import { pendingCommandsMax } from "../src/limits.ts";
import { appendedValue, interceptAppends, marketSetup, order, symbol } from "./fixtures.ts";

/** A store whose journal appends wait until released (or fail when told to). */
function gatedStore() {
  const inner = createMemoryEventStore();
  const gates: { open: () => void; fail: (e: Error) => void }[] = [];
  const journalAppends: number[] = [];
  const store = interceptAppends(inner, async (stream, data) => {
    if (stream !== journalStream) return;
    journalAppends.push(journalCommandCount(appendedValue(data) as JournalRecord));
    await new Promise<void>((open, fail) => gates.push({ open, fail }));
  });
  /** Opens every journal append, as it comes, until `work` settles. */
  const journaled = async <T>(work: Promise<T>): Promise<T> => {
    let done = false;
    void work.then(
      () => (done = true),
      () => (done = true),
    );
    while (!done) {
      gates.shift()?.open();
      await new Promise((resolve) => setImmediate(resolve));
    }
    return work;
  };
  return { store, gates, journalAppends, journaled };
}

async function runtimeOn(store: EventStore, more: Partial<RuntimeOptions> = {}) {
  const options = {
    store,
    snapshotEveryCommands: 1e9,
    snapshotEveryMs: 1e12,
    invariantCheckEveryCommands: 0,
    ...more,
  };
  return new CoreRuntime(await recover(store, undefined), options);
}

/** Which of the promises have settled after the event loop had a moment. */
const settled = async (promises: Promise<SubmitResult>[]) => {
  const done: boolean[] = promises.map(() => false);
  for (const [i, p] of promises.entries()) {
    const mark = () => {
      done[i] = true;
    };
    p.then(mark, mark);
  }
  await new Promise((resolve) => setTimeout(resolve, 10));
  return done;
};

describe("journal before ack, group commit", () => {
  it("answers nobody before the journal append resolves, and groups what arrives meanwhile", async () => {
    const { store, gates, journalAppends } = gatedStore();
    const core = await runtimeOn(store);
    const first = marketSetup().map((c) => core.submit(c));
    expect(await settled(first)).toEqual(first.map(() => false));
    const second = [order("o1", "b", "buy", 500, 1), order("o2", "b", "buy", 501, 1)].map((c) =>
      core.submit(c),
    );
    gates[0]!.open();
    expect(await settled(first)).toEqual(first.map(() => true));
    expect(await settled(second)).toEqual([false, false]);
    gates[1]!.open();
    await Promise.all(second);
    expect(journalAppends).toEqual([marketSetup().length, 2]);
    await core.close({ snapshot: false });
  });

  it("a failed journal append acks nothing and stops the runtime", async () => {
    const { store, gates } = gatedStore();
    const core = await runtimeOn(store);
    const pending = marketSetup().map((c) => core.submit(c));
    await settled(pending);
    gates[0]!.fail(new Error("disk gone"));
    for (const p of pending) await expect(p).rejects.toThrow("disk gone");
    expect(core.failed?.message).toBe("disk gone");
    await expect(core.submit(order("late", "b", "buy", 500, 1))).rejects.toThrow("disk gone");
  });

  it("a broken invariant found at a group commit acks nothing of that batch and stops the runtime", async () => {
    const { store, gates, journalAppends } = gatedStore();
    const failures: Error[] = [];
    const core = new CoreRuntime(await recover(store, undefined), {
      store,
      snapshotEveryCommands: 1e9,
      snapshotEveryMs: 1e12,
      invariantCheckEveryCommands: 0,
      onFailure: (error) => failures.push(error),
    });
    const setup = marketSetup().map((c) => core.submit(c));
    await settled(setup);
    gates[0]!.open();
    await Promise.all(setup);
    // Money out of nowhere: what only a bug could do, and what the checks are there to catch.
    core.state.accounts.get("b")!.balances.get("CNY")!.available += 1;
    await expect(core.submit(order("after-the-bug", "b", "buy", 500, 1))).rejects.toThrow(/CNY/);
    expect(failures).toHaveLength(1);
    expect(journalAppends).toHaveLength(1);
  });

  it("a stalled journal: new commands are refused as overloaded past pendingCommandsMax, a cancel-all or a halt still go in", async () => {
    const { store, journaled } = gatedStore();
    // Filling the queue takes a while: only the count bound is under test here.
    const core = await runtimeOn(store, { pendingWaitMaxMs: Number.POSITIVE_INFINITY });
    const admitted = marketSetup().map((c) => core.submitValid(c));
    const deposit = (id: string): CoreCommand => ({
      type: "Deposit",
      commandId: id,
      accountId: "b",
      currency: "CNY",
      amount: 1,
    });
    for (let i = 0; core.status().pendingCommands < pendingCommandsMax; i++)
      admitted.push(core.submitValid(deposit(`d${i}`)));
    await expect(core.submitValid(deposit("one-too-many"))).rejects.toThrow(CoreOverloaded);
    admitted.push(
      core.submitValid({ type: "MassCancel", commandId: "cancel-all", accountId: "b" }),
      core.submitValid({ type: "SetTradingState", commandId: "halt", symbol, state: "halted" }),
    );
    expect(core.status().pendingCommands).toBe(pendingCommandsMax + 2);
    // The journal comes back: everything admitted is acknowledged, in order.
    const results = await journaled(Promise.all(admitted));
    expect(results.slice(-2).map((r) => r.outcome.status)).toEqual(["accepted", "accepted"]);
    expect(results.map((r) => r.outcome.seq)).toEqual(results.map((_, i) => i + 1));
    await core.close({ snapshot: false });
  });

  it("a slow journal: new commands are refused once the oldest unjournaled one has waited past pendingWaitMaxMs, a cancel-all still goes in", async () => {
    const { store, gates, journaled } = gatedStore();
    let now = 1_000;
    const stackTraceLimit = Error.stackTraceLimit;
    const core = await runtimeOn(store, { pendingWaitMaxMs: 100, clock: () => now });
    const admitted = marketSetup().map((c) => core.submitValid(c));
    await settled(admitted);
    now += 60;
    admitted.push(core.submitValid(order("in-time", "b", "buy", 500, 1)));
    now += 41;
    const late = core.submitValid(order("too-late", "b", "buy", 500, 1));
    await expect(late).rejects.toThrow(CoreOverloaded);
    await expect(late).rejects.toThrow("commands wait longer than 100 ms for the journal");
    // Refusals are cheap: no stack trace, and the process's own limit is left as it was.
    expect(((await late.catch((e: unknown) => e)) as Error).stack).not.toMatch(/\n\s+at /);
    expect(Error.stackTraceLimit).toBe(stackTraceLimit);
    const lastSeq = core.state.lastSeq;
    admitted.push(core.submitValid({ type: "MassCancel", commandId: "cancel-all", accountId: "b" }));
    expect(core.state.lastSeq).toBe(lastSeq + 1);
    // The setup batch is journaled: the oldest waiting is now "in-time", 41 ms old.
    gates[0]!.open();
    await Promise.all(admitted.slice(0, marketSetup().length));
    admitted.push(core.submitValid(order("after", "b", "buy", 500, 1)));
    now += 60;
    await expect(core.submitValid(order("too-late-again", "b", "buy", 500, 1))).rejects.toThrow(
      CoreOverloaded,
    );
    await journaled(Promise.all(admitted));
    expect(core.status().pendingCommands).toBe(0);
    const retried = await journaled(core.submitValid(order("too-late", "b", "buy", 500, 1)));
    expect(retried.outcome.status).toBe("accepted");
    await core.close({ snapshot: false });
  });

  it("rejects malformed commands without journaling them", async () => {
    const { store, journalAppends } = gatedStore();
    const core = await runtimeOn(store);
    const result = await core.submit({ type: "PlaceOrder", commandId: "x" });
    expect(result.outcome).toMatchObject({ status: "rejected", code: "INVALID_COMMAND" });
    expect(journalAppends).toEqual([]);
  });
});
