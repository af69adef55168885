// Field schemas shared by the core's commands and events. Amounts inside the core are integer
// minor units (fen, cents) as JS numbers: every sum the core keeps stays far below 2^53 (checked
// by the core's invariants), and numbers are an order of magnitude cheaper than bigint on the
// matching hot path. Decimal strings exist only at the edges.
import { z } from "zod";
import { idLengthMax } from "../limits.ts";

export const coreIdSchema = z
  .string()
  .min(1)
  .max(idLengthMax)
  .regex(/^[A-Za-z0-9_.:@-]+$/, "id: letters, digits and _ . : @ - only");

export const currencySchema = z.string().regex(/^[A-Z]{3}$/, "currency: ISO 4217 code");

/** A positive amount in minor units of its currency. */
export const minorAmountSchema = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** Milliseconds since the Unix epoch, UTC. */
/** Symbol syntax as the core accepts it; whether the product exists is the core's decision. */
export const symbolSchema = z.string().min(3).max(40);

export const epochMsSchema = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

export const capabilitySchema = z.enum(["trade", "provide", "operate", "read"]);
export type Capability = z.infer<typeof capabilitySchema>;

/** Every command names itself for idempotency: a retry with the same id gets the first outcome. */
export const commandIdSchema = coreIdSchema;

/**
 * Operator commands say which operating account asks; absent means the exchange itself
 * (scheduler, admin tooling inside the trust boundary).
 */
export const operatorIdSchema = coreIdSchema.optional();
