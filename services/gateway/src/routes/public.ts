// Public market routes: products with their best prices and book, and the reference data.
import { z } from "zod";
import type { GatewayContext } from "../context.ts";
import { bookLevelsMax } from "../limits.ts";
import { ApiProblem } from "../problem.ts";
import { defineRoute } from "../route.ts";
import { bookQuerySchema, productViewSchema, symbolParamsSchema } from "../schemas.ts";
import { productView } from "../views.ts";

const levelSchema = z.object({ price: z.string(), quantityLots: z.number().int(), orders: z.number().int() });

export function publicRoutes(ctx: GatewayContext): void {
  const { app, docs, core, market } = ctx;

  defineRoute(app, docs, {
    method: "GET",
    url: "/v1/products",
    access: "public",
    tag: "market",
    summary: "Listed products with trading state and best bid/ask",
    success: { status: 200, schema: z.array(productViewSchema) },
    handler: async () => (await core.products()).map((p) => productView(market, p)),
  });

  defineRoute(app, docs, {
    method: "GET",
    url: "/v1/products/:symbol/book",
    access: "public",
    tag: "market",
    summary: "Aggregated order book levels of one product",
    params: symbolParamsSchema,
    query: bookQuerySchema,
    success: {
      status: 200,
      schema: z.object({ symbol: z.string(), bids: z.array(levelSchema), asks: z.array(levelSchema) }),
    },
    errors: [404],
    handler: async ({ params, query }) => {
      const depth = await core.bookDepth(params.symbol, query.levels ?? bookLevelsMax);
      if (!depth) throw new ApiProblem("UNKNOWN_PRODUCT", `${params.symbol} is not listed`, "symbol", 404);
      const level = (l: { price: number; qty: number; count: number }) => ({
        price: market.ticksToPrice(params.symbol, l.price),
        quantityLots: l.qty,
        orders: l.count,
      });
      return { symbol: params.symbol, bids: depth.bids.map(level), asks: depth.asks.map(level) };
    },
  });

  defineRoute(app, docs, {
    method: "GET",
    url: "/v1/reference-data",
    access: "public",
    tag: "market",
    summary: "Accelerator classes, delivery zones, currencies and product kind specs",
    success: { status: 200, schema: z.record(z.string(), z.unknown()) },
    handler: async () => {
      const ref = market.referenceData;
      return {
        versions: ref.versions,
        classes: [...ref.classes.values()],
        zones: [...ref.zones.values()],
        currencies: [...ref.currencies.values()],
        kinds: ref.kindSpecs,
      };
    },
  });
}
