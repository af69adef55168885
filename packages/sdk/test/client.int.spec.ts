// The SDK against the embedded exchange (core + gateway) started in-process on a free port with a
// temp data dir: REST with signing, typed errors and Idempotency-Key; WebSocket order entry.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Exchange, startExchange } from "@ghx/exchange";
import { freePort } from "@ghx/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GhxApiError, GhxClient, newKeyFile, type OrderEntryClient, readKeyFile } from "../src/index.ts";
import { until } from "./support/until.ts";

const symbol = "H100.WUHU.2027M01";
let exchange: Exchange;
let dataDir: string;
let operator: GhxClient;

async function trader(accountId: string): Promise<GhxClient> {
  await operator.createAccount({ accountId, owner: accountId, capabilities: ["trade", "read"] });
  const key = newKeyFile({ accountId });
  await operator.registerApiKey(accountId, {
    keyId: key.keyId,
    publicKey: key.publicKey,
    scopes: ["trade", "read"],
  });
  await operator.deposit({ accountId, currency: "CNY", amount: "100000.00" });
  return new GhxClient({ url: exchange.url, key });
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "ghx-sdk-"));
  exchange = await startExchange({ dataDir, port: await freePort() });
  operator = new GhxClient({ url: exchange.url, key: await readKeyFile(exchange.operatorKeyFile) });
  await operator.listProduct({ symbol, referencePrice: "20.00" });
});

