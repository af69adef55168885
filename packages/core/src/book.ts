// The bridge to @ghx/engine: one OrderBook per product, all reporting into one CoreSink that
// turns engine calls into core events. The engine knows only numbers (order id = the command's
// sequence number, account id = the account's dense index, STP group = the owner's index + 1).
import type { CoreEvent, RejectCode } from "@ghx/domain";
import { type BookSnapshot, type CancelReason, type EngineSink, OrderBook, type Side } from "@ghx/engine";
import type { Account, Product } from "./state.ts";

export type MatchingBook = OrderBook;

type CoreCancelReason = CancelReason | "kill_switch" | "market_closed";

/**
 * Collects the events of one book command. The core prepares the event for an accepted or
 * replaced order (it carries the risk hold) and the sink emits it where the engine says the
 * order entered the book, so the events keep the engine's order.
 */
export class CoreSink implements EngineSink {
  events: CoreEvent[] = [];
  product: Product | undefined;
  prepared: CoreEvent | undefined;
  rejectCode: RejectCode | undefined;
  /** Cancels caused by a kill switch or a market closing say so instead of "mass_cancel". */
  cancelReason: CoreCancelReason | undefined;

  constructor(private readonly accountsByIdx: readonly Account[]) {}

  begin(product: Product, events: CoreEvent[]): void {
    this.product = product;
    this.events = events;
    this.prepared = undefined;
    this.rejectCode = undefined;
    this.cancelReason = undefined;
  }

  private accountId(idx: number): string {
    return this.accountsByIdx[idx]!.id;
  }

  accepted(): void {
    if (this.prepared) this.events.push(this.prepared);
    this.prepared = undefined;
  }

  rejected(_command: unknown, _id: number, code: RejectCode): void {
    this.rejectCode = code;
  }

  fill(
    makerId: number,
    takerId: number,
    price: number,
    qty: number,
    makerRemaining: number,
    takerRemaining: number,
    makerAccountId: number,
    takerAccountId: number,
    takerSide: Side,
  ): void {
    this.events.push({
      type: "TradeExecuted",
      symbol: this.product!.spec.symbol,
      price,
      qty,
      makerOrderId: makerId,
      takerOrderId: takerId,
      makerAccountId: this.accountId(makerAccountId),
      takerAccountId: this.accountId(takerAccountId),
      takerSide,
      makerRemaining,
      takerRemaining,
    });
  }

  cancelled(
    orderId: number,
    accountId: number,
    side: Side,
    price: number,
    qty: number,
    remaining: number,
    reason: CancelReason,
  ): void {
    // A replace is reported as cancel + accept by the engine; the core emits one OrderReplaced.
    if (reason === "replaced") return;
    this.events.push({
      type: "OrderCancelled",
      orderId,
      accountId: this.accountId(accountId),
      symbol: this.product!.spec.symbol,
      side,
      price,
      qty,
      remaining,
      reason: reason === "mass_cancel" ? (this.cancelReason ?? reason) : reason,
    });
  }

  amended(
    orderId: number,
    accountId: number,
    side: Side,
    price: number,
    qty: number,
    remaining: number,
  ): void {
    this.events.push({
      type: "OrderAmended",
      orderId,
      accountId: this.accountId(accountId),
      symbol: this.product!.spec.symbol,
      side,
      price,
      qty,
      remaining,
    });
  }

  expired(orderId: number, accountId: number, side: Side, price: number, qty: number): void {
    this.events.push({
      type: "OrderExpired",
      orderId,
      accountId: this.accountId(accountId),
      symbol: this.product!.spec.symbol,
      side,
      price,
      qty,
    });
  }

  level(): void {}
}

/** The engine's book for a product: ticks up to the band's top, lots up to the product's max. */
export function createBook(sink: CoreSink, bandHighTicks: number, maxLots: number): OrderBook {
  return new OrderBook({ maxTick: bandHighTicks, maxQty: maxLots }, sink);
}

export function restoreBook(sink: CoreSink, snapshot: BookSnapshot): OrderBook {
  return OrderBook.restore(snapshot, sink);
}
