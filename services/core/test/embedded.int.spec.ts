import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stateHash } from "@ghx/core";
import { openFileEventStore } from "@ghx/eventstore";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  commandEvents,
  decodeEventsRecord,
  type EventsRecord,
  eventsStream,
  journalStream,
  type StoredEventsRecord,
  startCoreRuntime,
  startEmbeddedCore,
} from "../src/index.ts";
import { journaledCommandIds, marketSetup, order } from "./fixtures.ts";

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "ghx-core-"));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

async function journaledIds(): Promise<string[]> {
  const store = await openFileEventStore(join(dataDir, "events"));
  try {
    return await journaledCommandIds(store);
  } finally {
    await store.close();
  }
}

describe("embedded core over the file store", () => {
  it("acks only journaled commands, groups them, and restarts to the same state hash", async () => {
    const core = await startEmbeddedCore({ dataDir, snapshotEveryCommands: 50 });
    for (const command of marketSetup()) expect((await core.submit(command)).outcome.status).toBe("accepted");
    const burst = Array.from({ length: 200 }, (_, i) =>
      order(`o${i}`, i % 2 ? "b" : "p", i % 2 ? "buy" : "sell", 1000, 1),
    );
    const results = await Promise.all(burst.map((c) => core.submit(c)));
    expect(results.every((r) => r.outcome.status === "accepted")).toBe(true);
    expect(results.filter((r) => r.events.some((e) => e.type === "TradeExecuted"))).toHaveLength(100);
    const hash = core.stateHash();
    await core.close();

    const journaled = await journaledIds();
    expect(journaled).toEqual([...marketSetup().map((c) => c.commandId), ...burst.map((c) => c.commandId)]);

    const again = await startEmbeddedCore({ dataDir });
    expect(again.stateHash()).toBe(hash);
    expect(again.queries.positions("b")["H100.WUHU.20261124T14"]?.qty).toBe(100);
    // The restarted core appends right after the last record (the snapshot's position is exact).
    expect((await again.submit(order("after-restart", "b", "buy", 900, 1))).outcome.status).toBe("accepted");
    await again.close();
    const third = await startEmbeddedCore({ dataDir });
    expect(third.queries.openOrders("b").map((o) => o.clientOrderId)).toContain("after-restart");
    await third.close();
  });

  it("cuts a group commit into records that fit the store's append limit, snapshot included", async () => {
    // JetStream takes 1 MiB per append by default; a small file-store limit plays that part (192 KiB
    // records leave ~64 KiB per append after the room kept for stream names and commit ids).
    const events = join(dataDir, "events");
    const store = await openFileEventStore(events, { recordBytesMax: 192 * 1024 });
    // The burst must make one group commit to be cut: no queue wait bound to split it.
    const core = await startCoreRuntime({
      dataDir,
      store,
      snapshotEveryCommands: 50,
      pendingWaitMaxMs: Number.POSITIVE_INFINITY,
    });
    for (const command of marketSetup()) await core.submitValid(command);
    const journalRecordsBefore = (await store.readStream(journalStream)).length;
    const burst = Array.from({ length: 2_000 }, (_, i) =>
      order(`big${i}`, i % 2 ? "b" : "p", i % 2 ? "buy" : "sell", 1000, 1),
    );
    const results = await Promise.all(burst.map((c) => core.submitValid(c)));
    expect(results.every((r) => r.outcome.status === "accepted")).toBe(true);
    const hash = stateHash(core.state);
    // Not close()'s own snapshot: the one taken at the burst's cut must name the right record.
    await core.close({ snapshot: false });
    const journal = await store.readStream(journalStream);
    expect(journal.length - journalRecordsBefore).toBeGreaterThan(2);
    expect((await store.readStream(eventsStream)).length).toBe(journal.length);
    expect(await journaledCommandIds(store)).toEqual([
      ...marketSetup().map((c) => c.commandId),
      ...burst.map((c) => c.commandId),
    ]);
    await store.close();

    const reopened = await openFileEventStore(events, { recordBytesMax: 192 * 1024 });
    const again = await startEmbeddedCore({ dataDir, store: reopened });
    expect(again.stateHash()).toBe(hash);
    expect((await again.submit(order("after", "b", "buy", 900, 1))).outcome.status).toBe("accepted");
    await again.close();
    await reopened.close();
  });

  it("a retried command id returns the first outcome and places nothing twice", async () => {
    const core = await startEmbeddedCore({ dataDir });
    for (const command of marketSetup()) await core.submit(command);
    const first = await core.submit(order("retry-me", "p", "sell", 1200, 3));
    const retry = await core.submit(order("retry-me", "p", "sell", 1200, 3));
    expect(retry.duplicate).toBe(true);
    expect(retry.outcome).toEqual(first.outcome);
    expect(core.queries.openOrders("p")).toHaveLength(1);
    await core.close();
  });

  it("publishes one events record per journal record, unpackable per command", async () => {
    const core = await startEmbeddedCore({ dataDir });
    const seen: EventsRecord[] = [];
    core.onEvents((record) => seen.push(record));
    for (const command of marketSetup()) await core.submit(command);
    await core.close();
    const store = await openFileEventStore(join(dataDir, "events"));
    const journal = await store.readStream(journalStream);
    const events = await store.readStream(eventsStream);
    await store.close();
    expect(events).toHaveLength(journal.length);
    const unpacked = events.flatMap((e) => [
      ...commandEvents(decodeEventsRecord(e.data as StoredEventsRecord)),
    ]);
    expect(unpacked.map((c) => c.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(unpacked[0]!.events[0]).toMatchObject({ type: "ProductListed" });
    expect(seen).toHaveLength(events.length);
  });
});
