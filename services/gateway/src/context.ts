// What every route module gets: the core, the market conversions, order entry and the docs.
import type { FastifyInstance } from "fastify";
import type { CorePort } from "./core-port.ts";
import type { Market } from "./market.ts";
import type { GatewayMetrics } from "./metrics.ts";
import type { OpenApiBuilder } from "./openapi.ts";
import type { CommandSubmitter, OrderEntry } from "./order-entry.ts";

export interface GatewayContext {
  readonly app: FastifyInstance;
  readonly core: CorePort;
  readonly market: Market;
  readonly orders: OrderEntry;
  readonly submitter: CommandSubmitter;
  readonly metrics: GatewayMetrics;
  readonly docs: OpenApiBuilder;
}
