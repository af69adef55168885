// The standalone service on a real core runtime and event store: REST snapshots agree with the
// engine; the private feed gives each logged-in account only its own messages, gap-free, ending
// at the core's balances; a restart resumes from the checkpoint with the same books and
// sequences continuing.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequestSigner, generateApiKeyPair, newNonce } from "@ghx/auth";
import { type CoreRuntime, startCoreRuntime } from "@ghx/core-service";
import { createMemoryEventStore, type EventStore } from "@ghx/eventstore";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MarketDataService, startMarketDataService } from "../src/index.ts";
import { FeedClient, type Message } from "./support/feed-client.ts";
import { futureSpec, prng } from "./support/random-market.ts";

const symbol = "H100.WUHU.2027M01";
const accounts = ["alice", "bob", "carol"];
const keys = Object.fromEntries(accounts.map((a) => [a, generateApiKeyPair()]));
let dirs: string[] = [];
let store: EventStore;
let core: CoreRuntime;
let service: MarketDataService;
let counter = 0;

const submit = async (command: Record<string, unknown>) => {
  const result = await core.submit({ commandId: `t${++counter}`, ...command });
  if (result.outcome.status === "rejected" && !("orderId" in command) && command.type !== "PlaceOrder") {
    throw new Error(`${String(command.type)} rejected: ${result.outcome.message}`);
  }
  return result;
};

async function randomOrders(n: number, seed: number) {
  const random = prng(seed);
  for (let i = 0; i < n; i++) {
    const accountId = accounts[Math.floor(random() * accounts.length)]!;
    const side = random() < 0.5 ? "buy" : "sell";
    const price = 10_000 + Math.floor(random() * 21) - 10;
    await submit({
      type: "PlaceOrder",
      accountId,
      clientOrderId: `o${counter}`,
      symbol,
      side,
      orderType: "limit",
      price,
      qty: 1 + Math.floor(random() * 5),
      tif: "GTC",
    });
  }
}

