// One signed HTTP exchange with retries. Every private request is signed afresh per attempt (a new
// nonce and timestamp: the gateway refuses a replayed nonce). Only idempotent requests are retried:
// GETs, and POSTs that carry an Idempotency-Key (the gateway replays the first answer for those).
import { createRequestSigner, type RequestSigner, type SigningKey } from "@ghx/auth";
import { errorFromResponse, GhxApiError, GhxConnectionError } from "./errors.ts";

export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";

export interface HttpOptions {
  /** Base URL of the gateway, e.g. http://127.0.0.1:8080. */
  readonly url: string;
  readonly key?: SigningKey | undefined;
  /** Extra attempts for idempotent requests after a connection error, 429, 502, 503 or 504. */
  readonly retries?: number;
  /** First backoff; doubles per attempt (plus jitter) unless the server sends Retry-After. */
  readonly retryDelayMs?: number;
  /** Per attempt. */
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
}

export interface HttpRequest {
  readonly method: HttpMethod;
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>;
  readonly body?: unknown;
  /** Signed with the client's key; a client without one fails before sending. */
  readonly signed: boolean;
  readonly idempotencyKey?: string;
}

export const retriesDefault = 2;
export const retryDelayMsDefault = 200;
export const retryDelayMsMax = 5_000;
export const timeoutMsDefault = 10_000;

const retryableStatuses = new Set([429, 502, 503, 504]);

/** The request target exactly as sent (and signed): path plus the encoded query string. */
export function requestTarget(path: string, query: HttpRequest["query"]): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== undefined) params.set(name, String(value));
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

export class HttpTransport {
  readonly baseUrl: string;
  private readonly signer: RequestSigner | undefined;
  private readonly retries: number;
  private readonly retryDelayMs: number;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;

  constructor(options: HttpOptions) {
    this.baseUrl = options.url.replace(/\/+$/, "");
    this.signer = options.key && createRequestSigner(options.key.keyId, options.key.privateKey);
    this.retries = options.retries ?? retriesDefault;
    this.retryDelayMs = options.retryDelayMs ?? retryDelayMsDefault;
    this.timeoutMs = options.timeoutMs ?? timeoutMsDefault;
    this.fetchImpl = options.fetch ?? fetch;
  }

  get keyId(): string | undefined {
    return this.signer?.keyId;
  }

  async send<T>(request: HttpRequest): Promise<T> {
    const retryable = request.method === "GET" || request.idempotencyKey !== undefined;
    const attempts = retryable ? this.retries + 1 : 1;
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.attempt<T>(request);
      if (outcome.ok) return outcome.value;
      const last = attempt >= attempts || !isRetryable(outcome.error);
      if (last) throw outcome.error;
      await sleep(this.backoffMs(attempt, outcome.error));
    }
  }

  private async attempt<T>(
    request: HttpRequest,
  ): Promise<{ ok: true; value: T } | { ok: false; error: GhxApiError | GhxConnectionError }> {
    const target = requestTarget(request.path, request.query);
    const body = request.body === undefined ? undefined : JSON.stringify(request.body);
    const headers: Record<string, string> = { accept: "application/json, application/problem+json" };
    if (body !== undefined) headers["content-type"] = "application/json";
    if (request.idempotencyKey !== undefined) headers["idempotency-key"] = request.idempotencyKey;
    if (request.signed) {
      if (!this.signer)
        throw new Error(`${request.method} ${request.path} is signed: create the client with a key`);
      Object.assign(headers, this.signer.headers({ method: request.method, path: target, body: body ?? "" }));
    }
    let response: Response;
    let text: string;
    try {
      response = await this.fetchImpl(`${this.baseUrl}${target}`, {
        method: request.method,
        headers,
        ...(body !== undefined ? { body } : {}),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      return { ok: false, error: connectionError(this.baseUrl, error) };
    }
    if (!response.ok) {
      return {
        ok: false,
        error: errorFromResponse(response.status, text, response.headers.get("retry-after")),
      };
    }
    return { ok: true, value: (text.length === 0 ? undefined : JSON.parse(text)) as T };
  }

  private backoffMs(attempt: number, error: GhxApiError | GhxConnectionError): number {
    if (error instanceof GhxApiError && error.retryAfterSeconds !== undefined) {
      return Math.min(error.retryAfterSeconds * 1000, retryDelayMsMax);
    }
    const exponential = this.retryDelayMs * 2 ** (attempt - 1);
    return Math.min(exponential + Math.random() * this.retryDelayMs, retryDelayMsMax);
  }
}

function isRetryable(error: GhxApiError | GhxConnectionError): boolean {
  if (error instanceof GhxConnectionError) return true;
  return retryableStatuses.has(error.status) || error.code === "IDEMPOTENCY_IN_PROGRESS";
}

function connectionError(baseUrl: string, error: unknown): GhxConnectionError {
  const cause = error as Error & { cause?: { code?: string; message?: string } };
  const reason =
    cause.name === "TimeoutError"
      ? "timed out"
      : (cause.cause?.code ?? cause.cause?.message ?? cause.message);
  return new GhxConnectionError(`cannot reach ${baseUrl}: ${reason}`, { cause: error });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
