// Core data (integer ticks and minor units) as the wire shows it (decimal strings).
import type { Balance, FillRecord, OpenOrderView, OrderRecord, Position, ProductView } from "@ghx/core";
import type { Market } from "./market.ts";

type OrderFields = Pick<
  OpenOrderView & OrderRecord,
  "orderId" | "clientOrderId" | "symbol" | "side" | "price" | "qty" | "filled"
>;

function orderView(market: Market, order: OrderFields) {
  return {
    orderId: String(order.orderId),
    clientOrderId: order.clientOrderId,
    symbol: order.symbol,
    side: order.side,
    price: market.ticksToPrice(order.symbol, order.price),
    quantityLots: order.qty,
    filledLots: order.filled,
  };
}

export function openOrderView(market: Market, order: OpenOrderView) {
  return {
    ...orderView(market, order),
    remainingLots: order.remaining,
    timeInForce: order.tif,
    status: order.filled > 0 ? ("partially_filled" as const) : ("new" as const),
  };
}

export function closedOrderView(market: Market, order: OrderRecord) {
  return { ...orderView(market, order), remainingLots: 0, status: order.status };
}

export function fillView(market: Market, fill: FillRecord) {
  const currency = market.spec(fill.symbol).currency;
  return {
    orderId: String(fill.orderId),
    symbol: fill.symbol,
    side: fill.side,
    price: market.ticksToPrice(fill.symbol, fill.price),
    quantityLots: fill.qty,
    fee: market.minorToAmount(currency, fill.fee),
    liquidity: fill.liquidity,
    seq: fill.seq,
    time: new Date(fill.ts).toISOString(),
  };
}

export function balanceView(market: Market, currency: string, b: Balance) {
  const amount = (minor: number) => market.minorToAmount(currency, minor);
  return {
    currency,
    available: amount(b.available),
    held: amount(b.held),
    escrow: amount(b.escrow),
    margin: amount(b.margin),
    bond: amount(b.bond),
    voucherAvailable: amount(b.voucherAvailable),
    voucherHeld: amount(b.voucherHeld),
    voucherEscrow: amount(b.voucherEscrow),
  };
}

export function positionView(market: Market, symbol: string, p: Position) {
  return {
    symbol,
    quantityLots: p.qty,
    openBidLots: p.openBidLots,
    openAskLots: p.openAskLots,
    margin: market.minorToAmount(market.spec(symbol).currency, p.margin),
  };
}

export function productView(market: Market, product: ProductView) {
  const price = (ticks: number | undefined) =>
    ticks === undefined ? null : market.ticksToPrice(product.symbol, ticks);
  return {
    symbol: product.symbol,
    kind: product.kind,
    state: product.state,
    currency: product.currency,
    tick: market.spec(product.symbol).tick,
    bestBid: price(product.bestBid),
    bestAsk: price(product.bestAsk),
  };
}
