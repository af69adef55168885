import { z } from "zod";
import { rejectCodeList } from "../reject-codes.ts";
import {
  commandSchema,
  eventSchema,
  idSchema,
  lotsOrZeroSchema,
  lotsSchema,
  priceStringSchema,
  signedAmountSchema,
  symbolSchema,
} from "./common.ts";
import { epochMsSchema } from "./core-common.ts";
import { cancelReasonSchema, sideSchema, stpModeSchema, timeInForceSchema } from "./core-orders.ts";

// Commands and events of the order path (gateway -> core -> engine -> feed). Version 1 of each.

export const orderTypeSchema = z.enum(["limit", "market"]);
export const marketTimeInForceSchema = z.enum(["IOC", "FOK"]);
export const rejectCodeSchema = z.enum(rejectCodeList);

export type OrderType = z.infer<typeof orderTypeSchema>;
export type TimeInForce = z.infer<typeof timeInForceSchema>;
export type StpMode = z.infer<typeof stpModeSchema>;

// ---- order fields (events carry them explicitly; commands default some) ----

const orderFields = {
  accountId: idSchema,
  symbol: symbolSchema,
  clientOrderId: idSchema,
  side: sideSchema,
  quantityLots: lotsSchema,
  stpMode: stpModeSchema,
};

const limitFields = {
  ...orderFields,
  orderType: z.literal("limit"),
  price: priceStringSchema,
  timeInForce: timeInForceSchema,
  /** Required with GTD, forbidden otherwise. */
  expireAtMs: epochMsSchema.optional(),
  postOnly: z.boolean(),
};

const marketFields = {
  ...orderFields,
  orderType: z.literal("market"),
  timeInForce: marketTimeInForceSchema,
  /** Protection: the worst price the order may fill at; without it the product's band applies. */
  collarPrice: priceStringSchema.optional(),
};

type LimitShape = { timeInForce: TimeInForce; expireAtMs?: number | undefined; postOnly: boolean };

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

const commandDefaults = {
  stpMode: stpModeSchema.default("cancel_newest"),
};

export const limitOrderDataSchema = z
  .strictObject({
    ...limitFields,
    ...commandDefaults,
    timeInForce: timeInForceSchema.default("GTC"),
    postOnly: z.boolean().default(false),
  })
  .superRefine(checkLimitOrder);

export const marketOrderDataSchema = z.strictObject({
  ...marketFields,
  ...commandDefaults,
  timeInForce: marketTimeInForceSchema.default("IOC"),
});

/** The body of PlaceOrder: what a client sends (the gateway adds metadata). */
export const placeOrderDataSchema = z.discriminatedUnion("orderType", [
  limitOrderDataSchema,
  marketOrderDataSchema,
]);

