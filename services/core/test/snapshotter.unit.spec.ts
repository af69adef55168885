// Snapshots come from a replica in a worker thread: the state it writes is the core's own at the
// record it names, recovery from it lands on the same hash, it checks every record's events
// against the core's, and a replica that cannot go on (or that disagrees) stops the core rather
// than leave recovery to a snapshot that is wrong or never comes.
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { coreSnapshotVersion, stateHash } from "@ghx/core";
import { createMemoryEventStore, type EventStore } from "@ghx/eventstore";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  CoreOverloaded,
  CoreRuntime,
  eventsStream,
  type JournalRecord,
  journalCommandCount,
  journalStream,
  type RuntimeOptions,
  recover,
  SnapshotDirectory,
} from "../src/index.ts";
import { snapshotSyncChunkBytes } from "../src/limits.ts";
import { marketSetup, order, symbol } from "./fixtures.ts";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "ghx-snapshotter-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function runtimeOn(
  store: EventStore,
  snapshots: SnapshotDirectory,
  everyCommands: number,
  more: Partial<RuntimeOptions> = {},
) {
  return new CoreRuntime(await recover(store, snapshots), {
    store,
    snapshots,
    snapshotEveryCommands: everyCommands,
    snapshotEveryMs: 1e12,
    invariantCheckEveryCommands: 0,
    ...more,
  });
}

const burst = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, i) =>
    order(`${prefix}${i}`, i % 2 ? "b" : "p", i % 2 ? "buy" : "sell", 1_000 + (i % 7), 1 + (i % 3)),
  );

