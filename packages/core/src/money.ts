// Integer money arithmetic of the core: notionals, fees, margins in minor units. Every result is
// checked to be a safe integer, so a number that could lose precision stops the core instead.
import { InvariantViolation } from "./invariants.ts";

export function safe(value: number, what: string): number {
  if (!Number.isSafeInteger(value)) throw new InvariantViolation(`${what} is not a safe integer: ${value}`);
  return value;
}

/** Minor units for `lots` at `priceTicks`: price × tick × hours per lot × lots. */
export function notionalMinor(priceTicks: number, lotTickMinor: number, lots: number): number {
  return safe(priceTicks * lotTickMinor * lots, "notional");
}

/**
 * Fee on a notional at `bps`. Charges round up (the exchange never undercharges by a rounding),
 * rebates (negative bps) round toward zero (it never overpays). Because ceil(q·x) ≤ q·ceil(x),
 * a fee on q lots never exceeds q times the per-lot fee the order held.
 */
export function feeMinor(notional: number, bps: number): number {
  if (bps >= 0) return Math.ceil((notional * bps) / 10_000);
  return -Math.floor((notional * -bps) / 10_000);
}

/** Initial margin on a notional, rounded up. */
export function marginMinor(notional: number, bps: number): number {
  return Math.ceil((notional * bps) / 10_000);
}

/** The share of `amount` that `part` of `whole` lots carries; the last lot takes the remainder. */
export function proRata(amount: number, part: number, whole: number): number {
  if (part >= whole) return amount;
  return Math.floor((amount * part) / whole);
}
