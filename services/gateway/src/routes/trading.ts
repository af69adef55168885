// Orders, fills, balances, positions: an account's own trading, nothing of anyone else's.
import {
  amendOrderRequestSchema,
  massCancelRequestSchema,
  placeOrderRequestSchema,
  replaceOrderRequestSchema,
} from "@ghx/domain";
import { z } from "zod";
import type { GatewayContext } from "../context.ts";
import { pageLimitDefault } from "../limits.ts";
import { orderIdFromWire } from "../order-entry.ts";
import { ApiProblem } from "../problem.ts";
import { defineRoute } from "../route.ts";
import {
  balanceViewSchema,
  batchResultSchema,
  fillViewSchema,
  openOrdersQuerySchema,
  orderAckSchema,
  orderIdParamsSchema,
  orderViewSchema,
  pageQuerySchema,
  placeBatchBodySchema,
  positionViewSchema,
} from "../schemas.ts";
import { balanceView, closedOrderView, fillView, openOrderView, positionView } from "../views.ts";

const newestFirst = <T>(items: readonly T[], limit: number | undefined): T[] =>
  items.slice(-(limit ?? pageLimitDefault)).reverse();

export function tradingRoutes(ctx: GatewayContext): void {
  const { app, docs, orders, core, market } = ctx;
  const ack = { status: 201, schema: orderAckSchema };
  const changed = { status: 200, schema: orderAckSchema };

  defineRoute(app, docs, {
    method: "POST",
    url: "/v1/orders",
    access: "trade",
    tag: "orders",
    summary: "Place a limit or market order",
    bodyDoc: placeOrderRequestSchema,
    success: ack,
    errors: [404, 409, 422],
    idempotent: true,
    handler: ({ caller, body, commandId }) => orders.place(caller.accountId, body, commandId),
  });

  defineRoute(app, docs, {
    method: "POST",
    url: "/v1/orders/batch",
    access: "trade",
    tag: "orders",
    summary: "Place up to 100 orders in one signed request; each is acked or refused on its own",
    body: placeBatchBodySchema,
    success: { status: 200, schema: z.array(batchResultSchema) },
    idempotent: true,
    handler: ({ caller, body, commandId }) => orders.placeBatch(caller.accountId, body.orders, commandId),
  });

  defineRoute(app, docs, {
    method: "GET",
    url: "/v1/orders",
    access: "read",
    tag: "orders",
    summary: "Open orders of the account",
    query: openOrdersQuerySchema,
    success: { status: 200, schema: z.array(orderViewSchema) },
    handler: async ({ caller, query }) =>
      (await core.openOrders(caller.accountId))
        .filter((o) => query.symbol === undefined || o.symbol === query.symbol)
        .map((o) => openOrderView(market, o)),
  });

  defineRoute(app, docs, {
    method: "DELETE",
    url: "/v1/orders",
    access: "trade",
    tag: "orders",
    summary: "Mass cancel: every open order, or those of one symbol and/or side",
    query: massCancelRequestSchema.omit({ accountId: true }),
    success: changed,
    handler: ({ caller, query, commandId }) => orders.massCancel(caller.accountId, query, commandId),
  });

  defineRoute(app, docs, {
    method: "GET",
    url: "/v1/orders/history",
    access: "read",
    tag: "orders",
    summary: "Closed orders (filled, cancelled, expired), newest first",
    query: pageQuerySchema,
    success: { status: 200, schema: z.array(orderViewSchema) },
    handler: async ({ caller, query }) =>
      newestFirst(
        (await core.orderHistory(caller.accountId)).filter(
          (o) => query.symbol === undefined || o.symbol === query.symbol,
        ),
        query.limit,
      ).map((o) => closedOrderView(market, o)),
  });

  defineRoute(app, docs, {
    method: "GET",
    url: "/v1/orders/:orderId",
    access: "read",
    tag: "orders",
    summary: "One order of the account, open or closed",
    params: orderIdParamsSchema,
    success: { status: 200, schema: orderViewSchema },
    errors: [404],
    handler: async ({ caller, params }) => {
      const orderId = orderIdFromWire(params.orderId);
      const open = (await core.openOrders(caller.accountId)).find((o) => o.orderId === orderId);
      if (open) return openOrderView(market, open);
      const closed = (await core.orderHistory(caller.accountId)).find((o) => o.orderId === orderId);
      if (closed) return closedOrderView(market, closed);
      throw new ApiProblem("ORDER_NOT_FOUND", "no such order", "orderId");
    },
  });

  defineRoute(app, docs, {
    method: "DELETE",
    url: "/v1/orders/:orderId",
    access: "trade",
    tag: "orders",
    summary: "Cancel one open order",
    params: orderIdParamsSchema,
    success: changed,
    errors: [404],
    handler: ({ caller, params, commandId }) =>
      orders.cancel(caller.accountId, { orderId: orderIdFromWire(params.orderId) }, commandId),
  });

  defineRoute(app, docs, {
    method: "POST",
    url: "/v1/orders/replace",
    access: "trade",
    tag: "orders",
    summary: "Cancel-replace an open order at a new price and quantity (loses priority)",
    bodyDoc: replaceOrderRequestSchema,
    success: changed,
    errors: [404, 422],
    idempotent: true,
    handler: ({ caller, body, commandId }) => orders.replace(caller.accountId, body, commandId),
  });

  defineRoute(app, docs, {
    method: "POST",
    url: "/v1/orders/amend",
    access: "trade",
    tag: "orders",
    summary: "Amend an open order down in quantity (keeps priority)",
    bodyDoc: amendOrderRequestSchema,
    success: changed,
    errors: [404, 422],
    idempotent: true,
    handler: ({ caller, body, commandId }) => orders.amend(caller.accountId, body, commandId),
  });

  defineRoute(app, docs, {
    method: "GET",
    url: "/v1/fills",
    access: "read",
    tag: "account",
    summary: "Fills of the account, newest first",
    query: pageQuerySchema,
    success: { status: 200, schema: z.array(fillViewSchema) },
    handler: async ({ caller, query }) =>
      newestFirst(
        (await core.fills(caller.accountId)).filter(
          (f) => query.symbol === undefined || f.symbol === query.symbol,
        ),
        query.limit,
      ).map((f) => fillView(market, f)),
  });

  defineRoute(app, docs, {
    method: "GET",
    url: "/v1/balances",
    access: "read",
    tag: "account",
    summary: "Cash and voucher balances per currency",
    success: { status: 200, schema: z.array(balanceViewSchema) },
    handler: async ({ caller }) =>
      Object.entries(await core.balances(caller.accountId)).map(([currency, b]) =>
        balanceView(market, currency, b),
      ),
  });

  defineRoute(app, docs, {
    method: "GET",
    url: "/v1/positions",
    access: "read",
    tag: "account",
    summary: "Positions per product",
    success: { status: 200, schema: z.array(positionViewSchema) },
    handler: async ({ caller }) =>
      Object.entries(await core.positions(caller.accountId)).map(([symbol, p]) =>
        positionView(market, symbol, p),
      ),
  });
}
