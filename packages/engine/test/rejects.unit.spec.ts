import type { RejectCode } from "@ghx/domain";
import { describe, expect, it } from "vitest";
import type { EngineCommand } from "../src/index.ts";
import { amend, buy, CONFIG, cancel, given, marketBuy, massCancel, replace, sell } from "./book-spec.ts";

// Book for every row: order 1 rests as a bid at 100, order 2 (post-only) as an ask at 110.
const BOOK = [buy(1, 100, 5), sell(2, 110, 5, { postOnly: true })];

// One line per way the engine refuses a command: the command and its reject code.
const table: [string, EngineCommand, RejectCode][] = [
  ["negative time", buy(3, 100, 1, { time: -1 }), "INVALID_COMMAND"],
  ["fractional time", cancel(1, 1.5), "INVALID_COMMAND"],
  ["time on expire", { type: "expire", time: Number.NaN }, "INVALID_COMMAND"],
  ["negative order id", buy(-3, 100, 1), "INVALID_COMMAND"],
  ["fractional account id", buy(3, 100, 1, { accountId: 1.5 }), "INVALID_COMMAND"],
  ["negative STP group", buy(3, 100, 1, { stpGroup: -1 }), "INVALID_COMMAND"],
  ["unknown side", { ...buy(3, 100, 1), side: "hold" } as unknown as EngineCommand, "INVALID_COMMAND"],
  ["unknown order type", buy(3, 100, 1, { orderType: "stop" as "limit" }), "INVALID_COMMAND"],
  ["unknown STP mode", buy(3, 100, 1, { stpMode: "nope" as "decrement" }), "INVALID_COMMAND"],
  ["post-only market order", marketBuy(3, 1, { postOnly: true }), "INVALID_COMMAND"],
  ["negative collar", marketBuy(3, 1, { collarTicks: -1 }), "INVALID_COMMAND"],
  ["GTD without expiry", buy(3, 100, 1, { tif: "GTD" }), "INVALID_COMMAND"],
  ["bad mass-cancel account", massCancel(-1), "INVALID_COMMAND"],
  ["unknown time in force", buy(3, 100, 1, { tif: "DAY" as "GTC" }), "INVALID_TIME_IN_FORCE"],
  ["GTC market order", marketBuy(3, 1, { tif: "GTC" }), "INVALID_TIME_IN_FORCE"],
  ["post-only IOC", buy(3, 100, 1, { tif: "IOC", postOnly: true }), "INVALID_TIME_IN_FORCE"],
  ["zero quantity", buy(3, 100, 0), "INVALID_QUANTITY"],
  ["fractional quantity", buy(3, 100, 1.5), "INVALID_QUANTITY"],
  ["quantity above max", buy(3, 100, CONFIG.maxQty! + 1), "QUANTITY_ABOVE_MAX"],
  ["price zero", buy(3, 0, 1), "INVALID_PRICE"],
  ["price above maxTick", buy(3, CONFIG.maxTick + 1, 1), "INVALID_PRICE"],
  ["missing price", buy(3, Number.NaN, 1), "INVALID_PRICE"],
  ["price between ticks", buy(3, 100.5, 1), "PRICE_NOT_ON_TICK"],
  ["GTD expiry not after now", buy(3, 100, 1, { tif: "GTD", expiry: 1, time: 1 }), "EXPIRY_IN_PAST"],
  ["duplicate open order id", buy(1, 99, 1), "DUPLICATE_ORDER_ID"],
  ["post-only that would take", buy(3, 110, 1, { postOnly: true }), "POST_ONLY_WOULD_TAKE"],
  ["cancel unknown order", cancel(9), "ORDER_NOT_FOUND"],
  ["replace unknown order", replace(9, 100, 1), "ORDER_NOT_FOUND"],
  ["replace to a bad price", replace(1, 0, 1), "INVALID_PRICE"],
  ["replace to a price between ticks", replace(1, 99.5, 1), "PRICE_NOT_ON_TICK"],
  ["replace to a bad quantity", replace(1, 100, -2), "INVALID_QUANTITY"],
  ["replace above max quantity", replace(1, 100, CONFIG.maxQty! + 1), "QUANTITY_ABOVE_MAX"],
  ["replace post-only across", replace(2, 100, 5), "POST_ONLY_WOULD_TAKE"],
  ["amend unknown order", amend(9, 1), "ORDER_NOT_FOUND"],
  ["amend up", amend(1, 6), "AMEND_NOT_DOWN"],
  ["amend to zero", amend(1, 0), "INVALID_QUANTITY"],
];

describe("rejects: specific code, no change", () => {
  it.each(table)("%s", (_name, command, code) => {
    const spec = given(...BOOK);
    const before = spec.book.hash();
    const events = spec.when(command);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: "rejected", code });
    expect(spec.book.hash()).toBe(before);
  });

  it("NO_LIQUIDITY: a market order with nothing on the other side", () => {
    const spec = given(buy(1, 100, 5));
    expect(spec.when(marketBuy(3, 1))).toEqual([
      { type: "rejected", command: "place", id: 3, code: "NO_LIQUIDITY", time: 1 },
    ]);
  });

  it("names the command and the id it refers to", () => {
    const spec = given(...BOOK);
    expect(spec.when(massCancel(-4, 3))).toEqual([
      { type: "rejected", command: "mass_cancel", id: -4, code: "INVALID_COMMAND", time: 3 },
    ]);
    expect(spec.when(replace(7, 100, 1, 4))).toEqual([
      { type: "rejected", command: "replace", id: 7, code: "ORDER_NOT_FOUND", time: 4 },
    ]);
  });
});
