// The exact bytes an API key signs. Fields are joined by "\n"; none but the body may contain a
// newline (the formats below forbid it), and the body comes last, so the string parses one way
// only. The version prefix keeps a signature from ever meaning something in another protocol.
import { keyIdLengthMax, nonceLengthMax, nonceLengthMin } from "./limits.ts";

export const signatureVersion = "GHX-ED25519-V1";

export interface SignedFields {
  /** Milliseconds since the Unix epoch, as the client's clock read it. */
  readonly timestampMs: number;
  readonly nonce: string;
  /** HTTP method ("GET", "POST", ...); the WebSocket login signs "GET" and the WS path. */
  readonly method: string;
  /** Path and query exactly as in the request line, e.g. "/v1/orders?symbol=H100.WUHU.2027M01". */
  readonly path: string;
  /** The request body exactly as sent (UTF-8), "" when there is none. */
  readonly body: string;
}

export const noncePattern = new RegExp(`^[A-Za-z0-9_-]{${nonceLengthMin},${nonceLengthMax}}$`);
export const keyIdPattern = new RegExp(`^[A-Za-z0-9_.:@-]{1,${keyIdLengthMax}}$`);
const methodPattern = /^[A-Z]{1,16}$/;
const pathPattern = /^\/[^\s]*$/;

export class CanonicalFormError extends Error {
  override readonly name = "CanonicalFormError";
}

export function canonicalString(fields: SignedFields): string {
  const { timestampMs, nonce, method, path, body } = fields;
  if (!Number.isSafeInteger(timestampMs) || timestampMs < 0) {
    throw new CanonicalFormError("timestamp: non-negative integer milliseconds");
  }
  if (!noncePattern.test(nonce)) throw new CanonicalFormError("nonce: 16-64 base64url characters");
  if (!methodPattern.test(method)) throw new CanonicalFormError("method: upper-case HTTP method");
  if (!pathPattern.test(path)) throw new CanonicalFormError("path: starts with / and has no spaces");
  return `${signatureVersion}\n${timestampMs}\n${nonce}\n${method}\n${path}\n${body}`;
}
