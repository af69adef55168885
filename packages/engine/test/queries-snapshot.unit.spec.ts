import { describe, expect, it } from "vitest";
import { EventCollector, nullSink, OrderBook } from "../src/index.ts";
import { buy, CONFIG, given, givenWith, sell } from "./book-spec.ts";

describe("queries", () => {
  const spec = () =>
    given(
      buy(1, 100, 2, { accountId: 7, stpGroup: 3 }),
      buy(2, 100, 3, { accountId: 8 }),
      buy(3, 98, 1, { accountId: 7, tif: "GTD", expiry: 99 }),
      sell(4, 105, 4, { accountId: 7, postOnly: true }),
    );

  it("get an order by id with all its fields", () => {
    expect(spec().book.getOrder(1)).toEqual({
      orderId: 1,
      accountId: 7,
      stpGroup: 3,
      side: "buy",
      price: 100,
      remaining: 2,
      tif: "GTC",
      expiry: 0,
      postOnly: false,
      stpMode: "cancel_newest",
      time: 1,
    });
    expect(spec().book.getOrder(42)).toBeUndefined();
  });

  it("list an account's orders and count them", () => {
    const { book } = spec();
    expect(book.accountOrders(7).map((o) => o.orderId)).toEqual([1, 3, 4]);
    expect(book.accountOrderCount(7)).toBe(3);
    expect(book.accountOrderCount(99)).toBe(0);
    expect(book.orderCount()).toBe(4);
  });

  it("give the top levels per side, best first", () => {
    const { book } = spec();
    expect(book.depth("buy", 1)).toEqual([{ price: 100, qty: 5, count: 2 }]);
    expect(book.depth("buy", 10)).toEqual([
      { price: 100, qty: 5, count: 2 },
      { price: 98, qty: 1, count: 1 },
    ]);
    expect(book.depth("sell", 10)).toEqual([{ price: 105, qty: 4, count: 1 }]);
    expect([book.levelCount("buy"), book.levelCount("sell")]).toEqual([2, 1]);
    expect([book.bestBid(), book.bestAsk()]).toEqual([100, 105]);
    expect(book.nextExpiry()).toBe(99);
  });
});

describe("snapshot and restore", () => {
  it("lists orders bids first, best price first, FIFO within a level", () => {
    const { book } = given(sell(1, 101, 1), buy(2, 99, 1), buy(3, 100, 1), buy(4, 99, 1), sell(5, 101, 1));
    expect(book.snapshot().orders.map((o) => o.orderId)).toEqual([3, 2, 4, 1, 5]);
  });

  it("restores the same hash and the same behaviour", () => {
    const { book } = given(buy(1, 100, 2), buy(2, 100, 3, { tif: "GTD", expiry: 20 }), sell(3, 103, 4));
    const events = new EventCollector();
    const copy = OrderBook.restore(JSON.parse(JSON.stringify(book.snapshot())), events);
    expect(copy.hash()).toBe(book.hash());
    copy.apply(sell(4, 100, 3, { time: 2 }));
    expect(events.events.filter((e) => e.type === "fill").map((e) => e.makerId)).toEqual([1, 2]);
    copy.apply({ type: "expire", time: 20 });
    expect(events.events.at(-2)).toMatchObject({ type: "expired", orderId: 2, qty: 2 });
  });

  it("hashes the state: equal books hash equal, any change changes the hash", () => {
    const a = given(buy(1, 100, 2), sell(2, 101, 1)).book;
    const b = given(buy(1, 100, 2), sell(2, 101, 1)).book;
    expect(a.hash()).toMatch(/^[0-9a-f]{64}$/);
    expect(a.hash()).toBe(b.hash());
    b.amend(1, 1, 2);
    expect(b.hash()).not.toBe(a.hash());
  });

  it("refuses a snapshot no book could have produced", () => {
    const { book } = given(buy(1, 100, 2), buy(2, 99, 2), sell(3, 101, 1));
    const snapshot = book.snapshot();
    const [first, second, third] = snapshot.orders;
    const restore = (orders: unknown[]) => () =>
      OrderBook.restore({ ...snapshot, orders } as never, nullSink);
    expect(restore([second, first, third])).toThrow(/priority order/);
    expect(restore([first, { ...second, orderId: 1 }, third])).toThrow(/DUPLICATE_ORDER_ID/);
    expect(restore([first, second, { ...third, price: 100 }])).toThrow(/crossed/);
    expect(restore([{ ...first, remaining: 0 }])).toThrow(/INVALID_QUANTITY/);
    expect(() => OrderBook.restore({ ...snapshot, version: 2 } as never, nullSink)).toThrow(/version/);
  });
});

describe("configuration and growth", () => {
  it("rejects an impossible configuration", () => {
    expect(() => new OrderBook({ maxTick: 0 }, nullSink)).toThrow(RangeError);
    expect(() => new OrderBook({ maxTick: 2 ** 31 }, nullSink)).toThrow(RangeError);
    expect(() => new OrderBook({ maxTick: 10, maxQty: 0 }, nullSink)).toThrow(RangeError);
    expect(() => new OrderBook({ maxTick: 10, defaultCollarTicks: -1 }, nullSink)).toThrow(RangeError);
    expect(() => new OrderBook({ maxTick: 10, initialCapacity: 0 }, nullSink)).toThrow(RangeError);
  });

  it("grows its pools past the initial capacity without losing anything", () => {
    const spec = givenWith({ ...CONFIG, initialCapacity: 1 });
    for (let id = 1; id <= 300; id++) {
      spec.when(buy(id, 1 + (id % 150), 1, { accountId: id, tif: "GTD", expiry: 1_000 + id }));
    }
    expect(spec.book.orderCount()).toBe(300);
    expect(spec.book.levelCount("buy")).toBe(150);
    const prices = spec.book.depth("buy", 200).map((level) => level.price);
    expect(prices).toEqual(Array.from({ length: 150 }, (_, i) => 150 - i));
    expect(spec.book.accountOrderCount(300)).toBe(1);
    const expired = spec.when({ type: "expire", time: 1_300 }).filter((e) => e.type === "expired");
    expect(expired.map((e) => e.orderId)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
  });

  it("drops the expiry entries of GTD orders that left early once they pile up", () => {
    const spec = givenWith(CONFIG);
    const placeAndCancel = (id: number) =>
      spec.when(buy(id, 100, 1, { tif: "GTD", expiry: 10_000 + id }), {
        type: "cancel",
        orderId: id,
        time: 1,
      });
    for (let id = 1; id <= 1_000; id++) placeAndCancel(id);
    expect(spec.book.nextExpiry()).toBe(10_001);
    for (let id = 1_001; id <= 2_000; id++) placeAndCancel(id);
    expect(spec.book.nextExpiry()).toBeGreaterThan(11_000);
    spec.when(buy(5_000, 100, 1, { tif: "GTD", expiry: 20_000 }));
    expect(spec.when({ type: "expire", time: 19_999 })).toEqual([]);
    expect(spec.when({ type: "expire", time: 20_000 }).map((e) => e.type)).toEqual(["expired", "level"]);
  });
});
