// Evolve for order events: take holds, settle trades, release what is no longer needed.
// Trades are settled in trades.ts.
import type { CoreEvent } from "@ghx/domain";
import { refreshCommitment } from "./capacity.ts";
import type { OrderRecord } from "./history.ts";
import { InvariantViolation } from "./invariants.ts";
import { holdFor } from "./risk.ts";
import {
  type Account,
  type Balance,
  type CoreState,
  type Order,
  type Position,
  positionOf,
  productBalance,
} from "./state.ts";

type Evt<T extends CoreEvent["type"]> = Extract<CoreEvent, { type: T }>;

export function changeOpenLots(position: Position, order: Order, lots: number): void {
  if (order.side === "buy") position.openBidLots += lots;
  else position.openAskLots += lots;
}

function takeHold(balance: Balance, order: Order): void {
  const cash = order.remaining * order.holdPerLot - order.voucherHold;
  balance.available -= cash;
  balance.held += cash;
  balance.voucherAvailable -= order.voucherHold;
  balance.voucherHeld += order.voucherHold;
}

export function evolveOrderAccepted(state: CoreState, event: Evt<"OrderAccepted">): void {
  const account = state.accounts.get(event.accountId)!;
  const product = state.products.get(event.symbol)!;
  const hold = holdFor(product, event.side, event.price);
  if (hold.holdPerLot !== event.holdPerLot)
    throw new InvariantViolation(`hold of order ${event.orderId} differs`);
  const order: Order = {
    orderId: event.orderId,
    accountIdx: account.idx,
    productIdx: product.idx,
    clientOrderId: event.clientOrderId,
    side: event.side,
    price: event.price,
    qty: event.qty,
    remaining: event.qty,
    filled: 0,
    tif: event.tif,
    holdPerLot: hold.holdPerLot,
    notionalPerLot: hold.notionalPerLot,
    voucherHold: event.voucherHold,
    marginPerLot: hold.marginPerLot,
  };
  state.orders.set(order.orderId, order);
  account.openClientIds.set(order.clientOrderId, order.orderId);
  takeHold(productBalance(state, account, product), order);
  const position = positionOf(account, product.idx);
  changeOpenLots(position, order, order.qty);
  if (product.physical) refreshCommitment(account, product, position);
}

/** Give back the hold of `lots` open lots (cancel, amend, expiry); vouchers beyond need first. */
function releaseLots(balance: Balance, order: Order, lots: number): void {
  const remaining = order.remaining - lots;
  const voucherHold = Math.min(order.voucherHold, remaining * order.notionalPerLot);
  const voucherRelease = order.voucherHold - voucherHold;
  const cashRelease = lots * order.holdPerLot - voucherRelease;
  balance.held -= cashRelease;
  balance.available += cashRelease;
  balance.voucherHeld -= voucherRelease;
  balance.voucherAvailable += voucherRelease;
  order.voucherHold = voucherHold;
  order.remaining = remaining;
}

export function closeOrder(
  state: CoreState,
  account: Account,
  order: Order,
  status: OrderRecord["status"],
  seq: number,
) {
  state.orders.delete(order.orderId);
  account.openClientIds.delete(order.clientOrderId);
  const product = state.productsByIdx[order.productIdx]!;
  account.history.add(
    order.orderId,
    order.clientOrderId,
    product.spec.symbol,
    order.side,
    order.price,
    order.qty,
    order.filled,
    status,
    seq,
  );
}

/** OrderCancelled, OrderAmended, OrderExpired: `qty` open lots go away. */
export function evolveOrderReduced(
  state: CoreState,
  event: Evt<"OrderCancelled" | "OrderAmended" | "OrderExpired">,
  seq: number,
): void {
  const order = state.orders.get(event.orderId)!;
  const account = state.accountsByIdx[order.accountIdx]!;
  const product = state.productsByIdx[order.productIdx]!;
  releaseLots(productBalance(state, account, product), order, event.qty);
  if (event.type === "OrderAmended") order.qty -= event.qty;
  const position = positionOf(account, product.idx);
  changeOpenLots(position, order, -event.qty);
  if (product.physical) refreshCommitment(account, product, position);
  if (order.remaining === 0)
    closeOrder(state, account, order, event.type === "OrderExpired" ? "expired" : "cancelled", seq);
}

export function evolveOrderReplaced(state: CoreState, event: Evt<"OrderReplaced">): void {
  const order = state.orders.get(event.orderId)!;
  const account = state.accountsByIdx[order.accountIdx]!;
  const product = state.productsByIdx[order.productIdx]!;
  const balance = productBalance(state, account, product);
  const openBefore = order.remaining;
  releaseLots(balance, order, order.remaining);
  const hold = holdFor(product, order.side, event.price);
  order.price = event.price;
  order.qty = order.filled + event.qty;
  order.remaining = event.qty;
  order.holdPerLot = hold.holdPerLot;
  order.notionalPerLot = hold.notionalPerLot;
  order.marginPerLot = hold.marginPerLot;
  order.voucherHold = event.voucherHold;
  takeHold(balance, order);
  const position = positionOf(account, product.idx);
  changeOpenLots(position, order, event.qty - openBefore);
  if (product.physical) refreshCommitment(account, product, position);
}

export function evolveAccountBlockChanged(state: CoreState, event: Evt<"AccountBlockChanged">): void {
  state.accounts.get(event.accountId)!.blocked = event.blocked;
}
