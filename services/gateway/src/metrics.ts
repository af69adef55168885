// Prometheus metrics (prom-client), one registry per gateway instance so tests and several
// gateways in one process do not share counters.
import { Counter, Gauge, Histogram, Registry } from "prom-client";

export class GatewayMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: "ghx_http_requests_total",
    help: "HTTP requests by method, route and status",
    labelNames: ["method", "route", "status"] as const,
    registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: "ghx_http_request_duration_seconds",
    help: "HTTP request latency",
    labelNames: ["method", "route"] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });
  readonly orders = new Counter({
    name: "ghx_orders_total",
    help: "Order commands submitted to the core, by command and result",
    labelNames: ["command", "result"] as const,
    registers: [this.registry],
  });
  readonly rejects = new Counter({
    name: "ghx_rejects_total",
    help: "Refused requests and commands by stable code",
    labelNames: ["code"] as const,
    registers: [this.registry],
  });
  readonly journalLag = new Histogram({
    name: "ghx_journal_ack_seconds",
    help: "Time from submit to the core's durable journal ack (journal-before-ack lag)",
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });
  readonly coreSeq = new Gauge({
    name: "ghx_core_last_seq",
    help: "Sequence number of the last command the core applied",
    registers: [this.registry],
  });
  readonly wsConnections = new Gauge({
    name: "ghx_ws_connections",
    help: "Open order-entry WebSocket connections",
    registers: [this.registry],
  });
}
