import { defaultReferenceData, rejectCodeList } from "@ghx/domain";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { IdempotencyCache, idempotentCommandId, requestFingerprint } from "../src/idempotency.ts";
import { Market } from "../src/market.ts";
import { ApiProblem, problem, statusForCode } from "../src/problem.ts";
import { TokenBuckets } from "../src/rate-limit.ts";
import { rejectDetail } from "../src/reject-detail.ts";

describe("TokenBuckets", () => {
  it("admits the burst, refuses the next with a retry time, and refills at the rate", () => {
    const buckets = new TokenBuckets(2, 3, 10);
    const taken = [0, 0, 0, 0].map(() => buckets.take("k", 1_000));
    expect(taken.map((d) => d.allowed)).toEqual([true, true, true, false]);
    expect(taken[2]?.remaining).toBe(0);
    expect(taken[3]?.resetSeconds).toBe(1);
    expect(buckets.take("k", 1_500).allowed).toBe(true); // 0.5 s × 2/s = one token back
    expect(buckets.take("k", 1_500).allowed).toBe(false);
    expect(buckets.take("other", 1_500).allowed).toBe(true);
  });

  it("never admits more than burst + rate × elapsed (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 50 }),
        fc.array(fc.integer({ min: 0, max: 500 }), { minLength: 1, maxLength: 200 }),
        (rate, burst, gaps) => {
          const buckets = new TokenBuckets(rate, burst, 4);
          let now = 0;
          let admitted = 0;
          for (const gap of gaps) {
            now += gap;
            if (buckets.take("k", now).allowed) admitted++;
          }
          expect(admitted).toBeLessThanOrEqual(burst + Math.floor((rate * now) / 1000));
        },
      ),
    );
  });

  it("keeps at most bucketsMax buckets, dropping the least recently used", () => {
    const buckets = new TokenBuckets(1, 1, 2);
    buckets.take("a", 0);
    buckets.take("b", 0);
    buckets.take("a", 0);
    buckets.take("c", 0); // drops b, the least recently used
    expect(buckets.take("a", 0).allowed).toBe(false);
    expect(buckets.take("b", 0).allowed).toBe(true);
  });
});

describe("IdempotencyCache", () => {
  const same = requestFingerprint("POST", "/v1/orders", '{"a":1}');
  const other = requestFingerprint("POST", "/v1/orders", '{"a":2}');
  const response = { status: 201, contentType: "application/json", body: '{"orderId":"7"}' };

  it("replays a finished request, refuses another body, reports one in progress", () => {
    const cache = new IdempotencyCache(10, 1_000);
    expect(cache.begin("acct", "k", same, 0)).toEqual({ kind: "new" });
    expect(cache.begin("acct", "k", same, 1)).toEqual({ kind: "in_progress" });
    cache.finish("acct", "k", response);
    expect(cache.begin("acct", "k", same, 2)).toEqual({ kind: "replay", response });
    expect(cache.begin("acct", "k", other, 3)).toEqual({ kind: "mismatch" });
    expect(cache.begin("someone-else", "k", other, 3)).toEqual({ kind: "new" });
    expect(cache.begin("acct", "k", other, 1_001)).toEqual({ kind: "new" }); // expired
  });

  it("forgets a 5xx so the client may retry", () => {
    const cache = new IdempotencyCache(10, 1_000);
    cache.begin("acct", "k", same, 0);
    cache.finish("acct", "k", { ...response, status: 503 });
    expect(cache.begin("acct", "k", same, 1)).toEqual({ kind: "new" });
  });

  it("derives one valid core command id per account and key", () => {
    const id = idempotentCommandId("acct", "k");
    expect(id).toBe(idempotentCommandId("acct", "k"));
    expect(id).not.toBe(idempotentCommandId("other", "k"));
    expect(id).toMatch(/^[A-Za-z0-9_.:@-]{1,64}$/);
  });
});

