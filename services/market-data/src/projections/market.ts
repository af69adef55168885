// The public market projection: event → state, one product at a time. Pure (no clock, no I/O):
// the time of each command comes with it. It also keeps what changed since the publisher last
// looked (book levels, new trades, status), so the feed can send deltas; the deltas are not part
// of the checkpoint (a restarted feed starts its clients from snapshots).
import type { CoreEvent, ProductSpec, TradingState } from "@ghx/domain";
import { tradesPerProductMax } from "../limits.ts";
import { type BookCheckpoint, L2Book, ProjectionError, type Side } from "./book.ts";
import { addTrade, type CandleSeries, emptyCandleSeries } from "./candles.ts";
import { PriceFormat } from "./format.ts";
import {
  type IndexPublication,
  type SettlementReference,
  settlementKey,
  settlementOf,
} from "./settlement.ts";

/** One command's events as the core published them (seq and time from its sequencer). */
export interface CommandEvents {
  readonly seq: number;
  readonly ts: number;
  readonly events: readonly CoreEvent[];
}

export interface Trade {
  /** Per product, from 1, gap-free. */
  readonly id: number;
  readonly price: number;
  readonly qty: number;
  readonly takerSide: Side;
  readonly ts: number;
}

export interface ProductMarket {
  readonly spec: ProductSpec;
  readonly format: PriceFormat;
  state: TradingState;
  readonly book: L2Book;
  /** Last published book sequence (the feed increments it by exactly 1 per book message). */
  bookSeq: number;
  lastTradeId: number;
  readonly trades: Trade[];
  readonly candles: CandleSeries;
  /** Time of the last event that touched the product. */
  lastTs: number;
  // Deltas for the publisher, taken by the feed on each flush.
  pendingTrades: Trade[];
  statusChanged: boolean;
}

export interface ProductCheckpoint {
  readonly spec: ProductSpec;
  readonly state: TradingState;
  readonly book: BookCheckpoint;
  readonly bookSeq: number;
  readonly lastTradeId: number;
  readonly trades: readonly Trade[];
  readonly candles: CandleSeries;
  readonly lastTs: number;
}

export interface MarketCheckpoint {
  readonly version: 1;
  /** Last core sequence applied. */
  readonly lastSeq: number;
  readonly lastTs: number;
  readonly products: readonly ProductCheckpoint[];
  /** Latest index publication per key, and the futures' settlement references (absent before). */
  readonly index?: readonly IndexPublication[];
  readonly settlements?: readonly SettlementReference[];
}

function newProduct(spec: ProductSpec, state: TradingState, ts: number): ProductMarket {
  return {
    spec,
    format: new PriceFormat(spec),
    state,
    book: new L2Book(),
    bookSeq: 0,
    lastTradeId: 0,
    trades: [],
    candles: emptyCandleSeries(),
    lastTs: ts,
    pendingTrades: [],
    statusChanged: true,
  };
}

export class MarketProjection {
  readonly products = new Map<string, ProductMarket>();
  /** Symbols whose book, trades or status changed since the publisher last took them. */
  readonly dirty = new Set<string>();
  lastSeq = 0;
  /** The projection's clock: the time of the last command applied. */
  lastTs = 0;
  /** Latest publication of the GHX index per key (CLASS.ZONE), for the index channel. */
  readonly index = new Map<string, IndexPublication>();
  /** Monthly index values by key and month: the settlement reference of the futures on them. */
  private readonly settlements = new Map<string, SettlementReference>();

  product(symbol: string): ProductMarket | undefined {
    return this.products.get(symbol);
  }

  private existing(symbol: string): ProductMarket {
    const product = this.products.get(symbol);
    if (!product) throw new ProjectionError(`event for unlisted product ${symbol}`);
    return product;
  }

  /** Applies one command's events. Commands at or below lastSeq were applied before (replay overlap). */
  apply({ seq, ts, events }: CommandEvents): void {
    if (seq <= this.lastSeq) return;
    this.lastSeq = seq;
    this.lastTs = ts;
    for (const event of events) this.applyEvent(event, ts);
  }

