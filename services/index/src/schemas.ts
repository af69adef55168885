// The index's published event: one value with the inputs that made it (IOSCO-style: anyone can
// recompute it). Keys are CLASS.ZONE; the H100-equivalent composite uses class "H100EQ".
import { z } from "zod";

// The stream name is defined by its reader, market-data (this package depends on it, not back).
export { indexStream } from "@ghx/market-data";

export const compositeClass = "H100EQ";
export const compositeBaseClass = "H100";

const decimal = z.string().regex(/^\d+(\.\d+)?$/);
const trade = z.object({ price: z.number().int().positive(), qty: z.number().int().positive() });

export const indexPublishedSchema = z.object({
  type: z.literal("IndexPublished"),
  v: z.literal(1),
  key: z.string().regex(/^[A-Z0-9]{2,16}\.[A-Z0-9]{2,16}$/),
  classCode: z.string(),
  zone: z.string(),
  kind: z.enum(["hourly", "daily", "monthly"]),
  /** Start of the hour, UTC day or UTC month the value prices (epoch ms). */
  periodStart: z.number().int().nonnegative(),
  value: decimal.nullable(),
  currency: z.string(),
  method: z.enum(["transactions", "mid", "carried", "mean", "composite"]).nullable(),
  /** True when the value is not from this period's own data (carried forward). */
  stale: z.boolean(),
  /** Republished for the same period: the composite as classes close, the monthly each day. */
  revision: z.number().int().nonnegative(),
  /** Core time of the command that caused the publication. */
  publishedAt: z.number().int().nonnegative(),
  inputs: z.union([
    z.object({
      source: z.literal("hourly"),
      symbol: z.string(),
      tick: z.string(),
      trades: z.array(trade),
      trimmed: z.array(trade),
      median: z.number().int().nullable(),
      mad: z.number().int().nullable(),
      bestBid: z.number().int().nullable(),
      bestAsk: z.number().int().nullable(),
      previous: decimal.nullable(),
    }),
    z.object({
      source: z.literal("daily"),
      hours: z.array(z.object({ periodStart: z.number().int(), value: decimal, method: z.string() })),
    }),
    z.object({
      source: z.literal("monthly"),
      days: z.array(z.object({ periodStart: z.number().int(), value: decimal })),
      /** The month's last day is in: this is the month's value (the futures' final settlement). */
      final: z.boolean(),
    }),
    z.object({
      source: z.literal("composite"),
      base: z.string(),
      components: z.array(
        z.object({ classCode: z.string(), ratio: decimal, weight: decimal, equivalent: decimal }),
      ),
      excluded: z.array(z.string()),
    }),
  ]),
});
export type IndexPublished = z.infer<typeof indexPublishedSchema>;
