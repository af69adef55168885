import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decode, encode } from "../src/index.ts";

const key = fc.string().filter((k) => k !== "$bigint" && k !== "__proto__");
const payload = fc.object({
  key,
  values: [fc.bigInt(), fc.string(), fc.integer(), fc.boolean(), fc.constant(null)],
});

describe("codec", () => {
  it("round-trips JSON values with bigints anywhere in them", () => {
    fc.assert(
      fc.property(payload, (value) => {
        expect(decode(encode(value))).toEqual(value);
      }),
    );
  });

  it("writes plain JSON when there is no bigint, and tags a bigint beyond 2^53 as a decimal string", () => {
    expect(encode({ lots: 3, id: "x" })).toBe('{"lots":3,"id":"x"}');
    expect(encode({ sum: 2n ** 64n })).toBe('{"sum":{"$bigint":"18446744073709551616"}}');
  });

  it("revives only objects that are exactly a tag", () => {
    expect(decode('{"a":{"$bigint":"1","b":2},"c":{"$bigint":"-5"}}')).toEqual({
      a: { $bigint: "1", b: 2 },
      c: -5n,
    });
  });

  it("carries undefined as the empty payload", () => {
    expect(encode(undefined)).toBe("");
    expect(decode("")).toBeUndefined();
  });
});
