// Orders: place, replace, cancel (one or all), list open or closed orders, fills.
import type { Fill, Order, OrderAck, PlaceOrderRequest } from "@ghx/sdk";
import type { Command } from "commander";
import { decimal, instant, oneOf, parse, positiveInteger } from "../args.ts";
import { UsageError } from "../exit-codes.ts";
import type { Kit } from "../kit.ts";
import { fields, table } from "../output.ts";

const sides = ["buy", "sell"] as const;
const orderTypes = ["limit", "market"] as const;
const timesInForce = ["GTC", "GTD", "IOC", "FOK"] as const;
const stpModes = ["cancel_newest", "cancel_oldest", "cancel_both", "decrement"] as const;

interface PlaceOptions {
  price?: string;
  type?: (typeof orderTypes)[number];
  tif?: (typeof timesInForce)[number];
  postOnly?: boolean;
  expireAt?: number;
  clientId?: string;
  stp?: (typeof stpModes)[number];
  idempotencyKey?: string;
}

/** The order the options describe; contradictions are usage errors, caught before sending. */
export function orderFrom(
  symbol: string,
  side: "buy" | "sell",
  quantityLots: number,
  o: PlaceOptions,
): PlaceOrderRequest {
  const type = o.type ?? (o.price === undefined ? "market" : "limit");
  const common = {
    symbol,
    side,
    quantityLots,
    ...(o.clientId !== undefined ? { clientOrderId: o.clientId } : {}),
    ...(o.stp !== undefined ? { stpMode: o.stp } : {}),
  };
  if (type === "market") {
    if (o.postOnly) throw new UsageError("--post-only needs a limit order");
    if (o.tif !== undefined && o.tif !== "IOC" && o.tif !== "FOK")
      throw new UsageError("a market order is IOC or FOK");
    // For a market order --price is the protection collar: the worst price it may fill at.
    return {
      ...common,
      orderType: "market",
      ...(o.tif !== undefined ? { timeInForce: o.tif } : {}),
      ...(o.price !== undefined ? { collarPrice: o.price } : {}),
    };
  }
  if (o.price === undefined) throw new UsageError("a limit order needs --price");
  if ((o.tif === "GTD") !== (o.expireAt !== undefined))
    throw new UsageError("--expire-at goes with --tif GTD, and only with it");
  return {
    ...common,
    orderType: "limit",
    price: o.price,
    ...(o.tif !== undefined ? { timeInForce: o.tif } : {}),
    ...(o.expireAt !== undefined ? { expireAtMs: o.expireAt } : {}),
    ...(o.postOnly ? { postOnly: true } : {}),
  };
}

