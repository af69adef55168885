import { describe, expect, it } from "vitest";
import { buy, given, givenWith, marketBuy, marketSell, only, sell } from "./book-spec.ts";

describe("limit orders", () => {
  it("rest when they do not cross", () => {
    expect(given().when(buy(1, 100, 5))).toEqual([
      { type: "accepted", orderId: 1, accountId: 1, side: "buy", price: 100, qty: 5, tif: "GTC", time: 1 },
      { type: "level", side: "buy", price: 100, qty: 5, count: 1 },
    ]);
  });

  it("trade at the maker's price, best price first, then rest the remainder", () => {
    const spec = given(sell(1, 101, 2), sell(2, 100, 3));
    expect(spec.when(buy(3, 102, 7, { time: 5 }))).toEqual([
      { type: "accepted", orderId: 3, accountId: 3, side: "buy", price: 102, qty: 7, tif: "GTC", time: 5 },
      {
        type: "fill",
        makerId: 2,
        takerId: 3,
        price: 100,
        qty: 3,
        makerRemaining: 0,
        takerRemaining: 4,
        makerAccountId: 2,
        takerAccountId: 3,
        takerSide: "buy",
        time: 5,
      },
      { type: "level", side: "sell", price: 100, qty: 0, count: 0 },
      {
        type: "fill",
        makerId: 1,
        takerId: 3,
        price: 101,
        qty: 2,
        makerRemaining: 0,
        takerRemaining: 2,
        makerAccountId: 1,
        takerAccountId: 3,
        takerSide: "buy",
        time: 5,
      },
      { type: "level", side: "sell", price: 101, qty: 0, count: 0 },
      { type: "level", side: "buy", price: 102, qty: 2, count: 1 },
    ]);
    expect(spec.book.bestBid()).toBe(102);
    expect(spec.book.bestAsk()).toBeUndefined();
  });

  it("fill a level in time priority and report the level once per sweep", () => {
    const spec = given(buy(1, 100, 2), buy(2, 100, 2), buy(3, 100, 2));
    const events = spec.when(sell(4, 99, 3));
    expect(only(events, "fill").map((f) => [f.makerId, f.qty, f.makerRemaining])).toEqual([
      [1, 2, 0],
      [2, 1, 1],
    ]);
    expect(only(events, "level")).toEqual([{ type: "level", side: "buy", price: 100, qty: 3, count: 2 }]);
    expect(spec.book.getOrder(2)?.remaining).toBe(1);
  });

  it("never trade beyond the limit", () => {
    const spec = given(sell(1, 105, 5));
    expect(only(spec.when(buy(2, 104, 5)), "fill")).toEqual([]);
    expect(spec.book.depth("sell", 5)).toEqual([{ price: 105, qty: 5, count: 1 }]);
    expect(spec.book.depth("buy", 5)).toEqual([{ price: 104, qty: 5, count: 1 }]);
  });
});

describe("market orders", () => {
  it("trade up to best opposite + collar; the rest is cancelled as market_collar", () => {
    const spec = given(sell(1, 100, 1), sell(2, 101, 1), sell(3, 102, 1), sell(4, 103, 1));
    const events = spec.when(marketBuy(5, 10, { collarTicks: 2 }));
    expect(events[0]).toMatchObject({ type: "accepted", orderId: 5, price: 102, tif: "IOC" });
    expect(only(events, "fill").map((f) => f.price)).toEqual([100, 101, 102]);
    expect(events.at(-1)).toEqual({
      type: "cancelled",
      orderId: 5,
      accountId: 5,
      side: "buy",
      price: 102,
      qty: 7,
      remaining: 0,
      reason: "market_collar",
      time: 1,
    });
    expect(spec.book.bestAsk()).toBe(103);
  });

  it("sell side: down to best bid − collar, default collar from the config", () => {
    const spec = given(buy(1, 100, 1), buy(2, 98, 1), buy(3, 97, 1));
    const events = spec.when(marketSell(4, 5));
    expect(events[0]).toMatchObject({ type: "accepted", price: 98 });
    expect(only(events, "fill").map((f) => f.makerId)).toEqual([1, 2]);
    expect(only(events, "cancelled")[0]).toMatchObject({ qty: 3, reason: "market_collar" });
  });

  it("cancel the rest as ioc_remainder when the book runs dry inside the collar", () => {
    const spec = given(sell(1, 100, 2));
    const events = spec.when(marketBuy(2, 5, { collarTicks: 10 }));
    expect(only(events, "cancelled")[0]).toMatchObject({ orderId: 2, qty: 3, reason: "ioc_remainder" });
  });

  it("clamp the collar to the price range", () => {
    const spec = givenWith({ maxTick: 100 }, sell(1, 99, 1), buy(2, 2, 1));
    expect(spec.book.marketLimit("buy", 10)).toBe(100);
    expect(spec.book.marketLimit("sell", 10)).toBe(1);
    expect(spec.book.marketLimit("sell")).toBe(2);
  });

  it("fill completely as FOK within the collar or not at all", () => {
    const spec = given(sell(1, 100, 2), sell(2, 101, 2), sell(3, 105, 10));
    const kill = spec.when(marketBuy(4, 5, { tif: "FOK", collarTicks: 1 }));
    expect(only(kill, "fill", "level")).toEqual([]);
    expect(only(kill, "cancelled")[0]).toMatchObject({ orderId: 4, qty: 5, reason: "fok" });
    const fill = spec.when(marketBuy(5, 4, { tif: "FOK", collarTicks: 1 }));
    expect(only(fill, "fill").map((f) => f.qty)).toEqual([2, 2]);
    expect(only(fill, "cancelled")).toEqual([]);
  });
});

