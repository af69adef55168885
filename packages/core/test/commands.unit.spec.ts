// Given/When/Then for every command: the events it emits and what they do to balances,
// positions and books.
import { describe, expect, it } from "vitest";
import { nextLiveExpiry, queries } from "../src/index.ts";
import {
  account,
  capacity,
  deposit,
  future,
  type Given,
  given,
  hourly,
  limit,
  listed,
  market,
  provider,
  t0,
} from "./spec.ts";

const symbol = hourly().symbol;
const cny = (state: Parameters<typeof queries.balances>[0], id: string) =>
  queries.balances(state, id)["CNY"]!;
const key = "b".repeat(43);

describe("accounts and keys", () => {
  it("CreateAccount", () => {
    given()
      .when({ type: "CreateAccount", accountId: "a", owner: "o", capabilities: ["trade", "trade", "read"] })
      .thenEvents([{ type: "AccountCreated", accountId: "a", owner: "o", capabilities: ["trade", "read"] }]);
  });

  it("RegisterApiKey and RevokeApiKey", () => {
    const spec = given(account("a"));
    spec
      .when({ type: "RegisterApiKey", accountId: "a", keyId: "k", publicKey: key, scopes: ["trade"] })
      .thenEvents([{ type: "ApiKeyRegistered", keyId: "k", publicKey: key }]);
    expect(queries.apiKey(spec.state, "k")).toMatchObject({ accountId: "a", scopes: ["trade"] });
    spec.when({ type: "RevokeApiKey", accountId: "a", keyId: "k" }).thenEvents([{ type: "ApiKeyRevoked" }]);
    expect(queries.apiKey(spec.state, "k")).toBeUndefined();
  });

  it("operator commands need an operating account", () => {
    const spec = given(account("ops", "exchange", ["operate"] as never), account("t"));
    spec
      .when({ ...deposit("t", 5), operatorId: "ops" } as Given)
      .thenEvents([{ type: "Deposited", amount: 5 }]);
    spec.when({ ...deposit("t", 5), operatorId: "t" } as Given).thenRejects("CAPABILITY_MISSING");
    const register = {
      type: "RegisterApiKey",
      accountId: "t",
      keyId: "k",
      publicKey: key,
      scopes: ["trade"],
    };
    spec.when({ ...register, operatorId: "t" } as Given).thenRejects("CAPABILITY_MISSING");
    expect(queries.apiKey(spec.state, "k")).toBeUndefined();
    spec.when({ ...register, operatorId: "ops" } as Given).thenEvents([{ type: "ApiKeyRegistered" }]);
  });
});

describe("money", () => {
  it("Deposit, Withdraw, IssueVoucher, PostBond", () => {
    const spec = given(provider("p"));
    spec.when(deposit("p", 1_000)).thenEvents([{ type: "Deposited", amount: 1_000 }]);
    spec
      .when({ type: "Withdraw", accountId: "p", currency: "CNY", amount: 300 })
      .thenEvents([{ type: "Withdrawn" }]);
    spec
      .when({ type: "IssueVoucher", accountId: "p", currency: "CNY", amount: 50 })
      .thenEvents([{ type: "VoucherIssued" }]);
    spec
      .when({ type: "PostBond", accountId: "p", currency: "CNY", amount: 200 })
      .thenEvents([{ type: "BondPosted" }]);
    expect(cny(spec.state, "p")).toMatchObject({ available: 500, bond: 200, voucherAvailable: 50 });
  });
});

describe("products and trading states", () => {
  it("ListProduct opens a book", () => {
    given()
      .when(listed())
      .thenEvents([{ type: "ProductListed", state: "open" }]);
  });

  it("halt keeps orders, resume trades again, close cancels every order and releases holds", () => {
    const spec = given(...market, limit("b", "buy", 1_000, 2));
    spec
      .when({ type: "SetTradingState", symbol, state: "halted" })
      .thenEvents([{ type: "TradingStateChanged", to: "halted" }]);
    expect(queries.openOrders(spec.state, "b")).toHaveLength(1);
    spec
      .when({ type: "SetTradingState", symbol, state: "open" })
      .thenEvents([{ type: "TradingStateChanged", to: "open" }]);
    spec
      .when({ type: "SetTradingState", symbol, state: "closed" })
      .thenEvents([
        { type: "OrderCancelled", reason: "market_closed", qty: 2 },
        { type: "TradingStateChanged" },
      ]);
    expect(cny(spec.state, "b")).toMatchObject({ available: 100_000, held: 0 });
  });
});