export function tradingCommands(program: Command, kit: Kit): void {
  program
    .command("place <symbol> <side> <qty>")
    .description("place an order: ghx place H100.WUHU.2027M01 buy 2 --price 19.50")
    .option("--price <price>", "limit price per GPU-hour (market orders: the protection collar)", decimal)
    .option("--type <type>", "limit | market (default: limit with --price, else market)", oneOf(orderTypes))
    .option("--tif <tif>", "time in force: GTC | GTD | IOC | FOK", oneOf(timesInForce))
    .option("--post-only", "reject instead of taking liquidity")
    .option("--expire-at <time>", "with --tif GTD: ISO 8601 time or epoch ms", instant)
    .option("--client-id <id>", "your client order id (default: generated)")
    .option(
      "--stp <mode>",
      "self-trade prevention: cancel_newest | cancel_oldest | cancel_both | decrement",
      oneOf(stpModes),
    )
    .option("--idempotency-key <key>", "make a retried command run once")
    .action(
      kit.action(async (ctx, symbol: string, sideText: string, qtyText: string, options: PlaceOptions) => {
        const order = orderFrom(
          symbol,
          parse(oneOf(sides), sideText, "side"),
          parse(positiveInteger, qtyText, "qty"),
          options,
        );
        const client = await ctx.client();
        const ack = await ctx.output.progress(
          "placing the order",
          client.placeOrder(order, postOptionsOf(options)),
        );
        ctx.output.result(ack, renderAck);
      }),
    );

  program
    .command("replace <symbol> <orderId> <qty>")
    .description("cancel-replace an open order at a new price and quantity (keeps its ids, loses priority)")
    .requiredOption("--price <price>", "new limit price per GPU-hour", decimal)
    .option("--idempotency-key <key>", "make a retried command run once")
    .action(
      kit.action(
        async (
          ctx,
          symbol: string,
          orderId: string,
          qtyText: string,
          options: { price: string; idempotencyKey?: string },
        ) => {
          const quantityLots = parse(positiveInteger, qtyText, "qty");
          const client = await ctx.client();
          const request = { symbol, orderId, price: options.price, quantityLots };
          const ack = await ctx.output.progress(
            `replacing ${orderId}`,
            client.replaceOrder(request, postOptionsOf(options)),
          );
          ctx.output.result(ack, renderAck);
        },
      ),
    );

  program
    .command("cancel [orderId]")
    .description("cancel an open order, or with --all every open order (of --symbol / --side)")
    .option("--all", "mass cancel")
    .option("--symbol <symbol>", "with --all: only this product")
    .option("--side <side>", "with --all: only this side", oneOf(sides))
    .action(
      kit.action(
        async (
          ctx,
          orderId: string | undefined,
          options: { all?: boolean; symbol?: string; side?: "buy" | "sell" },
        ) => {
          if ((orderId === undefined) === (options.all !== true))
            throw new UsageError("give an order id or --all");
          const client = await ctx.client();
          const ack =
            orderId !== undefined
              ? await ctx.output.progress(`cancelling ${orderId}`, client.cancelOrder(orderId))
              : await ctx.output.progress(
                  "cancelling open orders",
                  client.cancelAll({
                    ...(options.symbol !== undefined ? { symbol: options.symbol } : {}),
                    ...(options.side !== undefined ? { side: options.side } : {}),
                  }),
                );
          ctx.output.result(ack, renderAck);
        },
      ),
    );

  program
    .command("orders")
    .description("open orders (with --history: closed ones, newest first)")
    .option("--symbol <symbol>", "only this product")
    .option("--history", "closed orders instead of open ones")
    .option("--limit <n>", "with --history: how many", positiveInteger)
    .action(
      kit.action(async (ctx, options: { symbol?: string; history?: boolean; limit?: number }) => {
        const client = await ctx.client();
        const symbol = options.symbol !== undefined ? { symbol: options.symbol } : {};
        const request = options.history
          ? client.orderHistory({
              ...symbol,
              ...(options.limit !== undefined ? { limit: options.limit } : {}),
            })
          : client.openOrders(symbol);
        ctx.output.result(await ctx.output.progress("loading orders", request), renderOrders);
      }),
    );

  program
    .command("fills")
    .description("fills of the account, newest first")
    .option("--symbol <symbol>", "only this product")
    .option("--limit <n>", "how many", positiveInteger)
    .action(
      kit.action(async (ctx, options: { symbol?: string; limit?: number }) => {
        const list = await ctx.output.progress("loading fills", (await ctx.client()).fills(options));
        ctx.output.result(list, renderFills);
      }),
    );
}

/** --idempotency-key, when given, as the SDK's post options. */
function postOptionsOf(options: { idempotencyKey?: string }) {
  return options.idempotencyKey !== undefined ? { idempotencyKey: options.idempotencyKey } : {};
}

function renderAck(ack: OrderAck): string {
  const { fills, ...rest } = ack;
  const lines = [fields(rest)];
  if (fills && fills.length > 0)
    lines.push(
      table(
        ["fill price", "lots"],
        fills.map((f) => [f.price, f.quantityLots]),
      ),
    );
  return lines.join("\n");
}

function renderOrders(list: readonly Order[]): string {
  return table(
    ["order", "client id", "symbol", "side", "price", "lots", "filled", "left", "tif", "status"],
    list.map((o) => [
      o.orderId,
      o.clientOrderId,
      o.symbol,
      o.side,
      o.price,
      o.quantityLots,
      o.filledLots,
      o.remainingLots,
      o.timeInForce,
      o.status,
    ]),
  );
}

function renderFills(list: readonly Fill[]): string {
  return table(
    ["time", "order", "symbol", "side", "price", "lots", "fee", "liquidity"],
    list.map((f) => [f.time, f.orderId, f.symbol, f.side, f.price, f.quantityLots, f.fee, f.liquidity]),
  );
}
