import { z } from "zod";
import { lotsSchema, priceStringSchema } from "./common.ts";
import {
  coreIdSchema,
  epochMsSchema,
  sideSchema,
  stpModeSchema,
  symbolSchema,
  timeInForceSchema,
} from "./core-schemas.ts";

// The order request bodies of the API (REST and WebSocket order entry): what a client sends, with
// prices as decimal strings. The gateway converts them to the core's commands (core-orders.ts,
// integer ticks), which are the one definition of what the journal holds. `accountId` is the
// caller's own (the gateway fills it in from the API key).

const marketTimeInForceSchema = z.enum(["IOC", "FOK"]);

const orderFields = {
  accountId: coreIdSchema,
  symbol: symbolSchema,
  clientOrderId: coreIdSchema,
  side: sideSchema,
  quantityLots: lotsSchema,
  stpMode: stpModeSchema.default("cancel_newest"),
};

type LimitShape = { timeInForce: string; expireAtMs?: number | undefined; postOnly: boolean };

function checkLimitOrder(order: LimitShape, ctx: z.RefinementCtx): void {
  if (order.timeInForce === "GTD" && order.expireAtMs === undefined) {
    ctx.addIssue({ code: "custom", path: ["expireAtMs"], message: "is required with timeInForce GTD" });
  }
  if (order.timeInForce !== "GTD" && order.expireAtMs !== undefined) {
    ctx.addIssue({ code: "custom", path: ["expireAtMs"], message: "is allowed only with timeInForce GTD" });
  }
  if (order.postOnly && (order.timeInForce === "IOC" || order.timeInForce === "FOK")) {
    ctx.addIssue({ code: "custom", path: ["postOnly"], message: "cannot be combined with IOC or FOK" });
  }
}

const limitOrderRequestSchema = z
  .strictObject({
    ...orderFields,
    orderType: z.literal("limit"),
    price: priceStringSchema,
    timeInForce: timeInForceSchema.default("GTC"),
    /** Required with GTD, forbidden otherwise. */
    expireAtMs: epochMsSchema.optional(),
    postOnly: z.boolean().default(false),
  })
  .superRefine(checkLimitOrder);

const marketOrderRequestSchema = z.strictObject({
  ...orderFields,
  orderType: z.literal("market"),
  timeInForce: marketTimeInForceSchema.default("IOC"),
  /** Protection: the worst price the order may fill at; without it the product's band applies. */
  collarPrice: priceStringSchema.optional(),
});

/** POST /v1/orders and the WS `place` op: a limit or a market order. */
export const placeOrderRequestSchema = z.discriminatedUnion("orderType", [
  limitOrderRequestSchema,
  marketOrderRequestSchema,
]);

/** Identifies one open order of an account: by exchange order id or by client order id. */
const orderTargetFields = {
  accountId: coreIdSchema,
  symbol: symbolSchema,
  orderId: coreIdSchema.optional(),
  clientOrderId: coreIdSchema.optional(),
};

function checkOneTarget(
  target: { orderId?: string | undefined; clientOrderId?: string | undefined },
  ctx: z.RefinementCtx,
) {
  if ((target.orderId === undefined) === (target.clientOrderId === undefined)) {
    ctx.addIssue({
      code: "custom",
      path: ["orderId"],
      message: "give exactly one of orderId and clientOrderId",
    });
  }
}

export const cancelOrderRequestSchema = z.strictObject(orderTargetFields).superRefine(checkOneTarget);

/**
 * Cancel-replace: a new price and quantity; loses time priority. The order keeps its ids (the
 * core's ReplaceOrder), so `newClientOrderId` is optional and, when given, must be the current one.
 */
export const replaceOrderRequestSchema = z
  .strictObject({
    ...orderTargetFields,
    newClientOrderId: coreIdSchema.optional(),
    price: priceStringSchema,
    quantityLots: lotsSchema,
  })
  .superRefine(checkOneTarget);

/** Amend-down: lowers the open quantity and keeps time priority. */
export const amendOrderRequestSchema = z
  .strictObject({
    ...orderTargetFields,
    /** The new open (remaining) quantity; must be below the current one. */
    newQuantityLots: lotsSchema,
  })
  .superRefine(checkOneTarget);

/** Cancels every open order of the account, optionally only in one product and/or one side. */
export const massCancelRequestSchema = z.strictObject({
  accountId: coreIdSchema,
  symbol: symbolSchema.optional(),
  side: sideSchema.optional(),
});
