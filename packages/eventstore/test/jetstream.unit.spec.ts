// Pure parts of the jetstream adapter: subject escaping, prefix filters, positions, version gate.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { indexOf, positionOf, sequenceOf } from "../src/jetstream/positions.ts";
import { versionAtLeast } from "../src/jetstream/server.ts";
import {
  InvalidStreamName,
  prefixFilterSubject,
  streamSubject,
  subjectStream,
} from "../src/jetstream/subjects.ts";
import { TailCache } from "../src/jetstream/tail-cache.ts";

const prefix = "ghx.es";
const validToken = /^[A-Za-z0-9_%-]+$/;
/** NATS subject wildcard match: "*" one token, ">" one or more trailing tokens. */
function subjectMatches(filter: string, subject: string): boolean {
  const f = filter.split(".");
  const s = subject.split(".");
  for (let i = 0; i < f.length; i++) {
    if (f[i] === ">") return s.length > i;
    if (f[i] !== "*" && f[i] !== s[i]) return false;
  }
  return f.length === s.length;
}
// Stream names built from characters that matter to subjects, plus any unicode.
const streamName = fc
  .array(fc.oneof(fc.constantFrom(".", "*", ">", " ", "%", "\t", "$", "-", "a", "é", "😀"), fc.string()), {
    minLength: 1,
  })
  .map((parts) => parts.join(""))
  .filter((name) => name.length > 0 && !/[\uD800-\uDFFF]/u.test(name));

describe("stream subjects", () => {
  it("map every stream name to valid subject tokens and back", () => {
    fc.assert(
      fc.property(streamName, (name) => {
        const subject = streamSubject(prefix, name);
        const tokens = subject.slice(prefix.length + 1).split(".");
        expect(tokens.every((token) => validToken.test(token))).toBe(true);
        expect(subjectStream(prefix, subject)).toBe(name);
      }),
    );
  });

  it("give distinct names distinct subjects", () => {
    fc.assert(
      fc.property(streamName, streamName, (a, b) => {
        fc.pre(a !== b);
        expect(streamSubject(prefix, a)).not.toBe(streamSubject(prefix, b));
      }),
    );
  });

  it("reject empty and ill-formed names", () => {
    expect(() => streamSubject(prefix, "")).toThrow(InvalidStreamName);
    expect(() => streamSubject(prefix, "a\uD800b")).toThrow(InvalidStreamName);
  });

  it("keep readable names readable", () => {
    expect(streamSubject(prefix, "order-17")).toBe("ghx.es.order-17");
    expect(streamSubject(prefix, "core.out put")).toBe("ghx.es.core.out%20put");
    expect(streamSubject(prefix, "a..b.")).toBe("ghx.es.a.%.b.%");
  });
});

describe("prefix filter subject", () => {
  it("covers every stream that starts with one of the prefixes", () => {
    fc.assert(
      fc.property(fc.array(streamName, { minLength: 1, maxLength: 3 }), streamName, (prefixes, suffix) => {
        const filter = prefixFilterSubject(prefix, prefixes);
        for (const p of prefixes)
          expect(subjectMatches(filter, streamSubject(prefix, p + suffix))).toBe(true);
      }),
    );
  });

  it("narrows to the shared complete segments", () => {
    expect(prefixFilterSubject(prefix, undefined)).toBe("ghx.es.>");
    expect(prefixFilterSubject(prefix, ["order-"])).toBe("ghx.es.>");
    expect(prefixFilterSubject(prefix, ["core.out"])).toBe("ghx.es.core.>");
    expect(prefixFilterSubject(prefix, ["core.a.", "core.b"])).toBe("ghx.es.core.>");
    expect(prefixFilterSubject(prefix, ["core.a.x", "feed.b"])).toBe("ghx.es.>");
    expect(prefixFilterSubject(prefix, ["x y.z"])).toBe("ghx.es.x%20y.>");
  });
});

describe("positions", () => {
  it("order by sequence, then by index inside the message, and decode back", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 40 }),
        fc.integer({ min: 0, max: 65_535 }),
        fc.integer({ min: 1, max: 2 ** 40 }),
        fc.integer({ min: 0, max: 65_535 }),
        (s1, i1, s2, i2) => {
          const a = positionOf(s1, i1);
          const b = positionOf(s2, i2);
          expect([sequenceOf(a), indexOf(a)]).toEqual([s1, i1]);
          expect(a < b).toBe(s1 < s2 || (s1 === s2 && i1 < i2));
        },
      ),
    );
  });
});

describe("server version gate", () => {
  it.each([
    ["2.9.10", "2.9.4", true],
    ["2.9.3", "2.9.4", false],
    ["2.10.0", "2.9.4", true],
    ["2.10.0-beta.1", "2.10.0", true],
    ["2.9.10", "2.10.0", false],
    ["3.0.0", "2.12.0", true],
  ])("%s >= %s is %s", (version, minimum, expected) => {
    expect(versionAtLeast(version, minimum)).toBe(expected);
  });
});

describe("tail cache", () => {
  const span = (sequence: number) => ({ sequence, firstRevision: 0n, count: 1, commitId: "c" });

  it("keeps the later message and evicts the least recently used stream", () => {
    const cache = new TailCache(2);
    cache.remember("a", span(5));
    cache.remember("a", span(3));
    expect(cache.get("a")?.sequence).toBe(5);
    cache.remember("b", null);
    cache.get("a");
    cache.remember("c", span(9));
    expect(cache.get("b")).toBeUndefined();
    expect(cache.get("a")?.sequence).toBe(5);
    expect(cache.get("c")?.sequence).toBe(9);
  });
});