  /**
   * A publication of the GHX index. A monthly value (validated in full here) is the settlement
   * reference of the futures on its key and month: their status changes. Applying one twice
   * changes nothing (a replay overlap).
   */
  applyIndex(publication: IndexPublication): void {
    this.index.set(publication.key, publication);
    const settlement = settlementOf(publication);
    if (!settlement) return;
    const key = settlementKey(settlement.index, settlement.month);
    if ((this.settlements.get(key)?.revision ?? -1) > settlement.revision) return;
    this.settlements.set(key, settlement);
    for (const product of this.products.values()) {
      if (this.settlement(product) !== settlement) continue;
      product.statusChanged = true;
      this.dirty.add(product.spec.symbol);
    }
  }

  /** What a future settles at (cash, against the GHX index of its class and zone), once published. */
  settlement(product: ProductMarket): SettlementReference | undefined {
    const { spec } = product;
    if (spec.kind !== "future") return undefined;
    return this.settlements.get(settlementKey(`${spec.accelerator}.${spec.zone}`, spec.deliveryFrom));
  }

  private applyEvent(event: CoreEvent, ts: number): void {
    switch (event.type) {
      case "ProductListed": {
        const product = newProduct(event.product, event.state, ts);
        this.products.set(event.product.symbol, product);
        this.dirty.add(event.product.symbol);
        return;
      }
      case "TradingStateChanged": {
        const product = this.existing(event.symbol);
        product.state = event.to;
        product.statusChanged = true;
        product.lastTs = ts;
        this.dirty.add(event.symbol);
        return;
      }
      case "TradeExecuted":
        this.trade(this.existing(event.symbol), event, ts);
        return;
      case "OrderAccepted":
      case "OrderCancelled":
      case "OrderAmended":
      case "OrderExpired":
      case "OrderReplaced": {
        const product = this.existing(event.symbol);
        product.book.apply(event);
        product.lastTs = ts;
        this.dirty.add(event.symbol);
        return;
      }
      default:
        return;
    }
  }

  private trade(product: ProductMarket, event: Extract<CoreEvent, { type: "TradeExecuted" }>, ts: number) {
    product.book.apply(event);
    const trade: Trade = {
      id: ++product.lastTradeId,
      price: event.price,
      qty: event.qty,
      takerSide: event.takerSide,
      ts,
    };
    product.trades.push(trade);
    if (product.trades.length > tradesPerProductMax) product.trades.shift();
    product.pendingTrades.push(trade);
    addTrade(product.candles, ts, event.price, event.qty);
    product.lastTs = ts;
    this.dirty.add(event.symbol);
  }

  checkpoint(): MarketCheckpoint {
    return {
      version: 1,
      lastSeq: this.lastSeq,
      lastTs: this.lastTs,
      products: [...this.products.values()].map((p) => ({
        spec: p.spec,
        state: p.state,
        book: p.book.checkpoint(),
        bookSeq: p.bookSeq,
        lastTradeId: p.lastTradeId,
        trades: p.trades,
        candles: p.candles,
        lastTs: p.lastTs,
      })),
      index: [...this.index.values()],
      settlements: [...this.settlements.values()],
    };
  }

  static restore(checkpoint: MarketCheckpoint): MarketProjection {
    if (checkpoint.version !== 1)
      throw new ProjectionError(`unknown checkpoint version ${checkpoint.version}`);
    const projection = new MarketProjection();
    projection.lastSeq = checkpoint.lastSeq;
    projection.lastTs = checkpoint.lastTs;
    for (const p of checkpoint.products) {
      const product: ProductMarket = {
        ...newProduct(p.spec, p.state, p.lastTs),
        book: L2Book.restore(p.book),
        bookSeq: p.bookSeq,
        lastTradeId: p.lastTradeId,
        trades: [...p.trades],
        candles: structuredClone(p.candles),
      };
      projection.products.set(p.spec.symbol, product);
    }
    for (const publication of checkpoint.index ?? []) projection.index.set(publication.key, publication);
    for (const s of checkpoint.settlements ?? [])
      projection.settlements.set(settlementKey(s.index, s.month), s);
    return projection;
  }
}
