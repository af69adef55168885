// Decimal strings compared by value without parsing them into floats: prices on the wire are
// non-negative decimals ("123.45"), possibly of different scales ("1.5" vs "1.50").

const decimalPattern = /^\d+(\.\d+)?$/;

export function isDecimalString(value: string): boolean {
  return decimalPattern.test(value);
}

/** Negative if a < b, 0 if equal in value, positive if a > b. */
export function compareDecimal(a: string, b: string): number {
  const [aInt = "", aFrac = ""] = a.split(".");
  const [bInt = "", bFrac = ""] = b.split(".");
  const ai = aInt.replace(/^0+(?=\d)/, "");
  const bi = bInt.replace(/^0+(?=\d)/, "");
  if (ai.length !== bi.length) return ai.length - bi.length;
  if (ai !== bi) return ai < bi ? -1 : 1;
  const scale = Math.max(aFrac.length, bFrac.length);
  const af = aFrac.padEnd(scale, "0");
  const bf = bFrac.padEnd(scale, "0");
  return af === bf ? 0 : af < bf ? -1 : 1;
}
