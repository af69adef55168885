// Provider capacity: the GPUs a provider stands behind for a period. A provider's potential short
// in every physical product covering an hour never exceeds what it declared for that hour.
import { z } from "zod";
import { commandIdSchema, coreIdSchema, epochMsSchema } from "./core-common.ts";

const hourMs = 3_600_000;
const isWholeHour = (ms: number) => ms % hourMs === 0;

const capacityFields = {
  accountId: coreIdSchema,
  accelerator: z.string().regex(/^[A-Z0-9]{2,12}$/),
  zone: z.string().regex(/^[A-Z0-9]{2,16}$/),
  gpus: z.number().int().positive().max(10_000_000),
  /** Whole UTC hours, from inclusive, to exclusive. */
  from: epochMsSchema.refine(isWholeHour, "from: a whole hour"),
  to: epochMsSchema.refine(isWholeHour, "to: a whole hour"),
};

export const declareCapacitySchema = z.object({
  type: z.literal("DeclareCapacity"),
  commandId: commandIdSchema,
  ...capacityFields,
});

export const capacityDeclaredSchema = z.object({ type: z.literal("CapacityDeclared"), ...capacityFields });
