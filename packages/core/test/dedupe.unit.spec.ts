import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DedupeWindow } from "../src/dedupe.ts";
import type { Outcome } from "../src/state.ts";

const accepted = (seq: number, orderId?: number): Outcome =>
  orderId === undefined ? { status: "accepted", seq } : { status: "accepted", seq, orderId };

describe("DedupeWindow", () => {
  it("returns each first outcome as it was given: accepted, with an order id, rejected", () => {
    const window = new DedupeWindow(8);
    const rejected: Outcome = {
      status: "rejected",
      seq: 3,
      code: "ORDER_NOT_FOUND",
      message: "no open order 9",
    };
    window.remember("a", accepted(1));
    window.remember("b", accepted(2, 2));
    window.remember("c", rejected);
    expect(window.get("a")).toEqual(accepted(1));
    expect(window.get("b")).toEqual(accepted(2, 2));
    expect(window.get("c")).toEqual(rejected);
    expect(window.get("d")).toBeUndefined();
  });

  it("forgets the oldest command id once full, and a slot reused by an accept keeps no old reject", () => {
    const window = new DedupeWindow(3);
    window.remember("r", { status: "rejected", seq: 1, code: "UNKNOWN_ACCOUNT", message: "x" });
    for (let i = 2; i <= 4; i++) window.remember(`c${i}`, accepted(i, i));
    expect(window.get("r")).toBeUndefined();
    expect(window.size).toBe(3);
    expect(window.get("c4")).toEqual(accepted(4, 4));
    expect(window.columns().ids).toEqual(["c2", "c3", "c4"]);
  });

  it("rebuilds the same window from its columns (what snapshots rely on)", () => {
    const window = new DedupeWindow(4);
    for (let i = 1; i <= 6; i++) {
      window.remember(
        `c${i}`,
        i % 2 ? accepted(i, i) : { status: "rejected", seq: i, code: "ORDER_NOT_FOUND", message: `no ${i}` },
      );
    }
    const columns = window.columns();
    expect(columns).toEqual({
      ids: ["c3", "c4", "c5", "c6"],
      seqs: [3, 4, 5, 6],
      orderIds: [3, -1, 5, -1],
      rejects: [
        [1, "ORDER_NOT_FOUND", "no 4"],
        [3, "ORDER_NOT_FOUND", "no 6"],
      ],
    });
    const copy = new DedupeWindow(4);
    copy.restoreColumns(columns);
    expect(copy.columns()).toEqual(columns);
    for (const id of ["c3", "c4", "c5", "c6", "c1"]) expect(copy.get(id)).toEqual(window.get(id));
    copy.remember("c7", accepted(7));
    window.remember("c7", accepted(7));
    expect(copy.columns()).toEqual(window.columns());
  });

  it("answers like a FIFO map of the last `capacity` ids over random id streams (probe runs, wrap-around, deletes)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        // Few distinct ids, so ids repeat, tables are dense and probe runs cross the table's end.
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 120 })), { maxLength: 400 }),
        (capacity, steps) => {
          const window = new DedupeWindow(capacity);
          const model: { id: string; seq: number }[] = [];
          let seq = 0;
          for (const [lookupOnly, n] of steps) {
            const id = `c${n}`;
            const seen = window.get(id);
            expect(seen?.seq).toBe(model.find((entry) => entry.id === id)?.seq);
            if (lookupOnly || seen) continue;
            window.remember(id, accepted(++seq));
            model.push({ id, seq });
            if (model.length > capacity) model.shift();
          }
          expect(window.columns()).toEqual({
            ids: model.map(({ id }) => id),
            seqs: model.map(({ seq }) => seq),
            orderIds: model.map(() => -1),
            rejects: [],
          });
          expect(window.size).toBe(model.length);
        },
      ),
      { numRuns: 300 },
    );
  });
});