describe("time in force", () => {
  it("IOC trades what it can and cancels the rest", () => {
    const spec = given(sell(1, 100, 2));
    const events = spec.when(buy(2, 100, 5, { tif: "IOC" }));
    expect(only(events, "fill")[0]).toMatchObject({ qty: 2, takerRemaining: 3 });
    expect(events.at(-1)).toMatchObject({ type: "cancelled", orderId: 2, qty: 3, reason: "ioc_remainder" });
    expect(spec.book.hasOrder(2)).toBe(false);
  });

  it("IOC that cannot trade is accepted and cancelled at once", () => {
    expect(
      given()
        .when(buy(1, 100, 5, { tif: "IOC" }))
        .map((e) => e.type),
    ).toEqual(["accepted", "cancelled"]);
  });

  it("FOK that cannot fill completely changes nothing but its own cancel", () => {
    const spec = given(sell(1, 100, 2), sell(2, 101, 2));
    const before = spec.book.hash();
    expect(spec.when(buy(3, 101, 5, { tif: "FOK" }))).toEqual([
      { type: "accepted", orderId: 3, accountId: 3, side: "buy", price: 101, qty: 5, tif: "FOK", time: 1 },
      {
        type: "cancelled",
        orderId: 3,
        accountId: 3,
        side: "buy",
        price: 101,
        qty: 5,
        remaining: 0,
        reason: "fok",
        time: 1,
      },
    ]);
    expect(spec.book.hash()).toBe(before);
  });

  it("FOK that can fill trades across levels", () => {
    const spec = given(sell(1, 100, 2), sell(2, 101, 2));
    expect(only(spec.when(buy(3, 101, 4, { tif: "FOK" })), "fill").map((f) => f.takerRemaining)).toEqual([
      2, 0,
    ]);
  });

  it("GTD expires when a command at or after its expiry arrives, before that command acts", () => {
    const spec = given(sell(1, 100, 3, { tif: "GTD", expiry: 50, time: 10 }));
    expect(spec.book.nextExpiry()).toBe(50);
    expect(spec.when(buy(2, 90, 1, { time: 49 })).map((e) => e.type)).toEqual(["accepted", "level"]);
    expect(spec.when(buy(3, 100, 1, { time: 50 }))).toEqual([
      { type: "expired", orderId: 1, accountId: 1, side: "sell", price: 100, qty: 3, time: 50 },
      { type: "level", side: "sell", price: 100, qty: 0, count: 0 },
      { type: "accepted", orderId: 3, accountId: 3, side: "buy", price: 100, qty: 1, tif: "GTC", time: 50 },
      { type: "level", side: "buy", price: 100, qty: 1, count: 1 },
    ]);
  });

  it("the expire command expires due orders in (expiry, order id) order", () => {
    const spec = given(
      buy(3, 100, 1, { tif: "GTD", expiry: 20 }),
      buy(2, 100, 1, { tif: "GTD", expiry: 20 }),
      buy(1, 100, 1, { tif: "GTD", expiry: 30 }),
      buy(4, 100, 1, { tif: "GTD", expiry: 40 }),
    );
    expect(only(spec.when({ type: "expire", time: 30 }), "expired").map((e) => e.orderId)).toEqual([2, 3, 1]);
    expect(spec.book.orderCount()).toBe(1);
    expect(spec.book.nextExpiry()).toBe(40);
  });

  it("nextLiveExpiry skips orders that left early, without changing the book or what expires", () => {
    const spec = given(
      buy(1, 100, 1, { tif: "GTD", expiry: 20 }),
      buy(2, 100, 1, { tif: "GTD", expiry: 30 }),
      buy(3, 100, 1, { tif: "GTD", expiry: 30 }),
      { type: "cancel", orderId: 1, time: 2 },
      { type: "cancel", orderId: 3, time: 3 },
    );
    const hash = spec.book.hash();
    expect(spec.book.nextExpiry()).toBe(20);
    expect(spec.book.nextLiveExpiry()).toBe(30);
    expect(spec.book.nextExpiry()).toBe(30);
    expect(spec.book.hash()).toBe(hash);
    expect(only(spec.when({ type: "expire", time: 30 }), "expired").map((e) => e.orderId)).toEqual([2]);
    expect(spec.book.nextLiveExpiry()).toBeUndefined();
  });

  it("a GTD order that left early does not expire again, even if its id is reused", () => {
    const spec = given(buy(1, 100, 1, { tif: "GTD", expiry: 20 }), { type: "cancel", orderId: 1, time: 2 });
    spec.when(buy(1, 100, 1, { time: 3 }));
    expect(spec.when({ type: "expire", time: 25 })).toEqual([]);
    expect(spec.book.getOrder(1)?.tif).toBe("GTC");
  });

  it("a partially filled GTD order expires with its open quantity", () => {
    const spec = given(sell(1, 100, 5, { tif: "GTD", expiry: 9 }), buy(2, 100, 2));
    expect(only(spec.when({ type: "expire", time: 9 }), "expired")[0]).toMatchObject({ orderId: 1, qty: 3 });
  });
});

describe("post-only", () => {
  it("rests when it would not take", () => {
    const spec = given(sell(1, 101, 1));
    expect(spec.when(buy(2, 100, 1, { postOnly: true })).map((e) => e.type)).toEqual(["accepted", "level"]);
    expect(spec.book.getOrder(2)?.postOnly).toBe(true);
  });

  it("is rejected when it would take, and the book is unchanged", () => {
    const spec = given(sell(1, 101, 1));
    const before = spec.book.hash();
    expect(spec.when(buy(2, 101, 1, { postOnly: true }))).toEqual([
      { type: "rejected", command: "place", id: 2, code: "POST_ONLY_WOULD_TAKE", time: 1 },
    ]);
    expect(spec.book.hash()).toBe(before);
  });
});
