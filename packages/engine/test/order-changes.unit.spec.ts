import { describe, expect, it } from "vitest";
import { amend, buy, cancel, given, massCancel, only, replace, sell } from "./book-spec.ts";

describe("cancel", () => {
  it("removes the order and reports its level", () => {
    const spec = given(buy(1, 100, 2), buy(2, 100, 3));
    expect(spec.when(cancel(1, 9))).toEqual([
      {
        type: "cancelled",
        orderId: 1,
        accountId: 1,
        side: "buy",
        price: 100,
        qty: 2,
        remaining: 0,
        reason: "user",
        time: 9,
      },
      { type: "level", side: "buy", price: 100, qty: 3, count: 1 },
    ]);
    expect(spec.book.hasOrder(1)).toBe(false);
  });

  it("works in the middle of a FIFO and keeps the others' order", () => {
    const spec = given(buy(1, 100, 1), buy(2, 100, 1), buy(3, 100, 1));
    spec.when(cancel(2));
    expect(spec.book.snapshot().orders.map((o) => o.orderId)).toEqual([1, 3]);
    expect(only(spec.when(sell(4, 100, 2)), "fill").map((f) => f.makerId)).toEqual([1, 3]);
  });

  it("of a filled order is ORDER_NOT_FOUND", () => {
    const spec = given(buy(1, 100, 1), sell(2, 100, 1));
    expect(spec.when(cancel(1))).toEqual([
      { type: "rejected", command: "cancel", id: 1, code: "ORDER_NOT_FOUND", time: 1 },
    ]);
  });
});

describe("cancel-replace", () => {
  it("moves the order to the back of the queue", () => {
    const spec = given(buy(1, 100, 2), buy(2, 100, 2));
    expect(spec.when(replace(1, 100, 2, 5))).toEqual([
      {
        type: "cancelled",
        orderId: 1,
        accountId: 1,
        side: "buy",
        price: 100,
        qty: 2,
        remaining: 0,
        reason: "replaced",
        time: 5,
      },
      { type: "level", side: "buy", price: 100, qty: 2, count: 1 },
      { type: "accepted", orderId: 1, accountId: 1, side: "buy", price: 100, qty: 2, tif: "GTC", time: 5 },
      { type: "level", side: "buy", price: 100, qty: 4, count: 2 },
    ]);
    expect(spec.book.snapshot().orders.map((o) => o.orderId)).toEqual([2, 1]);
    expect(spec.book.getOrder(1)?.time).toBe(5);
  });

  it("to a crossing price trades as a taker", () => {
    const spec = given(sell(1, 105, 2), buy(2, 100, 5));
    const events = spec.when(replace(2, 105, 3));
    expect(only(events, "fill")[0]).toMatchObject({
      makerId: 1,
      takerId: 2,
      price: 105,
      qty: 2,
      takerRemaining: 1,
    });
    expect(spec.book.getOrder(2)).toMatchObject({ price: 105, remaining: 1 });
  });

  it("that fills completely closes the order", () => {
    const spec = given(sell(1, 105, 2), buy(2, 100, 5));
    spec.when(replace(2, 105, 2));
    expect(spec.book.hasOrder(2)).toBe(false);
    expect(spec.book.accountOrderCount(2)).toBe(0);
  });

  it("keeps the time in force, expiry and STP settings", () => {
    const spec = given(buy(1, 100, 2, { tif: "GTD", expiry: 50, stpGroup: 4, stpMode: "decrement" }));
    spec.when(replace(1, 99, 1, 10));
    expect(spec.book.getOrder(1)).toMatchObject({
      tif: "GTD",
      expiry: 50,
      stpGroup: 4,
      stpMode: "decrement",
    });
    expect(only(spec.when({ type: "expire", time: 50 }), "expired")[0]).toMatchObject({ orderId: 1, qty: 1 });
  });

  it("of a post-only order that would take is rejected and leaves the order as it was", () => {
    const spec = given(sell(1, 105, 2), buy(2, 100, 5, { postOnly: true }));
    expect(spec.when(replace(2, 105, 5))).toEqual([
      { type: "rejected", command: "replace", id: 2, code: "POST_ONLY_WOULD_TAKE", time: 1 },
    ]);
    expect(spec.book.getOrder(2)).toMatchObject({ price: 100, remaining: 5 });
  });
});

describe("amend-down", () => {
  it("reduces the open quantity and keeps priority", () => {
    const spec = given(buy(1, 100, 5), buy(2, 100, 5));
    expect(spec.when(amend(1, 2, 3))).toEqual([
      { type: "amended", orderId: 1, accountId: 1, side: "buy", price: 100, qty: 3, remaining: 2, time: 3 },
      { type: "level", side: "buy", price: 100, qty: 7, count: 2 },
    ]);
    expect(only(spec.when(sell(3, 100, 1)), "fill")[0]).toMatchObject({ makerId: 1, makerRemaining: 1 });
  });

  it("may not increase or keep the quantity", () => {
    const spec = given(buy(1, 100, 5));
    const rejected = (qty: number) => spec.when(amend(1, qty));
    expect(rejected(6)).toEqual([
      { type: "rejected", command: "amend", id: 1, code: "AMEND_NOT_DOWN", time: 1 },
    ]);
    expect(rejected(5)[0]).toMatchObject({ code: "AMEND_NOT_DOWN" });
    expect(rejected(0)[0]).toMatchObject({ code: "INVALID_QUANTITY" });
    expect(spec.book.getOrder(1)?.remaining).toBe(5);
  });
});

describe("mass cancel", () => {
  it("cancels every open order of the account in order id order, and only those", () => {
    const spec = given(
      buy(5, 100, 1, { accountId: 9 }),
      sell(2, 110, 1, { accountId: 9 }),
      buy(3, 101, 1, { accountId: 4 }),
      buy(1, 99, 1, { accountId: 9 }),
    );
    const events = spec.when(massCancel(9, 7));
    expect(only(events, "cancelled").map((e) => [e.orderId, e.reason])).toEqual([
      [1, "mass_cancel"],
      [2, "mass_cancel"],
      [5, "mass_cancel"],
    ]);
    expect(only(events, "level")).toHaveLength(3);
    expect(spec.book.accountOrderCount(9)).toBe(0);
    expect(spec.book.accountOrders(4).map((o) => o.orderId)).toEqual([3]);
  });

  it("by side cancels only that side's orders of the account", () => {
    const spec = given(
      buy(5, 100, 1, { accountId: 9 }),
      sell(2, 110, 1, { accountId: 9 }),
      buy(1, 99, 1, { accountId: 9 }),
      sell(3, 111, 1, { accountId: 4 }),
    );
    const events = spec.when(massCancel(9, 7, "sell"));
    expect(only(events, "cancelled").map((e) => e.orderId)).toEqual([2]);
    expect(spec.book.accountOrders(9).map((o) => o.orderId)).toEqual([1, 5]);
    expect(spec.book.accountOrders(4).map((o) => o.orderId)).toEqual([3]);
  });

  it("of an account without orders does nothing", () => {
    expect(given(buy(1, 100, 1)).when(massCancel(2))).toEqual([]);
  });
});
