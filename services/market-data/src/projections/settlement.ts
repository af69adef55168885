// The GHX index as market-data reads it. Monthly futures settle in cash against the index
// (services/index/METHODOLOGY.md): the final settlement price of C.Z.<month> is the mean of the
// month's daily C.Z index values, which the index publishes as `kind: "monthly"` (month to date,
// republished each day, `final` after the month's last day). The core emits no settlement-price
// event, so this is the settlement price market-data can show.
//
// @ghx/index depends on this package (books, formats, the core-events follower), so the contract
// lives here: the index imports the stream name, and its tests check its publications parse.
import { z } from "zod";

/** The index's journal: one IndexPublished event per publication, in order. */
export const indexStream = "ghx-index";

const decimal = z.string().regex(/^\d+(\.\d+)?$/);
const epochMs = z.number().int().nonnegative();

/** Any publication, for the `index` channel: forwarded whole, latest per key. */
export const indexPublicationSchema = z.looseObject({
  type: z.literal("IndexPublished"),
  key: z.string().regex(/^[A-Z0-9]{2,16}\.[A-Z0-9]{2,16}$/),
  kind: z.string(),
  periodStart: epochMs,
});
export type IndexPublication = z.infer<typeof indexPublicationSchema>;

/** A monthly value: what a future on its key and month settles at. */
export const monthlyIndexSchema = z.object({
  key: z.string(),
  kind: z.literal("monthly"),
  periodStart: epochMs,
  value: decimal.nullable(),
  currency: z.string(),
  stale: z.boolean(),
  revision: z.number().int().nonnegative(),
  publishedAt: epochMs,
  inputs: z.object({
    days: z.array(z.object({ periodStart: epochMs, value: decimal })),
    final: z.boolean(),
  }),
});

export interface SettlementReference {
  /** The index key (CLASS.ZONE) the future settles against. */
  readonly index: string;
  /** Start of the reference month (the future's deliveryFrom). */
  readonly month: number;
  /** Mean of the month's daily index values so far; final once `final`. */
  readonly price: string | null;
  readonly currency: string;
  readonly final: boolean;
  /** Daily values in the mean. */
  readonly days: number;
  /** Some day in it carried a value forward (no trade and no book in an hour). */
  readonly stale: boolean;
  readonly revision: number;
  /** Core time of the command that closed the day. */
  readonly publishedAt: number;
}

export const settlementKey = (index: string, month: number) => `${index}@${month}`;

/** The reference in a monthly publication, or undefined for any other kind. */
export function settlementOf(publication: IndexPublication): SettlementReference | undefined {
  if (publication.kind !== "monthly") return undefined;
  const m = monthlyIndexSchema.parse(publication);
  return {
    index: m.key,
    month: m.periodStart,
    price: m.value,
    currency: m.currency,
    final: m.inputs.final,
    days: m.inputs.days.length,
    stale: m.stale,
    revision: m.revision,
    publishedAt: m.publishedAt,
  };
}
