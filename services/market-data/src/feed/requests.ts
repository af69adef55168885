// What a client may send on the feed socket (README, "Requests"). Anything else is answered
// with an error and changes nothing.
import { z } from "zod";
import { bookDepthMax } from "../limits.ts";
import { candleIntervalNames } from "../projections/candles.ts";

const requestId = z.union([z.string().max(64), z.number().int()]).optional();

export const publicChannels = ["book", "trades", "ticker", "candles", "status", "index"] as const;
export type PublicChannel = (typeof publicChannels)[number];

const subscription = {
  id: requestId,
  channel: z.enum(publicChannels),
  symbols: z.array(z.string().min(1).max(40)).min(1).max(64),
  /** book: levels per side in the snapshot. */
  depth: z.number().int().min(1).max(bookDepthMax).optional(),
  /** candles: the interval; default 1m. */
  interval: z.enum(candleIntervalNames as [string, ...string[]]).optional(),
};

export const feedRequestSchema = z.discriminatedUnion("op", [
  z.object({ op: z.literal("subscribe"), ...subscription }),
  z.object({ op: z.literal("unsubscribe"), ...subscription }),
  z.object({
    op: z.literal("resync"),
    id: requestId,
    channel: z.enum(["book", "private"]),
    symbol: z.string().min(1).max(40).optional(),
  }),
  z.object({
    op: z.literal("login"),
    id: requestId,
    keyId: z.string().min(1).max(128),
    timestamp: z.number().int().nonnegative(),
    nonce: z.string().min(1).max(128),
    signature: z.string().min(1).max(256),
  }),
  z.object({ op: z.literal("ping"), id: requestId }),
]);
export type FeedRequest = z.infer<typeof feedRequestSchema>;
export type SubscribeRequest = Extract<FeedRequest, { op: "subscribe" | "unsubscribe" }>;

/** Internal key of a subscription: candles are one channel per interval. */
export const channelKey = (request: Pick<SubscribeRequest, "channel" | "interval">): string =>
  request.channel === "candles" ? `candles.${request.interval ?? "1m"}` : request.channel;
