import { Decimal } from "decimal.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  amountToMinor,
  minorToAmount,
  priceTicksMax,
  priceToTicks,
  ticksToPrice,
  toLots,
} from "../src/index.ts";
import { errorCode } from "./helpers.ts";

const digits = (min: number, max: number) =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: min, maxLength: max }).map((d) => d.join(""));
/** A canonical integer part: "0" or digits without a leading zero. */
const integerPart = fc.oneof(
  fc.constant("0"),
  fc.tuple(fc.integer({ min: 1, max: 9 }), digits(0, 8)).map(([h, t]) => `${h}${t}`),
);

describe("priceToTicks / ticksToPrice", () => {
  it("converts the example exactly", () => {
    expect(priceToTicks("12.34", "0.01")).toBe(1234);
    expect(ticksToPrice(1234, "0.01")).toBe("12.34");
  });

  it("round-trips every canonical 2-decimal price with tick 0.01", () => {
    fc.assert(
      fc.property(integerPart, digits(2, 2), (int, frac) => {
        const price = `${int}.${frac}`;
        fc.pre(price !== "0.00");
        expect(ticksToPrice(priceToTicks(price, "0.01"), "0.01")).toBe(price);
      }),
    );
  });

  it("round-trips ticks through prices for coarse and fine ticks", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: priceTicksMax }),
        fc.constantFrom("0.01", "0.05", "0.5", "1", "25", "0.001", "0.25"),
        (ticks, tick) => {
          const price = ticksToPrice(ticks, tick);
          expect(priceToTicks(price, tick)).toBe(ticks);
          // The string means exactly ticks × tick: checked with an independent exact product.
          expect(new Decimal(price).equals(new Decimal(tick).times(ticks))).toBe(true);
        },
      ),
    );
  });

  it("accepts trailing zeros and fewer decimals than the tick", () => {
    expect(priceToTicks("12.340", "0.01")).toBe(1234);
    expect(priceToTicks("12.3", "0.01")).toBe(1230);
    expect(priceToTicks("12", "0.01")).toBe(1200);
    expect(ticksToPrice(1230, "0.01")).toBe("12.30");
  });

  it("rejects prices off the tick grid", () => {
    fc.assert(
      fc.property(
        integerPart,
        fc.integer({ min: 0, max: 9 }),
        fc.constantFrom(1, 2, 3, 4, 6, 7, 8, 9),
        (int, d1, d2) => {
          expect(errorCode(() => priceToTicks(`${int}.${d1}${d2}`, "0.05"))).toBe("PRICE_NOT_ON_TICK");
        },
      ),
    );
    expect(errorCode(() => priceToTicks("3", "2"))).toBe("PRICE_NOT_ON_TICK");
  });

  it("rejects more significant decimals than the tick has", () => {
    fc.assert(
      fc.property(integerPart, digits(2, 2), fc.integer({ min: 1, max: 9 }), (int, frac, extra) => {
        expect(errorCode(() => priceToTicks(`${int}.${frac}${extra}`, "0.01"))).toBe(
          "PRICE_TOO_MANY_DECIMALS",
        );
      }),
    );
  });

  it.each([
    ["1e3", "INVALID_DECIMAL"],
    ["0x10", "INVALID_DECIMAL"],
    [" 1.00", "INVALID_DECIMAL"],
    ["-1.00", "INVALID_DECIMAL"],
    ["+1", "INVALID_DECIMAL"],
    ["1.", "INVALID_DECIMAL"],
    [".5", "INVALID_DECIMAL"],
    ["1,5", "INVALID_DECIMAL"],
    ["NaN", "INVALID_DECIMAL"],
    ["Infinity", "INVALID_DECIMAL"],
    ["", "INVALID_DECIMAL"],
    ["0", "PRICE_NOT_POSITIVE"],
    ["0.00", "PRICE_NOT_POSITIVE"],
    ["10000000000.01", "PRICE_OUT_OF_RANGE"],
  ])("rejects %j with %s", (price, code) => {
    expect(errorCode(() => priceToTicks(price, "0.01"))).toBe(code);
  });

  it("rejects a bad tick size", () => {
    expect(errorCode(() => priceToTicks("1", "0"))).toBe("INVALID_TICK_SIZE");
    expect(errorCode(() => ticksToPrice(1, "-0.01"))).toBe("INVALID_TICK_SIZE");
  });

  it("adds 0.1 and 0.2 exactly (no float anywhere)", () => {
    expect(priceToTicks("0.1", "0.1") + priceToTicks("0.2", "0.1")).toBe(priceToTicks("0.3", "0.1"));
    expect(ticksToPrice(priceToTicks("0.1", "0.01") + priceToTicks("0.2", "0.01"), "0.01")).toBe("0.30");
    expect(amountToMinor("0.1", 2) + amountToMinor("0.2", 2)).toBe(amountToMinor("0.3", 2));
  });
});

describe("lots and amounts", () => {
  it("accepts whole positive lots only", () => {
    expect(toLots(3)).toBe(3);
    for (const bad of [0, -1, 1.5, Number.NaN, 2 ** 53, 1e10]) {
      expect(errorCode(() => toLots(bad))).toBe("INVALID_LOTS");
    }
  });

  it("round-trips amounts in minor units, signed", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n - 10n ** 18n, max: 10n ** 18n - 1n }),
        fc.integer({ min: 0, max: 8 }),
        (minor, dp) => {
          expect(amountToMinor(minorToAmount(minor, dp), dp)).toBe(minor);
        },
      ),
    );
    expect(minorToAmount(-5n, 2)).toBe("-0.05");
    expect(amountToMinor("12.34", 2)).toBe(1234n);
    expect(amountToMinor("12.3400", 2)).toBe(1234n);
  });

  it("refuses amounts finer than the currency", () => {
    expect(errorCode(() => amountToMinor("0.001", 2))).toBe("AMOUNT_TOO_MANY_DECIMALS");
    expect(errorCode(() => amountToMinor("1e2", 2))).toBe("INVALID_AMOUNT");
  });
});