describe("physical trading", () => {
  it("a provider sells: buyer pays notional + taker fee, provider keeps proceeds as pending revenue", () => {
    const spec = given(...market, limit("p", "sell", 1_000, 5));
    spec.when(limit("b", "buy", 1_000, 3)).thenEvents([
      { type: "OrderAccepted", holdPerLot: 1_002, voucherHold: 0 },
      { type: "TradeExecuted", price: 1_000, qty: 3, makerRemaining: 2, takerRemaining: 0 },
    ]);
    // Taker fee ceil(3000 × 20 bps) = 6; maker fee ceil(3000 × 10 bps) = 3.
    expect(cny(spec.state, "b")).toMatchObject({ available: 96_994, held: 0 });
    // The provider's fee hold is 20 per lot (at the band top); 2 lots still open.
    expect(cny(spec.state, "p")).toMatchObject({ available: 9_957, held: 40, escrow: 3_000 });
    expect(spec.state.totals.get("CNY")!.feeIncome).toBe(9);
    expect(queries.positions(spec.state, "b")[symbol]!.qty).toBe(3);
    expect(queries.positions(spec.state, "p")[symbol]).toMatchObject({ qty: -3, escrowCash: 3_000 });
  });

  it("vouchers pay before cash and reach the provider only as escrow", () => {
    const spec = given(
      ...market,
      { type: "IssueVoucher", accountId: "b", currency: "CNY", amount: 2_000 },
      limit("p", "sell", 1_000, 5),
    );
    spec
      .when(limit("b", "buy", 1_000, 3))
      .thenEvents([{ type: "OrderAccepted", voucherHold: 2_000 }, { type: "TradeExecuted" }]);
    expect(cny(spec.state, "b")).toMatchObject({ available: 98_994, voucherAvailable: 0, voucherHeld: 0 });
    expect(cny(spec.state, "p")).toMatchObject({ escrow: 1_000, voucherEscrow: 2_000 });
  });

  it("a seller closing a long is paid at once; a buyer closing a short gets its pending revenue back", () => {
    const spec = given(
      ...market,
      account("c"),
      deposit("c", 100_000),
      limit("p", "sell", 1_000, 3),
      limit("b", "buy", 1_000, 3),
    );
    spec.when(limit("b", "sell", 1_100, 2)).thenEvents([{ type: "OrderAccepted" }]);
    spec
      .when(limit("c", "buy", 1_100, 2))
      .thenEvents([{ type: "OrderAccepted" }, { type: "TradeExecuted", qty: 2 }]);
    // b: 96,994 after buying; sells 2 at 1,100 as maker: +2,200 − fee 3 (the fee hold was 2 × 20).
    expect(cny(spec.state, "b")).toMatchObject({ available: 99_191, held: 0, escrow: 0 });
    spec.when(limit("c", "sell", 900, 1)).thenEvents([{ type: "OrderAccepted" }]);
    spec
      .when(limit("p", "buy", 900, 1))
      .thenEvents([{ type: "OrderAccepted" }, { type: "TradeExecuted", qty: 1 }]);
    expect(queries.positions(spec.state, "p")[symbol]).toMatchObject({ qty: -2, escrowCash: 2_000 });
  });

  it("self-trade prevention by owner: accounts of one owner never trade with each other", () => {
    const spec = given(
      listed(),
      provider("p1", "acme"),
      capacity("p1", 10),
      deposit("p1", 10_000),
      account("b1", "acme"),
    );
    spec.when(deposit("b1", 10_000));
    spec.when(limit("p1", "sell", 1_000, 1));
    const { applied } = spec.when(limit("b1", "buy", 1_000, 1));
    expect(applied.events.map((e) => e.type)).toEqual(["OrderAccepted", "OrderCancelled"]);
    expect(applied.events[1]).toMatchObject({ reason: "stp", accountId: "b1" });
  });

  it("capacity counts open asks and is shared by the hourly and the daily product of the same hours", () => {
    const daily = hourly({
      symbol: "H100.WUHU.20261124",
      kind: "daily",
      deliveryFrom: Date.UTC(2026, 10, 24),
      deliveryTo: Date.UTC(2026, 10, 25),
    });
    const spec = given(...market, listed(daily), limit("p", "sell", 1_000, 6));
    spec.when(limit("p", "sell", 1_000, 5, { symbol: daily.symbol })).thenRejects("CAPACITY_EXCEEDED");
    spec.when(limit("p", "sell", 1_000, 4, { symbol: daily.symbol })).thenEvents([{ type: "OrderAccepted" }]);
    spec.when(limit("p", "sell", 1_000, 1)).thenRejects("CAPACITY_EXCEEDED");
  });

  it("market orders sweep to the band; FOK that cannot fill is cancelled whole", () => {
    const spec = given(...market, limit("p", "sell", 1_000, 2), limit("p", "sell", 1_200, 2));
    spec
      .when({ ...limit("b", "buy", 1, 5), orderType: "market", tif: "IOC", price: undefined } as Given)
      .thenEvents([
        { type: "OrderAccepted", price: 10_000 },
        { type: "TradeExecuted", price: 1_000, qty: 2 },
        { type: "TradeExecuted", price: 1_200, qty: 2 },
        { type: "OrderCancelled", reason: "ioc_remainder", qty: 1 },
      ]);
    spec.when(limit("p", "sell", 1_000, 1));
    spec
      .when(limit("b", "buy", 1_000, 2, { tif: "FOK" }))
      .thenEvents([{ type: "OrderAccepted" }, { type: "OrderCancelled", reason: "fok" }]);
    expect(cny(spec.state, "b").held).toBe(0);
  });

  it("GTD orders expire when the book next sees a later time, releasing the hold", () => {
    const spec = given(...market, limit("b", "buy", 1_000, 2, { tif: "GTD", expiry: t0 + 1_000 }));
    expect(cny(spec.state, "b").held).toBe(2_004);
    spec
      .when(limit("b", "buy", 999, 1), t0 + 2_000)
      .thenEvents([{ type: "OrderExpired", qty: 2 }, { type: "OrderAccepted" }]);
    expect(cny(spec.state, "b").held).toBe(1_001);
  });
});

