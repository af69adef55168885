// The request pipeline every REST call goes through, in order:
//
//   onRequest     request id, per-IP token bucket
//   parse         raw JSON text kept for the signature, then JSON.parse (malformed → 400)
//   preHandler    signature (@ghx/auth) → per-key token bucket → scope → Idempotency-Key
//   (handler)     see route.ts and order-entry.ts
//   onSend        the response to an idempotent request is kept
//   onResponse    metrics (requests, latency) and one log line
//   errors        problem+json (RFC 9457) for everything, fastify's own errors included
import { randomBytes } from "node:crypto";
import type { RequestVerifier } from "@ghx/auth";
import { BusClosedError, BusNoResponderError, BusTimeoutError } from "@ghx/bus";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import {
  IdempotencyCache,
  idempotencyKeyPattern,
  idempotentCommandId,
  requestFingerprint,
} from "./idempotency.ts";
import type { GatewayMetrics } from "./metrics.ts";
import { ApiProblem, type Problem, problem, problemContentType } from "./problem.ts";
import type { RateDecision, TokenBuckets } from "./rate-limit.ts";
import type { Access } from "./route.ts";

export interface PipelineDeps {
  readonly verifier: RequestVerifier;
  readonly keyBuckets: TokenBuckets;
  readonly ipBuckets: TokenBuckets;
  readonly metrics: GatewayMetrics;
  readonly nowMs: () => number;
  readonly nextCommandId: () => string;
}

/** Log levels at which the per-request line (info) is written. */
const requestLineLevels = new Set(["info", "debug", "trace"]);

export function installPipeline(app: FastifyInstance, deps: PipelineDeps): void {
  const { verifier, keyBuckets, ipBuckets, metrics, nowMs, nextCommandId } = deps;
  const idempotency = new IdempotencyCache();
  // Declared up front so every request object keeps one shape instead of growing per request.
  for (const field of ["rawBody", "jsonBody", "caller", "commandId", "idempotency"] as const) {
    app.decorateRequest(field, undefined);
  }
  installJsonBody(app);
  installErrors(app, metrics);
  // The synchronous hooks take fastify's callback form: an async hook costs a promise per request.
  app.addHook("onRequest", (request, reply, done) => {
    reply.header("x-request-id", request.id);
    limitRate(reply, ipBuckets.take(request.ip, nowMs()));
    done();
  });
  app.addHook("preHandler", async (request, reply) => {
    const access: Access = request.routeOptions.config.access ?? "public";
    if (access === "public") return;
    const auth = await verifier.verifyHeaders(
      request.headers,
      request.method,
      request.url,
      request.rawBody ?? "",
    );
    if (!auth.ok) throw new ApiProblem(auth.code, auth.message);
    limitRate(reply, keyBuckets.take(auth.key.keyId, nowMs()));
    if (!auth.key.scopes.includes(access)) {
      throw new ApiProblem("SCOPE_MISSING", `this API key lacks the ${access} scope`);
    }
    request.caller = { keyId: auth.key.keyId, accountId: auth.key.accountId, scopes: auth.key.scopes };
    const claim = claimIdempotency(idempotency, nowMs(), request, reply);
    if (claim === "replayed") return reply;
    request.commandId = claim ?? nextCommandId();
  });
  app.addHook("onSend", (request, reply, payload, done) => {
    if (request.idempotency && typeof payload === "string") {
      const { accountId, key } = request.idempotency;
      const contentType = String(reply.getHeader("content-type") ?? "application/json");
      idempotency.finish(accountId, key, { status: reply.statusCode, contentType, body: payload });
    }
    done(null, payload);
  });
  app.addHook("onResponse", (request, reply, done) => {
    const route = request.routeOptions.url ?? "unmatched";
    metrics.requests.inc({ method: request.method, route, status: reply.statusCode });
    metrics.latency.observe({ method: request.method, route }, reply.elapsedTime / 1000);
    // The line's fields are gathered only when it is written (not at GHX_LOG_LEVEL=warn).
    if (requestLineLevels.has(request.log.level)) {
      request.log.info(
        {
          method: request.method,
          url: request.url,
          status: reply.statusCode,
          ms: reply.elapsedTime,
          key: request.caller?.keyId,
        },
        "request",
      );
    }
    done();
  });
}

