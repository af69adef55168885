// Prometheus metrics (prom-client), one registry per gateway instance so tests and several
// gateways in one process do not share counters.
import type { CoreStatus } from "@ghx/core-service";
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
  readonly coreSeq = this.gauge(
    "ghx_core_last_seq",
    "Sequence number of the last command the core applied (-1: the core did not answer)",
  );
  /** The core's status at each scrape, by CoreStatus field. */
  private readonly coreStatus = {
    pendingCommands: this.gauge(
      "ghx_core_pending_commands",
      "Commands the core applied that are not yet journaled (it pushes back when its queue is full)",
    ),
    pendingWaitMs: this.gauge(
      "ghx_core_pending_wait_ms",
      "How long the oldest of those commands has waited, ms (past its bound, 250 by default, the core refuses new ones)",
    ),
    snapshotReplicaLagRecords: this.gauge(
      "ghx_core_snapshot_replica_lag_records",
      "Journal records the core's snapshot replica has yet to apply",
    ),
    snapshotReplicaLagBytes: this.gauge(
      "ghx_core_snapshot_replica_lag_bytes",
      "JSON characters of those records held in memory (the core pushes back above its limit)",
    ),
    lastSnapshotSeq: this.gauge(
      "ghx_core_last_snapshot_seq",
      "Sequence number of the core's newest snapshot (0: none); a recovery replays the commands after it",
    ),
  } satisfies Partial<Record<keyof CoreStatus, Gauge>>;
  readonly wsConnections = this.gauge("ghx_ws_connections", "Open order-entry WebSocket connections");

  /** The core's status as of this scrape; a core that did not answer leaves it unknown (NaN). */
  observeCore(status: CoreStatus | undefined): void {
    this.coreSeq.set(status?.lastSeq ?? -1);
    for (const [field, gauge] of Object.entries(this.coreStatus))
      gauge.set(status?.[field as keyof typeof this.coreStatus] ?? Number.NaN);
  }

  private gauge(name: string, help: string): Gauge {
    return new Gauge({ name, help, registers: [this.registry] });
  }
}
