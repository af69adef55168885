import { Decimal } from "decimal.js";
import { DomainError } from "./errors.ts";
import {
  decimalFractionDigitsMax,
  decimalIntegerDigitsMax,
  lotsMax,
  priceTicksMax,
  tickCacheSizeMax,
} from "./limits.ts";

// Prices and quantities are integers inside GHX (ticks and lots); decimal strings exist only at the
// edges and are converted here, exactly, with decimal.js. A value that would need rounding is
// refused, never rounded.

/** A price as a whole number of ticks of its product. */
export type Ticks = number & { readonly __brand: "Ticks" };
/** A quantity as a whole number of lots (one lot = one GPU for every hour of the period). */
export type Lots = number & { readonly __brand: "Lots" };

/** Unsigned decimal: digits, optionally a point and digits. No sign, exponent, spaces or hex. */
export const unsignedDecimalPattern = new RegExp(
  `^\\d{1,${decimalIntegerDigitsMax}}(\\.\\d{1,${decimalFractionDigitsMax}})?$`,
);
/** Signed decimal, for amounts that may be negative (rebates, variation margin). */
export const signedDecimalPattern = new RegExp(
  `^-?\\d{1,${decimalIntegerDigitsMax}}(\\.\\d{1,${decimalFractionDigitsMax}})?$`,
);

// A private Decimal: wide enough for every string the patterns admit, and never in exponent
// notation, so global Decimal settings elsewhere cannot change our results.
const Exact = Decimal.clone({ precision: 80, toExpNeg: -100, toExpPos: 100 });

interface TickInfo {
  readonly size: Decimal;
  readonly decimals: number;
}

const tickCache = new Map<string, TickInfo>();

function tickInfo(tick: string): TickInfo {
  const cached = tickCache.get(tick);
  if (cached) return cached;
  if (!unsignedDecimalPattern.test(tick) || new Exact(tick).isZero()) {
    throw new DomainError("INVALID_TICK_SIZE", `tick size "${tick}" is not a positive decimal`);
  }
  const size = new Exact(tick);
  const info = { size, decimals: size.decimalPlaces() };
  if (tickCache.size < tickCacheSizeMax) tickCache.set(tick, info);
  return info;
}

/** Decimal places of a tick size ("0.01" -> 2, "0.5" -> 1, "5" -> 0): the canonical price format. */
export function tickDecimals(tick: string): number {
  return tickInfo(tick).decimals;
}

/**
 * "12.34" with tick "0.01" -> 1234. Trailing zeros are fine ("12.340"); a digit finer than the tick
 * is PRICE_TOO_MANY_DECIMALS, a value between ticks (tick "0.05", "12.34") PRICE_NOT_ON_TICK.
 */
export function priceToTicks(price: string, tick: string): Ticks {
  const { size, decimals } = tickInfo(tick);
  if (!unsignedDecimalPattern.test(price)) {
    throw new DomainError("INVALID_DECIMAL", `price "${price}" is not a plain decimal number`);
  }
  const value = new Exact(price);
  if (value.isZero()) throw new DomainError("PRICE_NOT_POSITIVE", `price "${price}" must be above zero`);
  if (value.decimalPlaces() > decimals) {
    throw new DomainError(
      "PRICE_TOO_MANY_DECIMALS",
      `price "${price}" has more than ${decimals} decimal places (tick ${tick})`,
    );
  }
  const ticks = value.dividedBy(size);
  if (!ticks.isInteger()) {
    throw new DomainError("PRICE_NOT_ON_TICK", `price "${price}" is not a multiple of the tick ${tick}`);
  }
  if (ticks.greaterThan(priceTicksMax)) {
    throw new DomainError("PRICE_OUT_OF_RANGE", `price "${price}" exceeds ${priceTicksMax} ticks`);
  }
  return ticks.toNumber() as Ticks;
}

/** 1234 with tick "0.01" -> "12.34": always exactly the tick's decimal places. */
export function ticksToPrice(ticks: number, tick: string): string {
  const { size, decimals } = tickInfo(tick);
  return size.times(ticks).toFixed(decimals);
}

function wholeNumberFrom1(
  value: number,
  max: number,
  code: "INVALID_LOTS" | "PRICE_OUT_OF_RANGE",
  unit: string,
): number {
  if (!Number.isSafeInteger(value) || value < 1 || value > max) {
    throw new DomainError(code, `${value} is not a whole number of ${unit} from 1 to ${max}`);
  }
  return value;
}

/** Checks a lot count from a command: a whole number from 1 to lotsMax. */
export function toLots(value: number): Lots {
  return wholeNumberFrom1(value, lotsMax, "INVALID_LOTS", "lots") as Lots;
}

/** Brands an integer price (from the book or a spec) as ticks after checking its range. */
export function toTicks(value: number): Ticks {
  return wholeNumberFrom1(value, priceTicksMax, "PRICE_OUT_OF_RANGE", "ticks") as Ticks;
}

/** "12.34" in a 2-decimal currency -> 1234n. Signed; a finer amount is refused, never rounded. */
export function amountToMinor(amount: string, currencyDecimals: number): bigint {
  if (!signedDecimalPattern.test(amount)) {
    throw new DomainError("INVALID_AMOUNT", `amount "${amount}" is not a plain decimal number`);
  }
  const value = new Exact(amount);
  if (value.decimalPlaces() > currencyDecimals) {
    throw new DomainError(
      "AMOUNT_TOO_MANY_DECIMALS",
      `amount "${amount}" has more than ${currencyDecimals} decimal places`,
    );
  }
  return BigInt(value.times(new Exact(10).pow(currencyDecimals)).toFixed(0));
}

/** 1234n in a 2-decimal currency -> "12.34"; -5n -> "-0.05". */
export function minorToAmount(minor: bigint, currencyDecimals: number): string {
  return new Exact(minor.toString()).dividedBy(new Exact(10).pow(currencyDecimals)).toFixed(currencyDecimals);
}
