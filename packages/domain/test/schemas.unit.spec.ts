import { describe, expect, it } from "vitest";
import type { z } from "zod";
import {
  amendOrderCommandSchema,
  cancelOrderCommandSchema,
  massCancelCommandSchema,
  orderCommandSchema,
  orderEventSchema,
  placeOrderCommandSchema,
  zodErrorToProblem,
} from "../src/index.ts";

const metadata = { commandId: "cmd-1", receivedAtMs: Date.UTC(2026, 10, 24, 12), accountId: "acct-1" };
const limitData = {
  accountId: "acct-1",
  symbol: "H100.WUHU.20261124T14",
  clientOrderId: "c-1",
  side: "buy",
  orderType: "limit",
  price: "12.34",
  quantityLots: 2,
};
const { price: _limitPrice, ...marketData } = { ...limitData, orderType: "market" };
const placeLimit = (data: Record<string, unknown> = {}) => ({
  type: "PlaceOrder",
  v: 1,
  data: { ...limitData, ...data },
  metadata,
});
const placeMarket = (data: Record<string, unknown> = {}) => ({
  ...placeLimit(),
  data: { ...marketData, ...data },
});

function problemOf(schema: z.ZodType, input: unknown) {
  const result = schema.safeParse(input);
  if (result.success) throw new Error("input was accepted");
  return zodErrorToProblem(result.error);
}

describe("order commands", () => {
  it("parses a limit order and fills the defaults", () => {
    const command = placeOrderCommandSchema.parse(placeLimit());
    expect(command.data).toMatchObject({ timeInForce: "GTC", postOnly: false, stpMode: "cancel_newest" });
  });

  it("parses a market order with a collar, IOC by default", () => {
    const command = placeOrderCommandSchema.parse(placeMarket({ collarPrice: "15.00" }));
    expect(command.data).toMatchObject({ orderType: "market", timeInForce: "IOC", collarPrice: "15.00" });
  });

  it.each([
    ["a float price", { price: 12.34 }, "data.price", "INVALID_PRICE"],
    ["a price in exponent form", { price: "1e3" }, "data.price", "INVALID_PRICE"],
    ["zero lots", { quantityLots: 0 }, "data.quantityLots", "INVALID_QUANTITY"],
    ["fractional lots", { quantityLots: 1.5 }, "data.quantityLots", "INVALID_QUANTITY"],
    ["GTD without expiry", { timeInForce: "GTD" }, "data.expireAtMs", "INVALID_TIME_IN_FORCE"],
    ["an expiry without GTD", { expireAtMs: 5 }, "data.expireAtMs", "INVALID_TIME_IN_FORCE"],
    ["post-only IOC", { postOnly: true, timeInForce: "IOC" }, "data.postOnly", "INVALID_COMMAND"],
    ["an unknown side", { side: "short" }, "data.side", "INVALID_COMMAND"],
    ["an unknown STP mode", { stpMode: "allow" }, "data.stpMode", "INVALID_COMMAND"],
    ["a bad client order id", { clientOrderId: "has space" }, "data.clientOrderId", "INVALID_COMMAND"],
    ["an unknown order type", { orderType: "stop" }, "data.orderType", "INVALID_COMMAND"],
  ])("rejects %s naming %s", (_name, data, field, code) => {
    const problem = problemOf(placeOrderCommandSchema, placeLimit(data));
    expect(problem.field).toBe(field);
    expect(problem.code).toBe(code);
    expect(problem.message.startsWith(`${field}: `)).toBe(true);
  });

  it.each([
    ["resting GTC", placeMarket({ timeInForce: "GTC" }), "data.timeInForce", "INVALID_TIME_IN_FORCE"],
    ["with a limit price", placeMarket({ price: "12.34" }), "data", "INVALID_COMMAND"],
    ["with a float collar", placeMarket({ collarPrice: 15 }), "data.collarPrice", "INVALID_PRICE"],
  ])("rejects a market order %s naming %s", (_name, input, field, code) => {
    expect(problemOf(placeOrderCommandSchema, input)).toMatchObject({ field, code });
  });

  it("names missing metadata and unsupported versions", () => {
    expect(
      problemOf(placeOrderCommandSchema, { ...placeLimit(), metadata: { ...metadata, commandId: undefined } })
        .field,
    ).toBe("metadata.commandId");
    expect(problemOf(placeOrderCommandSchema, { ...placeLimit(), v: 2 }).field).toBe("v");
  });

  it("requires exactly one order reference to cancel or amend", () => {
    const cancel = (data: Record<string, unknown>) => ({
      type: "CancelOrder",
      v: 1,
      data: { accountId: "acct-1", symbol: "H100.WUHU.20261124T14", ...data },
      metadata,
    });
    expect(cancelOrderCommandSchema.parse(cancel({ orderId: "42" })).data.orderId).toBe("42");
    expect(cancelOrderCommandSchema.parse(cancel({ clientOrderId: "c-1" })).data.clientOrderId).toBe("c-1");
    expect(problemOf(cancelOrderCommandSchema, cancel({})).field).toBe("data.orderId");
    expect(problemOf(cancelOrderCommandSchema, cancel({ orderId: "42", clientOrderId: "c-1" })).field).toBe(
      "data.orderId",
    );
    const amend = { ...cancel({ orderId: "42", newQuantityLots: 0 }), type: "AmendOrder" };
    expect(problemOf(amendOrderCommandSchema, amend)).toMatchObject({
      field: "data.newQuantityLots",
      code: "INVALID_QUANTITY",
    });
  });

  it("dispatches the command union on type", () => {
    const mass = { type: "MassCancel", v: 1, data: { accountId: "acct-1", side: "sell" }, metadata };
    expect(massCancelCommandSchema.parse(mass).data.side).toBe("sell");
    expect(orderCommandSchema.parse(mass).type).toBe("MassCancel");
    expect(problemOf(orderCommandSchema, { ...mass, type: "Teleport" }).field).toBe("type");
  });
});

