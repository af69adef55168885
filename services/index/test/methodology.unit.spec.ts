// Hand-worked index cases (METHODOLOGY.md, "Worked examples"): outlier trimming, the MAD floor,
// each fallback, the daily mean and the composite's ratios and weights.
import type { CoreEvent, ProductSpec } from "@ghx/domain";
import { indexPublicationSchema, monthlyIndexSchema } from "@ghx/market-data";
import { describe, expect, it } from "vitest";
import { compositeIndex, hourlyIndex, IndexProjection, meanIndex, trimOutliers } from "../src/index.ts";

const t = (price: number, qty: number) => ({ price, qty });

describe("hourly index", () => {
  it("trims a trade beyond 4 × MAD of the lot-weighted median, then takes the VWAP", () => {
    const trades = [t(1200, 2), t(1210, 3), t(1220, 1), t(1500, 1)];
    expect(trimOutliers(trades)).toMatchObject({ median: 1210, mad: 10, trimmed: [t(1500, 1)] });
    // (1200·2 + 1210·3 + 1220·1) / 6 = 1208.333… ticks = 12.08333… CNY
    expect(
      hourlyIndex({ trades, bestBid: undefined, bestAsk: undefined, previous: undefined }, "0.01"),
    ).toMatchObject({
      value: "12.0833",
      method: "transactions",
      stale: false,
      volume: 6,
    });
  });

  it("keeps trades within 2 % of the median when the MAD is zero", () => {
    const trades = [t(1000, 10), t(1010, 1), t(1030, 1)];
    const result = hourlyIndex(
      { trades, bestBid: undefined, bestAsk: undefined, previous: undefined },
      "0.01",
    );
    expect(result.trimmed).toEqual([t(1030, 1)]);
    expect(result.value).toBe("10.0091"); // 11010 / 11 = 1000.909… ticks
  });

  it("falls back to the mid, then to the previous value flagged stale, then to nothing", () => {
    expect(
      hourlyIndex({ trades: [], bestBid: 1000, bestAsk: 1003, previous: "9.0000" }, "0.01"),
    ).toMatchObject({
      value: "10.0150",
      method: "mid",
      stale: false,
    });
    expect(
      hourlyIndex({ trades: [], bestBid: 1000, bestAsk: undefined, previous: "9.0000" }, "0.01"),
    ).toMatchObject({
      value: "9.0000",
      method: "carried",
      stale: true,
    });
    expect(
      hourlyIndex({ trades: [], bestBid: undefined, bestAsk: undefined, previous: undefined }, "0.01").value,
    ).toBe(undefined);
  });

  it("takes the daily value as the mean of the hourly values, half-even", () => {
    expect(meanIndex(["10.0000", "12.0000", "11.5000"])).toBe("11.1667");
    expect(meanIndex([])).toBeUndefined();
  });
});

describe("H100-equivalent composite", () => {
  it("converts each class by its observed price ratio to H100 and weights by this hour's lots", () => {
    const h = (v: string[]) => new Map(v.map((value, i) => [i, value]));
    const base = h(["20.0000", "22.0000", "21.0000"]);
    const result = compositeIndex(
      "H100",
      base,
      [
        { classCode: "H100", value: "21.0000", volume: 10, history: base },
        { classCode: "910B", value: "10.0000", volume: 30, history: h(["10.0000", "11.0000", "10.0000"]) },
        { classCode: "MLU370", value: "5.0000", volume: 5, history: new Map([[99, "5.0000"]]) },
      ],
      4,
    );
    // 910B ratio 31/63; its equivalent 10 · 63/31 = 20.3226; (21·10 + 20.3226·30) / 40 = 20.4919
    expect(result.value).toBe("20.4919");
    expect(result.components).toEqual([
      { classCode: "H100", ratio: "1.000000", weight: "0.250000", equivalent: "21.0000" },
      { classCode: "910B", ratio: "0.492063", weight: "0.750000", equivalent: "20.3226" },
    ]);
    expect(result.excluded).toEqual(["MLU370"]);
  });
});

const hour = Date.UTC(2026, 10, 24, 23);
/** The hourly product of `from` (an hour start), e.g. H100.WUHU.20261124T23. */
const spec = (accelerator: string, from = hour): ProductSpec => ({
  symbol: `${accelerator}.WUHU.${new Date(from).toISOString().slice(0, 13).replaceAll("-", "")}`,
  kind: "hourly",
  accelerator,
  zone: "WUHU",
  currency: "CNY",
  tickMinor: 1,
  hoursPerLot: 1,
  minLots: 1,
  maxLots: 100,
  bandLowTicks: 100,
  bandHighTicks: 100_000,
  makerFeeBps: 0,
  takerFeeBps: 0,
  marginBps: 0,
  positionLimitLots: 1_000,
  deliveryFrom: from,
  deliveryTo: from + 3_600_000,
});

const accepted = (
  orderId: number,
  symbol: string,
  side: "buy" | "sell",
  price: number,
  qty: number,
): CoreEvent => ({
  type: "OrderAccepted",
  orderId,
  accountId: "a",
  clientOrderId: `c${orderId}`,
  symbol,
  side,
  price,
  qty,
  tif: "GTC",
  holdPerLot: 0,
  voucherHold: 0,
});