const http = async (path: string) => {
  const response = await fetch(new URL(path, service.url));
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

async function login(account: string): Promise<FeedClient> {
  const client = await FeedClient.connect(service.url.replace("http", "ws") + service.feed.path);
  const fields = {
    timestampMs: Date.now(),
    nonce: newNonce(),
    method: "GET",
    path: service.feed.path,
    body: "",
  };
  const signature = createRequestSigner(`${account}-key`, keys[account]!.privateKey).signFields(fields);
  client.send({
    op: "login",
    keyId: `${account}-key`,
    timestamp: fields.timestampMs,
    nonce: fields.nonce,
    signature,
  });
  return client;
}

const settled = () => service.feed.market.lastSeq === core.state.lastSeq;
const waitSettled = async () => {
  for (let i = 0; i < 500 && !settled(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(settled()).toBe(true);
};

beforeAll(async () => {
  dirs = [mkdtempSync(join(tmpdir(), "ghx-md-core-")), mkdtempSync(join(tmpdir(), "ghx-md-"))];
  store = createMemoryEventStore();
  core = await startCoreRuntime({
    dataDir: dirs[0]!,
    store,
    snapshotEveryCommands: 1e9,
    snapshotEveryMs: 1e9,
    invariantCheckEveryCommands: 1_000,
  });
  await submit({ type: "ListProduct", product: futureSpec(symbol), open: true });
  for (const accountId of accounts) {
    await submit({ type: "CreateAccount", accountId, owner: accountId, capabilities: ["trade"] });
    await submit({ type: "Deposit", accountId, currency: "CNY", amount: 1e12 });
    await submit({
      type: "RegisterApiKey",
      accountId,
      keyId: `${accountId}-key`,
      publicKey: keys[accountId]!.publicKey,
      scopes: ["read", "trade"],
    });
  }
  await randomOrders(300, 1);
  service = await startMarketDataService({ store, dataDir: dirs[1]!, checkpointEveryEvents: 50 });
  await service.caughtUp;
});

afterAll(async () => {
  await service.close();
  await core.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe("market-data service", () => {
  it("serves REST snapshots that agree with the engine", async () => {
    await waitSettled();
    const book = await http(`/v1/book/${symbol}?depth=500`);
    const engine = core.state.products.get(symbol)!.book;
    const wire = (side: "buy" | "sell") =>
      engine.depth(side, 500).map((l) => [(l.price / 100).toFixed(2), l.qty, l.count]);
    expect(book.status).toBe(200);
    expect(book.body).toMatchObject({ symbol, bids: wire("buy"), asks: wire("sell") });
    expect(book.body.seq).toBe(service.feed.market.product(symbol)!.bookSeq);
    const trades = await http(`/v1/trades/${symbol}?limit=5`);
    expect((trades.body.trades as unknown[]).length).toBe(5);
    const candles = await http(`/v1/candles/${symbol}?interval=1h`);
    expect((candles.body.candles as { volume: number }[]).reduce((n, c) => n + c.volume, 0)).toBe(
      service.feed.market.product(symbol)!.trades.reduce((n, t) => n + t.qty, 0),
    );
    const tickers = (await http("/v1/tickers")).body as unknown as { symbol: string; bid: string }[];
    expect(tickers[0]).toMatchObject({ symbol, bid: wire("buy")[0]![0] });
    expect((await http("/v1/book/H100.WUHU.2099M01")).status).toBe(404);
    expect((await http(`/v1/book/${symbol}?depth=0`)).status).toBe(400);
  });

  it("gives each account only its own private messages, gap-free, ending at the core's balances", async () => {
    const clients = Object.fromEntries(
      await Promise.all(accounts.map(async (a) => [a, await login(a)] as const)),
    );
    for (const a of accounts)
      await clients[a]!.until(() => clients[a]!.messages.some((m) => m.type === "snapshot"));
    await randomOrders(300, 2);
    await waitSettled();
    for (const account of accounts) {
      const client = clients[account]!;
      const finalSeq = service.feed.accounts.seq(account);
      const last = () =>
        client.messages.findLast((m) => m.channel === "private") as Message & { seq?: number };
      await client.until(() => last()?.seq === finalSeq, 5_000, `${account} seq ${finalSeq}`);
      const snapshot = client.messages.find((m) => m.type === "snapshot") as Message & { seq: number };
      const updates = client.messages.filter((m) => m.channel === "private" && m.type !== "snapshot");
      expect(updates.length).toBeGreaterThan(10);
      expect(updates.every((m) => m.account === account)).toBe(true);
      expect(updates.map((m) => m.seq)).toEqual(updates.map((_, i) => snapshot.seq + i + 1));
      const balance = updates.filter((m) => m.type === "balance").at(-1) as unknown as {
        balance: { available: string; held: string };
      };
      const core$ = core.state.accounts.get(account)!.balances.get("CNY")!;
      expect(balance.balance.available).toBe((core$.available / 100).toFixed(2));
      expect(balance.balance.held).toBe((core$.held / 100).toFixed(2));
      client.close();
    }
  });

  it("refuses a login with a bad signature", async () => {
    const client = await FeedClient.connect(service.url.replace("http", "ws") + service.feed.path);
    const bad = "A".repeat(86);
    client.send({
      op: "login",
      keyId: "alice-key",
      timestamp: Date.now(),
      nonce: newNonce(),
      signature: bad,
    });
    await client.until(() => client.messages.length > 0);
    expect(client.messages[0]).toMatchObject({ type: "error", code: "INVALID_SIGNATURE" });
    client.close();
  });

  it("restarts from its checkpoint and continues the same books and sequences", async () => {
    await waitSettled();
    const before = service.feed.market.product(symbol)!;
    const seqBefore = before.bookSeq;
    await service.close();
    service = await startMarketDataService({ store, dataDir: dirs[1]!, checkpointEveryEvents: 50 });
    expect(service.feed.market.product(symbol)!.bookSeq).toBe(seqBefore);
    await service.caughtUp;
    await randomOrders(100, 3);
    await waitSettled();
    const engine = core.state.products.get(symbol)!.book;
    const levels = service.feed.market.product(symbol)!.book.depth(500);
    expect(levels.bids.map((l) => [l.price, l.qty, l.count])).toEqual(
      engine.depth("buy", 500).map((l) => [l.price, l.qty, l.count]),
    );
    expect(service.feed.market.product(symbol)!.bookSeq).toBeGreaterThan(seqBefore);
  });
});
