import { describe, expect, it } from "vitest";
import { buy, given, only, sell } from "./book-spec.ts";

// Accounts 1 and 2 share STP group 7; account 3 is another owner.
const own = { stpGroup: 7 };

describe("self-trade prevention (the taker's mode decides)", () => {
  it("cancel_newest (default): the taker's rest is cancelled, the maker stays", () => {
    const spec = given(sell(1, 100, 2, { accountId: 3 }), sell(2, 100, 5, { accountId: 1, ...own }));
    const events = spec.when(buy(3, 101, 6, { accountId: 2, ...own }));
    expect(only(events, "fill").map((f) => [f.makerId, f.qty])).toEqual([[1, 2]]);
    expect(only(events, "cancelled")).toEqual([
      {
        type: "cancelled",
        orderId: 3,
        accountId: 2,
        side: "buy",
        price: 101,
        qty: 4,
        remaining: 0,
        reason: "stp",
        time: 1,
      },
    ]);
    expect(spec.book.getOrder(2)?.remaining).toBe(5);
    expect(spec.book.hasOrder(3)).toBe(false);
  });

  it("cancel_newest touching only an own order leaves the level unreported", () => {
    const spec = given(sell(1, 100, 5, { accountId: 1, ...own }));
    expect(spec.when(buy(2, 100, 1, { accountId: 2, ...own })).map((e) => e.type)).toEqual([
      "accepted",
      "cancelled",
    ]);
  });

  it("cancel_oldest: the resting own order is cancelled and matching goes on", () => {
    const spec = given(sell(1, 100, 5, { accountId: 1, ...own }), sell(2, 100, 2, { accountId: 3 }));
    const events = spec.when(buy(3, 100, 2, { accountId: 2, ...own, stpMode: "cancel_oldest" }));
    expect(events.slice(1)).toEqual([
      {
        type: "cancelled",
        orderId: 1,
        accountId: 1,
        side: "sell",
        price: 100,
        qty: 5,
        remaining: 0,
        reason: "stp",
        time: 1,
      },
      {
        type: "fill",
        makerId: 2,
        takerId: 3,
        price: 100,
        qty: 2,
        makerRemaining: 0,
        takerRemaining: 0,
        makerAccountId: 3,
        takerAccountId: 2,
        takerSide: "buy",
        time: 1,
      },
      { type: "level", side: "sell", price: 100, qty: 0, count: 0 },
    ]);
  });

  it("cancel_both: the maker and the taker's rest are cancelled", () => {
    const spec = given(sell(1, 100, 5, { accountId: 1, ...own }), sell(2, 101, 5, { accountId: 3 }));
    const events = spec.when(buy(3, 101, 3, { accountId: 2, ...own, stpMode: "cancel_both" }));
    expect(
      events.slice(1).map((e) => (e.type === "cancelled" ? [e.orderId, e.qty, e.reason] : e.type)),
    ).toEqual([[1, 5, "stp"], "level", [3, 3, "stp"]]);
    expect(spec.book.bestAsk()).toBe(101);
  });

  it("decrement: both shrink by the smaller quantity, nothing trades", () => {
    const spec = given(sell(1, 100, 5, { accountId: 1, ...own }), sell(2, 100, 4, { accountId: 3 }));
    const events = spec.when(buy(3, 100, 7, { accountId: 2, ...own, stpMode: "decrement" }));
    expect(events.slice(1)).toEqual([
      {
        type: "cancelled",
        orderId: 1,
        accountId: 1,
        side: "sell",
        price: 100,
        qty: 5,
        remaining: 0,
        reason: "stp",
        time: 1,
      },
      {
        type: "cancelled",
        orderId: 3,
        accountId: 2,
        side: "buy",
        price: 100,
        qty: 5,
        remaining: 2,
        reason: "stp",
        time: 1,
      },
      {
        type: "fill",
        makerId: 2,
        takerId: 3,
        price: 100,
        qty: 2,
        makerRemaining: 2,
        takerRemaining: 0,
        makerAccountId: 3,
        takerAccountId: 2,
        takerSide: "buy",
        time: 1,
      },
      { type: "level", side: "sell", price: 100, qty: 2, count: 1 },
    ]);
  });

  it("decrement leaves a larger maker open with its priority", () => {
    const spec = given(sell(1, 100, 5, { accountId: 1, ...own }), sell(2, 100, 1, { accountId: 3 }));
    spec.when(buy(3, 100, 2, { accountId: 2, ...own, stpMode: "decrement" }));
    expect(spec.book.snapshot().orders.map((o) => [o.orderId, o.remaining])).toEqual([
      [1, 3],
      [2, 1],
    ]);
  });

  it("the maker's own mode does not matter", () => {
    const spec = given(sell(1, 100, 5, { accountId: 1, ...own, stpMode: "cancel_oldest" }));
    spec.when(buy(2, 100, 5, { accountId: 2, ...own }));
    expect(spec.book.hasOrder(1)).toBe(true);
    expect(spec.book.hasOrder(2)).toBe(false);
  });

  it("group 0 means no group: orders of one account may trade", () => {
    const spec = given(sell(1, 100, 5, { accountId: 1 }));
    expect(only(spec.when(buy(2, 100, 5, { accountId: 1 })), "fill")).toHaveLength(1);
  });

  it("FOK counts only the liquidity the taker's mode would let it take", () => {
    const base = [sell(1, 100, 5, { accountId: 1, ...own }), sell(2, 100, 2, { accountId: 3 })];
    const oldest = given(...base).when(
      buy(3, 100, 3, { accountId: 2, ...own, tif: "FOK", stpMode: "cancel_oldest" }),
    );
    expect(only(oldest, "cancelled").map((e) => e.reason)).toEqual(["fok"]);
    const newest = given(...base).when(buy(3, 100, 2, { accountId: 2, ...own, tif: "FOK" }));
    expect(only(newest, "cancelled").map((e) => e.reason)).toEqual(["fok"]);
    const decrement = given(...base).when(
      buy(3, 100, 6, { accountId: 2, ...own, tif: "FOK", stpMode: "decrement" }),
    );
    expect(only(decrement, "cancelled").map((e) => [e.orderId, e.reason])).toEqual([
      [1, "stp"],
      [3, "stp"],
    ]);
    expect(only(decrement, "fill").map((f) => f.qty)).toEqual([1]);
  });
});
