import type { Lots, Ticks } from "./price.ts";
import type { PriceBand } from "./reference-data.ts";

// Money arithmetic in integer currency minor units (cents, fen). Sums over lots and hours can pass
// 2^53, so everything that multiplies is bigint. One rounding rule, used for fees, margin and
// penalties: round UP towards the exchange (ceiling). A charge is never short by a fraction, a
// rebate never overpaid, and every amount the ledger books is a whole minor unit.

const bpsPerUnit = 10_000n;

/** Ceiling division for a positive divisor (bigint `/` truncates towards zero). */
function divCeil(numerator: bigint, divisor: bigint): bigint {
  const quotient = numerator / divisor;
  return numerator % divisor > 0n ? quotient + 1n : quotient;
}

/**
 * price × lots × hours, in minor units. `tickMinorUnits` is the tick in minor units (tick "0.01" in
 * a 2-decimal currency = 1); reference data guarantees it is a whole number.
 */
export function notionalMinor(priceTicks: Ticks, lots: Lots, hours: number, tickMinorUnits: number): bigint {
  return BigInt(priceTicks) * BigInt(tickMinorUnits) * BigInt(lots) * BigInt(hours);
}

/**
 * amount × bps / 10000, rounded up (towards +infinity): for a fee (bps > 0) the exchange charges the
 * next whole minor unit; for a rebate (bps < 0) it pays the smaller whole amount. Margin and
 * penalties use the same rule.
 */
export function ceilBps(amountMinor: bigint, bps: number): bigint {
  return divCeil(amountMinor * BigInt(bps), bpsPerUnit);
}

/** The prices (in ticks, inclusive) a band allows around a reference price; never below one tick. */
export function priceBandTicks(
  referenceTicks: Ticks,
  band: PriceBand,
): { minTicks: number; maxTicks: number } {
  if (band.kind === "ticks") {
    return { minTicks: Math.max(1, referenceTicks - band.ticks), maxTicks: referenceTicks + band.ticks };
  }
  // The band is inclusive and shrinks inwards: the lowest allowed price rounds up, the highest down.
  const reference = BigInt(referenceTicks);
  const low = divCeil(reference * (bpsPerUnit - BigInt(band.bps)), bpsPerUnit);
  const high = (reference * (bpsPerUnit + BigInt(band.bps))) / bpsPerUnit;
  return { minTicks: Math.max(1, Number(low)), maxTicks: Number(high) };
}
