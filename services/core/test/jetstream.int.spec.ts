// The core over NATS JetStream: journal before ack, recovery from the JetStream journal, and
// the expected-revision fence that stops an old primary once a standby has taken over.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connectNatsBus } from "@ghx/bus";
import { stateHash } from "@ghx/core";
import type { CoreCommand } from "@ghx/domain";
import { type EventStore, openJetStreamEventStore, WrongExpectedRevision } from "@ghx/eventstore";
import { type NatsServers, natsAvailable, startNatsServer } from "@ghx/testkit";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  type CoreRuntime,
  CoreStandby,
  coreBusClient,
  eventsStream,
  type StoredEventsRecord,
  startCoreRuntime,
  verifyJournal,
} from "../src/index.ts";
import { startCoreChild } from "./child.ts";
import { journaledCommandIds, marketSetup, order, symbol } from "./fixtures.ts";

describe.skipIf(!natsAvailable())("core over JetStream", () => {
  let nats: NatsServers;
  const stores: EventStore[] = [];
  const dirs: string[] = [];
  beforeAll(async () => {
    nats = await startNatsServer();
  });
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await nats?.stop();
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  async function openStore(): Promise<EventStore> {
    const store = await openJetStreamEventStore({ servers: nats.servers });
    stores.push(store);
    return store;
  }

  async function start(): Promise<{ runtime: CoreRuntime; store: EventStore }> {
    const store = await openStore();
    const dataDir = await mkdtemp(join(tmpdir(), "ghx-core-js-"));
    dirs.push(dataDir);
    return { runtime: await startCoreRuntime({ dataDir, store }), store };
  }

  it("acks only what the journal holds; a hot standby follows, takes over and fences out the old primary", async () => {
    const { runtime: primary, store } = await start();
    for (const command of marketSetup()) await primary.submit(command);
    const acked = await Promise.all(
      Array.from({ length: 50 }, (_, i) => primary.submit(order(`js${i}`, "b", "buy", 500 + i, 1))),
    );
    expect(acked.every((r) => r.outcome.status === "accepted")).toBe(true);
    const ids = await journaledCommandIds(store);
    for (let i = 0; i < 50; i++) expect(ids).toContain(`js${i}`);

    // A hot standby follows the same journal while the primary keeps going...
    const follower = await CoreStandby.start(await openStore(), undefined, 5);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => primary.submit(order(`late${i}`, "b", "buy", 600 + i, 1))),
    );
    await vi.waitFor(() => expect(follower.state.lastSeq).toBe(primary.state.lastSeq), { timeout: 5_000 });
    expect(stateHash(follower.state)).toBe(stateHash(primary.state));
    // ...and takes over: its first append moves the journal on.
    const options = { snapshotEveryCommands: 1e9, snapshotEveryMs: 1e12, invariantCheckEveryCommands: 1 };
    const standby = await follower.promote(options);
    expect((await standby.submit(order("after-failover", "b", "buy", 700, 1))).outcome.status).toBe(
      "accepted",
    );

    // ...and the old primary's next journal append fails on the expected revision: never acked.
    await expect(primary.submit(order("zombie", "b", "buy", 701, 1))).rejects.toBeInstanceOf(
      WrongExpectedRevision,
    );
    expect(primary.failed).toBeInstanceOf(WrongExpectedRevision);
    expect(await journaledCommandIds(store)).not.toContain("zombie");
    await standby.close();
    expect(await journaledCommandIds(store)).toContain("after-failover");
  });

  it("runs as its own process: commands by bus request/reply, journal and events in JetStream", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "ghx-core-js-proc-"));
    dirs.push(dataDir);
    const child = await startCoreChild(["--data", dataDir, "--nats", nats.servers.join(","), "--jetstream"]);
    const bus = await connectNatsBus({ servers: nats.servers });
    try {
      const client = coreBusClient(bus);
      const setup = marketSetup().map((c) => ({ ...c, commandId: `proc-${c.commandId}` }));
      // Sharing the server with the test above, the product and accounts may already exist.
      for (const command of setup) await client.submit(command);
      const placed = await client.submit(order("proc-order", "b", "buy", 800, 2));
      expect(placed.outcome).toMatchObject({ status: "accepted" });
      expect(placed.events[0]).toMatchObject({ type: "OrderAccepted", clientOrderId: "proc-order" });
      const open = (await client.query("openOrders", "b")) as { clientOrderId: string }[];
      expect(open.map((o) => o.clientOrderId)).toContain("proc-order");
    } finally {
      await bus.close();
      await child.stop();
    }
  });
});

describe.skipIf(!natsAvailable())("core over JetStream with the default 1 MiB class of max_payload", () => {
  it("closes a market whose cancels exceed one message: events in parts, recovery and verify agree", async () => {
    // 64 KiB plays the part of NATS's 1 MiB default: 3,000 cancels are ~180 KB of events.
    const nats = await startNatsServer({ maxPayloadBytes: 64 * 1024 });
    const dataDir = await mkdtemp(join(tmpdir(), "ghx-core-js-parts-"));
    const store = await openJetStreamEventStore({ servers: nats.servers });
    try {
      // One burst of 3,000 orders, validated one by one, can outwait the core's queue bound
      // on a slow box; the test is about the market close after it.
      const core = await startCoreRuntime({ dataDir, store, pendingWaitMaxMs: Number.POSITIVE_INFINITY });
      for (const command of marketSetup()) await core.submit(command);
      const asks = Array.from({ length: 3_000 }, (_, i) => order(`ask${i}`, "p", "sell", 1_000 + i, 1));
      await Promise.all(asks.map((command) => core.submit(command)));
      const close: CoreCommand = { type: "SetTradingState", commandId: "close", symbol, state: "closed" };
      const closed = await core.submit(close);
      expect(closed.events.filter((e) => e.type === "OrderCancelled")).toHaveLength(3_000);
      const hash = stateHash(core.state);
      await core.close();

      const entries = (await store.readStream(eventsStream)).map((e) => e.data as StoredEventsRecord);
      expect(entries.filter((e) => e.from !== undefined).length).toBeGreaterThanOrEqual(2);
      const verified = await verifyJournal(store);
      expect(verified.eventsRecordsCompared).toBe(verified.journalRecords);
      const again = await startCoreRuntime({ dataDir, store });
      expect(stateHash(again.state)).toBe(hash);
      await again.close();
    } finally {
      await store.close();
      await nats.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
