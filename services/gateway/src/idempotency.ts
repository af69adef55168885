// Idempotency-Key on POSTs: the first response to (account, key) is kept, a retry with the same
// request gets it again, a different request under the same key is refused. The key also becomes
// the core command id, so the core deduplicates a retry that lands on another gateway.
import { createHash } from "node:crypto";
import { idempotencyEntriesMax, idempotencyKeyLengthMax, idempotencyTtlMsMax } from "./limits.ts";

export const idempotencyKeyPattern = new RegExp(`^[A-Za-z0-9_-]{1,${idempotencyKeyLengthMax}}$`);

export interface StoredResponse {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

interface Entry {
  readonly fingerprint: string;
  readonly expiresAtMs: number;
  response: StoredResponse | undefined;
}

export type IdempotencyLookup =
  | { readonly kind: "new" }
  | { readonly kind: "replay"; readonly response: StoredResponse }
  | { readonly kind: "in_progress" }
  | { readonly kind: "mismatch" };

export function requestFingerprint(method: string, path: string, body: string): string {
  return createHash("sha256").update(`${method}\n${path}\n${body}`).digest("base64url");
}

/** The core command id for an idempotent request: stable across gateways and retries. */
export function idempotentCommandId(accountId: string, key: string): string {
  return `idem-${createHash("sha256").update(`${accountId}\n${key}`).digest("base64url").slice(0, 40)}`;
}

export class IdempotencyCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly entriesMax = idempotencyEntriesMax,
    private readonly ttlMs = idempotencyTtlMsMax,
  ) {}

  /** Claims the key for this request, or says what to do instead. */
  begin(scope: string, key: string, fingerprint: string, nowMs: number): IdempotencyLookup {
    const id = `${scope}\n${key}`;
    const entry = this.entries.get(id);
    if (entry && entry.expiresAtMs > nowMs) {
      if (entry.fingerprint !== fingerprint) return { kind: "mismatch" };
      return entry.response ? { kind: "replay", response: entry.response } : { kind: "in_progress" };
    }
    if (entry) this.entries.delete(id);
    if (this.entries.size >= this.entriesMax) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(id, { fingerprint, expiresAtMs: nowMs + this.ttlMs, response: undefined });
    return { kind: "new" };
  }

  /** Keeps the response; a 5xx is not kept (the claim is dropped so the client may retry). */
  finish(scope: string, key: string, response: StoredResponse): void {
    const id = `${scope}\n${key}`;
    const entry = this.entries.get(id);
    if (!entry) return;
    if (response.status >= 500) this.entries.delete(id);
    else entry.response = response;
  }
}