/** Identifies one open order of an account: by exchange order id or by client order id. */
const orderTargetFields = {
  accountId: idSchema,
  symbol: symbolSchema,
  orderId: idSchema.optional(),
  clientOrderId: idSchema.optional(),
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

export const cancelOrderDataSchema = z.strictObject(orderTargetFields).superRefine(checkOneTarget);

/** Cancel-replace: a new order at a new price and quantity; loses time priority. */
export const replaceOrderDataSchema = z
  .strictObject({
    ...orderTargetFields,
    newClientOrderId: idSchema,
    price: priceStringSchema,
    quantityLots: lotsSchema,
  })
  .superRefine(checkOneTarget);

/** Amend-down: lowers the open quantity and keeps time priority. */
export const amendOrderDataSchema = z
  .strictObject({
    ...orderTargetFields,
    /** The new open (remaining) quantity; must be below the current one. */
    newQuantityLots: lotsSchema,
  })
  .superRefine(checkOneTarget);

/** Cancels every open order of the account, optionally only in one product and/or one side. */
export const massCancelDataSchema = z.strictObject({
  accountId: idSchema,
  symbol: symbolSchema.optional(),
  side: sideSchema.optional(),
});

export const placeOrderCommandSchema = commandSchema("PlaceOrder", placeOrderDataSchema);
export const cancelOrderCommandSchema = commandSchema("CancelOrder", cancelOrderDataSchema);
export const replaceOrderCommandSchema = commandSchema("ReplaceOrder", replaceOrderDataSchema);
export const amendOrderCommandSchema = commandSchema("AmendOrder", amendOrderDataSchema);
export const massCancelCommandSchema = commandSchema("MassCancel", massCancelDataSchema);

export const orderCommandSchema = z.discriminatedUnion("type", [
  placeOrderCommandSchema,
  cancelOrderCommandSchema,
  replaceOrderCommandSchema,
  amendOrderCommandSchema,
  massCancelCommandSchema,
]);

export type PlaceOrderData = z.infer<typeof placeOrderDataSchema>;
export type PlaceOrder = z.infer<typeof placeOrderCommandSchema>;
export type CancelOrder = z.infer<typeof cancelOrderCommandSchema>;
export type ReplaceOrder = z.infer<typeof replaceOrderCommandSchema>;
export type AmendOrder = z.infer<typeof amendOrderCommandSchema>;
export type MassCancel = z.infer<typeof massCancelCommandSchema>;
export type OrderCommand = z.infer<typeof orderCommandSchema>;
export type OrderCommandType = OrderCommand["type"];
export const orderCommandTypes = orderCommandSchema.options.map((o) => o.shape.type.value);

// ---- events ----

const orderRefFields = {
  orderId: idSchema,
  accountId: idSchema,
  clientOrderId: idSchema,
  symbol: symbolSchema,
};

export const orderAcceptedEventSchema = eventSchema(
  "OrderAccepted",
  z.discriminatedUnion("orderType", [
    z.strictObject({ ...limitFields, orderId: idSchema }).superRefine(checkLimitOrder),
    z.strictObject({ ...marketFields, orderId: idSchema }),
  ]),
);

export const orderRejectedEventSchema = eventSchema(
  "OrderRejected",
  z.strictObject({
    accountId: idSchema,
    commandType: z.enum(["PlaceOrder", "CancelOrder", "ReplaceOrder", "AmendOrder", "MassCancel"]),
    code: rejectCodeSchema,
    message: z.string(),
    symbol: symbolSchema.optional(),
    clientOrderId: idSchema.optional(),
    orderId: idSchema.optional(),
  }),
);

const tradePartySchema = z.strictObject({
  ...orderRefFields,
  /** Open quantity of this order after the fill. */
  remainingLots: lotsOrZeroSchema,
  /** In the quote currency; negative for a maker rebate. */
  fee: signedAmountSchema,
});

/** One fill at the maker's price; `takerSide` is the aggressor's side. */
export const tradeExecutedEventSchema = eventSchema(
  "TradeExecuted",
  z.strictObject({
    tradeId: idSchema,
    symbol: symbolSchema,
    price: priceStringSchema,
    quantityLots: lotsSchema,
    takerSide: sideSchema,
    maker: tradePartySchema.omit({ symbol: true }),
    taker: tradePartySchema.omit({ symbol: true }),
  }),
);

export type CancelReason = z.infer<typeof cancelReasonSchema>;

export const orderCancelledEventSchema = eventSchema(
  "OrderCancelled",
  z.strictObject({ ...orderRefFields, reason: cancelReasonSchema, cancelledLots: lotsOrZeroSchema }),
);

export const orderExpiredEventSchema = eventSchema(
  "OrderExpired",
  z.strictObject({ ...orderRefFields, expiredLots: lotsSchema }),
);

export const orderReplacedEventSchema = eventSchema(
  "OrderReplaced",
  z.strictObject({
    accountId: idSchema,
    symbol: symbolSchema,
    oldOrderId: idSchema,
    oldClientOrderId: idSchema,
    newOrderId: idSchema,
    newClientOrderId: idSchema,
    price: priceStringSchema,
    quantityLots: lotsSchema,
  }),
);

export const orderAmendedEventSchema = eventSchema(
  "OrderAmended",
  z.strictObject({ ...orderRefFields, oldQuantityLots: lotsSchema, newQuantityLots: lotsSchema }),
);

/** The aggregate at one price level after a change; quantityLots 0 means the level is gone. */
export const bookLevelChangedEventSchema = eventSchema(
  "BookLevelChanged",
  z.strictObject({
    symbol: symbolSchema,
    side: sideSchema,
    price: priceStringSchema,
    quantityLots: lotsOrZeroSchema,
    orderCount: z.int().min(0),
  }),
);

export const orderEventSchema = z.discriminatedUnion("type", [
  orderAcceptedEventSchema,
  orderRejectedEventSchema,
  tradeExecutedEventSchema,
  orderCancelledEventSchema,
  orderExpiredEventSchema,
  orderReplacedEventSchema,
  orderAmendedEventSchema,
  bookLevelChangedEventSchema,
]);

export type OrderAccepted = z.infer<typeof orderAcceptedEventSchema>;
export type OrderRejected = z.infer<typeof orderRejectedEventSchema>;
export type TradeExecuted = z.infer<typeof tradeExecutedEventSchema>;
export type OrderCancelled = z.infer<typeof orderCancelledEventSchema>;
export type OrderExpired = z.infer<typeof orderExpiredEventSchema>;
export type OrderReplaced = z.infer<typeof orderReplacedEventSchema>;
export type OrderAmended = z.infer<typeof orderAmendedEventSchema>;
export type BookLevelChanged = z.infer<typeof bookLevelChangedEventSchema>;
export type OrderEvent = z.infer<typeof orderEventSchema>;
export type OrderEventType = OrderEvent["type"];
