// The wire: request and response schemas of the REST API and the WebSocket protocol. Order
// bodies are the domain's edge schemas (decimal price strings); the rest is composed from the
// domain's field schemas. The same schemas validate requests and generate the OpenAPI document.
import {
  apiKeyScopeSchema,
  capabilitySchema,
  coreIdSchema,
  currencySchema,
  epochMsSchema,
  lotsSchema,
  priceStringSchema,
  publicKeySchema,
  sideSchema,
  symbolSchema,
  tradingStateSchema,
} from "@ghx/domain";
import { z } from "zod";
import { batchCommandsMax, bookLevelsMax, cancelAfterMsMax, pageLimitMax } from "./limits.ts";

/** Positive decimal money amount ("125.50"), converted exactly to minor units. */
const amountSchema = priceStringSchema.describe("decimal string, e.g. 125.50");
/** Exchange order ids are integers, sent as decimal strings so no client parses them as floats. */
export const orderIdParamSchema = z.string().regex(/^[1-9]\d{0,15}$/, "must be a decimal order id");

// ---- orders ----

/** POST /v1/orders/batch: up to batchCommandsMax orders in one signed request, placed in order. */
export const placeBatchBodySchema = z.strictObject({
  orders: z.array(z.unknown()).min(1).max(batchCommandsMax),
});

export const orderIdParamsSchema = z.strictObject({ orderId: orderIdParamSchema });

export const openOrdersQuerySchema = z.strictObject({ symbol: symbolSchema.optional() });
const pageLimitSchema = z.coerce.number().int().min(1).max(pageLimitMax).optional();
export const pageQuerySchema = z.strictObject({ symbol: symbolSchema.optional(), limit: pageLimitSchema });

export const fillViewSchema = z.object({
  orderId: z.string(),
  symbol: z.string(),
  side: sideSchema,
  price: z.string(),
  quantityLots: z.number().int(),
  fee: z.string(),
  liquidity: z.enum(["maker", "taker"]),
  seq: z.number().int(),
  time: z.string(),
});

export const orderStatusSchema = z.enum([
  "new",
  "partially_filled",
  "filled",
  "cancelled",
  "expired",
  "rejected",
]);

export const orderViewSchema = z.object({
  orderId: z.string(),
  clientOrderId: z.string(),
  symbol: z.string(),
  side: sideSchema,
  price: z.string(),
  quantityLots: z.number().int(),
  filledLots: z.number().int(),
  remainingLots: z.number().int(),
  timeInForce: z.string().optional(),
  status: orderStatusSchema,
});

/** What a place/replace/amend/cancel returns once the core has journaled the command. */
export const orderAckSchema = z.object({
  orderId: z.string().optional(),
  clientOrderId: z.string().optional(),
  symbol: z.string().optional(),
  status: orderStatusSchema.optional(),
  filledLots: z.number().int().optional(),
  remainingLots: z.number().int().optional(),
  cancelledOrders: z.number().int().optional(),
  fills: z.array(z.object({ price: z.string(), quantityLots: z.number().int() })).optional(),
  seq: z.number().int(),
});

// ---- account data ----

export const balanceViewSchema = z.object({
  currency: z.string(),
  available: z.string(),
  held: z.string(),
  escrow: z.string(),
  margin: z.string(),
  bond: z.string(),
  voucherAvailable: z.string(),
  voucherHeld: z.string(),
  voucherEscrow: z.string(),
});

export const positionViewSchema = z.object({
  symbol: z.string(),
  quantityLots: z.number().int(),
  openBidLots: z.number().int(),
  openAskLots: z.number().int(),
  margin: z.string(),
});

// ---- products and reference data ----

export const productViewSchema = z.object({
  symbol: z.string(),
  kind: z.string(),
  state: z.string(),
  currency: z.string(),
  tick: z.string(),
  bestBid: z.string().nullable(),
  bestAsk: z.string().nullable(),
});

export const bookQuerySchema = z.strictObject({
  levels: z.coerce.number().int().min(1).max(bookLevelsMax).optional(),
});
export const symbolParamsSchema = z.strictObject({ symbol: symbolSchema });

