// The GHX index methodology (METHODOLOGY.md), as pure functions over integers: prices in ticks,
// quantities in lots, sums in bigint; results as decimal strings (decimal.js only for the final
// division and for the composite's ratios). No floats touch a price.
import { Decimal } from "decimal.js";

/** Keep a trade when |p − median| ≤ max(madMultiple × MAD, floorBps of the median). */
export const madMultiple = 4n;
export const trimFloorBps = 200n;
/** Extra decimal places the index carries beyond the product's tick (CNY tick 0.01 → 4 places). */
export const extraDecimals = 2;
/** Hours of history the composite's conversion ratios look back over. */
export const ratioWindowHours = 168;

const D = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_EVEN });

export interface IndexTrade {
  readonly price: number;
  readonly qty: number;
}

export type Method = "transactions" | "mid" | "carried";

export interface HourlyInputs {
  readonly trades: readonly IndexTrade[];
  readonly bestBid: number | undefined;
  readonly bestAsk: number | undefined;
  /** The last published value of this class and zone (a decimal string), for the carried fallback. */
  readonly previous: string | undefined;
}

export interface HourlyResult {
  readonly value: string | undefined;
  readonly method: Method | undefined;
  readonly stale: boolean;
  /** Trades kept, and the trimmed ones, exactly as used. */
  readonly kept: readonly IndexTrade[];
  readonly trimmed: readonly IndexTrade[];
  readonly median: number | undefined;
  readonly mad: number | undefined;
  /** Σ kept lots (the class's weight basis in the composite). */
  readonly volume: number;
}

/** The lot-weighted lower median: the smallest value at which the cumulative lots reach half. */
export function weightedLowerMedian(points: readonly { value: number; weight: number }[]): number {
  const sorted = [...points].sort((a, b) => a.value - b.value);
  const total = sorted.reduce((n, p) => n + p.weight, 0);
  let cumulative = 0;
  for (const p of sorted) {
    cumulative += p.weight;
    if (2 * cumulative >= total) return p.value;
  }
  throw new Error("weightedLowerMedian of nothing");
}

/** Splits trades into kept and trimmed by the MAD rule around the lot-weighted median. */
export function trimOutliers(trades: readonly IndexTrade[]) {
  const median = weightedLowerMedian(trades.map((t) => ({ value: t.price, weight: t.qty })));
  const mad = weightedLowerMedian(trades.map((t) => ({ value: Math.abs(t.price - median), weight: t.qty })));
  // Integer form of |p − m| ≤ max(k·MAD, m · floorBps / 10000).
  const limitTimes10k = [madMultiple * BigInt(mad) * 10_000n, BigInt(median) * trimFloorBps].reduce((a, b) =>
    a > b ? a : b,
  );
  const kept: IndexTrade[] = [];
  const trimmed: IndexTrade[] = [];
  for (const t of trades) {
    (BigInt(Math.abs(t.price - median)) * 10_000n <= limitTimes10k ? kept : trimmed).push(t);
  }
  return { median, mad, kept, trimmed };
}

/** Σ p·q / Σ q in ticks → a price string with the tick's decimals plus `extraDecimals`, half-even. */
export function vwapPrice(trades: readonly IndexTrade[], tick: string): string {
  let notional = 0n;
  let lots = 0n;
  for (const t of trades) {
    notional += BigInt(t.price) * BigInt(t.qty);
    lots += BigInt(t.qty);
  }
  return ticksRatioToPrice(notional, lots, tick);
}

function ticksRatioToPrice(numerator: bigint, denominator: bigint, tick: string): string {
  const places = (tick.split(".")[1]?.length ?? 0) + extraDecimals;
  return new D(numerator.toString()).div(denominator.toString()).times(tick).toFixed(places);
}

