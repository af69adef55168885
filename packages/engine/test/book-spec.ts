// Given/When/Then for the engine: `given(...commands).when(command)` returns the events of that
// one command, so each spec reads as a line of the rulebook.
import {
  type EngineCommand,
  type EngineConfig,
  type EngineEvent,
  EventCollector,
  OrderBook,
  type PlaceOrder,
  type Side,
} from "../src/index.ts";

export const CONFIG: EngineConfig = { maxTick: 1_000, maxQty: 1_000, defaultCollarTicks: 2 };

export interface Spec {
  readonly book: OrderBook;
  when(...commands: EngineCommand[]): EngineEvent[];
}

export function given(...commands: EngineCommand[]): Spec {
  return givenWith(CONFIG, ...commands);
}

export function givenWith(config: EngineConfig, ...commands: EngineCommand[]): Spec {
  const events = new EventCollector();
  const book = new OrderBook(config, events);
  for (const command of commands) book.apply(command);
  events.drain();
  return {
    book,
    when(...next) {
      for (const command of next) book.apply(command);
      return events.drain();
    },
  };
}

type PlaceExtras = Partial<Omit<PlaceOrder, "orderId" | "side" | "price" | "qty">>;

/** A limit order; account = order id unless given, no STP group, time 1. */
export function buy(orderId: number, price: number, qty: number, extras: PlaceExtras = {}): EngineCommand {
  return { type: "place", orderId, accountId: orderId, side: "buy", price, qty, time: 1, ...extras };
}

export function sell(orderId: number, price: number, qty: number, extras: PlaceExtras = {}): EngineCommand {
  return { type: "place", orderId, accountId: orderId, side: "sell", price, qty, time: 1, ...extras };
}

export function marketBuy(orderId: number, qty: number, extras: PlaceExtras = {}): EngineCommand {
  return {
    type: "place",
    orderId,
    accountId: orderId,
    side: "buy",
    orderType: "market",
    qty,
    time: 1,
    ...extras,
  };
}

export function marketSell(orderId: number, qty: number, extras: PlaceExtras = {}): EngineCommand {
  return {
    type: "place",
    orderId,
    accountId: orderId,
    side: "sell",
    orderType: "market",
    qty,
    time: 1,
    ...extras,
  };
}

export const cancel = (orderId: number, time = 1): EngineCommand => ({ type: "cancel", orderId, time });
export const replace = (orderId: number, price: number, qty: number, time = 1): EngineCommand => ({
  type: "replace",
  orderId,
  price,
  qty,
  time,
});
export const amend = (orderId: number, qty: number, time = 1): EngineCommand => ({
  type: "amend",
  orderId,
  qty,
  time,
});
export const massCancel = (accountId: number, time = 1, side?: Side): EngineCommand =>
  side === undefined
    ? { type: "mass_cancel", accountId, time }
    : { type: "mass_cancel", accountId, side, time };
export const expire = (time: number): EngineCommand => ({ type: "expire", time });

/** Only the events of some types, e.g. to check fills without restating level updates. */
export function only<T extends EngineEvent["type"]>(events: EngineEvent[], ...types: T[]) {
  return events.filter((e): e is Extract<EngineEvent, { type: T }> => types.includes(e.type as T));
}
