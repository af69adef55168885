// OHLCV candles per product and interval, in ticks and lots, bucketed by the core's command time.
import { candlesPerIntervalMax } from "../limits.ts";

export const candleIntervals = { "1m": 60_000, "5m": 300_000, "1h": 3_600_000, "1d": 86_400_000 } as const;
export type CandleInterval = keyof typeof candleIntervals;
export const candleIntervalNames = Object.keys(candleIntervals) as CandleInterval[];

export interface Candle {
  /** Bucket start, epoch ms (UTC, aligned to the interval). */
  readonly start: number;
  open: number;
  high: number;
  low: number;
  close: number;
  /** Lots traded. */
  volume: number;
  trades: number;
}

export type CandleSeries = Record<CandleInterval, Candle[]>;

export const emptyCandleSeries = (): CandleSeries => ({ "1m": [], "5m": [], "1h": [], "1d": [] });

/** Adds one trade to the newest candle of every interval (a new one when its bucket starts). */
export function addTrade(series: CandleSeries, ts: number, price: number, qty: number): void {
  for (const interval of candleIntervalNames) {
    const candles = series[interval];
    const start = ts - (ts % candleIntervals[interval]);
    const last = candles[candles.length - 1];
    if (last && last.start === start) {
      last.high = Math.max(last.high, price);
      last.low = Math.min(last.low, price);
      last.close = price;
      last.volume += qty;
      last.trades++;
      continue;
    }
    // Time never runs backwards in the core (the sequencer clamps it), so a new bucket is newer.
    candles.push({ start, open: price, high: price, low: price, close: price, volume: qty, trades: 1 });
    if (candles.length > candlesPerIntervalMax) candles.shift();
  }
}

export interface Stats24h {
  readonly open: number | undefined;
  readonly high: number | undefined;
  readonly low: number | undefined;
  readonly volume: number;
  readonly trades: number;
}

/** Rolling 24 h figures from the 1m candles that start within (now − 24 h, now]. */
export function stats24h(series: CandleSeries, nowMs: number): Stats24h {
  const from = nowMs - candleIntervals["1d"];
  const candles = series["1m"];
  let open: number | undefined;
  let high: number | undefined;
  let low: number | undefined;
  let volume = 0;
  let trades = 0;
  for (const c of candles) {
    if (c.start <= from) continue;
    open ??= c.open;
    high = high === undefined ? c.high : Math.max(high, c.high);
    low = low === undefined ? c.low : Math.min(low, c.low);
    volume += c.volume;
    trades += c.trades;
  }
  return { open, high, low, volume, trades };
}
