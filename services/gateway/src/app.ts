// The gateway: a fastify app over a CorePort. Request pipeline, one screen:
//
//   onRequest     request id, per-IP token bucket
//   parse         raw JSON text kept for the signature, then JSON.parse (malformed → 400)
//   preHandler    signature (@ghx/auth) → per-key token bucket → scope → Idempotency-Key
//   handler       zod (domain schemas) → decimal→ticks → core.submit (journal-before-ack) → ack
//   onSend        idempotent response kept; errors are problem+json (RFC 9457) everywhere
//   onResponse    metrics (requests, latency)
import { randomBytes } from "node:crypto";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import websocket from "@fastify/websocket";
import { type ApiKeyRecord, RequestVerifier } from "@ghx/auth";
import { defaultReferenceData, type ReferenceData } from "@ghx/domain";
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
  LogController,
} from "fastify";
import type { GatewayContext } from "./context.ts";
import type { CorePort } from "./core-port.ts";
import {
  IdempotencyCache,
  idempotencyKeyPattern,
  idempotentCommandId,
  requestFingerprint,
} from "./idempotency.ts";
import {
  bodyBytesMax,
  ipBurstMax,
  ipRequestsPerSecondMax,
  keyBurstMax,
  keyRequestsPerSecondMax,
  rateBucketsMax,
  wsMessageBytesMax,
} from "./limits.ts";
import { Market } from "./market.ts";
import { GatewayMetrics } from "./metrics.ts";
import { OpenApiBuilder } from "./openapi.ts";
import { CommandSubmitter, OrderEntry } from "./order-entry.ts";
import { ApiProblem, type Problem, problem, problemContentType } from "./problem.ts";
import { type RateDecision, TokenBuckets } from "./rate-limit.ts";
import type { Access } from "./route.ts";
import { adminRoutes } from "./routes/admin.ts";
import { publicRoutes } from "./routes/public.ts";
import { tradingRoutes } from "./routes/trading.ts";
import { orderEntrySocket } from "./ws.ts";

export interface RateLimits {
  readonly keyPerSecond: number;
  readonly keyBurst: number;
  readonly ipPerSecond: number;
  readonly ipBurst: number;
}

export interface GatewayOptions {
  readonly core: CorePort;
  readonly referenceData?: ReferenceData;
  /** fastify logger option: false in tests, pino options in production. */
  readonly logger?: FastifyServerOptions["logger"];
  readonly nowMs?: () => number;
  readonly rateLimits?: Partial<RateLimits>;
  /** Extra routes on the same server (the market-data feed in the embedded exchange). */
  readonly mount?: (app: FastifyInstance) => Promise<void> | void;
  /** Health of the parts behind the gateway, for /readyz. */
  readonly ready?: () => boolean;
}

export interface Gateway {
  readonly app: FastifyInstance;
  readonly metrics: GatewayMetrics;
  readonly openapi: Record<string, unknown>;
}

/** Unique per process and request: `<gateway id>-<counter>`, a valid core command id. */
export function commandIdSource(): () => string {
  const prefix = `g${randomBytes(6).toString("base64url").replace(/[-_]/g, "0")}`;
  let next = 0;
  return () => `${prefix}-${(next++).toString(36)}`;
}

const apiVersion = "1.0.0";

