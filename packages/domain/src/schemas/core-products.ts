// Listing a product on the core: everything matching and risk need, as integers. The scheduler
// derives these from the domain's product grid and reference data.
import { z } from "zod";
import { feeBpsMax, feeBpsMin, lotsMax, priceTicksMax } from "../limits.ts";
import {
  commandIdSchema,
  currencySchema,
  epochMsSchema,
  operatorIdSchema,
  symbolSchema,
} from "./core-common.ts";

export const productKindSchema = z.enum(["hourly", "daily", "future"]);
export type ProductKind = z.infer<typeof productKindSchema>;

const ticks = z.number().int().positive().max(priceTicksMax);
const lots = z.number().int().positive().max(lotsMax);
const bps = z.number().int().min(feeBpsMin).max(feeBpsMax);

export const productSpecSchema = z
  .object({
    symbol: symbolSchema,
    kind: productKindSchema,
    accelerator: z.string().regex(/^[A-Z0-9]{2,12}$/),
    zone: z.string().regex(/^[A-Z0-9]{2,16}$/),
    currency: currencySchema,
    /** Minor units of the currency per tick per GPU-hour (tick 0.01 CNY = 1 fen). */
    tickMinor: z.number().int().positive().max(1_000_000),
    /** GPU-hours in one lot: 1 hourly, 24 daily, the month's hours for a future. */
    hoursPerLot: z.number().int().positive().max(744),
    minLots: lots,
    maxLots: lots,
    /** Price band (collar around the reference price) in ticks, inclusive. */
    bandLowTicks: ticks,
    bandHighTicks: ticks,
    makerFeeBps: bps,
    takerFeeBps: bps,
    /** Initial margin in bps of notional (futures only; 0 for physical). */
    marginBps: z.number().int().min(0).max(10_000),
    /** Largest absolute position (counting open orders on the same side) in lots. */
    positionLimitLots: lots,
    /** Delivery period (physical) or reference month (futures), from inclusive, to exclusive. */
    deliveryFrom: epochMsSchema,
    deliveryTo: epochMsSchema,
  })
  .refine((p) => p.minLots <= p.maxLots, "minLots ≤ maxLots")
  .refine((p) => p.bandLowTicks <= p.bandHighTicks, "bandLowTicks ≤ bandHighTicks")
  .refine((p) => p.deliveryFrom < p.deliveryTo, "deliveryFrom < deliveryTo")
  .refine((p) => (p.kind === "future") === p.marginBps > 0, "marginBps > 0 exactly for futures");
export type ProductSpec = z.infer<typeof productSpecSchema>;

export const listProductSchema = z.object({
  type: z.literal("ListProduct"),
  commandId: commandIdSchema,
  operatorId: operatorIdSchema,
  product: productSpecSchema,
  /** Listed products start pre_open unless they open at once. */
  open: z.boolean(),
});

export const productListedSchema = z.object({
  type: z.literal("ProductListed"),
  product: productSpecSchema,
  state: z.enum(["pre_open", "open"]),
});
