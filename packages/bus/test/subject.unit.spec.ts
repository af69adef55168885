import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  BusSubjectError,
  patternCovers,
  patternMatches,
  patternTokens,
  subjectTokens,
} from "../src/index.ts";

const matches = (pattern: string, subject: string) =>
  patternMatches(patternTokens(pattern), subjectTokens(subject));
const covers = (wide: string, narrow: string) => patternCovers(patternTokens(wide), patternTokens(narrow));

/** The NATS rule written the obvious way, as a regular expression, to check the matcher against. */
function referenceMatches(pattern: string, subject: string): boolean {
  const body = pattern
    .split(".")
    .map((token) => (token === "*" ? "[^.]+" : token === ">" ? ".+" : token))
    .join("\\.");
  return new RegExp(`^${body}$`).test(subject);
}

const token = fc.constantFrom("a", "b", "c");
const subjectArb = fc.array(token, { minLength: 1, maxLength: 4 }).map((tokens) => tokens.join("."));
const patternArb = fc
  .tuple(fc.array(fc.constantFrom("a", "b", "*"), { minLength: 0, maxLength: 4 }), fc.boolean())
  .filter(([tokens, tail]) => tokens.length > 0 || tail)
  .map(([tokens, tail]) => [...tokens, ...(tail ? [">"] : [])].join("."));

/** Instances of a pattern made of a token no pattern uses: one or two tokens for `>`. */
const freshInstances = (pattern: string) =>
  [".z", ".z.z"].map((tail) =>
    pattern.replaceAll("*", "z").replace(/\.?>$/, (m) => (m.startsWith(".") ? tail : tail.slice(1))),
  );

describe("subjects", () => {
  it.each([
    ["a.b", "a.b", true],
    ["a.*", "a.b", true],
    ["a.*", "a.b.c", false],
    ["a.>", "a.b.c", true],
    ["a.>", "a", false],
    [">", "a", true],
    ["*.b.*", "x.b.y", true],
    ["*.b.*", "x.c.y", false],
  ])("%s matches %s: %s", (pattern, subject, expected) => {
    expect(matches(pattern, subject)).toBe(expected);
  });

  it.each(["", "a..b", "a.", "a.>.b", "a*", "a.b>", "a b", "a.\tb"])("rejects the pattern %j", (bad) => {
    expect(() => patternTokens(bad)).toThrow(BusSubjectError);
  });

  it.each(["a.*", "a.>", ">", "a..b"])("rejects %j as a concrete subject", (bad) => {
    expect(() => subjectTokens(bad)).toThrow(BusSubjectError);
  });

  it("matches exactly as the NATS rule says", () => {
    fc.assert(
      fc.property(patternArb, subjectArb, (pattern, subject) => {
        expect(matches(pattern, subject)).toBe(referenceMatches(pattern, subject));
      }),
    );
  });

  it("a covering pattern matches every subject the covered one matches, and only then covers", () => {
    fc.assert(
      fc.property(patternArb, patternArb, subjectArb, (wide, narrow, subject) => {
        if (covers(wide, narrow) && matches(narrow, subject)) expect(matches(wide, subject)).toBe(true);
        // Fresh instances are the hardest subjects of `narrow` for `wide` to match: if they all
        // match, everything `narrow` matches does.
        expect(covers(wide, narrow)).toBe(
          freshInstances(narrow).every((instance) => matches(wide, instance)),
        );
      }),
    );
  });
});
