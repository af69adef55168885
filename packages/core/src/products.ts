// Products and their trading states: decide and evolve.
import { type CoreCommand, type CoreEvent, tradingStateTransitions } from "@ghx/domain";
import { createBook } from "./book.ts";
import { accept, type Decision, operatorCheck, reject } from "./decision.ts";
import { hourMs, physicalPeriodHoursMax } from "./limits.ts";
import { addProduct, type CoreState, type Product } from "./state.ts";

type Cmd<T extends CoreCommand["type"]> = Extract<CoreCommand, { type: T }>;
type Evt<T extends CoreEvent["type"]> = Extract<CoreEvent, { type: T }>;

/** The engine addresses prices as 31-bit ticks. */
const engineTickMax = 2 ** 31 - 1;

export function decideListProduct(state: CoreState, cmd: Cmd<"ListProduct">): Decision {
  const denied = operatorCheck(state, cmd.operatorId);
  if (denied) return denied;
  const p = cmd.product;
  if (state.products.has(p.symbol)) return reject("PRODUCT_EXISTS", `${p.symbol} is listed`);
  if (p.bandHighTicks > engineTickMax)
    return reject("INVALID_COMMAND", `band top above ${engineTickMax} ticks`);
  // A maker rebate larger than the taker fee would drain fee income below zero.
  if (p.makerFeeBps + p.takerFeeBps < 0) return reject("INVALID_COMMAND", "maker rebate exceeds taker fee");
  if (p.kind !== "future") {
    const aligned = p.deliveryFrom % hourMs === 0 && p.deliveryTo % hourMs === 0;
    if (!aligned || p.deliveryTo - p.deliveryFrom > physicalPeriodHoursMax * hourMs) {
      return reject("INVALID_COMMAND", "physical delivery must be whole hours, at most a month");
    }
  }
  // Every lot-sized money figure must stay a safe integer: notional of the largest order at the top.
  if (!Number.isSafeInteger(p.bandHighTicks * p.tickMinor * p.hoursPerLot * p.maxLots * 2)) {
    return reject("INVALID_COMMAND", "largest order notional is not a safe integer");
  }
  return accept([{ type: "ProductListed", product: p, state: cmd.open ? "open" : "pre_open" }]);
}

export function evolveProductListed(state: CoreState, event: Evt<"ProductListed">): void {
  const spec = event.product;
  addProduct(state, spec, event.state, (sink) => createBook(sink, spec.bandHighTicks, spec.maxLots));
}

export function decideSetTradingState(state: CoreState, cmd: Cmd<"SetTradingState">, ts: number): Decision {
  const denied = operatorCheck(state, cmd.operatorId);
  if (denied) return denied;
  const product = state.products.get(cmd.symbol);
  if (!product) return reject("UNKNOWN_PRODUCT", `${cmd.symbol} is not listed`);
  if (!tradingStateTransitions[product.state].includes(cmd.state)) {
    return reject("INVALID_STATE_TRANSITION", `${product.state} → ${cmd.state} is not allowed`);
  }
  if (cmd.state === "gate_closed" && !product.physical) {
    return reject("INVALID_STATE_TRANSITION", "futures have no gate closure");
  }
  const events: CoreEvent[] = [];
  if (cmd.state === "closed" || cmd.state === "gate_closed") cancelAllInProduct(state, product, ts, events);
  events.push({ type: "TradingStateChanged", symbol: cmd.symbol, from: product.state, to: cmd.state });
  return accept(events);
}

/** Cancels every open order of the product through its book (holds are released by evolve). */
function cancelAllInProduct(state: CoreState, product: Product, ts: number, events: CoreEvent[]): void {
  const accountIdxs = new Set<number>();
  for (const order of state.orders.valuesByAscendingId())
    if (order.productIdx === product.idx) accountIdxs.add(order.accountIdx);
  state.sink.begin(product, events);
  state.sink.cancelReason = "market_closed";
  for (const idx of [...accountIdxs].sort((a, b) => a - b)) product.book.massCancel(idx, ts);
}

export function evolveTradingStateChanged(state: CoreState, event: Evt<"TradingStateChanged">): void {
  state.products.get(event.symbol)!.state = event.to;
}
