// The gateway: a fastify app over a CorePort, wired in one place.
//
//   pipeline.ts   request id → IP bucket → signature → key bucket → scope → Idempotency-Key
//   routes/*      zod (domain schemas) → decimal→ticks → core.submit (journal-before-ack) → ack
//   ws.ts         WebSocket order entry (signed login, batches, dead-man's switches)
//   /docs         OpenAPI 3.1 built from the same route declarations
import { randomBytes } from "node:crypto";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import websocket from "@fastify/websocket";
import { type ApiKeyRecord, RequestVerifier } from "@ghx/auth";
import { defaultReferenceData, type ReferenceData } from "@ghx/domain";
import Fastify, { type FastifyInstance, type FastifyServerOptions, LogController } from "fastify";
import type { GatewayContext } from "./context.ts";
import type { CorePort } from "./core-port.ts";
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
import { installPipeline, requestIds } from "./pipeline.ts";
import { TokenBuckets } from "./rate-limit.ts";
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
  const submitter = new CommandSubmitter(options.core, market, metrics, nowMs);
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

  installPipeline(app, { verifier, keyBuckets, ipBuckets, metrics, nowMs, nextCommandId });

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

function operationsRoutes(ctx: GatewayContext, ready: () => boolean): void {
  const { app, metrics, core } = ctx;
  app.get("/healthz", async () => ({ status: "ok" }));
  app.get("/readyz", async (_request, reply) => {
    const status = await core.status().catch(() => undefined);
    const ok = status !== undefined && ready();
    reply.code(ok ? 200 : 503);
    return { status: ok ? "ready" : "not_ready", coreSeq: status?.lastSeq ?? null };
  });
  app.get("/metrics", async (_request, reply) => {
    metrics.observeCore(await core.status().catch(() => undefined));
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}
