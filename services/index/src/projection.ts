// The index from the core's events: hourly spot trades per (class, zone, delivery hour); at the
// product's close (gate closure) its hourly value by the methodology, the zone's H100-equivalent
// composite for that hour, after hour 23 the day's mean, and with each day the month-to-date mean of
// the daily values (the monthly futures' final settlement reference). Pure: the core's time only.
import type { ProductSpec } from "@ghx/domain";
import { type CommandEvents, L2Book, PriceFormat } from "@ghx/market-data";
import {
  type CompositeClassInput,
  compositeIndex,
  extraDecimals,
  hourlyIndex,
  type IndexTrade,
  meanIndex,
  ratioWindowHours,
} from "./methodology.ts";
import type { IndexPublished } from "./schemas.ts";
import { compositeBaseClass, compositeClass } from "./schemas.ts";

const hourMs = 3_600_000;
const dayMs = 24 * hourMs;
const monthStart = (ms: number) => {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
};
const nextMonthStart = (ms: number) => {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
};
/** Publications kept per key for REST history (a year of hourly and daily values). */
export const historyPerKeyMax = 24 * 366 + 366;

interface HourlyProduct {
  readonly spec: ProductSpec;
  readonly tick: string;
  readonly book: L2Book;
  readonly trades: IndexTrade[];
  closed: boolean;
}

interface HourValue {
  readonly value: string;
  readonly method: string;
  readonly volume: number;
}

type PublicationCommon = Pick<IndexPublished, "classCode" | "zone" | "currency" | "publishedAt">;

const closingStates = new Set(["gate_closed", "closed"]);

export class IndexProjection {
  private readonly products = new Map<string, HourlyProduct>();
  /** CLASS.ZONE → hour start → published hourly value. */
  private readonly hours = new Map<string, Map<number, HourValue>>();
  private readonly latest = new Map<string, string>();
  /** CLASS.ZONE → day start → daily value, for the current month. */
  private readonly days = new Map<string, Map<number, { value: string; stale: boolean }>>();
  private readonly revisions = new Map<string, number>();
  readonly history = new Map<string, IndexPublished[]>();

  apply({ ts, events }: CommandEvents): IndexPublished[] {
    const out: IndexPublished[] = [];
    for (const event of events) {
      if (event.type === "ProductListed") {
        if (event.product.kind !== "hourly") continue;
        const tick = new PriceFormat(event.product).tick;
        this.products.set(event.product.symbol, {
          spec: event.product,
          tick,
          book: new L2Book(),
          trades: [],
          closed: false,
        });
        continue;
      }
      if (!("symbol" in event)) continue;
      const product = this.products.get(event.symbol);
      if (!product || product.closed) continue;
      if (event.type === "TradeExecuted") product.trades.push({ price: event.price, qty: event.qty });
      // Closing cancels every resting order first: the hour's book is the one before the first of them.
      const closing =
        (event.type === "OrderCancelled" && event.reason === "market_closed") ||
        (event.type === "TradingStateChanged" && closingStates.has(event.to));
      if (closing) {
        product.closed = true;
        out.push(...this.close(product, ts));
        continue;
      }
      product.book.apply(event);
    }
    for (const event of out) this.remember(event);
    return out;
  }

  private close(product: HourlyProduct, ts: number): IndexPublished[] {
    const { spec } = product;
    const key = `${spec.accelerator}.${spec.zone}`;
    const hour = spec.deliveryFrom;
    const bestBid = product.book.bestBid()?.price;
    const bestAsk = product.book.bestAsk()?.price;
    const previous = this.latest.get(key);
    const result = hourlyIndex({ trades: product.trades, bestBid, bestAsk, previous }, product.tick);
    this.products.delete(spec.symbol);
    if (result.value === undefined || result.method === undefined) return [];
    this.latest.set(key, result.value);
    const hours = this.hours.get(key) ?? new Map<number, HourValue>();
    this.hours.set(key, hours);
    hours.set(hour, { value: result.value, method: result.method, volume: result.volume });
    for (const h of hours.keys()) if (h < hour - ratioWindowHours * hourMs) hours.delete(h);
    const common = { classCode: spec.accelerator, zone: spec.zone, currency: spec.currency, publishedAt: ts };
    const out: IndexPublished[] = [
      {
        type: "IndexPublished",
        v: 1,
        key,
        ...common,
        kind: "hourly",
        periodStart: hour,
        value: result.value,
        method: result.method,
        stale: result.stale,
        revision: 0,
        inputs: {
          source: "hourly",
          symbol: spec.symbol,
          tick: product.tick,
          trades: [...result.kept],
          trimmed: [...result.trimmed],
          median: result.median ?? null,
          mad: result.mad ?? null,
          bestBid: bestBid ?? null,
          bestAsk: bestAsk ?? null,
          previous: previous ?? null,
        },
      },
    ];
    const composite = this.composite(spec, product.tick, hour, ts);
    if (composite) out.push(composite);
    if ((hour + hourMs) % dayMs === 0) {
      const daily = this.daily(key, common, hour - (hour % dayMs));
      out.push(daily, this.monthly(key, common, daily));
    }
    return out;
  }

