// Order commands: pre-trade risk (decide, pure) then the book (the engine mutates it and reports
// through the sink). The events it returns are evolved by settlement.ts: hold, fill, release.
import type { CoreCommand, CoreEvent, Side } from "@ghx/domain";
import { accept, accountOrReject, type Decision, isDecision, operatorCheck, reject } from "./decision.ts";
import { openOrdersPerAccountMax } from "./limits.ts";
import { capacityBreached, fundHold, holdFor, positionLimitBreached } from "./risk.ts";
import {
  type Account,
  type CoreState,
  emptyPosition,
  type Order,
  type Position,
  type Product,
} from "./state.ts";

type Cmd<T extends CoreCommand["type"]> = Extract<CoreCommand, { type: T }>;

/** Read-only stand-in for an account without a position in the product (no allocation). */
const noPosition: Readonly<Position> = Object.freeze(emptyPosition());

function tradingAllowed(product: Product): Decision | undefined {
  if (product.state === "open") return undefined;
  if (product.state === "halted") return reject("MARKET_HALTED", `${product.spec.symbol} is halted`);
  return reject("MARKET_CLOSED", `${product.spec.symbol} is ${product.state}`);
}

function traderChecks(account: Account, side: "buy" | "sell"): Decision | undefined {
  if (account.blocked) return reject("ACCOUNT_BLOCKED", `${account.id} is blocked`);
  const allowed =
    account.capabilities.has("trade") || (side === "sell" && account.capabilities.has("provide"));
  return allowed ? undefined : reject("CAPABILITY_MISSING", `${account.id} may not ${side}`);
}

/** The limit price the order trades to: market orders are IOC/FOK limits at the band's edge. */
function limitPrice(product: Product, cmd: Cmd<"PlaceOrder">): number | Decision {
  const { spec } = product;
  if (cmd.orderType === "market") {
    if (cmd.tif !== "IOC" && cmd.tif !== "FOK")
      return reject("INVALID_TIME_IN_FORCE", "market orders are IOC or FOK");
    if (cmd.postOnly) return reject("INVALID_COMMAND", "a market order cannot be post-only");
    const opposite = cmd.side === "buy" ? product.book.bestAsk() : product.book.bestBid();
    if (opposite === undefined) return reject("NO_LIQUIDITY", `no ${cmd.side === "buy" ? "asks" : "bids"}`);
    return cmd.side === "buy" ? spec.bandHighTicks : spec.bandLowTicks;
  }
  if (cmd.price === undefined) return reject("INVALID_PRICE", "a limit order needs a price");
  if (cmd.price < spec.bandLowTicks || cmd.price > spec.bandHighTicks) {
    return reject(
      "PRICE_OUT_OF_BAND",
      `price ${cmd.price} outside [${spec.bandLowTicks}, ${spec.bandHighTicks}]`,
    );
  }
  return cmd.price;
}

function orderChecks(
  account: Account,
  product: Product,
  cmd: Cmd<"PlaceOrder">,
  ts: number,
): Decision | undefined {
  const { spec } = product;
  if (account.openClientIds.has(cmd.clientOrderId)) {
    return reject("DUPLICATE_CLIENT_ID", `${cmd.clientOrderId} is an open order of ${account.id}`);
  }
  if (account.openClientIds.size >= openOrdersPerAccountMax)
    return reject("OPEN_ORDERS_LIMIT", "too many open orders");
  if (cmd.qty < spec.minLots) return reject("QUANTITY_BELOW_MIN", `minimum ${spec.minLots} lots`);
  if (cmd.qty > spec.maxLots) return reject("QUANTITY_ABOVE_MAX", `maximum ${spec.maxLots} lots`);
  if (cmd.tif === "GTD" && (cmd.expiry === undefined || cmd.expiry <= ts)) {
    return reject("EXPIRY_IN_PAST", "GTD needs an expiry after the command's time");
  }
  if (cmd.tif !== "GTD" && cmd.expiry !== undefined)
    return reject("INVALID_TIME_IN_FORCE", "expiry is for GTD");
  return undefined;
}

