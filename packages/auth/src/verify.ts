// The server side: check the four auth headers of a request (or the fields of a WS login) against
// the stored public key. Order matters: the cheap checks first, the signature before the nonce is
// remembered (so nobody can burn another client's nonces with forged requests), scopes last.
import { verify } from "node:crypto";
import type { apiKeyScopeSchema } from "@ghx/domain";
import type { z } from "zod";
import { canonicalString, keyIdPattern, noncePattern, type SignedFields } from "./canonical.ts";
import { publicKeyObject } from "./keys.ts";
import { timestampSkewMsMax } from "./limits.ts";
import { NonceCache } from "./nonce-cache.ts";
import { authHeaderNames } from "./sign.ts";

/** Scopes of an API key, as the core stores them (RegisterApiKey). */
export type ApiKeyScope = z.infer<typeof apiKeyScopeSchema>;

/** What the exchange knows of an API key: never the private key. */
export interface ApiKeyRecord {
  readonly keyId: string;
  readonly accountId: string;
  readonly publicKey: string;
  readonly scopes: readonly ApiKeyScope[];
}

/** Why a request was refused; the gateway maps every code to 401. */
export type AuthFailureCode =
  | "AUTH_MISSING"
  | "AUTH_MALFORMED"
  | "TIMESTAMP_OUT_OF_WINDOW"
  | "UNKNOWN_API_KEY"
  | "INVALID_SIGNATURE"
  | "NONCE_REPLAYED"
  | "NONCE_CACHE_FULL";

export type AuthResult =
  | { readonly ok: true; readonly key: ApiKeyRecord }
  | { readonly ok: false; readonly code: AuthFailureCode; readonly message: string };

export interface SignedRequest extends SignedFields {
  readonly keyId: string;
  readonly signature: string;
}

export interface VerifierOptions {
  /** Active keys only: a revoked or unknown key id returns undefined. */
  readonly lookupKey: (keyId: string) => ApiKeyRecord | undefined | Promise<ApiKeyRecord | undefined>;
  readonly nowMs?: () => number;
  readonly skewMsMax?: number;
  readonly nonceCache?: NonceCache;
}

const signaturePattern = /^[A-Za-z0-9_-]{86}$/;
const timestampPattern = /^\d{1,16}$/;

/**
 * Ed25519 verification is the gateway's most expensive step (~50-150 µs); with a callback,
 * node:crypto runs it on the libuv thread pool, so the event loop keeps serving meanwhile.
 */
function verifyOffThread(message: Buffer, publicKey: string, signature: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    verify(null, message, publicKeyObject(publicKey), Buffer.from(signature, "base64url"), (error, valid) =>
      error ? reject(error) : resolve(valid),
    );
  });
}

function refuse(code: AuthFailureCode, message: string): AuthResult {
  return { ok: false, code, message };
}

export class RequestVerifier {
  private readonly lookupKey: VerifierOptions["lookupKey"];
  private readonly nowMs: () => number;
  private readonly skewMsMax: number;
  private readonly nonces: NonceCache;

  constructor(options: VerifierOptions) {
    this.lookupKey = options.lookupKey;
    this.nowMs = options.nowMs ?? Date.now;
    this.skewMsMax = options.skewMsMax ?? timestampSkewMsMax;
    this.nonces = options.nonceCache ?? new NonceCache();
  }

  /** Verifies an HTTP request from its headers; `path` includes the query string as sent. */
  verifyHeaders(
    headers: Readonly<Record<string, string | string[] | undefined>>,
    method: string,
    path: string,
    body: string,
  ): Promise<AuthResult> {
    const keyId = headers[authHeaderNames.keyId];
    const timestamp = headers[authHeaderNames.timestamp];
    const nonce = headers[authHeaderNames.nonce];
    const signature = headers[authHeaderNames.signature];
    if (keyId === undefined && timestamp === undefined && nonce === undefined && signature === undefined) {
      return Promise.resolve(refuse("AUTH_MISSING", "this endpoint needs a signed request"));
    }
    if (
      typeof keyId !== "string" ||
      typeof timestamp !== "string" ||
      typeof nonce !== "string" ||
      typeof signature !== "string" ||
      !timestampPattern.test(timestamp)
    ) {
      return Promise.resolve(
        refuse("AUTH_MALFORMED", "ghx-key, ghx-timestamp, ghx-nonce and ghx-signature are each needed once"),
      );
    }
    return this.verify({ keyId, timestampMs: Number(timestamp), nonce, signature, method, path, body });
  }

  async verify(request: SignedRequest): Promise<AuthResult> {
    const { keyId, timestampMs, nonce, signature } = request;
    if (
      !keyIdPattern.test(keyId) ||
      !noncePattern.test(nonce) ||
      !signaturePattern.test(signature) ||
      !Number.isSafeInteger(timestampMs)
    ) {
      return refuse("AUTH_MALFORMED", "key id, nonce (16-64 base64url chars) or signature malformed");
    }
    const now = this.nowMs();
    if (Math.abs(now - timestampMs) > this.skewMsMax) {
      return refuse("TIMESTAMP_OUT_OF_WINDOW", `timestamp must be within ${this.skewMsMax} ms of ${now}`);
    }
    const key = await this.lookupKey(keyId);
    if (!key) return refuse("UNKNOWN_API_KEY", "unknown or revoked API key");
    let message: Buffer;
    try {
      message = Buffer.from(canonicalString(request), "utf8");
    } catch (error) {
      return refuse("AUTH_MALFORMED", (error as Error).message);
    }
    if (!(await verifyOffThread(message, key.publicKey, signature))) {
      return refuse("INVALID_SIGNATURE", "signature does not match the canonical request");
    }
    // Remembered one ms past the last instant the timestamp check still accepts it.
    const remembered = this.nonces.remember(keyId, nonce, timestampMs + this.skewMsMax + 1, now);
    if (remembered === "replayed") return refuse("NONCE_REPLAYED", "nonce already used");
    if (remembered === "full") return refuse("NONCE_CACHE_FULL", "too many signed requests; retry later");
    return { ok: true, key };
  }
}

/** Does the key carry this scope? `operate` does not imply the others: scopes are explicit. */
export function hasScope(key: ApiKeyRecord, scope: ApiKeyScope): boolean {
  return key.scopes.includes(scope);
}