afterAll(async () => {
  await exchange?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("REST", () => {
  it("places, lists, matches and cancels with decimal prices", async () => {
    const alice = await trader("alice");
    const bob = await trader("bob");
    const bid = await alice.placeOrder({
      symbol,
      side: "buy",
      orderType: "limit",
      price: "19.90",
      quantityLots: 3,
    });
    expect(bid).toMatchObject({ status: "new", remainingLots: 3, symbol });
    expect((await operator.products())[0]).toMatchObject({ symbol, bestBid: "19.90", bestAsk: null });
    const sell = await bob.placeOrder({ symbol, side: "sell", orderType: "market", quantityLots: 1 });
    expect(sell).toMatchObject({ status: "filled", fills: [{ price: "19.90", quantityLots: 1 }] });
    const [open] = await alice.openOrders();
    expect(open).toMatchObject({ orderId: bid.orderId, filledLots: 1, remainingLots: 2, price: "19.90" });
    expect(await alice.book(symbol)).toEqual({
      symbol,
      bids: [{ price: "19.90", quantityLots: 2, orders: 1 }],
      asks: [],
    });
    expect((await alice.fills())[0]).toMatchObject({ price: "19.90", quantityLots: 1, liquidity: "maker" });
    expect((await alice.positions())[0]).toMatchObject({ symbol, quantityLots: 1, openBidLots: 2 });
    const replaced = await alice.replaceOrder({
      symbol,
      orderId: bid.orderId as string,
      price: "19.80",
      quantityLots: 2,
    });
    expect((await alice.order(replaced.orderId as string)).price).toBe("19.80");
    expect(await alice.cancelOrder(replaced.orderId as string)).toMatchObject({ cancelledOrders: 1 });
    expect(await alice.openOrders()).toEqual([]);
  });

  it("turns rejects into GhxApiError with the problem's code and field", async () => {
    const carol = await trader("carol");
    const error = await carol
      .placeOrder({ symbol, side: "buy", orderType: "limit", price: "99.00", quantityLots: 1 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GhxApiError);
    expect(error).toMatchObject({ status: 422, code: "PRICE_OUT_OF_BAND", field: "price" });
    await expect(carol.cancelOrder("424242")).rejects.toMatchObject({ status: 404, code: "ORDER_NOT_FOUND" });
    await expect(
      carol.createAccount({ accountId: "x", owner: "x", capabilities: ["trade"] }),
    ).rejects.toMatchObject({
      status: 403,
      code: "SCOPE_MISSING",
    });
    const stranger = new GhxClient({ url: exchange.url, key: newKeyFile() });
    await expect(stranger.balances()).rejects.toMatchObject({ status: 401, code: "UNKNOWN_API_KEY" });
  });

  it("lists accounts and keys: any account's for the operator, its own for a trader", async () => {
    const gina = await trader("gina");
    const all = await operator.accounts();
    expect(all[0]?.accountId).toBe("operator");
    expect(all.at(-1)).toEqual({
      accountId: "gina",
      owner: "gina",
      capabilities: ["trade", "read"],
      blocked: false,
      stpGroup: expect.any(Number),
      apiKeyCount: 1,
    });
    expect(await operator.accounts({ after: "operator", limit: 1 })).toEqual([all[1]]);
    expect(await operator.account("gina")).toEqual(all.at(-1));
    const keys = await operator.accountApiKeys("gina");
    expect(keys).toEqual([
      {
        keyId: expect.any(String),
        accountId: "gina",
        publicKey: expect.any(String),
        scopes: ["trade", "read"],
      },
    ]);
    expect(await gina.apiKeys()).toEqual(keys);
    await expect(operator.account("nobody")).rejects.toMatchObject({ status: 404, code: "UNKNOWN_ACCOUNT" });
    await expect(gina.accounts()).rejects.toMatchObject({ status: 403, code: "SCOPE_MISSING" });
  });

  it("places a batch in one request, each order acked or refused on its own", async () => {
    const frank = await trader("frank");
    const results = await frank.placeOrders([
      { symbol, side: "sell", orderType: "limit", price: "20.50", quantityLots: 1 },
      { symbol, side: "sell", orderType: "limit", price: "1.00", quantityLots: 1 },
    ]);
    expect(results[0]).toMatchObject({ ok: true, result: { status: "new" } });
    expect(results[1]).toMatchObject({ ok: false, error: { code: "PRICE_OUT_OF_BAND" } });
    expect((results[1] as { error: unknown }).error).toBeInstanceOf(GhxApiError);
    await frank.cancelAll();
  });

  it("an Idempotency-Key makes a repeated place run once", async () => {
    const dave = await trader("dave");
    const order = {
      symbol,
      side: "buy",
      orderType: "limit",
      price: "19.00",
      quantityLots: 1,
      clientOrderId: "d-1",
    } as const;
    const first = await dave.placeOrder(order, { idempotencyKey: "place-d-1" });
    const again = await dave.placeOrder(order, { idempotencyKey: "place-d-1" });
    expect(again).toEqual(first);
    expect(await dave.openOrders()).toHaveLength(1);
    await expect(
      dave.placeOrder({ ...order, quantityLots: 2 }, { idempotencyKey: "place-d-1" }),
    ).rejects.toMatchObject({ code: "IDEMPOTENCY_KEY_REUSED" });
  });
});

describe("WebSocket order entry", () => {
  let erin: GhxClient;
  let session: OrderEntryClient | undefined;
  beforeAll(async () => {
    erin = await trader("erin");
  });

  it("correlates place, replace, amend, cancel and a batch", async () => {
    session = await erin.connectOrderEntry();
    expect(session.accountId).toBe("erin");
    const placed = await session.place({
      symbol,
      side: "buy",
      orderType: "limit",
      price: "19.10",
      quantityLots: 5,
    });
    expect(placed).toMatchObject({ status: "new", remainingLots: 5 });
    const target = { symbol, orderId: placed.orderId as string };
    await session.amend({ ...target, newQuantityLots: 4 });
    const replaced = await session.replace({
      symbol,
      clientOrderId: placed.clientOrderId,
      price: "19.20",
      quantityLots: 2,
    });
    expect(replaced.orderId).toBeDefined();
    // By exchange order id alone: the order keeps its client order id.
    const byOrderId = await session.replace({ ...target, price: "19.30", quantityLots: 2 });
    expect(byOrderId.orderId).toBe(placed.orderId);
    const results = await session.batch([
      { op: "place", data: { symbol, side: "buy", orderType: "limit", price: "19.00", quantityLots: 1 } },
      { op: "place", data: { symbol, side: "buy", orderType: "limit", price: "50.00", quantityLots: 1 } },
      { op: "cancel", data: { symbol, orderId: replaced.orderId as string } },
    ]);
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    expect(results[1]).toMatchObject({
      ok: false,
      error: { code: "PRICE_OUT_OF_BAND", field: "1.data.price" },
    });
    expect((await erin.openOrders()).map((o) => o.price)).toEqual(["19.00"]);
    expect(await session.massCancel({ symbol })).toMatchObject({ cancelledOrders: 1 });
    await session.close();
  });

  it("cancel_after cancels the open orders when not re-armed", async () => {
    session = await erin.connectOrderEntry();
    await session.place({ symbol, side: "buy", orderType: "limit", price: "18.50", quantityLots: 1 });
    const fired = new Promise((resolve) => session?.once("cancel_after_fired", resolve));
    expect(await session.cancelAfter(1_000)).toMatchObject({ armed: true });
    expect(await fired).toMatchObject({ cancelledOrders: 1 });
    expect(await erin.openOrders()).toEqual([]);
    await session.close();
  });

  it("cancel-on-disconnect cancels the open orders when the connection drops", async () => {
    session = await erin.connectOrderEntry({ cancelOnDisconnect: true });
    await session.place({ symbol, side: "buy", orderType: "limit", price: "18.60", quantityLots: 1 });
    await session.close();
    await until(async () => (await erin.openOrders()).length === 0, "the cancel on disconnect");
  });

  it("a login with an unknown key is refused with its code", async () => {
    const stranger = new GhxClient({ url: exchange.url, key: newKeyFile() });
    await expect(stranger.connectOrderEntry()).rejects.toMatchObject({ code: "UNKNOWN_API_KEY" });
  });
});
