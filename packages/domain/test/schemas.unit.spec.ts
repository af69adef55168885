import { describe, expect, it } from "vitest";
import type { z } from "zod";
import {
  amendOrderRequestSchema,
  cancelOrderRequestSchema,
  massCancelRequestSchema,
  placeOrderRequestSchema,
  rejectCodeSchema,
  zodErrorToProblem,
} from "../src/index.ts";

const limitOrder = {
  accountId: "acct-1",
  symbol: "H100.WUHU.20261124T14",
  clientOrderId: "c-1",
  side: "buy",
  orderType: "limit",
  price: "12.34",
  quantityLots: 2,
};
const { price: _limitPrice, ...marketOrder } = { ...limitOrder, orderType: "market" };
const placeLimit = (data: Record<string, unknown> = {}) => ({ ...limitOrder, ...data });
const placeMarket = (data: Record<string, unknown> = {}) => ({ ...marketOrder, ...data });

function problemOf(schema: z.ZodType, input: unknown) {
  const result = schema.safeParse(input);
  if (result.success) throw new Error("input was accepted");
  return zodErrorToProblem(result.error);
}

describe("order requests", () => {
  it("parses a limit order and fills the defaults", () => {
    expect(placeOrderRequestSchema.parse(placeLimit())).toMatchObject({
      timeInForce: "GTC",
      postOnly: false,
      stpMode: "cancel_newest",
    });
  });

  it("parses a market order with a collar, IOC by default", () => {
    expect(placeOrderRequestSchema.parse(placeMarket({ collarPrice: "15.00" }))).toMatchObject({
      orderType: "market",
      timeInForce: "IOC",
      collarPrice: "15.00",
    });
  });

  it.each([
    ["a float price", { price: 12.34 }, "price", "INVALID_PRICE"],
    ["a price in exponent form", { price: "1e3" }, "price", "INVALID_PRICE"],
    ["zero lots", { quantityLots: 0 }, "quantityLots", "INVALID_QUANTITY"],
    ["fractional lots", { quantityLots: 1.5 }, "quantityLots", "INVALID_QUANTITY"],
    ["GTD without expiry", { timeInForce: "GTD" }, "expireAtMs", "INVALID_TIME_IN_FORCE"],
    ["an expiry without GTD", { expireAtMs: 5 }, "expireAtMs", "INVALID_TIME_IN_FORCE"],
    ["post-only IOC", { postOnly: true, timeInForce: "IOC" }, "postOnly", "INVALID_COMMAND"],
    ["an unknown side", { side: "short" }, "side", "INVALID_COMMAND"],
    ["an unknown STP mode", { stpMode: "allow" }, "stpMode", "INVALID_COMMAND"],
    ["a bad client order id", { clientOrderId: "has space" }, "clientOrderId", "INVALID_COMMAND"],
    ["an unknown order type", { orderType: "stop" }, "orderType", "INVALID_COMMAND"],
    ["a symbol the core would refuse", { symbol: "H1" }, "symbol", "UNKNOWN_SYMBOL_FORMAT"],
  ])("rejects %s naming %s", (_name, data, field, code) => {
    const problem = problemOf(placeOrderRequestSchema, placeLimit(data));
    expect(problem.field).toBe(field);
    expect(problem.code).toBe(code);
    expect(problem.message.startsWith(`${field}: `)).toBe(true);
  });

  it.each([
    ["resting GTC", placeMarket({ timeInForce: "GTC" }), "timeInForce", "INVALID_TIME_IN_FORCE"],
    ["with a limit price", placeMarket({ price: "12.34" }), "", "INVALID_COMMAND"],
    ["with a float collar", placeMarket({ collarPrice: 15 }), "collarPrice", "INVALID_PRICE"],
  ])("rejects a market order %s naming %s", (_name, input, field, code) => {
    expect(problemOf(placeOrderRequestSchema, input)).toMatchObject({ field, code });
  });

  it("requires exactly one order reference to cancel or amend", () => {
    const target = (data: Record<string, unknown>) => ({
      accountId: "acct-1",
      symbol: "H100.WUHU.20261124T14",
      ...data,
    });
    expect(cancelOrderRequestSchema.parse(target({ orderId: "42" })).orderId).toBe("42");
    expect(cancelOrderRequestSchema.parse(target({ clientOrderId: "c-1" })).clientOrderId).toBe("c-1");
    expect(problemOf(cancelOrderRequestSchema, target({})).field).toBe("orderId");
    expect(problemOf(cancelOrderRequestSchema, target({ orderId: "42", clientOrderId: "c-1" })).field).toBe(
      "orderId",
    );
    expect(problemOf(amendOrderRequestSchema, target({ orderId: "42", newQuantityLots: 0 }))).toMatchObject({
      field: "newQuantityLots",
      code: "INVALID_QUANTITY",
    });
  });

  it("mass cancel filters by symbol and side, both optional", () => {
    expect(massCancelRequestSchema.parse({ accountId: "acct-1", side: "sell" }).side).toBe("sell");
    expect(problemOf(massCancelRequestSchema, { accountId: "acct-1", side: "both" }).field).toBe("side");
  });
});

describe("reject codes", () => {
  it("accepts only stable reject codes", () => {
    expect(rejectCodeSchema.parse("PRICE_OUT_OF_BAND")).toBe("PRICE_OUT_OF_BAND");
    expect(rejectCodeSchema.safeParse("TOO_EXPENSIVE").success).toBe(false);
  });
});
