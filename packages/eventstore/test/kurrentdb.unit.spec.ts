// Pure mappings of the kurrentdb adapter (no server needed).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  eventIdOf,
  packPosition,
  storedData,
  streamStateOf,
  unpackPosition,
} from "../src/kurrentdb/mapping.ts";

const uuidV5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("kurrentdb mapping", () => {
  it("derives stable, distinct version-5 UUIDs from commit id and index", () => {
    fc.assert(
      fc.property(fc.string(), fc.nat(1000), fc.string(), fc.nat(1000), (c1, i1, c2, i2) => {
        expect(eventIdOf(c1, i1)).toMatch(uuidV5);
        expect(eventIdOf(c1, i1)).toBe(eventIdOf(c1, i1));
        if (c1 !== c2 || i1 !== i2) expect(eventIdOf(c1, i1)).not.toBe(eventIdOf(c2, i2));
      }),
    );
  });

  it("packs $all positions into bigints that keep their order and unpack exactly", () => {
    const part = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
    fc.assert(
      fc.property(part, part, part, part, (c1, p1, c2, p2) => {
        const a = packPosition({ commit: c1, prepare: p1 });
        const b = packPosition({ commit: c2, prepare: p2 });
        expect(unpackPosition(a)).toEqual({ commit: c1, prepare: p1 });
        expect(a < b).toBe(c1 < c2 || (c1 === c2 && p1 < p2));
      }),
    );
  });

  it("maps expected revisions to stream states", () => {
    expect([
      streamStateOf("any"),
      streamStateOf("no_stream"),
      streamStateOf("stream_exists"),
      streamStateOf(4n),
    ]).toEqual(["any", "no_stream", "stream_exists", 4n]);
  });

  it("wraps only data a JSON event cannot hold directly", () => {
    expect(storedData({ a: 1 })).toEqual({ data: { a: 1 }, wrapped: false });
    expect(storedData("s")).toEqual({ data: "s", wrapped: false });
    expect(storedData(7)).toEqual({ data: { value: 7 }, wrapped: true });
    expect(storedData(null)).toEqual({ data: { value: null }, wrapped: true });
  });
});