describe("problems", () => {
  it("gives every domain reject code a 4xx status, except the internal error", () => {
    for (const code of rejectCodeList) {
      const status = statusForCode(code);
      if (code === "INTERNAL_ERROR") expect(status).toBe(500);
      else expect(status, code).toBeGreaterThanOrEqual(400);
      if (code !== "INTERNAL_ERROR") expect(status, code).toBeLessThan(500);
    }
  });

  it("shapes RFC 9457 bodies with a stable code and the field", () => {
    expect(problem("INVALID_PRICE", "bad", "orders.1.price")).toEqual({
      type: "https://ghx.exchange/problems/invalid-price",
      title: "Invalid price",
      status: 400,
      detail: "bad",
      code: "INVALID_PRICE",
      field: "orders.1.price",
    });
    expect(new ApiProblem("NONCE_REPLAYED", "again").problem.status).toBe(401);
    expect(statusForCode("INSUFFICIENT_FUNDS")).toBe(422);
    expect(statusForCode("NOT_ORDER_OWNER")).toBe(404);
  });
});

describe("Market conversions", () => {
  const market = new Market(defaultReferenceData());
  const symbol = "H100.WUHU.2027M01";

  it("converts prices and amounts exactly both ways (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000_000 }), (ticks) => {
        const price = market.ticksToPrice(symbol, ticks);
        expect(market.priceToTicks(symbol, price)).toBe(ticks);
        expect(market.amountToMinor("CNY", market.minorToAmount("CNY", ticks))).toBe(ticks);
      }),
    );
  });

  it("refuses what would need rounding or is no product, naming the field", () => {
    expect(() => market.priceToTicks(symbol, "20.001")).toThrow(
      expect.objectContaining({
        problem: expect.objectContaining({ code: "INVALID_PRICE", field: "price" }),
      }),
    );
    expect(() => market.amountToMinor("CNY", "0.001")).toThrow(
      expect.objectContaining({
        problem: expect.objectContaining({ code: "INVALID_AMOUNT", field: "amount" }),
      }),
    );
    expect(() => market.amountToMinor("XXX", "1.00")).toThrow(ApiProblem);
    expect(() => market.spec("H100.NOWHERE.2027M01")).toThrow(
      expect.objectContaining({
        problem: expect.objectContaining({ code: "UNKNOWN_PRODUCT", field: "symbol" }),
      }),
    );
  });

  it("answers a remembered conversion the same, never remembers a refusal, and prefixes fields", () => {
    const fresh = new Market(defaultReferenceData());
    for (let i = 0; i < 3; i++) {
      expect(fresh.priceToTicks(symbol, "20.15")).toBe(2015);
      expect(fresh.ticksToPrice(symbol, 2015)).toBe("20.15");
      expect(() => fresh.priceToTicks(symbol, "20.155", "price", "3.data.")).toThrow(
        expect.objectContaining({
          problem: expect.objectContaining({ code: "INVALID_PRICE", field: "3.data.price" }),
        }),
      );
    }
    expect(() => fresh.priceToTicks("H100.NOWHERE.2027M01", "20.15", "price", "3.data.")).toThrow(
      expect.objectContaining({
        problem: expect.objectContaining({ code: "UNKNOWN_PRODUCT", field: "3.data.symbol" }),
      }),
    );
  });
});

describe("rejectDetail", () => {
  const market = new Market(defaultReferenceData());
  const symbol = "H100.WUHU.2027M01"; // tick 0.01 CNY

  it.each([
    [
      "PRICE_OUT_OF_BAND",
      "price 9900 outside [1800, 2200]",
      "price 99.00 is outside the product's band [18.00, 22.00]",
    ],
    ["INSUFFICIENT_FUNDS", "cannot hold 150075 × 3", "cannot hold 1500.75 CNY per lot for 3 lots"],
    ["INSUFFICIENT_MARGIN", "cannot hold 7 × 1", "cannot hold 0.07 CNY of margin per lot for 1 lots"],
    ["INSUFFICIENT_BALANCE", "12345 CNY available", "only 123.45 CNY available"],
    ["MARKET_CLOSED", `${symbol} is closed`, `${symbol} is closed`],
  ])("shows %s in decimals", (code, message, detail) => {
    expect(rejectDetail(code, message, market, symbol)).toBe(detail);
  });

  it("never passes on integers it cannot convert", () => {
    expect(rejectDetail("PRICE_OUT_OF_BAND", "price 9900 outside [1800, 2200]", market)).toBe(
      "the price is outside the product's band",
    );
    expect(rejectDetail("PRICE_OUT_OF_BAND", "band 1800-2200", market, symbol)).toBe(
      "the price is outside the product's band",
    );
    expect(rejectDetail("INSUFFICIENT_BALANCE", "5 XXX available", market)).toBe("not enough available cash");
  });
});
