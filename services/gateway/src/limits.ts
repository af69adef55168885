// Every bound of the gateway in one place (TigerBeetle style: names end in Max, units last).
import { limits as coreLimits } from "@ghx/core";

/** Largest request body; an order is ~300 bytes, an operator call under 2 KiB. */
export const bodyBytesMax = 64 * 1024;
/** Largest WebSocket message: a full batch of orders with room to spare. */
export const wsMessageBytesMax = 256 * 1024;
/** Commands in one WebSocket message (a JSON array). */
export const batchCommandsMax = 100;
/**
 * Open orders per account. The core enforces it (OPEN_ORDERS_LIMIT) atomically with the order;
 * the gateway only documents it, so a stateless gateway cannot let a burst through.
 */
export const openOrdersPerAccountMax = coreLimits.openOrdersPerAccountMax;

/** Token buckets: sustained rate and burst per API key and per client IP. */
export const keyRequestsPerSecondMax = 50_000;
export const keyBurstMax = 100_000;
export const ipRequestsPerSecondMax = 100_000;
export const ipBurstMax = 200_000;
/** Buckets kept at once (idle ones are dropped first). */
export const rateBucketsMax = 100_000;

/** Idempotency keys remembered per gateway, and for how long. */
export const idempotencyEntriesMax = 100_000;
export const idempotencyTtlMsMax = 24 * 60 * 60 * 1000;
/** Idempotency-Key header: 1-64 characters of [A-Za-z0-9_-]. */
export const idempotencyKeyLengthMax = 64;

/** cancel_after: the dead-man's switch fires if not re-armed within this time. */
export const cancelAfterMsMin = 1_000;
export const cancelAfterMsMax = 10 * 60 * 1000;
/** A WebSocket must log in within this time or it is closed. */
export const wsLoginTimeoutMsMax = 10_000;
/** Unsent bytes buffered for one WebSocket before it is cut off as a slow consumer. */
export const wsSendQueueBytesMax = 8 * 1024 * 1024;
/** WebSocket connections per API key. */
export const wsConnectionsPerKeyMax = 32;

/** History queries: default and largest page. */
export const pageLimitDefault = 100;
export const pageLimitMax = 1_000;

/** Depth levels in a product book view. */
export const bookLevelsMax = 50;

// A batch must fit a message, and a key's burst must admit at least one full batch of commands.
if (batchCommandsMax * 1024 > wsMessageBytesMax)
  throw new Error("limits: a full batch must fit a WS message");
if (keyBurstMax < batchCommandsMax) throw new Error("limits: keyBurstMax below one batch");
if (cancelAfterMsMin >= cancelAfterMsMax) throw new Error("limits: cancelAfter range empty");
