// Public vocabulary of the engine: commands in, events out. Prices are integer ticks in
// [1, maxTick], quantities integer lots; times and ids are integers chosen by the caller.
import type { RejectCode } from "@ghx/domain";

export type Side = "buy" | "sell";
export type OrderType = "limit" | "market";
export type TimeInForce = "GTC" | "GTD" | "IOC" | "FOK";
/** Self-trade prevention mode; the taker's mode decides. */
export type StpMode = "cancel_newest" | "cancel_oldest" | "cancel_both" | "decrement";
export type CancelReason =
  | "user"
  | "ioc_remainder"
  | "fok"
  | "stp"
  | "mass_cancel"
  | "market_collar"
  | "replaced";
export type CommandKind = "place" | "cancel" | "replace" | "amend" | "mass_cancel" | "expire";

export interface EngineConfig {
  /** Highest valid price in ticks (≤ 2^31 − 1). */
  readonly maxTick: number;
  /** Largest order quantity in lots; keeps level sums far below 2^53. Default 1e9. */
  readonly maxQty?: number;
  /** Collar for market orders that do not carry their own. Default 0 (best level only). */
  readonly defaultCollarTicks?: number;
  /** Initial order-pool capacity (the pool grows by doubling). Default 1024. */
  readonly initialCapacity?: number;
}

export interface PlaceOrder {
  /** Unique among open orders of this book; assigned by the caller. */
  readonly orderId: number;
  readonly accountId: number;
  /** Self-trade-prevention group; 0 means no group (never self-trade-checked). Default 0. */
  readonly stpGroup?: number;
  readonly side: Side;
  /** Default "limit". */
  readonly orderType?: OrderType;
  /** Limit price in ticks; ignored for market orders. */
  readonly price?: number;
  readonly qty: number;
  /** Default GTC for limit orders, IOC for market orders (which accept only IOC and FOK). */
  readonly tif?: TimeInForce;
  /** GTD only: the order expires when a command with time ≥ expiry arrives. */
  readonly expiry?: number;
  /** Reject with POST_ONLY_WOULD_TAKE instead of taking liquidity. Limit GTC/GTD only. */
  readonly postOnly?: boolean;
  /** Default "cancel_newest". */
  readonly stpMode?: StpMode;
  /** Market orders only: never trade beyond best opposite price ± collar. */
  readonly collarTicks?: number;
  readonly time: number;
}

export type EngineCommand =
  | ({ readonly type: "place" } & PlaceOrder)
  | { readonly type: "cancel"; readonly orderId: number; readonly time: number }
  | {
      readonly type: "replace";
      readonly orderId: number;
      readonly price: number;
      readonly qty: number;
      readonly time: number;
    }
  | { readonly type: "amend"; readonly orderId: number; readonly qty: number; readonly time: number }
  | {
      readonly type: "mass_cancel";
      readonly accountId: number;
      /** Only this side's orders; both when absent. */
      readonly side?: Side;
      readonly time: number;
    }
  | { readonly type: "expire"; readonly time: number };

/**
 * The hot-path output port: one call per event, no event objects. Calls arrive in the exact
 * order the events happen; an implementation must not call back into the book.
 */
export interface EngineSink {
  /** The order entered the book (it may trade at once). For a market order, price is its collar limit. */
  accepted(
    orderId: number,
    accountId: number,
    side: Side,
    price: number,
    qty: number,
    tif: TimeInForce,
    time: number,
  ): void;
  /** The command changed nothing. id: the order id; the account id for mass_cancel; 0 for expire. */
  rejected(command: CommandKind, id: number, code: RejectCode, time: number): void;
  /** One trade, always at the maker's price. */
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
    time: number,
  ): void;
  /**
   * qty lots of the order were cancelled; remaining is what stays open (only a decrement STP
   * leaves remaining > 0, every other cancel closes the order).
   */
  cancelled(
    orderId: number,
    accountId: number,
    side: Side,
    price: number,
    qty: number,
    remaining: number,
    reason: CancelReason,
    time: number,
  ): void;
  /** Amend-down: qty lots removed, remaining stays open with its priority. */
  amended(
    orderId: number,
    accountId: number,
    side: Side,
    price: number,
    qty: number,
    remaining: number,
    time: number,
  ): void;
  /** A GTD order reached its expiry; qty is what was still open. */
  expired(orderId: number, accountId: number, side: Side, price: number, qty: number, time: number): void;
  /** New totals of one price level (qty 0, count 0 means the level is gone). */
  level(side: Side, price: number, qty: number, count: number): void;
}

/** One open order as the queries return it. */
export interface OrderView {
  readonly orderId: number;
  readonly accountId: number;
  readonly stpGroup: number;
  readonly side: Side;
  readonly price: number;
  readonly remaining: number;
  readonly tif: TimeInForce;
  /** 0 unless tif is GTD. */
  readonly expiry: number;
  readonly postOnly: boolean;
  readonly stpMode: StpMode;
  /** Time of acceptance or of the last cancel-replace (the time priority). */
  readonly time: number;
}

export interface LevelView {
  readonly price: number;
  readonly qty: number;
  readonly count: number;
}

/**
 * A book as plain data. Orders are listed bids first (best price first, FIFO inside a level),
 * then asks likewise; each order's expiry is the whole expiry state (the heap is rebuilt).
 */
export interface BookSnapshot {
  readonly version: 1;
  readonly maxTick: number;
  readonly maxQty: number;
  readonly defaultCollarTicks: number;
  readonly orders: readonly OrderView[];
}
