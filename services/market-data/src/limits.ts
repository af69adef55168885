// Every bound of market-data in one place (TigerBeetle style): queues, histories, fan-out.

/** Levels per side a book snapshot may carry (REST and WS). */
export const bookDepthMax = 500;
/** Levels per side in a book snapshot when the client names none. */
export const bookDepthDefault = 50;
/** Levels per side covered by the CRC32 checksum on every book message. */
export const checksumLevels = 10;
/** Trades kept per product for the tape (REST and the trades snapshot on subscribe). */
export const tradesPerProductMax = 1_000;
/** Trades a REST or subscribe snapshot returns when the client names no limit. */
export const tradesSnapshotDefault = 100;
/** Candles kept per product and interval (1m: one day; 1d: more than a year). */
export const candlesPerIntervalMax = 1_440;
/** Bytes a connection may have queued (ws.bufferedAmount) before it is cut off. */
export const sendQueueBytesMax = 4 * 1024 * 1024;
/** After resync_required, how long a cut-off client has to drain before the socket is destroyed. */
export const cutoffGraceMs = 2_000;
/** Heartbeat period (the last sequence of each subscribed product). */
export const heartbeatIntervalMs = 1_000;
/** Subscriptions (channel × pattern) one connection may hold. */
export const subscriptionsPerConnectionMax = 256;
/** Largest client frame the server reads (requests are small JSON objects). */
export const clientFrameBytesMax = 16 * 1024;
/** Private-feed messages kept per account for a resync replay window. */
export const privateSnapshotOrdersMax = 1_000;
/** Events between two checkpoints of the projections (standalone process). */
export const checkpointEveryEvents = 50_000;

// The checksum covers levels a snapshot always carries.
if (checksumLevels > bookDepthDefault) throw new Error("limits: checksumLevels > bookDepthDefault");
if (bookDepthDefault > bookDepthMax) throw new Error("limits: bookDepthDefault > bookDepthMax");
// A single message (a full snapshot) must fit in the queue, or no client could ever subscribe.
if (sendQueueBytesMax < 1024 * 1024) throw new Error("limits: sendQueueBytesMax below 1 MiB");
