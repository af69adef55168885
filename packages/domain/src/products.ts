import { DomainError } from "./errors.ts";
import type { ReferenceData } from "./reference-data.ts";
import type { ProductKind } from "./schemas/core-products.ts";
import { addMonthsMs, daysInMonth, type EpochMs, hourMs, utcParts } from "./time.ts";

// The delivery grid. A product is one accelerator class in one delivery zone for one UTC period:
//   hourly spot     CLASS.ZONE.YYYYMMDDTHH   that hour                 physical
//   daily block     CLASS.ZONE.YYYYMMDD      the 24 hours of that day  physical
//   monthly future  CLASS.ZONE.YYYYMmm       the month (for notional)  cash
// The symbol is derived from (kind, class, zone, periodStartMs) and parses back to it exactly.

export interface Product {
  readonly symbol: string;
  readonly kind: ProductKind;
  readonly classCode: string;
  readonly zoneCode: string;
  /** First instant of the period (UTC, epoch ms): the delivery start for physical products. */
  readonly periodStartMs: EpochMs;
}

export interface Period {
  readonly startMs: EpochMs;
  /** Exclusive. */
  readonly endMs: EpochMs;
}

const symbolPattern = /^([A-Z0-9]{1,16})\.([A-Z0-9]{1,16})\.(\d{4})(?:(\d{2})(\d{2})(?:T(\d{2}))?|M(\d{2}))$/;
/** Years a symbol may name: four digits, and not before the epoch. */
const yearMin = 1970;

const pad2 = (n: number) => String(n).padStart(2, "0");

function periodLabel(kind: ProductKind, startMs: EpochMs): string {
  const { year, month, day, hour } = utcParts(startMs);
  const yyyy = String(year).padStart(4, "0");
  if (kind === "future") return `${yyyy}M${pad2(month)}`;
  const date = `${yyyy}${pad2(month)}${pad2(day)}`;
  return kind === "daily" ? date : `${date}T${pad2(hour)}`;
}

/** The first instant of the period of `kind` that contains `ms`. */
export function periodStartContaining(kind: ProductKind, ms: EpochMs): EpochMs {
  const { year, month, day, hour } = utcParts(ms);
  if (kind === "future") return Date.UTC(year, month - 1, 1);
  if (kind === "daily") return Date.UTC(year, month - 1, day);
  return Date.UTC(year, month - 1, day, hour);
}

/** The period of `kind` that starts at `startMs`: exclusive end. */
export function periodOf(kind: ProductKind, startMs: EpochMs): Period {
  if (kind === "future") return { startMs, endMs: addMonthsMs(startMs, 1) };
  return { startMs, endMs: startMs + (kind === "daily" ? 24 : 1) * hourMs };
}

/** Builds a product from its parts; the period start must be aligned to the kind (whole hour, day, month). */
export function productOf(
  kind: ProductKind,
  classCode: string,
  zoneCode: string,
  periodStartMs: EpochMs,
): Product {
  if (!Number.isSafeInteger(periodStartMs) || periodStartContaining(kind, periodStartMs) !== periodStartMs) {
    throw new DomainError("PERIOD_NOT_ALIGNED", `${periodStartMs} is not the start of a ${kind} period`);
  }
  if (utcParts(periodStartMs).year < yearMin || utcParts(periodStartMs).year > 9999) {
    throw new DomainError("IMPOSSIBLE_DATE", `${periodStartMs} is outside the years ${yearMin}-9999`);
  }
  const symbol = `${classCode}.${zoneCode}.${periodLabel(kind, periodStartMs)}`;
  if (!symbolPattern.test(symbol))
    throw new DomainError("SYMBOL_MALFORMED", `cannot form a symbol from ${symbol}`);
  return { symbol, kind, classCode, zoneCode, periodStartMs };
}

/** Same as product.symbol; for callers holding the parts. */
export function formatSymbol(product: Omit<Product, "symbol">): string {
  return productOf(product.kind, product.classCode, product.zoneCode, product.periodStartMs).symbol;
}

function checkedDate(symbol: string, year: number, month: number, day: number, hour: number): EpochMs {
  if (year < yearMin)
    throw new DomainError("IMPOSSIBLE_DATE", `${symbol}: year ${year} is before ${yearMin}`);
  if (month < 1 || month > 12)
    throw new DomainError("IMPOSSIBLE_DATE", `${symbol}: month ${month} does not exist`);
  if (day < 1 || day > daysInMonth(year, month)) {
    throw new DomainError(
      "IMPOSSIBLE_DATE",
      `${symbol}: day ${day} does not exist in ${year}-${pad2(month)}`,
    );
  }
  if (hour > 23) throw new DomainError("IMPOSSIBLE_DATE", `${symbol}: hour ${hour} does not exist`);
  return Date.UTC(year, month - 1, day, hour);
}

/**
 * Parses a symbol against the reference data. Errors: SYMBOL_MALFORMED (grammar), UNKNOWN_CLASS,
 * UNKNOWN_ZONE, IMPOSSIBLE_DATE (month 13, 30 February, hour 24, before 1970).
 */
export function parseSymbol(symbol: string, ref: ReferenceData): Product {
  const match = symbolPattern.exec(symbol);
  if (!match) {
    throw new DomainError(
      "SYMBOL_MALFORMED",
      `"${symbol}" is not CLASS.ZONE.YYYYMMDDTHH, CLASS.ZONE.YYYYMMDD or CLASS.ZONE.YYYYMmm`,
    );
  }
  const [, classCode = "", zoneCode = "", year, month, day, hour, futureMonth] = match;
  if (!ref.classes.has(classCode))
    throw new DomainError("UNKNOWN_CLASS", `${symbol}: unknown accelerator class ${classCode}`);
  if (!ref.zones.has(zoneCode))
    throw new DomainError("UNKNOWN_ZONE", `${symbol}: unknown delivery zone ${zoneCode}`);
  const kind: ProductKind = futureMonth !== undefined ? "future" : hour !== undefined ? "hourly" : "daily";
  const startMs = checkedDate(
    symbol,
    Number(year),
    Number(futureMonth ?? month),
    kind === "future" ? 1 : Number(day),
    kind === "hourly" ? Number(hour) : 0,
  );
  return { symbol, kind, classCode, zoneCode, periodStartMs: startMs };
}

/** The product's period: its delivery period if physical, the month it refers to if a future. */
export function productPeriod(product: Product): Period {
  return periodOf(product.kind, product.periodStartMs);
}

/** Hours in the period: 1, 24, or the hours of the month (672-744). Notional = price × lots × hours. */
export function hoursInPeriod(product: Product): number {
  const { startMs, endMs } = productPeriod(product);
  return (endMs - startMs) / hourMs;
}

export function isPhysical(product: Product): boolean {
  return product.kind !== "future";
}
