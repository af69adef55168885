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
        // A snapshot's columns restore the same records, and the ring goes on as the original.
        const restored = new OrderHistory(max);
        restored.restoreColumns(history.columns());
        expect(restored.records()).toEqual(history.records());
        const next = added[0] ?? {
          orderId: 1,
          clientOrderId: "n",
          symbol: "H100.WUHU.A",
          side: "buy" as const,
          price: 1,
          qty: 1,
          filled: 0,
          status: "filled" as const,
          seq: 1,
        };
        for (const ring of [history, restored])
          ring.add(
            next.orderId,
            "next",
            next.symbol,
            next.side,
            next.price,
            next.qty,
            next.filled,
            next.status,
            next.seq,
          );
        expect(restored.records()).toEqual(history.records());
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
        const restored = new FillLog(max);
        restored.restoreColumns(fills.columns());
        expect(restored.records()).toEqual(fills.records());
        for (const ring of [fills, restored]) ring.add(7, "H100.WUHU.A", "sell", 5, 1, 0, "maker", 9, 9);
        expect(restored.records()).toEqual(fills.records());
      }),
    );
  });
});