describe("index projection", () => {
  it("publishes at gate closure from the book before the closing cancels, then the daily mean after hour 23", () => {
    const index = new IndexProjection();
    const symbol = spec("H100").symbol;
    index.apply({ seq: 1, ts: 1, events: [{ type: "ProductListed", product: spec("H100"), state: "open" }] });
    index.apply({ seq: 2, ts: 2, events: [accepted(2, symbol, "buy", 1000, 1)] });
    index.apply({ seq: 3, ts: 3, events: [accepted(3, symbol, "sell", 1004, 1)] });
    const published = index.apply({
      seq: 4,
      ts: 4,
      events: [
        {
          type: "OrderCancelled",
          orderId: 2,
          accountId: "a",
          symbol,
          side: "buy",
          price: 1000,
          qty: 1,
          remaining: 0,
          reason: "market_closed",
        },
        {
          type: "OrderCancelled",
          orderId: 3,
          accountId: "a",
          symbol,
          side: "sell",
          price: 1004,
          qty: 1,
          remaining: 0,
          reason: "market_closed",
        },
        { type: "TradingStateChanged", symbol, from: "open", to: "gate_closed" },
      ],
    });
    expect(published.map((e) => [e.key, e.kind, e.value, e.method])).toEqual([
      ["H100.WUHU", "hourly", "10.0200", "mid"],
      ["H100.WUHU", "daily", "10.0200", "mean"],
      ["H100.WUHU", "monthly", "10.0200", "mean"],
    ]);
    expect(published[0]!.inputs).toMatchObject({
      source: "hourly",
      bestBid: 1000,
      bestAsk: 1004,
      trades: [],
    });
    expect(index.query("H100.WUHU", hour, hour + 1)).toHaveLength(1);
  });

  it("publishes a trade-based value with its trades and the zone's composite", () => {
    const index = new IndexProjection();
    const symbol = spec("H100").symbol;
    index.apply({ seq: 1, ts: 1, events: [{ type: "ProductListed", product: spec("H100"), state: "open" }] });
    index.apply({
      seq: 2,
      ts: 2,
      events: [
        accepted(2, symbol, "sell", 1500, 1),
        accepted(3, symbol, "buy", 1500, 1),
        {
          type: "TradeExecuted",
          symbol,
          price: 1500,
          qty: 1,
          makerOrderId: 2,
          takerOrderId: 3,
          makerAccountId: "a",
          takerAccountId: "b",
          takerSide: "buy",
          makerRemaining: 0,
          takerRemaining: 0,
        },
      ],
    });
    const published = index.apply({
      seq: 3,
      ts: 3,
      events: [{ type: "TradingStateChanged", symbol, from: "open", to: "gate_closed" }],
    });
    expect(published.map((e) => [e.key, e.value, e.method])).toEqual([
      ["H100.WUHU", "15.0000", "transactions"],
      ["H100EQ.WUHU", "15.0000", "composite"],
      ["H100.WUHU", "15.0000", "mean"],
      ["H100.WUHU", "15.0000", "mean"],
    ]);
  });

  it("publishes the month-to-date mean of the daily values with each day, final after the month's last day", () => {
    const index = new IndexProjection();
    let seq = 0;
    // Hour 23 of a day: a bid and an ask 2 ticks apart, then gate closure (value = the mid).
    const closeDay = (day: number, mid: number) => {
      const product = spec("H100", day + 23 * 3_600_000);
      const events: CoreEvent[] = [
        { type: "ProductListed", product, state: "open" },
        accepted(++seq, product.symbol, "buy", mid - 1, 1),
        accepted(++seq, product.symbol, "sell", mid + 1, 1),
      ];
      index.apply({ seq: ++seq, ts: seq, events });
      const closing: CoreEvent = {
        type: "TradingStateChanged",
        symbol: product.symbol,
        from: "open",
        to: "gate_closed",
      };
      return index.apply({ seq: ++seq, ts: seq, events: [closing] }).filter((e) => e.kind === "monthly");
    };
    const day = (d: number) => Date.UTC(2026, 10, d);
    const monthly = [
      ...closeDay(day(28), 1000),
      ...closeDay(day(29), 1200),
      ...closeDay(day(30), 1100),
      ...closeDay(day(31), 2000), // 1 December
    ];
    expect(
      monthly.map((e) => [
        e.periodStart,
        e.value,
        e.revision,
        e.inputs.source === "monthly" && e.inputs.final,
      ]),
    ).toEqual([
      [day(1), "10.0000", 0, false],
      [day(1), "11.0000", 1, false],
      [day(1), "11.0000", 2, true],
      [Date.UTC(2026, 11, 1), "20.0000", 0, false],
    ]);
    expect(monthly[2]!.inputs).toEqual({
      source: "monthly",
      days: [
        { periodStart: day(28), value: "10.0000" },
        { periodStart: day(29), value: "12.0000" },
        { periodStart: day(30), value: "11.0000" },
      ],
      final: true,
    });
    // market-data reads these (its index channel and the futures' settlement references).
    for (const e of monthly)
      expect(() => monthlyIndexSchema.parse(indexPublicationSchema.parse(e))).not.toThrow();
    expect(index.query("H100.WUHU", day(1), day(2), "monthly")).toHaveLength(3);
  });
});
