// @ghx/market-data: projections of the core's events (L2 books, trades, tickers, candles,
// status; per-account orders, fills, balances, positions), the WebSocket feed and REST snapshots.
//
//   core-events record ──► MarketFeed.ingest(command events)
//        MarketProjection.apply   public state + what changed          (pure)
//        AccountProjection.apply  private state via the core's evolve  (pure) → private messages
//        flush (once per event-loop turn): one frame per product and channel, serialised once
export { type ApplyResult, type BookMessage, LocalBook } from "./client/local-book.ts";
export { FeedConnection, resyncCloseCode } from "./feed/connection.ts";
export { type FeedStats, MarketFeed, type MarketFeedOptions } from "./feed/feed.ts";
export { matches, PatternError, parsePattern } from "./feed/patterns.ts";
export { type FeedRequest, feedRequestSchema, publicChannels } from "./feed/requests.ts";
export { type MarketDataPluginOptions, marketDataPlugin } from "./http/routes.ts";
export * as limits from "./limits.ts";
export {
  AccountProjection,
  type AccountSnapshot,
  type AccountsCheckpoint,
  type PrivateMessage,
} from "./projections/accounts.ts";
export { type BookChanges, L2Book, type Level, ProjectionError } from "./projections/book.ts";
export { type Candle, type CandleInterval, candleIntervals } from "./projections/candles.ts";
export { bookChecksum, checksumText, type WireLevel } from "./projections/checksum.ts";
export { PriceFormat } from "./projections/format.ts";
export {
  type CommandEvents,
  type MarketCheckpoint,
  MarketProjection,
  type ProductMarket,
  type Trade,
} from "./projections/market.ts";
export {
  type IndexPublication,
  indexPublicationSchema,
  indexStream,
  monthlyIndexSchema,
  type SettlementReference,
} from "./projections/settlement.ts";
export {
  type MarketDataService,
  type MarketDataServiceOptions,
  type ServiceCheckpoint,
  startMarketDataService,
} from "./service.ts";
export { BadEventsRecord, type FollowOptions, followCoreEvents } from "./source.ts";
export * from "./views.ts";
