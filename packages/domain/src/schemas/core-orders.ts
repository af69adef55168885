// Order commands and events as the core journals and emits them: integer ticks and lots, numeric
// order ids (derived from the command's sequence number). The gateway converts decimal prices
// with the domain's price conversion before it submits.
import { z } from "zod";
import { lotsMax, priceTicksMax } from "../limits.ts";
import {
  commandIdSchema,
  coreIdSchema,
  epochMsSchema,
  operatorIdSchema,
  symbolSchema,
} from "./core-common.ts";

const orderIdSchema = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const ticksSchema = z.number().int().positive().max(priceTicksMax);
const lotsSchema = z.number().int().positive().max(lotsMax);
export const sideSchema = z.enum(["buy", "sell"]);
export const timeInForceSchema = z.enum(["GTC", "GTD", "IOC", "FOK"]);
export const stpModeSchema = z.enum(["cancel_newest", "cancel_oldest", "cancel_both", "decrement"]);

export const placeOrderSchema = z.object({
  type: z.literal("PlaceOrder"),
  commandId: commandIdSchema,
  accountId: coreIdSchema,
  clientOrderId: coreIdSchema,
  symbol: symbolSchema,
  side: sideSchema,
  /** Market orders trade up to the product's price band (their protection collar), IOC or FOK. */
  orderType: z.enum(["limit", "market"]),
  price: ticksSchema.optional(),
  qty: lotsSchema,
  tif: timeInForceSchema,
  expiry: epochMsSchema.optional(),
  postOnly: z.boolean().optional(),
  stpMode: stpModeSchema.optional(),
});

/** The order is named by its exchange id or by the client order id among the account's open orders. */
const orderRef = {
  commandId: commandIdSchema,
  accountId: coreIdSchema,
  orderId: orderIdSchema.optional(),
  clientOrderId: coreIdSchema.optional(),
};

export const cancelOrderSchema = z.object({ type: z.literal("CancelOrder"), ...orderRef });
/** Cancel-replace: new price and quantity, loses time priority. */
export const replaceOrderSchema = z.object({
  type: z.literal("ReplaceOrder"),
  ...orderRef,
  price: ticksSchema,
  qty: lotsSchema,
});
/** Amend-down: a smaller open quantity, keeps time priority. */
export const amendOrderSchema = z.object({ type: z.literal("AmendOrder"), ...orderRef, qty: lotsSchema });
/** Cancel every open order of the account, optionally only in one product and/or on one side. */
export const massCancelSchema = z.object({
  type: z.literal("MassCancel"),
  commandId: commandIdSchema,
  operatorId: operatorIdSchema,
  accountId: coreIdSchema,
  symbol: symbolSchema.optional(),
  side: sideSchema.optional(),
});

/**
 * Expires every GTD order whose expiry is at or before the command's time, in every book. The
 * sequencer submits it when the earliest expiry comes due, so an expired order leaves its book
 * and gives back its hold on time, not only when the next command reaches that book.
 */
export const expireOrdersSchema = z.object({ type: z.literal("ExpireOrders"), commandId: commandIdSchema });

export const orderAcceptedSchema = z.object({
  type: z.literal("OrderAccepted"),
  orderId: orderIdSchema,
  accountId: coreIdSchema,
  clientOrderId: coreIdSchema,
  symbol: symbolSchema,
  side: sideSchema,
  price: ticksSchema,
  qty: lotsSchema,
  tif: timeInForceSchema,
  /** Cash held per open lot (notional at the limit, or margin, plus the maximum fee). */
  holdPerLot: z.number().int().nonnegative(),
  /** Vouchers held for the order (physical buys only; used before cash). */
  voucherHold: z.number().int().nonnegative(),
});

export const tradeExecutedSchema = z.object({
  type: z.literal("TradeExecuted"),
  symbol: symbolSchema,
  price: ticksSchema,
  qty: lotsSchema,
  makerOrderId: orderIdSchema,
  takerOrderId: orderIdSchema,
  makerAccountId: coreIdSchema,
  takerAccountId: coreIdSchema,
  takerSide: sideSchema,
  makerRemaining: z.number().int().nonnegative(),
  takerRemaining: z.number().int().nonnegative(),
});

export const cancelReasonSchema = z.enum([
  "user",
  "ioc_remainder",
  "fok",
  "stp",
  "mass_cancel",
  "market_collar",
  "replaced",
  "kill_switch",
  "market_closed",
]);

/** The order an end-of-life or amend event speaks of, and the quantity it concerns. */
const restingOrderFields = {
  orderId: orderIdSchema,
  accountId: coreIdSchema,
  symbol: symbolSchema,
  side: sideSchema,
  price: ticksSchema,
  qty: z.number().int().nonnegative(),
};

export const orderCancelledSchema = z.object({
  type: z.literal("OrderCancelled"),
  ...restingOrderFields,
  remaining: z.number().int().nonnegative(),
  reason: cancelReasonSchema,
});

export const orderAmendedSchema = z.object({
  type: z.literal("OrderAmended"),
  ...restingOrderFields,
  remaining: z.number().int().nonnegative(),
});

export const orderReplacedSchema = z.object({
  type: z.literal("OrderReplaced"),
  orderId: orderIdSchema,
  accountId: coreIdSchema,
  symbol: symbolSchema,
  price: ticksSchema,
  qty: lotsSchema,
  holdPerLot: z.number().int().nonnegative(),
  voucherHold: z.number().int().nonnegative(),
});

export const orderExpiredSchema = z.object({
  type: z.literal("OrderExpired"),
  ...restingOrderFields,
});