  private daily(key: string, common: PublicationCommon, day: number): IndexPublished {
    const hours = [...(this.hours.get(key) ?? new Map<number, HourValue>())]
      .filter(([h]) => h >= day && h < day + dayMs)
      .sort(([a], [b]) => a - b);
    const value = meanIndex(hours.map(([, v]) => v.value)) ?? null;
    return {
      type: "IndexPublished",
      v: 1,
      key,
      ...common,
      kind: "daily",
      periodStart: day,
      value,
      method: "mean",
      stale: hours.some(([, v]) => v.method === "carried"),
      revision: 0,
      inputs: {
        source: "daily",
        hours: hours.map(([periodStart, v]) => ({ periodStart, value: v.value, method: v.method })),
      },
    };
  }

  /**
   * The mean of the month's daily values so far, republished (revision + 1) with each day; the
   * one after the month's last day is final. A future on C.Z for that month settles at it.
   */
  private monthly(key: string, common: PublicationCommon, daily: IndexPublished): IndexPublished {
    const month = monthStart(daily.periodStart);
    const days = this.days.get(key) ?? new Map<number, { value: string; stale: boolean }>();
    this.days.set(key, days);
    for (const day of days.keys()) if (day < month) days.delete(day);
    if (daily.value !== null) days.set(daily.periodStart, { value: daily.value, stale: daily.stale });
    const inMonth = [...days].sort(([a], [b]) => a - b);
    const revisionKey = `${key}@month@${month}`;
    const revision = this.revisions.get(revisionKey) ?? 0;
    this.revisions.set(revisionKey, revision + 1);
    return {
      type: "IndexPublished",
      v: 1,
      key,
      ...common,
      kind: "monthly",
      periodStart: month,
      value: meanIndex(inMonth.map(([, d]) => d.value)) ?? null,
      method: "mean",
      stale: inMonth.some(([, d]) => d.stale),
      revision,
      inputs: {
        source: "monthly",
        days: inMonth.map(([periodStart, d]) => ({ periodStart, value: d.value })),
        final: daily.periodStart + dayMs === nextMonthStart(daily.periodStart),
      },
    };
  }

  /** Transaction-based values only: fallbacks never move the conversion ratios. */
  private transactionHistory(key: string): Map<number, string> {
    const out = new Map<number, string>();
    for (const [h, v] of this.hours.get(key) ?? []) if (v.method === "transactions") out.set(h, v.value);
    return out;
  }

  private composite(spec: ProductSpec, tick: string, hour: number, ts: number): IndexPublished | undefined {
    const classes: CompositeClassInput[] = [];
    for (const [key, hours] of this.hours) {
      const [classCode = "", zone] = key.split(".");
      const now = hours.get(hour);
      if (zone !== spec.zone || !now || now.method !== "transactions") continue;
      classes.push({
        classCode,
        value: now.value,
        volume: now.volume,
        history: this.transactionHistory(key),
      });
    }
    const baseHistory = this.transactionHistory(`${compositeBaseClass}.${spec.zone}`);
    const places = (tick.split(".")[1]?.length ?? 0) + extraDecimals;
    const result = compositeIndex(compositeBaseClass, baseHistory, classes, places);
    if (result.value === undefined) return undefined;
    const key = `${compositeClass}.${spec.zone}`;
    const revisionKey = `${key}@${hour}`;
    const revision = this.revisions.get(revisionKey) ?? 0;
    this.revisions.set(revisionKey, revision + 1);
    return {
      type: "IndexPublished",
      v: 1,
      key,
      classCode: compositeClass,
      zone: spec.zone,
      currency: spec.currency,
      publishedAt: ts,
      kind: "hourly",
      periodStart: hour,
      value: result.value,
      method: "composite",
      stale: false,
      revision,
      inputs: {
        source: "composite",
        base: compositeBaseClass,
        components: [...result.components],
        excluded: [...result.excluded],
      },
    };
  }

  private remember(event: IndexPublished): void {
    const list = this.history.get(event.key) ?? [];
    this.history.set(event.key, list);
    list.push(event);
    if (list.length > historyPerKeyMax) list.shift();
  }

  /** Publications of a key with periodStart in [from, to), oldest first. */
  query(
    key: string,
    from = 0,
    to = Number.MAX_SAFE_INTEGER,
    kind?: IndexPublished["kind"],
  ): IndexPublished[] {
    return (this.history.get(key) ?? []).filter(
      (e) => e.periodStart >= from && e.periodStart < to && (kind === undefined || e.kind === kind),
    );
  }
}
