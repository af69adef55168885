// What a client sees of a product: the wire forms shared by the WebSocket feed and REST. Prices
// are decimal strings (PriceFormat), quantities integer lots, times epoch ms.
import type { Level } from "./projections/book.ts";
import { type CandleInterval, stats24h } from "./projections/candles.ts";
import { bookChecksum, type WireLevel } from "./projections/checksum.ts";
import type { PriceFormat } from "./projections/format.ts";
import type { ProductMarket, Trade } from "./projections/market.ts";
import type { SettlementReference } from "./projections/settlement.ts";

export const wireLevels = (format: PriceFormat, levels: readonly Level[]): WireLevel[] =>
  levels.map((l) => [format.price(l.price), l.qty, l.count] as const);

export interface BookView {
  readonly symbol: string;
  readonly seq: number;
  readonly ts: number;
  readonly bids: WireLevel[];
  readonly asks: WireLevel[];
  readonly checksum: number;
}

/** The checksum always covers the top levels, whatever depth the view carries. */
export function bookView(product: ProductMarket, depth: number): BookView {
  const { format, book } = product;
  const top = book.depth(Math.max(depth, 10));
  const bids = wireLevels(format, top.bids);
  const asks = wireLevels(format, top.asks);
  return {
    symbol: product.spec.symbol,
    seq: product.bookSeq,
    ts: product.lastTs,
    bids: bids.slice(0, depth),
    asks: asks.slice(0, depth),
    checksum: bookChecksum(bids, asks),
  };
}

export function topChecksum(product: ProductMarket): number {
  const top = product.book.depth(10);
  return bookChecksum(wireLevels(product.format, top.bids), wireLevels(product.format, top.asks));
}

export const tradeView = (format: PriceFormat, t: Trade) => ({
  id: t.id,
  price: format.price(t.price),
  qty: t.qty,
  side: t.takerSide,
  ts: t.ts,
});

export function tradesView(product: ProductMarket, limit: number) {
  const trades = product.trades.slice(-limit).map((t) => tradeView(product.format, t));
  return { symbol: product.spec.symbol, lastTradeId: product.lastTradeId, trades };
}

const priceOrNull = (format: PriceFormat, ticks: number | undefined) =>
  ticks === undefined ? null : format.price(ticks);

/** Best bid/ask, last trade and rolling 24 h figures as of `nowMs` (the projection's clock). */
export function tickerView(product: ProductMarket, nowMs: number) {
  const { format, book } = product;
  const bid = book.bestBid();
  const ask = book.bestAsk();
  const last = product.trades[product.trades.length - 1];
  const day = stats24h(product.candles, nowMs);
  const change = last && day.open !== undefined ? last.price - day.open : undefined;
  return {
    symbol: product.spec.symbol,
    seq: product.bookSeq,
    bid: priceOrNull(format, bid?.price),
    bidQty: bid?.qty ?? 0,
    ask: priceOrNull(format, ask?.price),
    askQty: ask?.qty ?? 0,
    last: priceOrNull(format, last?.price),
    lastQty: last?.qty ?? 0,
    open24h: priceOrNull(format, day.open),
    high24h: priceOrNull(format, day.high),
    low24h: priceOrNull(format, day.low),
    volume24h: day.volume,
    trades24h: day.trades,
    /** Signed decimal: last − open24h. */
    change24h: change === undefined ? null : signedPrice(format, change),
    ts: product.lastTs,
  };
}

const signedPrice = (format: PriceFormat, ticks: number): string =>
  ticks < 0 ? `-${format.price(-ticks)}` : format.price(ticks);

export function candlesView(product: ProductMarket, interval: CandleInterval, limit: number) {
  const { format } = product;
  return {
    symbol: product.spec.symbol,
    interval,
    candles: product.candles[interval].slice(-limit).map((c) => ({
      start: c.start,
      open: format.price(c.open),
      high: format.price(c.high),
      low: format.price(c.low),
      close: format.price(c.close),
      volume: c.volume,
      trades: c.trades,
    })),
  };
}

/** A future's status carries its settlement reference (null until the index publishes one). */
export function statusView(product: ProductMarket, settlement: SettlementReference | undefined) {
  const { spec, format } = product;
  return {
    symbol: spec.symbol,
    kind: spec.kind,
    state: product.state,
    halted: product.state === "halted",
    currency: spec.currency,
    tick: format.tick,
    minLots: spec.minLots,
    maxLots: spec.maxLots,
    bandLow: format.price(spec.bandLowTicks),
    bandHigh: format.price(spec.bandHighTicks),
    deliveryFrom: spec.deliveryFrom,
    deliveryTo: spec.deliveryTo,
    ...(spec.kind === "future" ? { settlement: settlement ?? null } : {}),
  };
}
