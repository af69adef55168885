import type { z } from "zod";
import type { RejectCode } from "../reject-codes.ts";

/** One validation failure, shaped for the gateway's problem+json and for OrderRejected. */
export interface ValidationProblem {
  readonly code: RejectCode;
  /** Dotted path of the offending field, e.g. "data.price"; "" for the whole object. */
  readonly field: string;
  readonly message: string;
  /** Every issue zod found, first one repeated above. */
  readonly issues: readonly { readonly field: string; readonly message: string }[];
}

export function issuePath(path: readonly PropertyKey[]): string {
  return path.map(String).join(".");
}

// The last path segment names the field; a few fields have their own reject code so a client can
// tell a bad price from a bad quantity without parsing the message.
const fieldRejectCodes: Readonly<Record<string, RejectCode>> = {
  price: "INVALID_PRICE",
  collarPrice: "INVALID_PRICE",
  quantityLots: "INVALID_QUANTITY",
  newQuantityLots: "INVALID_QUANTITY",
  timeInForce: "INVALID_TIME_IN_FORCE",
  expireAtMs: "INVALID_TIME_IN_FORCE",
  symbol: "UNKNOWN_SYMBOL_FORMAT",
  amount: "INVALID_AMOUNT",
};

function rejectCodeFor(path: readonly PropertyKey[]): RejectCode {
  const last = path[path.length - 1];
  return (typeof last === "string" && fieldRejectCodes[last]) || "INVALID_COMMAND";
}

/** Turns a ZodError into {code, field, message} naming the first offending field. */
export function zodErrorToProblem(error: z.ZodError): ValidationProblem {
  const issues = error.issues.map((issue) => ({ field: issuePath(issue.path), message: issue.message }));
  const first = error.issues[0];
  return {
    code: first ? rejectCodeFor(first.path) : "INVALID_COMMAND",
    field: issues[0]?.field ?? "",
    message: issues[0] ? `${issues[0].field || "(root)"}: ${issues[0].message}` : "invalid input",
    issues,
  };
}
