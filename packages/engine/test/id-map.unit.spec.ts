// IdMap against a Map over random inserts, overwrites and deletes: same answers, same size, ids in
// ascending order, across growth and the wrap-around of probe runs at the table's end.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { IdMap } from "../src/id-map.ts";

const step = fc.oneof(
  fc.record({ op: fc.constant("set" as const), id: fc.nat({ max: 300 }), value: fc.integer() }),
  fc.record({ op: fc.constant("delete" as const), id: fc.nat({ max: 300 }) }),
  // Ids past 2^32: the high half takes part in the hash.
  fc.record({
    op: fc.constant("set" as const),
    id: fc.integer({ min: 2 ** 32, max: 2 ** 32 + 50 }),
    value: fc.integer(),
  }),
);

describe("IdMap", () => {
  it("answers like a Map over random churn", () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 600 }), (steps) => {
        const map = new IdMap<number>();
        const model = new Map<number, number>();
        for (const s of steps) {
          if (s.op === "set") {
            map.set(s.id, s.value);
            model.set(s.id, s.value);
          } else {
            expect(map.delete(s.id)).toBe(model.delete(s.id));
          }
          expect(map.size).toBe(model.size);
        }
        for (let id = 0; id <= 300; id++) {
          expect(map.get(id)).toBe(model.get(id));
          expect(map.has(id)).toBe(model.has(id));
        }
        const ids = [...model.keys()].sort((a, b) => a - b);
        expect(map.ids()).toEqual(ids);
        expect(map.valuesByAscendingId()).toEqual(ids.map((id) => model.get(id)));
      }),
      { numRuns: 300 },
    );
  });

  it("refuses ids a double cannot hold exactly, and finds nothing under -1", () => {
    const map = new IdMap<string>();
    expect(() => map.set(-1, "x")).toThrow(RangeError);
    expect(() => map.set(1.5, "x")).toThrow(RangeError);
    expect(() => map.set(2 ** 53, "x")).toThrow(RangeError);
    expect(map.get(-1)).toBeUndefined();
    map.set(0, "zero");
    expect(map.get(0)).toBe("zero");
  });
});