/** POST /v1/products (operator): list a product of the grid around a reference price. */
export const listProductBodySchema = z.strictObject({
  symbol: symbolSchema,
  referencePrice: priceStringSchema,
  open: z.boolean().default(true),
  positionLimitLots: lotsSchema.optional(),
});

export const tradingStateBodySchema = z.strictObject({ state: tradingStateSchema });

// ---- accounts, keys, money, capacity ----

export const createAccountBodySchema = z.strictObject({
  accountId: coreIdSchema,
  owner: coreIdSchema,
  capabilities: z.array(capabilitySchema).min(1).max(4),
});

export const accountParamsSchema = z.strictObject({ accountId: coreIdSchema });
export const keyParamsSchema = z.strictObject({ keyId: coreIdSchema });

export const registerKeyBodySchema = z.strictObject({
  keyId: coreIdSchema,
  publicKey: publicKeySchema,
  scopes: z.array(apiKeyScopeSchema).min(1).max(4),
});

/** GET /v1/accounts: a page in creation order; `after` is the last account id of the previous page. */
export const accountsQuerySchema = z.strictObject({ after: coreIdSchema.optional(), limit: pageLimitSchema });

export const accountViewSchema = z.object({
  accountId: z.string(),
  owner: z.string(),
  capabilities: z.array(capabilitySchema),
  blocked: z.boolean(),
  /** Self-trade-prevention group: accounts of one owner share it. */
  stpGroup: z.number().int(),
  apiKeyCount: z.number().int(),
});

/** An active key as the exchange holds it: the public key only (never a private one). */
export const apiKeyViewSchema = z.object({
  keyId: z.string(),
  accountId: z.string(),
  publicKey: z.string(),
  scopes: z.array(apiKeyScopeSchema),
});

export const killSwitchBodySchema = z.strictObject({ block: z.boolean() });

/** Operator money movements name the account; an account's own withdrawal does not. */
export const operatorMoneyBodySchema = z.strictObject({
  accountId: coreIdSchema,
  currency: currencySchema,
  amount: amountSchema,
});
export const ownMoneyBodySchema = z.strictObject({ currency: currencySchema, amount: amountSchema });

export const capacityBodySchema = z.strictObject({
  accelerator: z.string().regex(/^[A-Z0-9]{2,12}$/),
  zone: z.string().regex(/^[A-Z0-9]{2,16}$/),
  gpus: z.number().int().positive().max(10_000_000),
  fromMs: epochMsSchema,
  toMs: epochMsSchema,
});

export const commandAckSchema = z.object({ seq: z.number().int() });

export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  code: z.string(),
  field: z.string().optional(),
});

/** One entry of a batch answer: the ack, or the problem that refused this order. */
export const batchResultSchema = z.union([
  z.object({ ok: z.literal(true), result: orderAckSchema }),
  z.object({ ok: z.literal(false), problem: problemSchema }),
]);

// ---- WebSocket order entry ----

const correlationIdSchema = z.string().min(1).max(64);

export const wsLoginSchema = z.strictObject({
  op: z.literal("login"),
  id: correlationIdSchema,
  keyId: coreIdSchema,
  timestamp: epochMsSchema,
  nonce: z.string(),
  signature: z.string(),
  /** Cancel every open order of the account when this connection drops. */
  cancelOnDisconnect: z.boolean().default(false),
});

const order = <O extends string, T extends z.ZodType>(op: O, data: T) =>
  z.strictObject({ op: z.literal(op), id: correlationIdSchema, data });

// `data` is validated by the order schema of its op (order-entry.ts), so the envelope only
// checks it is there; validating it twice would double the cost on the hot path.
const commandData = z.unknown().refine((data) => data !== undefined, "is required");

export const wsCommandSchema = z.discriminatedUnion("op", [
  order("place", commandData),
  order("cancel", commandData),
  order("replace", commandData),
  order("amend", commandData),
  order("mass_cancel", commandData),
  z.strictObject({
    op: z.literal("cancel_after"),
    id: correlationIdSchema,
    /** 0 disarms; otherwise every open order is cancelled if not re-armed within this time. */
    timeoutMs: z.number().int().min(0).max(cancelAfterMsMax),
  }),
  z.strictObject({ op: z.literal("ping"), id: correlationIdSchema }),
]);
export type WsCommand = z.infer<typeof wsCommandSchema>;
