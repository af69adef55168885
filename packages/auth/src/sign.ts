// The client side: sign a request with the private key and produce the four auth headers.
import { randomBytes, sign } from "node:crypto";
import { canonicalString, type SignedFields } from "./canonical.ts";
import { privateKeyObject } from "./keys.ts";

/** Header names (HTTP headers are case-insensitive; node lower-cases them). */
export const authHeaderNames = {
  keyId: "ghx-key",
  timestamp: "ghx-timestamp",
  nonce: "ghx-nonce",
  signature: "ghx-signature",
} as const;

export type AuthHeaders = Record<(typeof authHeaderNames)[keyof typeof authHeaderNames], string>;

/** 16 random bytes, base64url: unique per request without coordination. */
export function newNonce(): string {
  return randomBytes(16).toString("base64url");
}

export interface RequestToSign {
  readonly method: string;
  readonly path: string;
  readonly body?: string;
  /** Defaults to Date.now(); tests and pre-signed benchmarks pass their own. */
  readonly timestampMs?: number;
  /** Defaults to a fresh random nonce. */
  readonly nonce?: string;
}

/** The signed fields of a WebSocket login message (order entry, the private feed). */
export interface WebSocketLogin {
  readonly keyId: string;
  readonly timestamp: number;
  readonly nonce: string;
  readonly signature: string;
}

export interface RequestSigner {
  readonly keyId: string;
  /** The signature (base64url) over canonicalString(fields). */
  signFields(fields: SignedFields): string;
  /** The four headers for one request. */
  headers(request: RequestToSign): AuthHeaders;
  /** A login for the WebSocket at `path`: it signs GET, the path and an empty body. */
  webSocketLogin(path: string, timestampMs?: number): WebSocketLogin;
}

/** Binds a key id to its private key (parsed once, so signing many requests stays cheap). */
export function createRequestSigner(keyId: string, privateKey: string): RequestSigner {
  const key = privateKeyObject(privateKey);
  const signFields = (fields: SignedFields): string =>
    sign(null, Buffer.from(canonicalString(fields), "utf8"), key).toString("base64url");
  return {
    keyId,
    signFields,
    headers(request) {
      const fields: SignedFields = {
        timestampMs: request.timestampMs ?? Date.now(),
        nonce: request.nonce ?? newNonce(),
        method: request.method.toUpperCase(),
        path: request.path,
        body: request.body ?? "",
      };
      return {
        [authHeaderNames.keyId]: keyId,
        [authHeaderNames.timestamp]: String(fields.timestampMs),
        [authHeaderNames.nonce]: fields.nonce,
        [authHeaderNames.signature]: signFields(fields),
      } as AuthHeaders;
    },
    webSocketLogin(path, timestampMs = Date.now()) {
      const nonce = newNonce();
      const signature = signFields({ timestampMs, nonce, method: "GET", path, body: "" });
      return { keyId, timestamp: timestampMs, nonce, signature };
    },
  };
}