describe("ExpireOrders", () => {
  it("expires the due GTD orders of every book at the command's time and nothing else", () => {
    const later = hourly({ symbol: "H100.WUHU.20261124T15", deliveryFrom: t0 + 5 * 3_600_000 });
    const spec = given(
      ...market,
      listed(later),
      limit("b", "buy", 1_000, 2, { tif: "GTD", expiry: t0 + 1_000 }),
      limit("b", "buy", 1_000, 1, { tif: "GTD", expiry: t0 + 1_000, symbol: later.symbol }),
      limit("b", "buy", 1_000, 3, { tif: "GTD", expiry: t0 + 5_000 }),
      limit("b", "buy", 999, 1),
    );
    expect(nextLiveExpiry(spec.state)).toBe(t0 + 1_000);
    spec.when({ type: "ExpireOrders" }, t0 + 999).thenEvents([]);
    spec.when({ type: "ExpireOrders" }, t0 + 1_000).thenEvents([
      { type: "OrderExpired", symbol, qty: 2 },
      { type: "OrderExpired", symbol: later.symbol, qty: 1 },
    ]);
    expect(queries.openOrders(spec.state, "b").map((o) => o.qty)).toEqual([3, 1]);
    expect(cny(spec.state, "b").held).toBe(3 * 1_002 + 1_001);
    expect(nextLiveExpiry(spec.state)).toBe(t0 + 5_000);
    spec.when({ type: "ExpireOrders" }, t0 + 9_000).thenEvents([{ type: "OrderExpired", qty: 3 }]);
    expect(nextLiveExpiry(spec.state)).toBeUndefined();
  });
});

