import { Decimal } from "decimal.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ceilBps,
  defaultReferenceData,
  type Lots,
  lotsMax,
  lotsRejectCode,
  notionalMinor,
  parseSymbol,
  priceBandTicks,
  priceTicksMax,
  priceToTicks,
  resolveProductSpec,
  type Ticks,
  toLots,
  toTicks,
} from "../src/index.ts";

const ref = defaultReferenceData();
// The oracle: decimal.js with enough precision that it never rounds these products.
const Exact = Decimal.clone({ precision: 80 });

describe("notional", () => {
  it("is price × lots × hours in minor units, exactly", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: priceTicksMax }),
        fc.integer({ min: 1, max: lotsMax }),
        fc.constantFrom(1, 24, 672, 696, 720, 744),
        (ticks, lots, hours) => {
          const price = new Exact(ticks).times("0.01");
          const expected = BigInt(price.times(lots).times(hours).times(100).toFixed(0));
          expect(notionalMinor(ticks as Ticks, lots as Lots, hours, 1)).toBe(expected);
        },
      ),
    );
  });

  it("stays exact past 2^53", () => {
    const notional = notionalMinor(toTicks(priceTicksMax), toLots(lotsMax), 744, 1);
    expect(notional).toBe(744n * 10n ** 21n);
    expect(notional > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
  });

  it("uses the product's hours and tick from the spec", () => {
    const spec = resolveProductSpec(parseSymbol("H100.WUHU.2027M01", ref), ref);
    const ticks = priceToTicks("12.34", spec.tick);
    // 12.34 CNY per GPU-hour × 2 GPUs × 744 hours = 18,361.92 CNY.
    expect(notionalMinor(ticks, toLots(2), spec.hours, spec.tickMinorUnits)).toBe(1_836_192n);
  });
});

describe("ceilBps (fees, margin, penalties)", () => {
  it("is the smallest whole minor amount not below the exact value", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 24n }),
        fc.integer({ min: -100, max: 10_000 }),
        (amount, bps) => {
          const fee = ceilBps(amount, bps);
          const exact = amount * BigInt(bps);
          expect(fee * 10_000n >= exact).toBe(true);
          expect((fee - 1n) * 10_000n < exact).toBe(true);
        },
      ),
    );
  });

  it("rounds fees up and rebates towards zero, in the exchange's favour", () => {
    expect(ceilBps(1234n, 5)).toBe(1n); // 0.617 fen charged as 1
    expect(ceilBps(20_000n, 5)).toBe(10n); // exact, no rounding
    expect(ceilBps(20_001n, 5)).toBe(11n);
    expect(ceilBps(1234n, -2)).toBe(0n); // -0.2468 fen rebate pays 0
    expect(ceilBps(30_000n, -2)).toBe(-6n);
    expect(ceilBps(0n, 5)).toBe(0n);
  });
});

describe("price band", () => {
  it("allows the reference ± percent, rounded inwards, never below one tick", () => {
    expect(priceBandTicks(toTicks(1000), { kind: "bps", bps: 2000 })).toEqual({
      minTicks: 800,
      maxTicks: 1200,
    });
    expect(priceBandTicks(toTicks(1001), { kind: "bps", bps: 1000 })).toEqual({
      minTicks: 901,
      maxTicks: 1101,
    });
    expect(priceBandTicks(toTicks(3), { kind: "bps", bps: 9000 })).toEqual({ minTicks: 1, maxTicks: 5 });
    expect(priceBandTicks(toTicks(10), { kind: "ticks", ticks: 15 })).toEqual({ minTicks: 1, maxTicks: 25 });
  });

  it("always contains the reference price", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: priceTicksMax }),
        fc.integer({ min: 1, max: 9_999 }),
        (reference, bps) => {
          const { minTicks, maxTicks } = priceBandTicks(reference as Ticks, { kind: "bps", bps });
          expect(minTicks <= reference && reference <= maxTicks).toBe(true);
        },
      ),
    );
  });
});

describe("resolved product spec", () => {
  it("resolves tick, lots, fees, currency and times from the reference data", () => {
    const spec = resolveProductSpec(parseSymbol("H100.USW.20261124T14", ref), ref);
    expect(spec).toMatchObject({
      kind: "hourly",
      settlement: "physical",
      currency: "USD",
      tick: "0.01",
      priceDecimals: 2,
      tickMinorUnits: 1,
      hours: 1,
      periodStartMs: Date.UTC(2026, 10, 24, 14),
      periodEndMs: Date.UTC(2026, 10, 24, 15),
      tradingEndMs: Date.UTC(2026, 10, 24, 13, 55),
      initialMarginBps: null,
    });
    const future = resolveProductSpec(parseSymbol("H100.WUHU.2027M01", ref), ref);
    expect(future).toMatchObject({
      settlement: "cash",
      currency: "CNY",
      initialMarginBps: 1500,
      penaltyBps: null,
    });
  });

  it("names the lot limit an order breaks", () => {
    const spec = resolveProductSpec(parseSymbol("H100.WUHU.20261124T14", ref), ref);
    expect(lotsRejectCode(spec.minLots, spec)).toBeUndefined();
    expect(lotsRejectCode(spec.maxLots, spec)).toBeUndefined();
    expect(lotsRejectCode(spec.maxLots + 1, spec)).toBe("QUANTITY_ABOVE_MAX");
    expect(lotsRejectCode(0, spec)).toBe("INVALID_QUANTITY");
    expect(lotsRejectCode(1.5, spec)).toBe("INVALID_QUANTITY");
    expect(lotsRejectCode(spec.minLots - 1, { ...spec, minLots: 2 })).toBe("INVALID_QUANTITY");
    expect(lotsRejectCode(1, { ...spec, minLots: 2 })).toBe("QUANTITY_BELOW_MIN");
  });
});
