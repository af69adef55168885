// What can go wrong talking to GHX, as two error classes an application can tell apart: the
// exchange answered with a problem (RFC 9457, a stable `code`), or it could not be reached.

/** The problem+json body every gateway error carries (REST and WebSocket order entry alike). */
export interface Problem {
  readonly type?: string;
  readonly title?: string;
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  /** The offending field's path (e.g. "price", "0.data.quantityLots") when one field is to blame. */
  readonly field?: string;
  /** The gateway's request id, for support. */
  readonly instance?: string;
}

/** The exchange refused the request: a reject, a validation error, an auth failure, a rate limit. */
export class GhxApiError extends Error {
  override readonly name = "GhxApiError";
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly field: string | undefined;
  readonly instance: string | undefined;
  /** Seconds the server asked us to wait (Retry-After on a 429 or 503). */
  readonly retryAfterSeconds: number | undefined;

  constructor(problem: Problem, retryAfterSeconds?: number) {
    const where = problem.field ? ` (${problem.field})` : "";
    super(`${problem.code}${where}: ${problem.detail}`);
    this.status = problem.status;
    this.code = problem.code;
    this.detail = problem.detail;
    this.field = problem.field;
    this.instance = problem.instance;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  toProblem(): Problem {
    return {
      status: this.status,
      code: this.code,
      detail: this.detail,
      ...(this.field !== undefined ? { field: this.field } : {}),
      ...(this.instance !== undefined ? { instance: this.instance } : {}),
    };
  }
}

/** The exchange could not be reached, the connection dropped, or it did not answer in time. */
export class GhxConnectionError extends Error {
  override readonly name = "GhxConnectionError";
}

/** Stands in for a reject whose problem body is missing or malformed. */
export const unknownProblem: Problem = {
  status: 0,
  code: "UNKNOWN",
  detail: "the gateway sent no problem details",
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const firstText = (...values: unknown[]): string | undefined =>
  values.find((value): value is string => typeof value === "string");

/** A problem object from parsed JSON (market-data's plain errors say `message` for `detail`), or undefined when the value is not one. */
export function asProblem(value: unknown, status?: number): Problem | undefined {
  if (!isRecord(value) || typeof value.code !== "string") return undefined;
  const problemStatus = typeof value.status === "number" ? value.status : status;
  return {
    status: problemStatus ?? 0,
    code: value.code,
    detail: firstText(value.detail, value.message, value.title) ?? "",
    ...(typeof value.field === "string" ? { field: value.field } : {}),
    ...(typeof value.instance === "string" ? { instance: value.instance } : {}),
    ...(typeof value.title === "string" ? { title: value.title } : {}),
    ...(typeof value.type === "string" ? { type: value.type } : {}),
  };
}

/**
 * The error for a non-2xx HTTP response. A body that is not a problem (a proxy's HTML page, an
 * empty 502) still becomes a GhxApiError, with the code HTTP_<status> and the text as detail.
 */
export function errorFromResponse(status: number, bodyText: string, retryAfter: string | null): GhxApiError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bodyText);
  } catch {
    parsed = undefined;
  }
  const problem = asProblem(parsed, status) ?? {
    status,
    code: `HTTP_${status}`,
    detail: bodyText.slice(0, 500) || `HTTP ${status}`,
  };
  return new GhxApiError({ ...problem, status }, parseRetryAfter(retryAfter));
}

function parseRetryAfter(header: string | null): number | undefined {
  if (header === null || !/^\d+$/.test(header.trim())) return undefined;
  return Number(header.trim());
}