/** The command id for an idempotent request, "replayed" when the stored response was sent. */
function claimIdempotency(
  idempotency: IdempotencyCache,
  nowMs: number,
  request: FastifyRequest,
  reply: FastifyReply,
): string | "replayed" | undefined {
  const key = request.headers["idempotency-key"];
  if (key === undefined || request.method !== "POST") return undefined;
  if (typeof key !== "string" || !idempotencyKeyPattern.test(key)) {
    throw new ApiProblem("IDEMPOTENCY_KEY_INVALID", "Idempotency-Key: 1-64 characters of A-Z a-z 0-9 _ -");
  }
  const accountId = request.caller?.accountId ?? "";
  const fingerprint = requestFingerprint(request.method, request.url, request.rawBody ?? "");
  const claim = idempotency.begin(accountId, key, fingerprint, nowMs);
  if (claim.kind === "mismatch") {
    throw new ApiProblem("IDEMPOTENCY_KEY_REUSED", "this Idempotency-Key was used for a different request");
  }
  if (claim.kind === "in_progress") {
    throw new ApiProblem("IDEMPOTENCY_IN_PROGRESS", "a request with this Idempotency-Key is still running");
  }
  if (claim.kind === "replay") {
    reply.header("idempotent-replayed", "true");
    reply.code(claim.response.status).type(claim.response.contentType).send(claim.response.body);
    return "replayed";
  }
  request.idempotency = { accountId, key };
  return idempotentCommandId(accountId, key);
}

export function requestIds(): () => string {
  const prefix = randomBytes(4).toString("hex");
  let next = 0;
  return () => `${prefix}-${(next++).toString(36)}`;
}

declare module "fastify" {
  interface FastifyRequest {
    idempotency?: { accountId: string; key: string };
  }
}

/** RateLimit-* on every response; a refusal adds Retry-After and is a 429 problem. */
export function limitRate(reply: FastifyReply, decision: RateDecision): void {
  reply.header("ratelimit-limit", decision.limit);
  reply.header("ratelimit-remaining", decision.remaining);
  reply.header("ratelimit-reset", decision.resetSeconds);
  if (!decision.allowed) {
    reply.header("retry-after", decision.resetSeconds);
    throw new ApiProblem("RATE_LIMITED", `rate limit exceeded; retry in ${decision.resetSeconds} s`);
  }
}

/** JSON bodies are parsed here, keeping the exact text: the signature covers the bytes sent. */
function installJsonBody(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
    const text = body as string;
    request.rawBody = text;
    if (text.length === 0) return done(null, undefined);
    try {
      request.jsonBody = JSON.parse(text);
      done(null, request.jsonBody);
    } catch (error) {
      done(
        new ApiProblem("MALFORMED_JSON", `body is not valid JSON: ${(error as Error).message}`),
        undefined,
      );
    }
  });
}

/** How long a client refused because the core is overloaded should wait (Retry-After). */
const coreOverloadedRetryAfterSeconds = 1;

const fastifyErrorCodes: Readonly<Record<string, Problem["code"]>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: "BODY_TOO_LARGE",
  FST_ERR_CTP_INVALID_MEDIA_TYPE: "UNSUPPORTED_MEDIA_TYPE",
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: "MALFORMED_JSON",
  FST_ERR_CTP_EMPTY_JSON_BODY: "MALFORMED_JSON",
  FST_ERR_BAD_URL: "NOT_FOUND",
};

function installErrors(app: FastifyInstance, metrics: GatewayMetrics): void {
  app.setErrorHandler((error: Error & { code?: string; statusCode?: number }, request, reply) => {
    let body: Problem;
    if (error instanceof ApiProblem) body = error.problem;
    else if (error.code && fastifyErrorCodes[error.code])
      body = problem(fastifyErrorCodes[error.code]!, error.message);
    else if (error.statusCode && error.statusCode < 500)
      body = problem("INVALID_COMMAND", error.message, undefined, error.statusCode);
    // Distributed mode: no core on the bus, or none answering in time. Retry later, not our bug.
    else if (
      error instanceof BusNoResponderError ||
      error instanceof BusTimeoutError ||
      error instanceof BusClosedError
    )
      body = problem("CORE_UNAVAILABLE", `the core did not answer: ${error.message}`);
    else {
      request.log.error({ err: error }, "unhandled error");
      body = problem("INTERNAL_ERROR", "internal error");
    }
    metrics.rejects.inc({ code: body.code });
    if (body.code === "CORE_OVERLOADED") reply.header("retry-after", coreOverloadedRetryAfterSeconds);
    reply
      .code(body.status)
      .type(problemContentType)
      .send({ ...body, instance: request.id });
  });
  app.setNotFoundHandler((request, reply) => {
    const body = problem("NOT_FOUND", `no route ${request.method} ${request.url.split("?")[0]}`);
    reply
      .code(404)
      .type(problemContentType)
      .send({ ...body, instance: request.id });
  });
}
