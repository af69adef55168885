import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  defaultReferenceData,
  formatSymbol,
  hoursInPeriod,
  parseSymbol,
  productOf,
  productPeriod,
} from "../src/index.ts";
import { errorCode } from "./helpers.ts";

const ref = defaultReferenceData();
const classCodes = [...ref.classes.keys()];
const zoneCodes = [...ref.zones.keys()];
const pad = (n: number, width = 2) => String(n).padStart(width, "0");

function daysIn(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}

// Valid symbols built from the grammar, independently of the formatter under test.
const validSymbol = fc
  .record({
    cls: fc.constantFrom(...classCodes),
    zone: fc.constantFrom(...zoneCodes),
    year: fc.integer({ min: 1970, max: 9999 }),
    month: fc.integer({ min: 1, max: 12 }),
    dayFraction: fc.double({ min: 0, max: 0.999, noNaN: true }),
    hour: fc.integer({ min: 0, max: 23 }),
    kind: fc.constantFrom("hourly", "daily", "future"),
  })
  .map(({ cls, zone, year, month, dayFraction, hour, kind }) => {
    const day = 1 + Math.floor(dayFraction * daysIn(year, month));
    const date = `${pad(year, 4)}${pad(month)}${pad(day)}`;
    const label =
      kind === "future" ? `${pad(year, 4)}M${pad(month)}` : kind === "daily" ? date : `${date}T${pad(hour)}`;
    return `${cls}.${zone}.${label}`;
  });

describe("symbols", () => {
  it("parses and formats back to the same string", () => {
    fc.assert(
      fc.property(validSymbol, (symbol) => {
        const product = parseSymbol(symbol, ref);
        expect(product.symbol).toBe(symbol);
        expect(formatSymbol(product)).toBe(symbol);
        expect(productOf(product.kind, product.classCode, product.zoneCode, product.periodStartMs)).toEqual(
          product,
        );
      }),
    );
  });

  it("reads the three kinds of the grid", () => {
    expect(parseSymbol("H100.WUHU.20261124T14", ref)).toEqual({
      symbol: "H100.WUHU.20261124T14",
      kind: "hourly",
      classCode: "H100",
      zoneCode: "WUHU",
      periodStartMs: Date.UTC(2026, 10, 24, 14),
    });
    expect(parseSymbol("H100.WUHU.20261124", ref).periodStartMs).toBe(Date.UTC(2026, 10, 24));
    expect(parseSymbol("910B.EUC.2027M01", ref)).toMatchObject({
      kind: "future",
      periodStartMs: Date.UTC(2027, 0, 1),
    });
  });

  it.each([
    ["", "SYMBOL_MALFORMED"],
    ["H100", "SYMBOL_MALFORMED"],
    ["h100.WUHU.20261124T14", "SYMBOL_MALFORMED"],
    ["H100.WUHU.20261124T1", "SYMBOL_MALFORMED"],
    ["H100.WUHU.2026112414", "SYMBOL_MALFORMED"],
    ["H100.WUHU.2027M1", "SYMBOL_MALFORMED"],
    ["H100.WUHU.2027-01", "SYMBOL_MALFORMED"],
    ["H100..20261124", "SYMBOL_MALFORMED"],
    [" H100.WUHU.20261124", "SYMBOL_MALFORMED"],
    ["H100.WUHU.20261124T14.X", "SYMBOL_MALFORMED"],
    ["X999.WUHU.20261124T14", "UNKNOWN_CLASS"],
    ["H100.MARS.20261124T14", "UNKNOWN_ZONE"],
    ["H100.WUHU.20261324", "IMPOSSIBLE_DATE"],
    ["H100.WUHU.20270229", "IMPOSSIBLE_DATE"],
    ["H100.WUHU.20261131T00", "IMPOSSIBLE_DATE"],
    ["H100.WUHU.20261124T24", "IMPOSSIBLE_DATE"],
    ["H100.WUHU.20261100", "IMPOSSIBLE_DATE"],
    ["H100.WUHU.2027M00", "IMPOSSIBLE_DATE"],
    ["H100.WUHU.2027M13", "IMPOSSIBLE_DATE"],
    ["H100.WUHU.19691231", "IMPOSSIBLE_DATE"],
  ])("rejects %j with %s", (symbol, code) => {
    expect(errorCode(() => parseSymbol(symbol, ref))).toBe(code);
  });

  it("accepts 29 February in a leap year", () => {
    expect(parseSymbol("H100.WUHU.20280229T23", ref).periodStartMs).toBe(Date.UTC(2028, 1, 29, 23));
  });

  it("refuses a period start that is not aligned to its kind", () => {
    expect(errorCode(() => productOf("daily", "H100", "WUHU", Date.UTC(2026, 10, 24, 1)))).toBe(
      "PERIOD_NOT_ALIGNED",
    );
    expect(errorCode(() => productOf("future", "H100", "WUHU", Date.UTC(2026, 10, 2)))).toBe(
      "PERIOD_NOT_ALIGNED",
    );
    expect(errorCode(() => productOf("hourly", "H100", "WUHU", Date.UTC(2026, 10, 2, 3, 30)))).toBe(
      "PERIOD_NOT_ALIGNED",
    );
  });

  it("gives delivery periods and hours in UTC", () => {
    const hourly = parseSymbol("H100.WUHU.20261124T23", ref);
    expect(productPeriod(hourly)).toEqual({
      startMs: Date.UTC(2026, 10, 24, 23),
      endMs: Date.UTC(2026, 10, 25, 0),
    });
    expect(hoursInPeriod(hourly)).toBe(1);
    const daily = parseSymbol("H100.WUHU.20261231", ref);
    expect(productPeriod(daily)).toEqual({ startMs: Date.UTC(2026, 11, 31), endMs: Date.UTC(2027, 0, 1) });
    expect(hoursInPeriod(daily)).toBe(24);
    expect(hoursInPeriod(parseSymbol("H100.WUHU.2027M01", ref))).toBe(31 * 24);
    expect(hoursInPeriod(parseSymbol("H100.WUHU.2027M02", ref))).toBe(28 * 24);
    expect(hoursInPeriod(parseSymbol("H100.WUHU.2028M02", ref))).toBe(29 * 24);
    expect(hoursInPeriod(parseSymbol("H100.WUHU.2027M04", ref))).toBe(30 * 24);
    expect(productPeriod(parseSymbol("H100.WUHU.2026M12", ref)).endMs).toBe(Date.UTC(2027, 0, 1));
  });
});
