// JSON on the wire, bigint-safe: a bigint travels as {"$bigint":"<decimal>"} and comes back as a
// bigint. The common case pays nothing extra: the replacer runs only after a plain stringify failed
// on a bigint, and the reviver only when the text contains the tag. `undefined` travels as "".

const bigintTag = "$bigint";
const taggedText = `"${bigintTag}"`;

function replaceBigint(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? { [bigintTag]: value.toString() } : value;
}

function reviveBigint(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  const tagged = (value as Record<string, unknown>)[bigintTag];
  if (typeof tagged !== "string" || Object.keys(value).length !== 1) return value;
  return BigInt(tagged);
}

export function encode(value: unknown): string {
  if (value === undefined) return "";
  try {
    return JSON.stringify(value);
  } catch (error) {
    // JSON.stringify throws a TypeError on the first bigint; anything else (a cycle) throws again.
    if (!(error instanceof TypeError)) throw error;
    return JSON.stringify(value, replaceBigint);
  }
}

/** Throws SyntaxError on text that is not JSON. */
export function decode(text: string): unknown {
  if (text === "") return undefined;
  return text.includes(taggedText) ? JSON.parse(text, reviveBigint) : JSON.parse(text);
}
