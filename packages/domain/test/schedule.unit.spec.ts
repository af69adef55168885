import { describe, expect, it } from "vitest";
import {
  DomainError,
  defaultReferenceData,
  gateClosureMs,
  lastTradingMs,
  listedProducts,
  listingMs,
  type Product,
  type ProductKind,
  parseSymbol,
  scheduledTradingState,
} from "../src/index.ts";

const ref = defaultReferenceData();
const minute = 60_000;

/** Symbols listed at `atMs` for one class, zone and kind. */
function listed(atMs: number, kind: ProductKind, cls = "H100", zone = "WUHU"): string[] {
  return listedProducts(atMs, ref, [kind])
    .filter((p: Product) => p.classCode === cls && p.zoneCode === zone)
    .map((p) => p.symbol);
}

describe("listing schedule", () => {
  it("lists the next 48 hourly products exactly on the hour", () => {
    const symbols = listed(Date.UTC(2026, 10, 24, 14), "hourly");
    expect(symbols).toHaveLength(48);
    expect(symbols[0]).toBe("H100.WUHU.20261124T15");
    expect(symbols[47]).toBe("H100.WUHU.20261126T14");
  });

  it("drops an hourly product at its gate closure, not a millisecond before", () => {
    const gate = Date.UTC(2026, 10, 24, 13, 55);
    expect(listed(gate - 1, "hourly")[0]).toBe("H100.WUHU.20261124T14");
    expect(listed(gate, "hourly")[0]).toBe("H100.WUHU.20261124T15");
    expect(listed(gate, "hourly")).toHaveLength(47);
  });

  it("lists a new hourly product exactly 48 hours before delivery", () => {
    const listing = Date.UTC(2026, 10, 26, 14) - 48 * 60 * minute;
    expect(listed(listing - 1, "hourly")).not.toContain("H100.WUHU.20261126T14");
    expect(listed(listing, "hourly")).toContain("H100.WUHU.20261126T14");
  });

  it("lists 14 daily blocks at midnight and 13 after the next day's gate closure", () => {
    const midnight = Date.UTC(2026, 10, 24);
    const atMidnight = listed(midnight, "daily");
    expect(atMidnight).toHaveLength(14);
    expect(atMidnight[0]).toBe("H100.WUHU.20261125");
    expect(atMidnight[13]).toBe("H100.WUHU.20261208");
    const lateEvening = listed(Date.UTC(2026, 10, 24, 23, 55), "daily");
    expect(lateEvening).toHaveLength(13);
    expect(lateEvening[0]).toBe("H100.WUHU.20261126");
  });

  it("rolls over the year for every kind", () => {
    const beforeNewYear = Date.UTC(2026, 11, 31, 23, 0);
    expect(listed(beforeNewYear, "hourly")[0]).toBe("H100.WUHU.20270101T00");
    expect(listed(beforeNewYear, "daily")[0]).toBe("H100.WUHU.20270101");
    const futures = listed(beforeNewYear, "future");
    expect(futures).toEqual(
      Array.from({ length: 12 }, (_, i) => `H100.WUHU.2027M${String(i + 1).padStart(2, "0")}`),
    );
  });

  it("lists the next 12 monthly futures on a month boundary", () => {
    const newYear = Date.UTC(2027, 0, 1);
    expect(listed(newYear - 1, "future")[0]).toBe("H100.WUHU.2027M01");
    const atNewYear = listed(newYear, "future");
    expect(atNewYear).toHaveLength(12);
    expect(atNewYear[0]).toBe("H100.WUHU.2027M02");
    expect(atNewYear[11]).toBe("H100.WUHU.2028M01");
    expect(listed(Date.UTC(2027, 0, 15, 9, 30), "future")).toEqual(atNewYear);
  });

  it("covers every class and zone", () => {
    const all = listedProducts(Date.UTC(2026, 10, 24, 14), ref);
    expect(all).toHaveLength(ref.classes.size * ref.zones.size * (48 + 14 + 12));
    expect(new Set(all.map((p) => p.symbol)).size).toBe(all.length);
  });
});

describe("trading times and states", () => {
  const hourly = parseSymbol("H100.WUHU.20261124T14", ref);
  const future = parseSymbol("H100.WUHU.2027M03", ref);

  it("closes physical gates 5 minutes before delivery; futures trade until the month starts", () => {
    expect(gateClosureMs(hourly, ref)).toBe(Date.UTC(2026, 10, 24, 13, 55));
    expect(gateClosureMs(parseSymbol("H100.WUHU.20261124", ref), ref)).toBe(Date.UTC(2026, 10, 23, 23, 55));
    expect(lastTradingMs(future, ref)).toBe(Date.UTC(2027, 2, 1));
    expect(listingMs(future, ref)).toBe(Date.UTC(2026, 2, 1));
    expect(() => gateClosureMs(future, ref)).toThrow(DomainError);
    expect(() => lastTradingMs(hourly, ref)).toThrow(DomainError);
  });

  it("moves through pre_open, open and gate_closed (physical) or closed (futures) by the clock", () => {
    const listing = listingMs(hourly, ref);
    const gate = gateClosureMs(hourly, ref);
    expect(scheduledTradingState(hourly, listing - 1, ref)).toBe("pre_open");
    expect(scheduledTradingState(hourly, listing, ref)).toBe("open");
    expect(scheduledTradingState(hourly, gate - 1, ref)).toBe("open");
    expect(scheduledTradingState(hourly, gate, ref)).toBe("gate_closed");
    expect(scheduledTradingState(future, Date.UTC(2027, 2, 1) - 1, ref)).toBe("open");
    expect(scheduledTradingState(future, Date.UTC(2027, 2, 1), ref)).toBe("closed");
  });
});
