// One line per reject code the core produces: given a history, when a command, then that code
// and nothing else changed (the state hash is the same before and after, but for lastSeq/dedupe).
import type { RejectCode } from "@ghx/domain";
import { describe, expect, it } from "vitest";
import { limits, queries } from "../src/index.ts";
import { account, deposit, future, type Given, given, hourly, limit, listed, market, t0 } from "./spec.ts";

const withAsk = [...market, limit("p", "sell", 1_000, 5, { clientOrderId: "ask1" })];
const closed = [...market, { type: "SetTradingState", symbol: hourly().symbol, state: "closed" } as Given];
const halted = [...market, { type: "SetTradingState", symbol: hourly().symbol, state: "halted" } as Given];
const key = "a".repeat(43);

const table: [RejectCode, Given[], Given][] = [
  [
    "INVALID_COMMAND",
    [],
    { type: "ListProduct", open: true, product: hourly({ makerFeeBps: -50, takerFeeBps: 10 }) },
  ],
  ["INVALID_PRICE", market, { ...limit("b", "buy", 1_000, 1), price: undefined } as Given],
  [
    "QUANTITY_BELOW_MIN",
    [listed(hourly({ minLots: 2 })), account("b"), deposit("b", 100_000)],
    limit("b", "buy", 1_000, 1),
  ],
  ["QUANTITY_ABOVE_MAX", market, limit("b", "buy", 1_000, 101)],
  ["UNKNOWN_PRODUCT", market, limit("b", "buy", 1_000, 1, { symbol: "H100.WUHU.20261124T15" })],
  [
    "INVALID_TIME_IN_FORCE",
    withAsk,
    { ...limit("b", "buy", 1_000, 1), orderType: "market", tif: "GTC" } as Given,
  ],
  ["EXPIRY_IN_PAST", market, limit("b", "buy", 1_000, 1, { tif: "GTD", expiry: t0 })],
  ["INVALID_AMOUNT", market, deposit("b", Number.MAX_SAFE_INTEGER)],
  ["INSUFFICIENT_FUNDS", market, limit("b", "buy", 1_000, 100)],
  ["CAPACITY_EXCEEDED", market, limit("p", "sell", 1_000, 11)],
  ["PRICE_OUT_OF_BAND", market, limit("b", "buy", 10_001, 1)],
  [
    "POSITION_LIMIT",
    [listed(hourly({ positionLimitLots: 3 })), account("b"), deposit("b", 100_000)],
    limit("b", "buy", 1_000, 4),
  ],
  [
    "INSUFFICIENT_MARGIN",
    [listed(future()), account("b"), deposit("b", 100)],
    limit("b", "buy", 1_000, 1, { symbol: future().symbol }),
  ],
  ["DUPLICATE_CLIENT_ID", withAsk, limit("p", "sell", 1_100, 1, { clientOrderId: "ask1" })],
  ["ORDER_NOT_FOUND", market, { type: "CancelOrder", accountId: "b", orderId: 999 }],
  ["POST_ONLY_WOULD_TAKE", withAsk, limit("b", "buy", 1_000, 1, { postOnly: true })],
  ["NO_LIQUIDITY", market, { ...limit("b", "buy", 1_000, 1), orderType: "market", tif: "IOC" } as Given],
  ["AMEND_NOT_DOWN", withAsk, { type: "AmendOrder", accountId: "p", clientOrderId: "ask1", qty: 5 }],
  ["UNKNOWN_ACCOUNT", market, deposit("nobody", 1)],
  ["ACCOUNT_EXISTS", market, account("b")],
  [
    "ACCOUNT_BLOCKED",
    [...market, { type: "KillSwitch", accountId: "b", block: true }],
    limit("b", "buy", 1_000, 1),
  ],
  [
    "CAPABILITY_MISSING",
    market,
    {
      type: "DeclareCapacity",
      accountId: "b",
      accelerator: "H100",
      zone: "WUHU",
      gpus: 1,
      from: 0,
      to: 3_600_000,
    },
  ],
  ["NOT_ORDER_OWNER", withAsk, { type: "CancelOrder", accountId: "b", orderId: 7 }],
  ["UNKNOWN_API_KEY", market, { type: "RevokeApiKey", accountId: "b", keyId: "k1" }],
  [
    "API_KEY_EXISTS",
    [...market, { type: "RegisterApiKey", accountId: "b", keyId: "k1", publicKey: key, scopes: ["trade"] }],
    { type: "RegisterApiKey", accountId: "p", keyId: "k1", publicKey: key, scopes: ["read"] },
  ],
  ["INSUFFICIENT_BALANCE", market, { type: "Withdraw", accountId: "b", currency: "CNY", amount: 100_001 }],
  ["MARKET_CLOSED", closed, limit("b", "buy", 1_000, 1)],
  ["MARKET_HALTED", halted, limit("b", "buy", 1_000, 1)],
  ["PRODUCT_EXISTS", market, listed()],
  ["INVALID_STATE_TRANSITION", closed, { type: "SetTradingState", symbol: hourly().symbol, state: "open" }],
];

describe("every reject code", () => {
  it("OPEN_ORDERS_LIMIT", () => {
    const spec = given(
      listed(hourly({ bandHighTicks: 1_000_000, positionLimitLots: 1_000_000 })),
      account("b"),
      deposit("b", 1e12),
    );
    for (let i = 0; i < limits.openOrdersPerAccountMax; i++)
      spec.when(limit("b", "buy", 100 + (i % 1_000), 1));
    spec.when(limit("b", "buy", 100, 1)).thenRejects("OPEN_ORDERS_LIMIT");
  });

  it.each(table)("%s", (code, history, command) => {
    const spec = given(...history);
    const balancesBefore = JSON.stringify(
      spec.state.accountsByIdx.map((a) => queries.balances(spec.state, a.id)),
    );
    const ordersBefore = spec.state.orders.size;
    spec.when(command).thenRejects(code);
    expect(JSON.stringify(spec.state.accountsByIdx.map((a) => queries.balances(spec.state, a.id)))).toBe(
      balancesBefore,
    );
    expect(spec.state.orders.size).toBe(ordersBefore);
  });
});
