import type { CoreEvent } from "@ghx/domain";
import { describe, expect, it } from "vitest";
import {
  decodeEvent,
  decodeEventsRecord,
  type EventsRecord,
  encodeEvent,
  type StoredEvent,
  type StoredEventsRecord,
  storedEventsRecord,
} from "../src/index.ts";

const symbol = "H100.WUHU.20261124T14";
const orderEvents: CoreEvent[] = [
  {
    type: "OrderAccepted",
    orderId: 7,
    accountId: "b",
    clientOrderId: "c1",
    symbol,
    side: "buy",
    price: 1_200,
    qty: 3,
    tif: "GTC",
    holdPerLot: 1_201,
    voucherHold: 0,
  },
  {
    type: "TradeExecuted",
    symbol,
    price: 1_100,
    qty: 2,
    makerOrderId: 5,
    takerOrderId: 7,
    makerAccountId: "p",
    takerAccountId: "b",
    takerSide: "buy",
    makerRemaining: 0,
    takerRemaining: 1,
  },
  {
    type: "OrderCancelled",
    orderId: 7,
    accountId: "b",
    symbol,
    side: "buy",
    price: 1_200,
    qty: 3,
    remaining: 1,
    reason: "ioc_remainder",
  },
  {
    type: "OrderAmended",
    orderId: 8,
    accountId: "b",
    symbol,
    side: "sell",
    price: 1_300,
    qty: 4,
    remaining: 2,
  },
  { type: "OrderExpired", orderId: 9, accountId: "b", symbol, side: "sell", price: 1_300, qty: 4 },
  {
    type: "OrderReplaced",
    orderId: 10,
    accountId: "b",
    symbol,
    price: 1_250,
    qty: 5,
    holdPerLot: 1_251,
    voucherHold: 40,
  },
  {
    type: "CommandRejected",
    commandId: "x1",
    commandType: "PlaceOrder",
    accountId: "b",
    code: "INSUFFICIENT_FUNDS",
    message: "cannot hold 1201 × 3",
  },
  {
    type: "CommandRejected",
    commandId: "x2",
    commandType: "SetTradingState",
    code: "UNKNOWN_PRODUCT",
    message: "nope is not listed",
  },
];
const otherEvent: CoreEvent = { type: "TradingStateChanged", symbol, from: "open", to: "halted" };

/** Through JSON, as a consumer reads it from the store. */
const stored = (event: CoreEvent) => JSON.parse(JSON.stringify(encodeEvent(event))) as StoredEvent;

describe("events as core-events stores them", () => {
  it("writes order events and rejects as tuples that decode to the same event, keys in the same order", () => {
    for (const event of orderEvents) {
      expect(Array.isArray(encodeEvent(event))).toBe(true);
      // Same JSON: same keys in the same order, and no key for an absent optional field.
      expect(JSON.stringify(decodeEvent(stored(event)))).toBe(JSON.stringify(event));
    }
  });

  it("keeps every other event as its object", () => {
    expect(encodeEvent(otherEvent)).toBe(otherEvent);
    expect(decodeEvent(stored(otherEvent))).toEqual(otherEvent);
  });

  it("stores order events in less than half the JSON of their objects, and decodes the record back", () => {
    const orders: EventsRecord = { first: 1, ts: [1], events: [orderEvents] };
    expect(JSON.stringify(storedEventsRecord(orders)).length).toBeLessThan(JSON.stringify(orders).length / 2);
    const record: EventsRecord = { first: 1, ts: [1, 2], events: [orderEvents, [otherEvent]] };
    const storedJson = JSON.stringify(storedEventsRecord(record));
    expect(decodeEventsRecord(JSON.parse(storedJson) as StoredEventsRecord)).toEqual(record);
  });

  it("decodes records written before the tuples (objects only) unchanged, parts' fields included", () => {
    const old = { first: 3, ts: [9], events: [orderEvents], from: 0, last: false };
    expect(decodeEventsRecord(JSON.parse(JSON.stringify(old)) as StoredEventsRecord)).toEqual(old);
  });

  it("refuses a tuple of no known kind", () => {
    expect(() => decodeEvent([99, "?"] as unknown as StoredEvent)).toThrow("unknown stored event tag 99");
  });
});