describe("order events", () => {
  const eventMetadata = { commandId: "cmd-1", occurredAtMs: Date.UTC(2026, 10, 24, 12) };
  const party = (accountId: string, orderId: string) => ({
    orderId,
    accountId,
    clientOrderId: `c-${orderId}`,
    remainingLots: 0,
    fee: "-0.01",
  });

  it("parses a trade with both sides and signed fees", () => {
    const trade = {
      type: "TradeExecuted",
      v: 1,
      data: {
        tradeId: "t-1",
        symbol: "H100.WUHU.20261124T14",
        price: "12.34",
        quantityLots: 2,
        takerSide: "buy",
        maker: party("acct-2", "7"),
        taker: { ...party("acct-1", "8"), fee: "0.02" },
      },
      metadata: eventMetadata,
    };
    expect(orderEventSchema.parse(trade).type).toBe("TradeExecuted");
    const noFee = { ...trade, data: { ...trade.data, taker: { ...trade.data.taker, fee: 0.02 } } };
    expect(problemOf(orderEventSchema, noFee).field).toBe("data.taker.fee");
  });

  it("accepts only stable reject codes", () => {
    const rejected = (code: string) => ({
      type: "OrderRejected",
      v: 1,
      data: {
        accountId: "acct-1",
        commandType: "PlaceOrder",
        code,
        message: "price outside the band",
        clientOrderId: "c-1",
      },
      metadata: eventMetadata,
    });
    expect(orderEventSchema.parse(rejected("PRICE_OUT_OF_BAND")).type).toBe("OrderRejected");
    expect(problemOf(orderEventSchema, rejected("TOO_EXPENSIVE")).field).toBe("data.code");
  });

  it("parses accepted orders of both types and book level changes", () => {
    const accepted = {
      type: "OrderAccepted",
      v: 1,
      data: { ...limitData, orderId: "42", timeInForce: "GTC", postOnly: false, stpMode: "cancel_newest" },
      metadata: eventMetadata,
    };
    expect(orderEventSchema.parse(accepted).type).toBe("OrderAccepted");
    const { postOnly: _omitted, ...withoutPostOnly } = accepted.data;
    expect(problemOf(orderEventSchema, { ...accepted, data: withoutPostOnly }).field).toBe("data.postOnly");
    const level = {
      type: "BookLevelChanged",
      v: 1,
      data: { symbol: "H100.WUHU.20261124T14", side: "sell", price: "12.35", quantityLots: 0, orderCount: 0 },
      metadata: eventMetadata,
    };
    expect(orderEventSchema.parse(level).type).toBe("BookLevelChanged");
  });
});
