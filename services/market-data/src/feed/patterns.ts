// Subscription patterns: a symbol, or dot-separated segments where `*` matches any one segment
// and a trailing `*` matches one or more remaining segments. `H100.*` is every H100 product,
// `*.WUHU.*` every product in Wuhu, `H100.WUHU.2027M01` one product, `*` everything.

const segmentPattern = /^(\*|[A-Z0-9]{1,16})$/;
const patternSegmentsMax = 3;

export class PatternError extends Error {
  override readonly name = "PatternError";
}

export function parsePattern(pattern: string): readonly string[] {
  const segments = pattern.split(".");
  if (segments.length > patternSegmentsMax || !segments.every((s) => segmentPattern.test(s))) {
    throw new PatternError(`"${pattern}" is not CLASS.ZONE.PERIOD with * for any segment`);
  }
  return segments;
}

export function matches(segments: readonly string[], symbol: string): boolean {
  const parts = symbol.split(".");
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const part = parts[i];
    if (part === undefined) return false;
    if (segment === "*") {
      if (i === segments.length - 1) return true;
      continue;
    }
    if (segment !== part) return false;
  }
  return parts.length === segments.length;
}
