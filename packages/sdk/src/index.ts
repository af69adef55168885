// @ghx/sdk: a typed client for GHX.
//
//   GhxClient          REST: signed requests, typed results, GhxApiError, Idempotency-Key, retries
//   OrderEntryClient   WebSocket order entry: signed login, correlated commands, batches, dead-man
//   MarketFeedClient   market-data feed: public channels, verified local books, private feed
//   LocalBook          one verified book (snapshot + updates, seq exactly +1, CRC32 checksum)

export {
  type KeyFile,
  KeyFileError,
  newKeyFile,
  parseKeyFile,
  readKeyFile,
  type SigningKey,
  writeKeyFile,
} from "@ghx/auth"; // key files: one format, defined in @ghx/auth
export { defaultUrl, GhxClient, type GhxClientOptions, type PostOptions } from "./client.ts";
export { compareDecimal, isDecimalString } from "./decimal.ts";
export { asProblem, errorFromResponse, GhxApiError, GhxConnectionError, type Problem } from "./errors.ts";
export * from "./feed-messages.ts";
export { type HttpMethod, type HttpRequest, requestTarget } from "./http.ts";
export { newClientOrderId, newIdempotencyKey } from "./ids.ts";
export {
  type BookApplyResult,
  type BookLevel,
  type BookMessage,
  bookChecksum,
  bookChecksumText,
  checksumLevels,
  LocalBook,
} from "./local-book.ts";
export {
  MarketFeedClient,
  type MarketFeedEvents,
  type MarketFeedOptions,
  marketFeedPath,
  type ResyncReason,
  type SubscribeOptions,
} from "./market-feed.ts";
export {
  type BatchResult,
  type CancelAfterResult,
  OrderEntryClient,
  type OrderEntryCommand,
  type OrderEntryEvents,
  type OrderEntryOptions,
  orderEntryBatchMax,
  orderEntryPath,
} from "./order-entry.ts";
export * from "./types.ts";
