// The L2 book of one product, derived from the core's order events (the core does not publish
// book levels): every open order's side, price and remaining lots, and per price level the total
// open lots and the order count. Levels changed since the last `takeChanges` are remembered so a
// publisher can send absolute quantities of exactly those levels.
import type { CoreEvent } from "@ghx/domain";

export type Side = "buy" | "sell";

export interface Level {
  readonly price: number;
  readonly qty: number;
  readonly count: number;
}

interface OpenOrder {
  readonly side: Side;
  price: number;
  remaining: number;
}

export class ProjectionError extends Error {
  override readonly name = "ProjectionError";
}

/** One side: price → totals, plus the prices sorted best first (binary search keeps it sorted). */
class BookSide {
  readonly levels = new Map<number, { qty: number; count: number }>();
  /** Best first: descending for bids, ascending for asks. */
  readonly prices: number[] = [];
  readonly changed = new Set<number>();

  constructor(private readonly descending: boolean) {}

  add(price: number, qty: number, count: number): void {
    let level = this.levels.get(price);
    if (!level) {
      level = { qty: 0, count: 0 };
      this.levels.set(price, level);
      this.prices.splice(this.indexOf(price), 0, price);
    }
    level.qty += qty;
    level.count += count;
    if (level.qty < 0 || level.count < 0) throw new ProjectionError(`level ${price} went negative`);
    if (level.count === 0) {
      if (level.qty !== 0) throw new ProjectionError(`level ${price} has lots but no orders`);
      this.levels.delete(price);
      this.prices.splice(this.indexOf(price), 1);
    }
    this.changed.add(price);
  }

  /** Where `price` is or would be inserted in the best-first order. */
  private indexOf(price: number): number {
    let lo = 0;
    let hi = this.prices.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const p = this.prices[mid]!;
      if (this.descending ? p > price : p < price) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  level(price: number): Level {
    const level = this.levels.get(price);
    return { price, qty: level?.qty ?? 0, count: level?.count ?? 0 };
  }

  depth(levels: number): Level[] {
    const out: Level[] = [];
    const n = Math.min(levels, this.prices.length);
    for (let i = 0; i < n; i++) out.push(this.level(this.prices[i]!));
    return out;
  }

  takeChanges(): Level[] {
    const out: Level[] = [];
    for (const price of this.changed) out.push(this.level(price));
    this.changed.clear();
    return out;
  }
}

export interface BookChanges {
  readonly bids: Level[];
  readonly asks: Level[];
}

/** Plain data for checkpoints: the open orders; levels are rebuilt from them. */
export interface BookCheckpoint {
  readonly orders: readonly (readonly [orderId: number, side: Side, price: number, remaining: number])[];
}

export class L2Book {
  private readonly bids = new BookSide(true);
  private readonly asks = new BookSide(false);
  private readonly orders = new Map<number, OpenOrder>();

  private side(side: Side): BookSide {
    return side === "buy" ? this.bids : this.asks;
  }

  private order(orderId: number): OpenOrder {
    const order = this.orders.get(orderId);
    if (!order) throw new ProjectionError(`order ${orderId} is not open in the book projection`);
    return order;
  }

  /** Removes `lots` from an open order; closes it when nothing remains. */
  private reduce(orderId: number, lots: number, remaining: number): void {
    const order = this.order(orderId);
    if (order.remaining - lots !== remaining) {
      throw new ProjectionError(`order ${orderId}: ${order.remaining} − ${lots} ≠ ${remaining}`);
    }
    order.remaining = remaining;
    const closed = remaining === 0;
    this.side(order.side).add(order.price, -lots, closed ? -1 : 0);
    if (closed) this.orders.delete(orderId);
  }

  private open(orderId: number, side: Side, price: number, qty: number): void {
    if (this.orders.has(orderId)) throw new ProjectionError(`order ${orderId} is already open`);
    this.orders.set(orderId, { side, price, remaining: qty });
    this.side(side).add(price, qty, 1);
  }

  /** Applies one order event of this product; other events do not change a book. */
  apply(event: CoreEvent): void {
    switch (event.type) {
      case "OrderAccepted":
        this.open(event.orderId, event.side, event.price, event.qty);
        return;
      case "TradeExecuted":
        this.reduce(event.makerOrderId, event.qty, event.makerRemaining);
        this.reduce(event.takerOrderId, event.qty, event.takerRemaining);
        return;
      case "OrderCancelled":
      case "OrderAmended":
        this.reduce(event.orderId, event.qty, event.remaining);
        return;
      case "OrderExpired":
        this.reduce(event.orderId, event.qty, 0);
        return;
      case "OrderReplaced": {
        // Cancel-replace: the old remainder leaves its level, the new order joins the back of its own.
        const { side, remaining } = this.order(event.orderId);
        this.reduce(event.orderId, remaining, 0);
        this.open(event.orderId, side, event.price, event.qty);
        return;
      }
      default:
        return;
    }
  }

  bestBid(): Level | undefined {
    return this.bids.depth(1)[0];
  }

  bestAsk(): Level | undefined {
    return this.asks.depth(1)[0];
  }

  depth(levels: number): { bids: Level[]; asks: Level[] } {
    return { bids: this.bids.depth(levels), asks: this.asks.depth(levels) };
  }

  levelCount(side: Side): number {
    return this.side(side).prices.length;
  }

  /** The levels changed since the last call, with their absolute totals (qty 0 = gone). */
  takeChanges(): BookChanges {
    return { bids: this.bids.takeChanges(), asks: this.asks.takeChanges() };
  }

  hasChanges(): boolean {
    return this.bids.changed.size > 0 || this.asks.changed.size > 0;
  }

  checkpoint(): BookCheckpoint {
    return { orders: [...this.orders].map(([id, o]) => [id, o.side, o.price, o.remaining] as const) };
  }

  static restore(checkpoint: BookCheckpoint): L2Book {
    const book = new L2Book();
    for (const [id, side, price, remaining] of checkpoint.orders) book.open(id, side, price, remaining);
    book.takeChanges();
    return book;
  }
}