export function decidePlaceOrder(
  state: CoreState,
  cmd: Cmd<"PlaceOrder">,
  seq: number,
  ts: number,
): Decision {
  const account = accountOrReject(state, cmd.accountId);
  if (isDecision(account)) return account;
  const product = state.products.get(cmd.symbol);
  const refused =
    traderChecks(account, cmd.side) ??
    (product ? tradingAllowed(product) : reject("UNKNOWN_PRODUCT", `${cmd.symbol} is not listed`));
  if (refused || !product) return refused!;
  const checked = orderChecks(account, product, cmd, ts);
  if (checked) return checked;
  const price = limitPrice(product, cmd);
  if (typeof price !== "number") return price;
  const position = account.positionAt[product.idx] ?? noPosition;
  if (positionLimitBreached(product, position, cmd.side, cmd.qty)) {
    return reject("POSITION_LIMIT", `limit ${product.spec.positionLimitLots} lots`);
  }
  if (cmd.side === "sell" && capacityBreached(account, product, position, cmd.qty)) {
    return reject("CAPACITY_EXCEEDED", `not enough declared capacity for ${cmd.symbol}`);
  }
  const hold = holdFor(product, cmd.side, price);
  const balance = account.balanceAt[product.currencyIdx];
  const funded = fundHold(
    balance?.available ?? 0,
    balance?.voucherAvailable ?? 0,
    hold,
    cmd.qty,
    product.physical,
  );
  if (typeof funded === "string") return reject(funded, `cannot hold ${hold.holdPerLot} × ${cmd.qty}`);

  const events: CoreEvent[] = [];
  const sink = state.sink;
  sink.begin(product, events);
  sink.prepared = {
    type: "OrderAccepted",
    orderId: seq,
    accountId: account.id,
    clientOrderId: cmd.clientOrderId,
    symbol: cmd.symbol,
    side: cmd.side,
    price,
    qty: cmd.qty,
    tif: cmd.tif,
    holdPerLot: hold.holdPerLot,
    voucherHold: funded.vouchers,
  };
  product.book.place({
    orderId: seq,
    accountId: account.idx,
    stpGroup: account.stpGroup,
    side: cmd.side,
    orderType: "limit",
    price,
    qty: cmd.qty,
    tif: cmd.tif,
    expiry: cmd.expiry ?? 0,
    postOnly: cmd.postOnly === true,
    stpMode: cmd.stpMode ?? "cancel_newest",
    time: ts,
  });
  if (sink.rejectCode) return reject(sink.rejectCode, `the book refused the order`, events);
  return accept(events, seq);
}

type OrderRefCommand = Cmd<"CancelOrder" | "ReplaceOrder" | "AmendOrder">;

/** The account's open order the command names, by order id or client order id. */
function findOrder(state: CoreState, cmd: OrderRefCommand): { account: Account; order: Order } | Decision {
  const account = accountOrReject(state, cmd.accountId);
  if (isDecision(account)) return account;
  if ((cmd.orderId === undefined) === (cmd.clientOrderId === undefined)) {
    return reject("INVALID_COMMAND", "name the order by exactly one of orderId and clientOrderId");
  }
  const orderId = cmd.orderId ?? account.openClientIds.get(cmd.clientOrderId!);
  const order = orderId === undefined ? undefined : state.orders.get(orderId);
  if (!order) return reject("ORDER_NOT_FOUND", `no open order ${cmd.orderId ?? cmd.clientOrderId}`);
  if (order.accountIdx !== account.idx)
    return reject("NOT_ORDER_OWNER", `order ${order.orderId} is not yours`);
  return { account, order };
}

function runOnBook(
  state: CoreState,
  product: Product,
  orderId: number,
  action: (events: CoreEvent[]) => void,
) {
  const events: CoreEvent[] = [];
  state.sink.begin(product, events);
  action(events);
  const code = state.sink.rejectCode;
  return code ? reject(code, "the book refused the command", events) : accept(events, orderId);
}

export function decideCancelOrder(state: CoreState, cmd: Cmd<"CancelOrder">, ts: number): Decision {
  const found = findOrder(state, cmd);
  if ("events" in found) return found;
  const product = state.productsByIdx[found.order.productIdx]!;
  return runOnBook(state, product, found.order.orderId, () => product.book.cancel(found.order.orderId, ts));
}

export function decideAmendOrder(state: CoreState, cmd: Cmd<"AmendOrder">, ts: number): Decision {
  const found = findOrder(state, cmd);
  if ("events" in found) return found;
  const product = state.productsByIdx[found.order.productIdx]!;
  return runOnBook(state, product, found.order.orderId, () =>
    product.book.amend(found.order.orderId, cmd.qty, ts),
  );
}

