// The core's command and event unions: what the journal holds and what the core emits.
import { z } from "zod";
import {
  accountBlockChangedSchema,
  accountCreatedSchema,
  apiKeyRegisteredSchema,
  apiKeyRevokedSchema,
  createAccountSchema,
  killSwitchSchema,
  registerApiKeySchema,
  revokeApiKeySchema,
} from "./core-accounts.ts";
import { capacityDeclaredSchema, declareCapacitySchema } from "./core-capacity.ts";
import { commandIdSchema, coreIdSchema } from "./core-common.ts";
import {
  bondPostedSchema,
  depositedSchema,
  depositSchema,
  issueVoucherSchema,
  postBondSchema,
  voucherIssuedSchema,
  withdrawnSchema,
  withdrawSchema,
} from "./core-money.ts";
import {
  amendOrderSchema,
  cancelOrderSchema,
  expireOrdersSchema,
  massCancelSchema,
  orderAcceptedSchema,
  orderAmendedSchema,
  orderCancelledSchema,
  orderExpiredSchema,
  orderReplacedSchema,
  placeOrderSchema,
  replaceOrderSchema,
  tradeExecutedSchema,
} from "./core-orders.ts";
import { listProductSchema, productListedSchema } from "./core-products.ts";
import { setTradingStateSchema, tradingStateChangedSchema } from "./core-trading-state.ts";

export * from "./core-accounts.ts";
export * from "./core-capacity.ts";
export * from "./core-common.ts";
export * from "./core-money.ts";
export * from "./core-orders.ts";
export * from "./core-products.ts";
export * from "./core-trading-state.ts";

export const coreCommandSchema = z.discriminatedUnion("type", [
  createAccountSchema,
  registerApiKeySchema,
  revokeApiKeySchema,
  killSwitchSchema,
  depositSchema,
  withdrawSchema,
  issueVoucherSchema,
  postBondSchema,
  declareCapacitySchema,
  listProductSchema,
  setTradingStateSchema,
  placeOrderSchema,
  cancelOrderSchema,
  replaceOrderSchema,
  amendOrderSchema,
  massCancelSchema,
  expireOrdersSchema,
]);
export type CoreCommand = z.infer<typeof coreCommandSchema>;
export type CoreCommandType = CoreCommand["type"];

/** Every refused command leaves this one event, so feeds and audits see refusals too. */
export const commandRejectedSchema = z.object({
  type: z.literal("CommandRejected"),
  commandId: commandIdSchema,
  commandType: z.string(),
  accountId: coreIdSchema.optional(),
  code: z.string(),
  message: z.string(),
});

export const coreEventSchema = z.discriminatedUnion("type", [
  accountCreatedSchema,
  apiKeyRegisteredSchema,
  apiKeyRevokedSchema,
  accountBlockChangedSchema,
  depositedSchema,
  withdrawnSchema,
  voucherIssuedSchema,
  bondPostedSchema,
  capacityDeclaredSchema,
  productListedSchema,
  tradingStateChangedSchema,
  orderAcceptedSchema,
  tradeExecutedSchema,
  orderCancelledSchema,
  orderAmendedSchema,
  orderReplacedSchema,
  orderExpiredSchema,
  commandRejectedSchema,
]);
export type CoreEvent = z.infer<typeof coreEventSchema>;
export type CoreEventType = CoreEvent["type"];