/** Transactions first; then the mid of the book at the close; then the previous value, stale. */
export function hourlyIndex(inputs: HourlyInputs, tick: string): HourlyResult {
  const none = { kept: [], trimmed: [], median: undefined, mad: undefined, volume: 0 };
  if (inputs.trades.length > 0) {
    const { median, mad, kept, trimmed } = trimOutliers(inputs.trades);
    const volume = kept.reduce((n, t) => n + t.qty, 0);
    return {
      value: vwapPrice(kept, tick),
      method: "transactions",
      stale: false,
      kept,
      trimmed,
      median,
      mad,
      volume,
    };
  }
  if (inputs.bestBid !== undefined && inputs.bestAsk !== undefined) {
    const value = ticksRatioToPrice(BigInt(inputs.bestBid) + BigInt(inputs.bestAsk), 2n, tick);
    return { ...none, value, method: "mid", stale: false };
  }
  if (inputs.previous !== undefined)
    return { ...none, value: inputs.previous, method: "carried", stale: true };
  return { ...none, value: undefined, method: undefined, stale: true };
}

/**
 * Mean of index values at their precision: the daily value of a day's hourly values, the monthly
 * value of a month's daily values (the ones that exist).
 */
export function meanIndex(values: readonly string[]): string | undefined {
  if (values.length === 0) return undefined;
  // Places as written ("10.0000" has four; decimal.js would count none).
  const places = Math.max(...values.map((v) => v.split(".")[1]?.length ?? 0));
  return values
    .reduce((sum, v) => sum.plus(v), new D(0))
    .div(values.length)
    .toFixed(places);
}

export interface CompositeClassInput {
  readonly classCode: string;
  /** This hour's transaction-based value and its kept lots. */
  readonly value: string;
  readonly volume: number;
  /** Transaction-based values in the look-back window, by hour start, for this class and for the base. */
  readonly history: ReadonlyMap<number, string>;
}

export interface CompositeResult {
  readonly value: string | undefined;
  readonly components: readonly {
    readonly classCode: string;
    readonly ratio: string;
    readonly weight: string;
    readonly equivalent: string;
  }[];
  readonly excluded: readonly string[];
}

/**
 * H100-equivalent: every class's value divided by its conversion ratio to the base class (Σ of
 * its values / Σ of the base's values over the hours both have transactions in the window),
 * weighted by this hour's kept lots. Classes with no common hour with the base are excluded.
 */
export function compositeIndex(
  base: string,
  baseHistory: ReadonlyMap<number, string>,
  classes: readonly CompositeClassInput[],
  places: number,
): CompositeResult {
  const components: { classCode: string; ratio: Decimal; volume: number; equivalent: Decimal }[] = [];
  const excluded: string[] = [];
  for (const c of classes) {
    let own = new D(0);
    let theirs = new D(0);
    for (const [hour, value] of c.history) {
      const baseValue = baseHistory.get(hour);
      if (baseValue === undefined) continue;
      own = own.plus(value);
      theirs = theirs.plus(baseValue);
    }
    const ratio = c.classCode === base ? new D(1) : theirs.isZero() ? undefined : own.div(theirs);
    if (!ratio || c.volume === 0) {
      excluded.push(c.classCode);
      continue;
    }
    components.push({
      classCode: c.classCode,
      ratio,
      volume: c.volume,
      equivalent: new D(c.value).div(ratio),
    });
  }
  const totalVolume = components.reduce((n, c) => n + c.volume, 0);
  if (totalVolume === 0) return { value: undefined, components: [], excluded };
  const value = components
    .reduce((sum, c) => sum.plus(c.equivalent.times(c.volume)), new D(0))
    .div(totalVolume);
  return {
    value: value.toFixed(places),
    components: components.map((c) => ({
      classCode: c.classCode,
      ratio: c.ratio.toFixed(6),
      weight: new D(c.volume).div(totalVolume).toFixed(6),
      equivalent: c.equivalent.toFixed(places),
    })),
    excluded,
  };
}
