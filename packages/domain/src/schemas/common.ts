import { z } from "zod";
import { idLengthMax, lotsMax } from "../limits.ts";
import { signedDecimalPattern, unsignedDecimalPattern } from "../price.ts";
import { epochMsSchema } from "./core-common.ts";
import type { sideSchema } from "./core-orders.ts";

// Building blocks shared by every command and event schema. A command or event is
// { type, v, data, metadata }: `type` a literal name, `v` the schema version of `data`, matching the
// EventStore's { type, data, metadata } record.

export const idSchema = z
  .string()
  .regex(
    new RegExp(`^[A-Za-z0-9][A-Za-z0-9._:-]{0,${idLengthMax - 1}}$`),
    `must be 1-${idLengthMax} letters, digits or . _ : - (starting with a letter or digit)`,
  );

/** A price as a decimal string: "12.34". Checked against the product's tick by priceToTicks. */
export const priceStringSchema = z
  .string()
  .regex(unsignedDecimalPattern, "must be a decimal string like 12.34");

/** A money amount that may be negative (a maker rebate): "-0.05". */
export const signedAmountSchema = z
  .string()
  .regex(signedDecimalPattern, "must be a decimal string like -0.05");

/** Lots in an order: a whole number from 1. */
export const lotsSchema = z.int().min(1).max(lotsMax);

/** Lots in a result (what is left, what was cancelled): may be zero. */
export const lotsOrZeroSchema = z.int().min(0).max(lotsMax);

/** Symbol syntax only; whether the product exists is decided by parseSymbol against reference data. */
export const symbolSchema = z.string().min(5).max(64);

export type Side = z.infer<typeof sideSchema>;

/** What the journal adds to every command: who sent it, when it arrived, and its idempotency id. */
export const commandMetadataSchema = z.strictObject({
  commandId: idSchema,
  receivedAtMs: epochMsSchema,
  /** The caller (the authenticated account, or a system account for the scheduler and core). */
  accountId: idSchema,
});
export type CommandMetadata = z.infer<typeof commandMetadataSchema>;

/** What the core adds to every event: the command that caused it and the time it took effect. */
export const eventMetadataSchema = z.strictObject({
  commandId: idSchema,
  occurredAtMs: epochMsSchema,
});
export type EventMetadata = z.infer<typeof eventMetadataSchema>;

/** { type: literal, v: 1, data, metadata } with command metadata. */
export function commandSchema<T extends string, D extends z.ZodType>(type: T, data: D) {
  return z.strictObject({ type: z.literal(type), v: z.literal(1), data, metadata: commandMetadataSchema });
}

/** { type: literal, v: 1, data, metadata } with event metadata. */
export function eventSchema<T extends string, D extends z.ZodType>(type: T, data: D) {
  return z.strictObject({ type: z.literal(type), v: z.literal(1), data, metadata: eventMetadataSchema });
}