export function decideReplaceOrder(state: CoreState, cmd: Cmd<"ReplaceOrder">, ts: number): Decision {
  const found = findOrder(state, cmd);
  if ("events" in found) return found;
  const { account, order } = found;
  const product = state.productsByIdx[order.productIdx]!;
  const refused = traderChecks(account, order.side) ?? tradingAllowed(product);
  if (refused) return refused;
  const { spec } = product;
  if (cmd.qty < spec.minLots) return reject("QUANTITY_BELOW_MIN", `minimum ${spec.minLots} lots`);
  if (cmd.qty > spec.maxLots) return reject("QUANTITY_ABOVE_MAX", `maximum ${spec.maxLots} lots`);
  if (cmd.price < spec.bandLowTicks || cmd.price > spec.bandHighTicks) {
    return reject(
      "PRICE_OUT_OF_BAND",
      `price ${cmd.price} outside [${spec.bandLowTicks}, ${spec.bandHighTicks}]`,
    );
  }
  // Risk as if the old order were gone: its lots and its hold come back first.
  const position = { ...(account.positionAt[product.idx] ?? emptyPosition()) };
  if (order.side === "buy") position.openBidLots -= order.remaining;
  else position.openAskLots -= order.remaining;
  if (positionLimitBreached(product, position, order.side, cmd.qty)) {
    return reject("POSITION_LIMIT", `limit ${spec.positionLimitLots} lots`);
  }
  if (order.side === "sell" && capacityBreached(account, product, position, cmd.qty)) {
    return reject("CAPACITY_EXCEEDED", `not enough declared capacity for ${spec.symbol}`);
  }
  const balance = account.balanceAt[product.currencyIdx]!;
  const oldCash = order.remaining * order.holdPerLot - order.voucherHold;
  const hold = holdFor(product, order.side, cmd.price);
  const funded = fundHold(
    balance.available + oldCash,
    balance.voucherAvailable + order.voucherHold,
    hold,
    cmd.qty,
    product.physical,
  );
  if (typeof funded === "string") return reject(funded, `cannot hold ${hold.holdPerLot} × ${cmd.qty}`);
  return runOnBook(state, product, order.orderId, () => {
    state.sink.prepared = {
      type: "OrderReplaced",
      orderId: order.orderId,
      accountId: account.id,
      symbol: spec.symbol,
      price: cmd.price,
      qty: cmd.qty,
      holdPerLot: hold.holdPerLot,
      voucherHold: funded.vouchers,
    };
    product.book.replace(order.orderId, cmd.price, cmd.qty, ts);
  });
}

/** Cancels the account's open orders in every product it has orders in (or only in one, on one side). */
function cancelAccountOrders(
  state: CoreState,
  account: Account,
  symbol: string | undefined,
  side: Side | undefined,
  reason: "mass_cancel" | "kill_switch",
  ts: number,
): CoreEvent[] {
  const productIdxs = new Set<number>();
  for (const orderId of account.openClientIds.values())
    productIdxs.add(state.orders.get(orderId)!.productIdx);
  const events: CoreEvent[] = [];
  for (const idx of [...productIdxs].sort((a, b) => a - b)) {
    const product = state.productsByIdx[idx]!;
    if (symbol !== undefined && product.spec.symbol !== symbol) continue;
    state.sink.begin(product, events);
    state.sink.cancelReason = reason;
    product.book.massCancel(account.idx, ts, side);
  }
  return events;
}

export function decideMassCancel(state: CoreState, cmd: Cmd<"MassCancel">, ts: number): Decision {
  const denied = operatorCheck(state, cmd.operatorId);
  if (denied) return denied;
  const account = accountOrReject(state, cmd.accountId);
  if (isDecision(account)) return account;
  if (cmd.symbol !== undefined && !state.products.has(cmd.symbol)) {
    return reject("UNKNOWN_PRODUCT", `${cmd.symbol} is not listed`);
  }
  return accept(cancelAccountOrders(state, account, cmd.symbol, cmd.side, "mass_cancel", ts));
}

export function decideKillSwitch(state: CoreState, cmd: Cmd<"KillSwitch">, ts: number): Decision {
  const denied = operatorCheck(state, cmd.operatorId);
  if (denied) return denied;
  const account = accountOrReject(state, cmd.accountId);
  if (isDecision(account)) return account;
  const events = cmd.block
    ? cancelAccountOrders(state, account, undefined, undefined, "kill_switch", ts)
    : [];
  events.push({ type: "AccountBlockChanged", accountId: account.id, blocked: cmd.block });
  return accept(events);
}

/** Expires the due GTD orders of every book (in listing order, so replays emit the same events). */
export function decideExpireOrders(state: CoreState, ts: number): Decision {
  const events: CoreEvent[] = [];
  for (const product of state.productsByIdx) {
    const due = product.book.nextExpiry();
    if (due === undefined || due > ts) continue;
    state.sink.begin(product, events);
    product.book.expire(ts);
  }
  return accept(events);
}

/**
 * The earliest expiry of a GTD order still open in any book: when the sequencer should submit
 * ExpireOrders. Drops heap entries of orders already gone (see the engine's nextLiveExpiry: no
 * command or snapshot can tell), so a cancelled GTD order wakes nobody.
 */
export function nextLiveExpiry(state: CoreState): number | undefined {
  let earliest: number | undefined;
  for (const product of state.productsByIdx) {
    const due = product.book.nextLiveExpiry();
    if (due !== undefined && (earliest === undefined || due < earliest)) earliest = due;
  }
  return earliest;
}
