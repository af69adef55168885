// Distributed mode over a private nats-server: the core journals to JetStream, the index's
// publications are in its journal stream (`ghx-index`, written here as @ghx/index writes them;
// the index's own tests check its publications parse with this package's schemas), and the
// standalone market-data service, on its own connection, serves them on the index channel, as
// the futures' settlement price (status channel, REST), and again after a restart.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CoreRuntime, startCoreRuntime } from "@ghx/core-service";
import { type JetStreamEventStore, openJetStreamEventStore } from "@ghx/eventstore";
import { type NatsServers, natsAvailable, startNatsServer } from "@ghx/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { indexStream, type MarketDataService, startMarketDataService } from "../src/index.ts";
import { FeedClient, type Message } from "./support/feed-client.ts";
import { futureSpec } from "./support/random-market.ts";

const future = "H100.WUHU.2027M01";
const january = Date.UTC(2027, 0, 1);
const hourly = "H100.WUHU.20270101T00";

/** A monthly index value as @ghx/index publishes it: the mean of `days`, the month's daily values so far. */
const monthly = (days: string[], value: string, revision: number) => ({
  type: "IndexPublished",
  v: 1,
  key: "H100.WUHU",
  classCode: "H100",
  zone: "WUHU",
  currency: "CNY",
  kind: "monthly",
  periodStart: january,
  value,
  method: "mean",
  stale: false,
  revision,
  publishedAt: january + days.length * 86_400_000,
  inputs: {
    source: "monthly",
    days: days.map((value, i) => ({ periodStart: january + i * 86_400_000, value })),
    final: false,
  },
});

describe.skipIf(!natsAvailable())("market-data following the index journal over JetStream", () => {
  let nats: NatsServers;
  let coreStore: JetStreamEventStore;
  let store: JetStreamEventStore;
  let core: CoreRuntime;
  let service: MarketDataService;
  const dirs = [mkdtempSync(join(tmpdir(), "ghx-md-core-")), mkdtempSync(join(tmpdir(), "ghx-md-"))];
  const start = () => startMarketDataService({ store, dataDir: dirs[1]!, checkpointEveryEvents: 1 });
  const http = async (path: string) => (await fetch(new URL(path, service.url))).json();

  beforeAll(async () => {
    nats = await startNatsServer();
    coreStore = await openJetStreamEventStore({ servers: nats.servers });
    store = await openJetStreamEventStore({ servers: nats.servers });
    core = await startCoreRuntime({ dataDir: dirs[0]!, store: coreStore });
    const products = [
      futureSpec(future),
      { ...futureSpec(hourly), kind: "hourly", marginBps: 0, deliveryTo: january + 3_600_000 },
    ];
    for (const product of products) {
      const listed = await core.submit({
        commandId: product.symbol,
        type: "ListProduct",
        product,
        open: true,
      });
      expect(listed.outcome.status).toBe("accepted");
    }
    service = await start();
    await service.caughtUp;
  });

  afterAll(async () => {
    await service?.close();
    await core?.close();
    await store?.close();
    await coreStore?.close();
    await nats?.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("serves the journal's publications on the index channel and as the future's settlement price", async () => {
    const client = await FeedClient.connect(service.url.replace("http", "ws") + service.feed.path);
    client.send({ op: "subscribe", channel: "index", symbols: ["H100.*"] });
    client.send({ op: "subscribe", channel: "status", symbols: [future] });
    const of = (channel: string) =>
      client.messages.filter((m) => m.channel === channel && m.type !== "subscribed");
    const status = () => of("status");
    await client.until(() => status().length === 1);
    expect(status()[0]).toMatchObject({ type: "snapshot", symbol: future, settlement: null });

    await coreStore.append(
      indexStream,
      [{ type: "IndexPublished", data: monthly(["10.0000"], "10.0000", 0) }],
      { commitId: "m0" },
    );
    await coreStore.append(
      indexStream,
      [{ type: "IndexPublished", data: monthly(["10.0000", "12.0000"], "11.0000", 1) }],
      { commitId: "m1" },
    );
    const index = () => of("index");
    await client.until(() => index().length === 2 && status().at(-1)?.settlement !== null, 10_000, "index");
    expect(index().map((m) => [m.type, m.key, m.kind, m.value, m.revision])).toEqual([
      ["update", "H100.WUHU", "monthly", "10.0000", 0],
      ["update", "H100.WUHU", "monthly", "11.0000", 1],
    ]);
    await client.until(
      () => (status().at(-1) as Message & { settlement: { revision: number } }).settlement.revision === 1,
    );
    const settlement = {
      index: "H100.WUHU",
      month: january,
      price: "11.0000",
      currency: "CNY",
      final: false,
      days: 2,
      stale: false,
      revision: 1,
      publishedAt: january + 2 * 86_400_000,
    };
    expect(status().at(-1)).toMatchObject({ type: "update", symbol: future, settlement });
    expect(await http(`/v1/settlement/${future}`)).toEqual({ symbol: future, settlement });
    client.close();
  });

  it("keeps them across a restart (checkpoint); no settlement price for physical or unknown products", async () => {
    await service.close();
    service = await start();
    await service.caughtUp;
    expect(await http(`/v1/settlement/${future}`)).toMatchObject({ settlement: { price: "11.0000" } });
    const client = await FeedClient.connect(service.url.replace("http", "ws") + service.feed.path);
    client.send({ op: "subscribe", channel: "index", symbols: ["*"] });
    const index = () => client.messages.find((m) => m.channel === "index" && m.type !== "subscribed");
    await client.until(() => index() !== undefined);
    expect(index()).toMatchObject({
      key: "H100.WUHU",
      revision: 1,
    });
    client.close();
    const physical = await fetch(new URL(`/v1/settlement/${hourly}`, service.url));
    expect(physical.status).toBe(400);
    const unknown = await fetch(new URL("/v1/settlement/H100.WUHU.2099M01", service.url));
    expect(unknown.status).toBe(404);
  });
});
