// kill -9: a core process under a steady command stream is SIGKILLed 20 times and restarted,
// with its journal in the file event store and in JetStream. Clients retry every command (same
// command id) until it is acknowledged. Afterwards every command's effect is present exactly
// once, and replaying the journal from zero gives the state hash of the last snapshot.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connectNatsBus } from "@ghx/bus";
import type { CoreCommand } from "@ghx/domain";
import { type EventStore, openFileEventStore, openJetStreamEventStore } from "@ghx/eventstore";
import { type NatsServers, natsAvailable, startNatsServer } from "@ghx/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { coreBusClient, SnapshotDirectory, verifyJournal } from "../src/index.ts";
import { type CoreChild, startCoreChild } from "./child.ts";
import { marketSetup, symbol } from "./fixtures.ts";

const kills = 20;
const workers = 6;
const initialDeposit = 1_000_000_000;

const journals = {
  file: { args: [], open: (dataDir: string) => openFileEventStore(join(dataDir, "events")) },
  jetstream: {
    args: ["--jetstream"],
    open: (_dataDir: string, servers: string[]) => openJetStreamEventStore({ servers }),
  },
} satisfies Record<string, { args: string[]; open(dataDir: string, servers: string[]): Promise<EventStore> }>;

describe.skipIf(!natsAvailable()).each(Object.keys(journals) as (keyof typeof journals)[])(
  "core process under kill -9, journal in %s",
  (journal) => {
    let nats: NatsServers;
    let dataDir: string;
    beforeAll(async () => {
      nats = await startNatsServer();
      dataDir = await mkdtemp(join(tmpdir(), "ghx-core-crash-"));
    });
    afterAll(async () => {
      await nats?.stop();
      await rm(dataDir, { recursive: true, force: true });
    });

    it("loses no acknowledged command and applies none twice", async () => {
      const args = [
        "--data",
        dataDir,
        "--nats",
        nats.servers.join(","),
        "--snapshot-every",
        "500",
        ...journals[journal].args,
      ];
      let core: CoreChild = await startCoreChild(args);
      const bus = await connectNatsBus({ servers: nats.servers });
      const client = coreBusClient(bus, 1_000);
      const submitUntilAcked = async (command: CoreCommand) => {
        for (;;) {
          try {
            return await client.submit(command);
          } catch {
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
        }
      };
      for (const command of marketSetup()) await submitUntilAcked(command);

      let running = true;
      const sent = { deposits: 0, orders: 0 };
      const worker = async (w: number) => {
        for (let i = 0; running; i++) {
          const id = `w${w}-${i}`;
          const command: CoreCommand =
            i % 2 === 0
              ? { type: "Deposit", commandId: id, accountId: "b", currency: "CNY", amount: 1 }
              : {
                  type: "PlaceOrder",
                  commandId: id,
                  accountId: "b",
                  clientOrderId: id,
                  symbol,
                  side: "buy",
                  orderType: "limit",
                  price: 100 + (i % 500),
                  qty: 1,
                  tif: "GTC",
                };
          const result = await submitUntilAcked(command);
          expect(result.outcome.status).toBe("accepted");
          if (command.type === "Deposit") sent.deposits++;
          else sent.orders++;
        }
      };
      const streams = Array.from({ length: workers }, (_, w) => worker(w));
      for (let k = 0; k < kills; k++) {
        await new Promise((resolve) => setTimeout(resolve, 250 + ((k * 97) % 400)));
        await core.kill9();
        core = await startCoreChild(args);
      }
      running = false;
      await Promise.all(streams);

      const balance = (
        (await client.query("balances", "b")) as Record<string, { available: number; held: number }>
      )["CNY"]!;
      expect(balance.available + balance.held).toBe(initialDeposit + sent.deposits);
      expect((await client.query("openOrders", "b")) as unknown[]).toHaveLength(sent.orders);
      expect(sent.deposits + sent.orders).toBeGreaterThan(kills * workers);
      await core.stop();
      await bus.close();

      const store = await journals[journal].open(dataDir, nats.servers);
      try {
        const verified = await verifyJournal(store, new SnapshotDirectory(join(dataDir, "snapshots")));
        expect(verified.snapshot?.seq).toBe(verified.commands);
        expect(verified.hash).toBe(verified.snapshot?.hash);
        expect(verified.eventsRecordsCompared).toBe(verified.journalRecords);
      } finally {
        await store.close();
      }
    });
  },
);
