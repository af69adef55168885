import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FillLog, type FillRecord, OrderHistory, type OrderRecord } from "../src/history.ts";

const orderRecord = fc.record({
  orderId: fc.nat(),
  clientOrderId: fc.string({ minLength: 1, maxLength: 8 }),
  symbol: fc.constantFrom("H100.WUHU.A", "A100.FRA.B"),
  side: fc.constantFrom("buy" as const, "sell" as const),
  price: fc.integer({ min: 1, max: 1e9 }),
  qty: fc.integer({ min: 1, max: 1e6 }),
  filled: fc.nat(),
  status: fc.constantFrom("filled" as const, "cancelled" as const, "expired" as const),
  seq: fc.nat(),
}) satisfies fc.Arbitrary<OrderRecord>;

const fillRecord = fc.record({
  orderId: fc.nat(),
  symbol: fc.constantFrom("H100.WUHU.A", "A100.FRA.B"),
  side: fc.constantFrom("buy" as const, "sell" as const),
  price: fc.integer({ min: 1, max: 1e9 }),
  qty: fc.integer({ min: 1, max: 1e6 }),
  fee: fc.integer({ min: -1e9, max: 1e9 }),
  liquidity: fc.constantFrom("maker" as const, "taker" as const),
  seq: fc.nat(),
  ts: fc.nat(),
}) satisfies fc.Arbitrary<FillRecord>;

describe("per-account histories", () => {
  it("keep the newest `max` closed orders, oldest first, field for field (before and after wrapping)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.array(orderRecord, { maxLength: 40 }), (max, added) => {
        const history = new OrderHistory(max);
        for (const r of added)
          history.add(
            r.orderId,
            r.clientOrderId,
            r.symbol,
            r.side,
            r.price,
            r.qty,
            r.filled,
            r.status,
            r.seq,
          );
        expect(history.records()).toEqual(added.slice(-max));
        expect(history.size).toBe(Math.min(max, added.length));
      }),
    );
  });

  it("keep the newest `max` fills, oldest first, field for field (before and after wrapping)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.array(fillRecord, { maxLength: 40 }), (max, added) => {
        const fills = new FillLog(max);
        for (const f of added)
          fills.add(f.orderId, f.symbol, f.side, f.price, f.qty, f.fee, f.liquidity, f.seq, f.ts);
        expect(fills.records()).toEqual(added.slice(-max));
      }),
    );
  });
});
