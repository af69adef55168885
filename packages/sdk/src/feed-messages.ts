// The market-data feed's messages as the SDK hands them to an application (the feed's README is
// the protocol; these mirror its views). Prices are decimal strings, quantities integer lots.
import type { BookMessage } from "./local-book.ts";

export const publicChannels = ["book", "trades", "ticker", "candles", "status", "index"] as const;
export type PublicChannel = (typeof publicChannels)[number];
export type CandleInterval = "1m" | "5m" | "1h" | "1d";

export interface FeedTrade {
  readonly id: number;
  readonly price: string;
  readonly qty: number;
  /** The taker's side. */
  readonly side: "buy" | "sell";
  readonly ts: number;
}

export interface TradesMessage {
  readonly type: "snapshot" | "update";
  readonly channel: "trades";
  readonly symbol: string;
  readonly trades: readonly FeedTrade[];
  readonly lastTradeId?: number;
}

export interface TickerMessage {
  readonly type: "snapshot" | "update";
  readonly channel: "ticker";
  readonly symbol: string;
  readonly seq: number;
  readonly bid: string | null;
  readonly bidQty: number;
  readonly ask: string | null;
  readonly askQty: number;
  readonly last: string | null;
  readonly lastQty: number;
  readonly open24h: string | null;
  readonly high24h: string | null;
  readonly low24h: string | null;
  readonly volume24h: number;
  readonly trades24h: number;
  readonly change24h: string | null;
  readonly ts: number;
}

export interface CandlesMessage {
  readonly type: "snapshot" | "update";
  readonly channel: "candles";
  readonly symbol: string;
  readonly interval: CandleInterval;
  readonly candles: readonly {
    readonly start: number;
    readonly open: string;
    readonly high: string;
    readonly low: string;
    readonly close: string;
    readonly volume: number;
    readonly trades: number;
  }[];
}

export interface StatusMessage {
  readonly type: "snapshot" | "update";
  readonly channel: "status";
  readonly symbol: string;
  readonly kind: string;
  readonly state: string;
  readonly halted: boolean;
  readonly currency: string;
  readonly tick: string;
  readonly minLots: number;
  readonly maxLots: number;
  readonly bandLow: string;
  readonly bandHigh: string;
  readonly deliveryFrom: number;
  readonly deliveryTo: number;
  /** Futures only: null until the index has published a daily value in the delivery month. */
  readonly settlement?: SettlementReference | null;
}

/** What a future settles at: the mean of its month's daily GHX index values (`index` CLASS.ZONE). */
export interface SettlementReference {
  readonly index: string;
  /** Start of the reference month (the future's deliveryFrom), epoch ms. */
  readonly month: number;
  /** Month-to-date mean; the final settlement price once `final`. */
  readonly price: string | null;
  readonly currency: string;
  readonly final: boolean;
  /** Daily values in the mean. */
  readonly days: number;
  /** Some day in it carried a value forward. */
  readonly stale: boolean;
  readonly revision: number;
  readonly publishedAt: number;
}

export interface IndexMessage {
  readonly type: "update";
  readonly channel: "index";
  /** CLASS.ZONE */
  readonly key: string;
  readonly [field: string]: unknown;
}

/** Private feed: the account's orders, fills, balances, positions and rejects, gap-free by seq. */
export interface PrivateMessage {
  readonly channel: "private";
  readonly type: "order" | "fill" | "balance" | "position" | "reject";
  readonly account: string;
  readonly seq: number;
  readonly ts: number;
  readonly [field: string]: unknown;
}

/** What the private feed sends on login and on resync: everything at the account's current seq. */
export interface PrivateSnapshot {
  readonly type: "snapshot";
  readonly channel: "private";
  readonly account: string;
  readonly seq: number;
  readonly orders: readonly Record<string, unknown>[];
  readonly balances: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly positions: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

export interface Heartbeat {
  readonly type: "heartbeat";
  readonly ts: number;
  /** The last book seq of every product whose book this connection holds. */
  readonly seqs: Readonly<Record<string, number>>;
  readonly privateSeq?: number;
}

export type FeedBookMessage = BookMessage & { readonly channel: "book" };

// REST snapshots from market-data: the same bodies without the feed's type/channel envelope.
type Body<M> = Omit<M, "type" | "channel">;
export type BookSnapshot = Body<BookMessage> & { readonly ts: number };
export type TradesSnapshot = Body<TradesMessage> & { readonly lastTradeId: number };
export type CandlesSnapshot = Body<CandlesMessage>;
export type Ticker = Body<TickerMessage>;
export type ProductStatus = Body<StatusMessage>;
