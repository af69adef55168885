import { DomainError } from "./errors.ts";
import { isPhysical, type Product, periodOf, periodStartContaining, productOf } from "./products.ts";
import { type KindSpec, productKinds, type ReferenceData } from "./reference-data.ts";
import type { ProductKind } from "./schemas/core-products.ts";
import type { TradingState } from "./schemas/core-trading-state.ts";
import { addMonthsMs, dayMs, type EpochMs, hourMs, minuteMs } from "./time.ts";

// When products are listed and when they stop trading, derived from the kind specs and the instant
// passed in. A product is listed from its listing time (periodStart - listingLead) until its
// trading end (periodStart - tradingEndLeadMinutes): listed(t) <=> listingMs <= t < tradingEndMs.

/** The states time alone decides; `halted` and `settled` come from events, not the clock. */
export type ScheduledTradingState = Extract<TradingState, "pre_open" | "open" | "gate_closed" | "closed">;

export function listingMs(product: Product, ref: ReferenceData): EpochMs {
  const { listingLead } = ref.kindSpecs[product.kind];
  if (listingLead.unit === "month") return addMonthsMs(product.periodStartMs, -listingLead.count);
  return product.periodStartMs - listingLead.count * (listingLead.unit === "day" ? dayMs : hourMs);
}

/** Last instant (exclusive) at which the product trades: gate closure for physical products,
 * last trading time for futures. */
export function tradingEndMs(product: Product, ref: ReferenceData): EpochMs {
  return product.periodStartMs - ref.kindSpecs[product.kind].tradingEndLeadMinutes * minuteMs;
}

/** Physical products only: delivery is allocated at this instant and trading stops. */
export function gateClosureMs(product: Product, ref: ReferenceData): EpochMs {
  if (!isPhysical(product))
    throw new DomainError("NOT_PHYSICAL", `${product.symbol} is cash-settled: no gate closure`);
  return tradingEndMs(product, ref);
}

/** Futures only: the last trading time (physical products stop at gate closure instead). */
export function lastTradingMs(product: Product, ref: ReferenceData): EpochMs {
  if (isPhysical(product))
    throw new DomainError("NOT_PHYSICAL", `${product.symbol} is physical: use gateClosureMs`);
  return tradingEndMs(product, ref);
}

/** The state the clock gives a product at `atMs`; the core overlays `halted` and `settled`. */
export function scheduledTradingState(
  product: Product,
  atMs: EpochMs,
  ref: ReferenceData,
): ScheduledTradingState {
  if (atMs < listingMs(product, ref)) return "pre_open";
  if (atMs < tradingEndMs(product, ref)) return "open";
  return isPhysical(product) ? "gate_closed" : "closed";
}

function nextPeriodStart(kind: ProductKind, startMs: EpochMs): EpochMs {
  return periodOf(kind, startMs).endMs;
}

function listedOfKind(
  spec: KindSpec,
  classCode: string,
  zoneCode: string,
  atMs: EpochMs,
  ref: ReferenceData,
): Product[] {
  const listed: Product[] = [];
  // Periods that have started have stopped trading (trading ends at or before the period start),
  // so the walk begins with the next period and stops at the first one not yet listed.
  let start = nextPeriodStart(spec.kind, periodStartContaining(spec.kind, atMs));
  for (;;) {
    const product = productOf(spec.kind, classCode, zoneCode, start);
    if (listingMs(product, ref) > atMs) return listed;
    if (atMs < tradingEndMs(product, ref)) listed.push(product);
    start = nextPeriodStart(spec.kind, start);
  }
}

/**
 * Every product listed at `atMs`, for every class and zone: hourly products delivering in the next
 * 48 hours, daily blocks of the next 14 days, futures on the next 12 months (per the kind specs),
 * minus those past their trading end. Ordered by class, zone, kind, period (reference data order).
 */
export function listedProducts(
  atMs: EpochMs,
  ref: ReferenceData,
  kinds: readonly ProductKind[] = productKinds,
): Product[] {
  const products: Product[] = [];
  for (const classCode of ref.classes.keys()) {
    for (const zoneCode of ref.zones.keys()) {
      for (const kind of kinds)
        products.push(...listedOfKind(ref.kindSpecs[kind], classCode, zoneCode, atMs, ref));
    }
  }
  return products;
}
