// REST snapshots (each with its sequence) and the feed's WebSocket endpoint as one fastify
// plugin. Inside the gateway (which registers @fastify/websocket) the endpoint is a websocket
// route; on a plain fastify server it takes the 'upgrade' events for its own path only.
import type { FastifyInstance, FastifyReply } from "fastify";
import type { WebSocket } from "ws";
import { z } from "zod";
import type { MarketFeed } from "../feed/feed.ts";
import {
  bookDepthDefault,
  bookDepthMax,
  candlesPerIntervalMax,
  tradesPerProductMax,
  tradesSnapshotDefault,
} from "../limits.ts";
import { type CandleInterval, candleIntervalNames } from "../projections/candles.ts";
import type { ProductMarket } from "../projections/market.ts";
import { bookView, candlesView, statusView, tickerView, tradesView } from "../views.ts";

export interface MarketDataPluginOptions {
  readonly feed: MarketFeed;
}

const symbolParams = z.object({ symbol: z.string().min(3).max(40) });
const bookQuery = z.object({
  depth: z.coerce.number().int().min(1).max(bookDepthMax).default(bookDepthDefault),
});
const tradesQuery = z.object({
  limit: z.coerce.number().int().min(1).max(tradesPerProductMax).default(tradesSnapshotDefault),
});
const candlesQuery = z.object({
  interval: z.enum(candleIntervalNames as [CandleInterval, ...CandleInterval[]]).default("1m"),
  limit: z.coerce.number().int().min(1).max(candlesPerIntervalMax).default(tradesSnapshotDefault),
});

function parse<T>(schema: z.ZodType<T>, value: unknown, reply: FastifyReply): T | undefined {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  void reply.code(400).send({
    code: "INVALID_REQUEST",
    field: issue?.path.join("."),
    message: issue?.message ?? "invalid request",
  });
  return undefined;
}

export async function marketDataPlugin(
  app: FastifyInstance,
  { feed }: MarketDataPluginOptions,
): Promise<void> {
  const product = (params: unknown, reply: FastifyReply): ProductMarket | undefined => {
    const parsed = parse(symbolParams, params, reply);
    if (!parsed) return undefined;
    const found = feed.market.product(parsed.symbol);
    if (!found)
      void reply.code(404).send({ code: "UNKNOWN_PRODUCT", message: `${parsed.symbol} is not listed` });
    return found;
  };

  app.get("/v1/book/:symbol", async (request, reply) => {
    const p = product(request.params, reply);
    const query = p && parse(bookQuery, request.query, reply);
    return p && query ? bookView(p, query.depth) : reply;
  });
  app.get("/v1/trades/:symbol", async (request, reply) => {
    const p = product(request.params, reply);
    const query = p && parse(tradesQuery, request.query, reply);
    return p && query ? tradesView(p, query.limit) : reply;
  });
  app.get("/v1/candles/:symbol", async (request, reply) => {
    const p = product(request.params, reply);
    const query = p && parse(candlesQuery, request.query, reply);
    return p && query ? candlesView(p, query.interval, query.limit) : reply;
  });
  app.get("/v1/tickers", async () =>
    [...feed.market.products.values()].map((p) => tickerView(p, feed.market.lastTs)),
  );
  app.get("/v1/status", async () =>
    [...feed.market.products.values()].map((p) => statusView(p, feed.market.settlement(p))),
  );
  app.get("/v1/settlement/:symbol", async (request, reply) => {
    const p = product(request.params, reply);
    if (!p) return reply;
    if (p.spec.kind !== "future") {
      return reply.code(400).send({
        code: "INVALID_REQUEST",
        field: "symbol",
        message: `${p.spec.symbol} is physically delivered; settlement prices are for futures`,
      });
    }
    return { symbol: p.spec.symbol, settlement: feed.market.settlement(p) ?? null };
  });

  if (app.hasDecorator("websocketServer")) {
    // @fastify/websocket is registered (the gateway): a websocket route, its handler gets the ws socket.
    // With `websocket: true` @fastify/websocket hands the socket to `handler` (wsHandler is ignored).
    app.route({
      method: "GET",
      url: feed.path,
      websocket: true,
      handler: (socket: WebSocket) => feed.accept(socket),
    } as never);
  } else {
    app.server.on("upgrade", feed.handleUpgrade);
  }
}
