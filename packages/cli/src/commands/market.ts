// Public market data: the product list and one product's book. Listing a product is the operator
// command that goes with them.
import type { OrderBook, Product } from "@ghx/sdk";
import type { Command } from "commander";
import { decimal, positiveInteger } from "../args.ts";
import type { Kit } from "../kit.ts";
import { table } from "../output.ts";

export function marketCommands(program: Command, kit: Kit): void {
  const products = program
    .command("products")
    .description("listed products (list) and listing new ones (add)");
  products
    .command("list", { isDefault: true })
    .description("listed products with trading state and best bid/ask")
    .action(
      kit.action(async (ctx) => {
        const list = await ctx.output.progress("loading products", ctx.publicClient().products());
        ctx.output.result(list, renderProducts);
      }),
    );
  products
    .command("add <symbol>")
    .description("list a product of the grid around a reference price (operator)")
    .requiredOption("--reference-price <price>", "the price band is set around it", decimal)
    .option("--closed", "list it without opening trading")
    .action(
      kit.action(async (ctx, symbol: string, options: { referencePrice: string; closed?: boolean }) => {
        const client = await ctx.client();
        const request = { symbol, referencePrice: options.referencePrice, open: options.closed !== true };
        const ack = await ctx.output.progress(`listing ${symbol}`, client.listProduct(request));
        ctx.output.result(
          { ...request, seq: ack.seq },
          (r) => `listed ${r.symbol} (${r.open ? "open" : "closed"})`,
        );
      }),
    );

  program
    .command("book <symbol>")
    .description("the aggregated order book of a product")
    .option("--levels <n>", "levels per side", positiveInteger, 10)
    .action(
      kit.action(async (ctx, symbol: string, options: { levels: number }) => {
        const book = await ctx.output.progress("loading the book", ctx.publicClient().book(symbol, options));
        ctx.output.result(book, renderBook);
      }),
    );
}

function renderProducts(list: readonly Product[]): string {
  return table(
    ["symbol", "kind", "state", "ccy", "tick", "bid", "ask"],
    list.map((p) => [p.symbol, p.kind, p.state, p.currency, p.tick, p.bestBid, p.bestAsk]),
  );
}

/** Asks above (best ask last), bids below (best bid first), like a ladder. */
export function renderBook(book: OrderBook): string {
  const rows = [
    ...[...book.asks].reverse().map((l) => ["ask", l.price, l.quantityLots, l.orders] as const),
    ...book.bids.map((l) => ["bid", l.price, l.quantityLots, l.orders] as const),
  ];
  return `${book.symbol}\n${table(["side", "price", "lots", "orders"], rows)}`;
}