describe("order management", () => {
  it("CancelOrder by client order id releases the hold", () => {
    const spec = given(...market, limit("b", "buy", 1_000, 2, { clientOrderId: "mine" }));
    spec
      .when({ type: "CancelOrder", accountId: "b", clientOrderId: "mine" })
      .thenEvents([{ type: "OrderCancelled", reason: "user" }]);
    expect(cny(spec.state, "b")).toMatchObject({ available: 100_000, held: 0 });
    expect(queries.orderHistory(spec.state, "b")).toMatchObject([
      { clientOrderId: "mine", status: "cancelled" },
    ]);
  });

  it("AmendOrder lowers the quantity and its hold; ReplaceOrder moves price and hold", () => {
    const spec = given(...market, limit("b", "buy", 1_000, 4, { clientOrderId: "mine" }));
    spec
      .when({ type: "AmendOrder", accountId: "b", clientOrderId: "mine", qty: 1 })
      .thenEvents([{ type: "OrderAmended", qty: 3, remaining: 1 }]);
    expect(cny(spec.state, "b").held).toBe(1_002);
    spec
      .when({ type: "ReplaceOrder", accountId: "b", clientOrderId: "mine", price: 2_000, qty: 2 })
      .thenEvents([{ type: "OrderReplaced", price: 2_000, qty: 2, holdPerLot: 2_004 }]);
    expect(cny(spec.state, "b").held).toBe(4_008);
  });

  it("MassCancel cancels the account's orders in every product; KillSwitch also blocks", () => {
    const spec = given(
      ...market,
      listed(future()),
      limit("b", "buy", 1_000, 1),
      limit("b", "buy", 1_000, 1, { symbol: future().symbol }),
    );
    spec
      .when({ type: "MassCancel", accountId: "b" })
      .thenEvents([{ type: "OrderCancelled", reason: "mass_cancel" }, { type: "OrderCancelled" }]);
    spec.when(limit("b", "buy", 1_000, 1));
    spec.when({ type: "KillSwitch", accountId: "b", block: true }).thenEvents([
      { type: "OrderCancelled", reason: "kill_switch" },
      { type: "AccountBlockChanged", blocked: true },
    ]);
    spec.when(limit("b", "buy", 1_000, 1)).thenRejects("ACCOUNT_BLOCKED");
    spec
      .when({ type: "KillSwitch", accountId: "b", block: false })
      .thenEvents([{ type: "AccountBlockChanged", blocked: false }]);
    spec.when(limit("b", "buy", 1_000, 1)).thenEvents([{ type: "OrderAccepted" }]);
  });

  it("MassCancel with a side (and a product) cancels only those orders", () => {
    const fut = future().symbol;
    const spec = given(
      ...market,
      listed(future()),
      deposit("b", 10_000_000),
      limit("b", "buy", 1_000, 1, { clientOrderId: "spot-bid" }),
      limit("b", "buy", 1_000, 1, { symbol: fut, clientOrderId: "fut-bid" }),
      limit("b", "sell", 2_000, 1, { symbol: fut, clientOrderId: "fut-ask" }),
    );
    spec
      .when({ type: "MassCancel", accountId: "b", side: "buy", symbol: fut })
      .thenEvents([{ type: "OrderCancelled", reason: "mass_cancel", symbol: fut, side: "buy" }]);
    expect(queries.openOrders(spec.state, "b").map((o) => o.clientOrderId)).toEqual(["spot-bid", "fut-ask"]);
    spec
      .when({ type: "MassCancel", accountId: "b", side: "sell" })
      .thenEvents([{ type: "OrderCancelled", side: "sell" }]);
    expect(queries.openOrders(spec.state, "b").map((o) => o.clientOrderId)).toEqual(["spot-bid"]);
  });

  it("a retried command id returns the first outcome and changes nothing", () => {
    const spec = given(...market);
    const first = spec.when({ ...limit("b", "buy", 1_000, 1), commandId: "same" } as Given).applied;
    const retry = spec.when({ ...limit("b", "buy", 1_000, 1), commandId: "same" } as Given).applied;
    expect(retry).toMatchObject({ duplicate: true, events: [], outcome: first.outcome });
    expect(queries.openOrders(spec.state, "b")).toHaveLength(1);
  });
});

describe("futures", () => {
  it("initial margin is held, posted on the fill, released when the position closes", () => {
    const spec = given(
      listed(future()),
      account("b"),
      deposit("b", 1_000_000),
      account("s"),
      deposit("s", 10_000_000),
    );
    const fut = future().symbol;
    spec.when(limit("s", "sell", 1_000, 1, { symbol: fut }));
    spec
      .when(limit("b", "buy", 1_000, 1, { symbol: fut }))
      .thenEvents([{ type: "OrderAccepted", holdPerLot: 75_888 }, { type: "TradeExecuted" }]);
    // Notional 1,000 × 744 h = 744,000; margin 10 % = 74,400; taker fee 20 bps = 1,488.
    expect(cny(spec.state, "b")).toMatchObject({
      margin: 74_400,
      held: 0,
      available: 1_000_000 - 74_400 - 1_488,
    });
    expect(queries.positions(spec.state, "b")[fut]).toMatchObject({
      qty: 1,
      margin: 74_400,
      openNotional: 744_000,
    });
    spec.when(limit("s", "buy", 1_000, 1, { symbol: fut }));
    spec
      .when(limit("b", "sell", 1_000, 1, { symbol: fut }))
      .thenEvents([{ type: "OrderAccepted" }, { type: "TradeExecuted" }]);
    expect(cny(spec.state, "b").margin).toBe(0);
    expect(cny(spec.state, "s").margin).toBe(0);
  });
});