export async function buildGateway(options: GatewayOptions): Promise<Gateway> {
  const nowMs = options.nowMs ?? Date.now;
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: bodyBytesMax,
    // One log line per request, written in onResponse with the status and latency.
    logController: new LogController({ disableRequestLogging: true }),
    requestIdHeader: "x-request-id",
    genReqId: requestIds(),
    return503OnClosing: true,
  });
  const metrics = new GatewayMetrics();
  const market = new Market(options.referenceData ?? defaultReferenceData());
  const submitter = new CommandSubmitter(options.core, metrics, nowMs);
  const orders = new OrderEntry(submitter, options.core, market);
  const docs = new OpenApiBuilder();
  const nextCommandId = commandIdSource();
  const verifier = new RequestVerifier({
    lookupKey: async (keyId): Promise<ApiKeyRecord | undefined> => {
      const key = await options.core.apiKey(keyId);
      return (
        key && {
          keyId,
          accountId: key.accountId,
          publicKey: key.publicKey,
          scopes: key.scopes as ApiKeyRecord["scopes"],
        }
      );
    },
    nowMs,
  });
  const limits = { ...defaultRateLimits, ...options.rateLimits };
  const keyBuckets = new TokenBuckets(limits.keyPerSecond, limits.keyBurst, rateBucketsMax);
  const ipBuckets = new TokenBuckets(limits.ipPerSecond, limits.ipBurst, rateBucketsMax);
  const idempotency = new IdempotencyCache();

  installJsonBody(app);
  installErrors(app, metrics);
  app.addHook("onRequest", async (request, reply) => {
    reply.header("x-request-id", request.id);
    limitRate(reply, ipBuckets.take(request.ip, nowMs()));
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
    const claim = claimIdempotency(request, reply);
    if (claim === "replayed") return reply;
    request.commandId = claim ?? nextCommandId();
  });
  /** The command id for an idempotent request, "replayed" when the stored response was sent. */
  function claimIdempotency(request: FastifyRequest, reply: FastifyReply): string | "replayed" | undefined {
    const key = request.headers["idempotency-key"];
    if (key === undefined || request.method !== "POST") return undefined;
    if (typeof key !== "string" || !idempotencyKeyPattern.test(key)) {
      throw new ApiProblem("IDEMPOTENCY_KEY_INVALID", "Idempotency-Key: 1-64 characters of A-Z a-z 0-9 _ -");
    }
    const accountId = request.caller?.accountId ?? "";
    const fingerprint = requestFingerprint(request.method, request.url, request.rawBody ?? "");
    const claim = idempotency.begin(accountId, key, fingerprint, nowMs());
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
  app.addHook("onSend", async (request, reply, payload) => {
    if (request.idempotency && typeof payload === "string") {
      const { accountId, key } = request.idempotency;
      const contentType = String(reply.getHeader("content-type") ?? "application/json");
      idempotency.finish(accountId, key, { status: reply.statusCode, contentType, body: payload });
    }
    return payload;
  });
  app.addHook("onResponse", async (request, reply) => {
    const route = request.routeOptions.url ?? "unmatched";
    metrics.requests.inc({ method: request.method, route, status: reply.statusCode });
    metrics.latency.observe({ method: request.method, route }, reply.elapsedTime / 1000);
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
  });

  const ctx: GatewayContext = { app, core: options.core, market, orders, submitter, metrics, docs };
  tradingRoutes(ctx);
  adminRoutes(ctx);
  publicRoutes(ctx);
  operationsRoutes(ctx, options.ready ?? (() => true));
  await app.register(websocket, { options: { maxPayload: wsMessageBytesMax } });
  await app.register(async (scope) =>
    orderEntrySocket(scope, { ...ctx, verifier, keyBuckets, nowMs, nextCommandId }),
  );
  const openapi = docs.document(apiVersion);
  await app.register(swagger, { mode: "static", specification: { document: openapi as never } });
  await app.register(swaggerUi, { routePrefix: "/docs" });
  if (options.mount) await options.mount(app);
  return { app, metrics, openapi };
}

const defaultRateLimits: RateLimits = {
  keyPerSecond: keyRequestsPerSecondMax,
  keyBurst: keyBurstMax,
  ipPerSecond: ipRequestsPerSecondMax,
  ipBurst: ipBurstMax,
};

declare module "fastify" {
  interface FastifyRequest {
    idempotency?: { accountId: string; key: string };
  }
}

function requestIds(): () => string {
  const prefix = randomBytes(4).toString("hex");
  let next = 0;
  return () => `${prefix}-${(next++).toString(36)}`;
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
    else {
      request.log.error({ err: error }, "unhandled error");
      body = problem("INTERNAL_ERROR", "internal error");
    }
    metrics.rejects.inc({ code: body.code });
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

function operationsRoutes(ctx: GatewayContext, ready: () => boolean): void {
  const { app, metrics, core } = ctx;
  app.get("/healthz", async () => ({ status: "ok" }));
  app.get("/readyz", async (_request, reply) => {
    let seq: number | undefined;
    try {
      seq = await core.lastSeq();
    } catch {
      seq = undefined;
    }
    const ok = seq !== undefined && ready();
    reply.code(ok ? 200 : 503);
    return { status: ok ? "ready" : "not_ready", coreSeq: seq ?? null };
  });
  app.get("/metrics", async (_request, reply) => {
    metrics.coreSeq.set(await core.lastSeq().catch(() => -1));
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}
