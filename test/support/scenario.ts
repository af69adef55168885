// One end-to-end scenario, run against every mode: accounts, keys and money by the operator,
// listing accounts and keys, a trade between REST on one gateway and WebSocket on another, the
// trade and book on the public market data,
// isolation, replay refusal, idempotent retries across gateways, revocation reaching every gateway.
import { crc32 } from "node:zlib";
import { expect, it } from "vitest";
import WebSocket from "ws";
import { Client, OrderSocket } from "./client.ts";
import type { RunningExchange } from "./processes.ts";

export const symbol = "H100.WUHU.2027M01";

export function exchangeScenario(exchange: () => RunningExchange) {
  const order = (clientOrderId: string, side: "buy" | "sell", price: string, quantityLots = 1) => ({
    symbol,
    clientOrderId,
    side,
    orderType: "limit",
    price,
    quantityLots,
  });
  let alice: Client;
  let bob: Client;
  let aliceOrderId: string;

  it("bootstraps: the operator key file exists with mode 0600 and lists a product", async () => {
    const { statSync } = await import("node:fs");
    const { urls, operatorKeyFile } = exchange();
    expect(statSync(operatorKeyFile).mode & 0o777).toBe(0o600);
    const operator = Client.fromKeyFile(urls[0]!, operatorKeyFile);
    await operator.ok("POST", "/v1/products", { symbol, referencePrice: "20.00" });
    alice = await operator.createTrader("alice", "100000.00");
    bob = (await operator.createTrader("bob", "100000.00")).at(urls[urls.length - 1]!);
    const products = await alice.ok<{ symbol: string; state: string }[]>("GET", "/v1/products");
    expect(products).toEqual([expect.objectContaining({ symbol, state: "open" })]);
  });

  it("lists accounts and keys: the operator sees every account's, a trader only its own keys", async () => {
    const { urls, operatorKeyFile } = exchange();
    const operator = Client.fromKeyFile(urls[urls.length - 1]!, operatorKeyFile);
    const accounts = await operator.ok<{ accountId: string }[]>("GET", "/v1/accounts");
    expect(accounts.map((a) => a.accountId)).toEqual(["operator", "alice", "bob"]);
    const keys = await operator.ok("GET", "/v1/accounts/bob/api-keys");
    expect(keys).toEqual([
      { keyId: "bob-key", accountId: "bob", publicKey: expect.any(String), scopes: ["trade", "read"] },
    ]);
    expect(await bob.ok("GET", "/v1/api-keys")).toEqual(keys);
    expect((await bob.request("GET", "/v1/accounts")).status).toBe(403);
  });

  it("trades: a REST maker on one gateway, a WebSocket taker on another", async () => {
    const placed = await alice.ok<{ orderId: string; status: string }>(
      "POST",
      "/v1/orders",
      order("a1", "buy", "20.10", 3),
    );
    expect(placed.status).toBe("new");
    aliceOrderId = placed.orderId;
    const socket = await OrderSocket.login(bob);
    const [ack] = await socket.send<{ type: string; result: { status: string; fills: unknown[] } }[]>([
      { op: "place", id: "b1", data: order("b1", "sell", "20.00", 2) },
    ]);
    socket.close();
    expect(ack).toMatchObject({
      type: "ack",
      result: { status: "filled", fills: [{ price: "20.10", quantityLots: 2 }] },
    });
    const fills = await alice.ok<{ price: string; quantityLots: number; liquidity: string }[]>(
      "GET",
      "/v1/fills",
    );
    expect(fills).toEqual([expect.objectContaining({ price: "20.10", quantityLots: 2, liquidity: "maker" })]);
    const positions = await bob.ok<{ quantityLots: number }[]>("GET", "/v1/positions");
    expect(positions).toEqual([expect.objectContaining({ symbol, quantityLots: -2 })]);
  });

  it("publishes the trade and the book on the public market data, agreeing with the core", async () => {
    const { urls, marketDataUrl } = exchange();
    const get = async <T>(url: string) => (await (await fetch(url)).json()) as T;
    // The market data follows the core's events: in the distributed mode, another process.
    await expect
      .poll(async () => (await get<{ trades: unknown[] }>(`${marketDataUrl}/v1/trades/${symbol}`)).trades, {
        timeout: 5_000,
      })
      .toEqual([expect.objectContaining({ price: "20.10", qty: 2, side: "sell" })]);
    const feedBook = await get<{ seq: number; bids: [string, number, number][]; asks: unknown[] }>(
      `${marketDataUrl}/v1/book/${symbol}?depth=10`,
    );
    const coreBook = await get<{ bids: { price: string; quantityLots: number; orders: number }[] }>(
      `${urls[0]}/v1/products/${symbol}/book`,
    );
    expect(feedBook.bids).toEqual(coreBook.bids.map((l) => [l.price, l.quantityLots, l.orders]));
    expect(feedBook.bids).toEqual([["20.10", 1, 1]]);
    expect(feedBook.asks).toEqual([]);
    // The WebSocket feed's snapshot: the same levels, the same seq, the documented checksum.
    const snapshot = await bookSnapshot(marketDataUrl, symbol);
    expect(snapshot).toMatchObject({ type: "snapshot", seq: feedBook.seq, asks: [] });
    expect(snapshot.bids).toEqual(feedBook.bids);
    expect(snapshot.checksum).toBe(crc32("20.10:1"));
  });

  it("isolates accounts: bob can neither see nor cancel alice's order", async () => {
    expect((await bob.request("GET", `/v1/orders/${aliceOrderId}`)).status).toBe(404);
    expect((await bob.request("DELETE", `/v1/orders/${aliceOrderId}`)).status).toBe(404);
    const open = await alice.ok<{ orderId: string; remainingLots: number }[]>("GET", "/v1/orders");
    expect(open).toEqual([expect.objectContaining({ orderId: aliceOrderId, remainingLots: 1 })]);
  });

  it("refuses a replayed signed request", async () => {
    const body = JSON.stringify(order("a2", "buy", "19.00"));
    const headers = alice.signer.headers({ method: "POST", path: "/v1/orders", body });
    expect((await alice.send("POST", "/v1/orders", body, headers)).status).toBe(201);
    const replay = await alice.send<{ code: string }>("POST", "/v1/orders", body, headers);
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe("NONCE_REPLAYED");
  });

  it("places an order once when a retry with the same Idempotency-Key lands on another gateway", async () => {
    const { urls } = exchange();
    const retry = { "idempotency-key": "retry-1" };
    const first = await alice.request("POST", "/v1/orders", order("a3", "buy", "19.10"), retry);
    const again = await alice
      .at(urls[urls.length - 1]!)
      .request("POST", "/v1/orders", order("a3", "buy", "19.10"), retry);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect((again.body as { orderId: string }).orderId).toBe((first.body as { orderId: string }).orderId);
    const open = await alice.ok<{ clientOrderId: string }[]>("GET", "/v1/orders");
    expect(open.filter((o) => o.clientOrderId === "a3")).toHaveLength(1);
  });

  it("refuses a key revoked on one gateway on every gateway at once, not after a cache expires", async () => {
    const { urls, operatorKeyFile } = exchange();
    const operator = Client.fromKeyFile(urls[0]!, operatorKeyFile);
    const carol = await operator.createTrader("carol", "10.00");
    const elsewhere = carol.at(urls[urls.length - 1]!);
    // The other gateway now holds the key in its cache, trusted for a second (busKeyCacheMs).
    expect((await elsewhere.request("GET", "/v1/balances")).status).toBe(200);
    expect((await carol.request("DELETE", `/v1/api-keys/${carol.signer.keyId}`)).status).toBe(200);
    expect((await carol.request("GET", "/v1/balances")).status).toBe(401);
    // Well inside that second: only the core's revocation broadcast can have evicted it.
    await expect
      .poll(async () => (await elsewhere.request("GET", "/v1/balances")).status, {
        timeout: 300,
        interval: 20,
      })
      .toBe(401);
  });
}

/** Subscribes to one product's book on the public feed and returns the first snapshot. */
async function bookSnapshot(
  baseUrl: string,
  product: string,
): Promise<{ type: string; seq: number; bids: unknown[]; asks: unknown[]; checksum: number }> {
  const socket = new WebSocket(`${baseUrl.replace(/^http/, "ws")}/v1/ws/market`);
  try {
    await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
    const snapshot = new Promise<string>((resolve) => {
      socket.on("message", (data) => {
        const text = data.toString();
        if (text.includes('"type":"snapshot"')) resolve(text);
      });
    });
    socket.send(JSON.stringify({ op: "subscribe", channel: "book", symbols: [product], id: 1 }));
    return JSON.parse(await snapshot);
  } finally {
    socket.close();
  }
}