describe("snapshots from the replica", () => {
  it("writes the core's state at the record it names, and recovery from it replays only the rest", async () => {
    const store = createMemoryEventStore();
    const snapshots = new SnapshotDirectory(join(dir, "snapshots"));
    const core = await runtimeOn(store, snapshots, 100);
    const written: number[] = [];
    core.snapshotter!.onWritten((seq) => written.push(seq));
    for (const command of marketSetup()) await core.submitValid(command);
    // Separate group commits, so the replica has record boundaries to snapshot at.
    const hashes = new Map<number, string>();
    for (let round = 0; round < 6; round++) {
      await Promise.all(burst(`r${round}-`, 60).map((c) => core.submitValid(c)));
      hashes.set(core.state.lastSeq, stateHash(core.state));
    }
    await core.close({ snapshot: false });
    expect(written.length).toBeGreaterThanOrEqual(3);

    // Each snapshot holds the core's own state at a journal record's end.
    const journal = await store.readStream(journalStream);
    const latest = (await snapshots.latest())!;
    expect(latest.seq).toBe(written.at(-1));
    expect(core.status().lastSnapshotSeq).toBe(latest.seq);
    const record = journal[latest.journalRevision]!.data as JournalRecord;
    expect(record.first + journalCommandCount(record) - 1).toBe(latest.seq);
    // Every round is one group commit, so every snapshot falls at a round's end.
    expect(latest.hash).toBe(hashes.get(latest.seq));

    const recovered = await recover(store, snapshots);
    expect(recovered.replayedCommands).toBe(core.state.lastSeq - latest.seq);
    expect(stateHash(recovered.state)).toBe(stateHash(core.state));
  });

  it("takes a last snapshot at close, of everything journaled", async () => {
    const store = createMemoryEventStore();
    const snapshots = new SnapshotDirectory(join(dir, "snapshots"));
    const core = await runtimeOn(store, snapshots, 1e9);
    for (const command of marketSetup()) await core.submitValid(command);
    await Promise.all(burst("a", 40).map((c) => core.submitValid(c)));
    const hash = stateHash(core.state);
    await core.close();
    const latest = (await snapshots.latest())!;
    expect(latest.seq).toBe(core.state.lastSeq);
    expect(latest.hash).toBe(hash);

    // A restarted core starts its replica from the recovered state and carries on from there.
    const again = await runtimeOn(store, snapshots, 1e9);
    expect(again.status().lastSnapshotSeq).toBe(latest.seq);
    expect((await again.submitValid(order("later", "b", "buy", 990, 1))).outcome.status).toBe("accepted");
    await again.close();
    expect((await snapshots.latest())!.seq).toBe(again.state.lastSeq);
    expect((await snapshots.latest())!.hash).toBe(stateHash(again.state));
  });

  it("a snapshot that cannot be written stops the core", async () => {
    const store = createMemoryEventStore();
    // A file where the snapshot directory should be: every write fails.
    const blocked = join(dir, "not-a-directory");
    await writeFile(blocked, "");
    const failures: Error[] = [];
    // Recovered without snapshots: reading the blocked directory would fail first.
    const core = new CoreRuntime(await recover(store, undefined), {
      store,
      snapshots: new SnapshotDirectory(blocked),
      snapshotEveryCommands: 5,
      snapshotEveryMs: 1e12,
      invariantCheckEveryCommands: 0,
      onFailure: (error) => failures.push(error),
    });
    for (const command of marketSetup()) await core.submitValid(command);
    await Promise.all(burst("x", 10).map((c) => core.submitValid(c)));
    await expect.poll(() => failures.length, { timeout: 10_000 }).toBe(1);
    expect(failures[0]!.message).toMatch(/snapshot worker/);
    await expect(core.submitValid(order("refused", "b", "buy", 990, 1))).rejects.toThrow(/snapshot worker/);
    expect(await readdir(dir)).toEqual(["not-a-directory"]);
  });

  it("passes over a snapshot written by another version of the core (recovery replays instead)", async () => {
    const store = createMemoryEventStore();
    const snapshots = new SnapshotDirectory(join(dir, "snapshots"));
    const core = await runtimeOn(store, snapshots, 1e9);
    for (const command of marketSetup()) await core.submitValid(command);
    await core.close();
    const current = (await snapshots.latest())!;
    // A newer file in an old format: its state is not what this core restores.
    const old = { ...current, seq: current.seq + 1, state: { ...current.state, version: 1 } };
    snapshots.writeSync(
      { journalRevision: old.journalRevision, seq: old.seq, hash: old.hash },
      JSON.stringify(old.state),
    );
    expect((await snapshots.latest())?.seq).toBe(current.seq);
    const recovered = await recover(store, snapshots);
    expect(stateHash(recovered.state)).toBe(stateHash(core.state));
  });

  it("pushes back on commands while the replica is behind its limit (not on a halt), and takes them again once it caught up", async () => {
    const store = createMemoryEventStore();
    // One record handed over is already too far behind.
    const core = await runtimeOn(store, new SnapshotDirectory(join(dir, "snapshots")), 1e9, {
      snapshotReplicaLagMax: 1,
    });
    const handedOver = new Promise<void>((resolve) => {
      // Called as the record is handed to the replica; the replica's answer cannot arrive before
      // a microtask queued here runs.
      const stop = core.onEvents(() => {
        stop();
        queueMicrotask(resolve);
      });
    });
    const first = core.submitValid(marketSetup()[0]!);
    await handedOver;
    await first;
    const status = core.status();
    expect(status.snapshotReplicaLagRecords).toBeGreaterThan(0);
    expect(status.snapshotReplicaLagBytes).toBeGreaterThan(1);
    const refused = core.submitValid(marketSetup()[1]!);
    await expect(refused).rejects.toThrow(CoreOverloaded);
    // The code travels with the refusal over the bus (BusRemoteError.code), for the gateways.
    await expect(refused).rejects.toMatchObject({ code: "CORE_OVERLOADED" });
    // A command that relieves the core (here an operator's halt) goes into the reserve above the limit.
    const halt = await core.submitValid({
      type: "SetTradingState",
      commandId: "halt",
      symbol,
      state: "halted",
    });
    expect(halt.outcome.status).toBe("accepted");
    // The replica reports once it has applied what it holds, so the lag comes back to zero.
    await expect
      .poll(() => core.status(), { timeout: 10_000 })
      .toMatchObject({ snapshotReplicaLagRecords: 0, snapshotReplicaLagBytes: 0 });
    const again = await core.submitValid(marketSetup()[1]!);
    expect(again.outcome.status).toBe("accepted");
    await core.close({ snapshot: false });
  });

  it("checks each record's events against the core's, a record stored in parts included", async () => {
    // An 8 KiB append limit: closing a market with 400 resting asks (~24 KB of events) stores them in parts.
    const store = createMemoryEventStore({ maxAppendBytes: 8 * 1024 });
    const snapshots = new SnapshotDirectory(join(dir, "snapshots"));
    const failures: Error[] = [];
    const core = await runtimeOn(store, snapshots, 1e9, { onFailure: (error) => failures.push(error) });
    for (const command of marketSetup()) await core.submitValid(command);
    for (let i = 0; i < 400; i++) await core.submitValid(order(`ask${i}`, "p", "sell", 1_000 + i, 1));
    const closed = await core.submitValid({
      type: "SetTradingState",
      commandId: "close",
      symbol,
      state: "closed",
    });
    expect(closed.events.filter((e) => e.type === "OrderCancelled")).toHaveLength(400);
    await core.close();
    const entries = (await store.readStream(eventsStream)).map((e) => e.data as { from?: number });
    expect(entries.filter((e) => e.from !== undefined).length).toBeGreaterThan(1);
    expect(failures).toEqual([]);
    expect((await snapshots.latest())!.hash).toBe(stateHash(core.state));
  });

  it("runs the invariant checks on the replica: a broken one stops the core", async () => {
    const store = createMemoryEventStore();
    const setup = await runtimeOn(store, new SnapshotDirectory(join(dir, "setup")), 1e9);
    for (const command of marketSetup()) await setup.submitValid(command);
    await setup.close({ snapshot: false });
    // Money out of nowhere in the state the core (and so its replica) starts from.
    const recovered = await recover(store, undefined);
    recovered.state.accounts.get("b")!.balances.get("CNY")!.available += 1;
    const failures: Error[] = [];
    const core = new CoreRuntime(recovered, {
      store,
      snapshots: new SnapshotDirectory(join(dir, "snapshots")),
      snapshotEveryCommands: 1e9,
      snapshotEveryMs: 1e12,
      invariantCheckEveryCommands: 0,
      onFailure: (error) => failures.push(error),
    });
    // Journaled before the replica sees it: the core's own thread no longer runs the checks.
    expect((await core.submitValid(order("o1", "b", "buy", 1_000, 1))).outcome.status).toBe("accepted");
    await expect.poll(() => failures.length, { timeout: 10_000 }).toBe(1);
    expect(failures[0]!.message).toMatch(/snapshot worker: .*CNY/s);
    await expect(core.submitValid(order("o2", "b", "buy", 1_000, 1))).rejects.toThrow(/CNY/);
  });

  it("stops the core when a record's events differ from what the replica emits (a core that is not deterministic)", async () => {
    const store = createMemoryEventStore();
    const failures: Error[] = [];
    const core = await runtimeOn(store, new SnapshotDirectory(join(dir, "snapshots")), 1e9, {
      invariantCheckEveryCommands: 1e9,
      onFailure: (error) => failures.push(error),
    });
    for (const command of marketSetup()) await core.submitValid(command);
    // What nondeterminism looks like from outside: the core's state moves without a command, so
    // the next order is decided on a state that no replay of the journal can rebuild.
    core.state.accounts.get("b")!.balances.get("CNY")!.available = 0;
    const refused = await core.submitValid(order("unfunded", "b", "buy", 1_000, 1));
    expect(refused.outcome.status).toBe("rejected");
    await expect.poll(() => failures.length, { timeout: 10_000 }).toBe(1);
    expect(failures[0]!.message).toMatch(/not deterministic: replaying journal record \d+ \(from seq 7\)/);
    await expect(core.submitValid(order("after", "p", "sell", 1_000, 1))).rejects.toThrow(
      /not deterministic/,
    );
  });
});

describe("snapshot files", () => {
  it("a snapshot of several sync chunks is written whole, multi-byte text across chunk edges included", async () => {
    const snapshots = new SnapshotDirectory(join(dir, "snapshots"));
    // 3-byte characters: chunk edges fall inside them, as they will in real snapshots.
    const filler = "€".repeat(Math.ceil((2.5 * snapshotSyncChunkBytes) / 3));
    const state = { version: coreSnapshotVersion, filler };
    snapshots.writeSync({ journalRevision: 7, seq: 42, hash: "h" }, JSON.stringify(state));
    const written = await snapshots.latest();
    expect(written).toMatchObject({ journalRevision: 7, seq: 42, hash: "h" });
    expect((written!.state as unknown as typeof state).filler).toBe(filler);
  });
});
