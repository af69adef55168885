import { amountToMinor, tickDecimals } from "./price.ts";
import { hoursInPeriod, type Product, productPeriod } from "./products.ts";
import { type KindSpec, type ReferenceData, zoneCurrency } from "./reference-data.ts";
import type { RejectCode } from "./reject-codes.ts";
import { listingMs, tradingEndMs } from "./schedule.ts";
import type { EpochMs } from "./time.ts";

/** Everything the core needs to trade one product, resolved from the reference data. */
export interface ResolvedProductSpec extends KindSpec {
  readonly symbol: string;
  readonly currency: string;
  readonly currencyDecimals: number;
  /** Decimal places of a price string ("0.01" -> 2). */
  readonly priceDecimals: number;
  /** One tick in currency minor units (a whole number, checked at load). */
  readonly tickMinorUnits: number;
  /** Hours of the period: the multiplier from price per GPU-hour to lot notional. */
  readonly hours: number;
  readonly periodStartMs: EpochMs;
  readonly periodEndMs: EpochMs;
  readonly listingMs: EpochMs;
  readonly tradingEndMs: EpochMs;
}

export function resolveProductSpec(product: Product, ref: ReferenceData): ResolvedProductSpec {
  const kindSpec = ref.kindSpecs[product.kind];
  const currency = zoneCurrency(ref, product.zoneCode);
  const priceDecimals = tickDecimals(kindSpec.tick);
  const period = productPeriod(product);
  return {
    ...kindSpec,
    symbol: product.symbol,
    currency: currency.code,
    currencyDecimals: currency.decimals,
    priceDecimals,
    tickMinorUnits: Number(amountToMinor(kindSpec.tick, currency.decimals)),
    hours: hoursInPeriod(product),
    periodStartMs: period.startMs,
    periodEndMs: period.endMs,
    listingMs: listingMs(product, ref),
    tradingEndMs: tradingEndMs(product, ref),
  };
}

/** Why an order's quantity does not fit the product, or undefined if it does. */
export function lotsRejectCode(lots: number, spec: ResolvedProductSpec): RejectCode | undefined {
  if (!Number.isSafeInteger(lots) || lots < 1) return "INVALID_QUANTITY";
  if (lots < spec.minLots) return "QUANTITY_BELOW_MIN";
  if (lots > spec.maxLots) return "QUANTITY_ABOVE_MAX";
  return undefined;
}
