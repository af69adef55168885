// The embedded mode: the core in this process over the file event store (or a store the host
// shares with other services). `npm start` and the gateway use the client this returns.
import { join } from "node:path";
import { type CoreState, queries, stateHash } from "@ghx/core";
import type { CoreCommand } from "@ghx/domain";
import { type EventStore, openFileEventStore } from "@ghx/eventstore";
import {
  invariantCheckEveryCommandsDefault,
  snapshotEveryCommandsDefault,
  snapshotEveryMsDefault,
} from "./limits.ts";
import type { EventsRecord } from "./records.ts";
import { recover } from "./replay.ts";
import { CoreRuntime, type CoreStatus, type SubmitResult } from "./runtime.ts";
import { SnapshotDirectory } from "./snapshots.ts";

export interface EmbeddedCoreOptions {
  /** Holds `events/` (the file event store, unless `store` is given) and `snapshots/`. */
  readonly dataDir: string;
  /** A store shared with the host's other services; the core does not close it. */
  readonly store?: EventStore;
  readonly snapshotEveryCommands?: number;
  readonly snapshotEveryMs?: number;
  readonly invariantCheckEveryCommands?: number;
  /** See RuntimeOptions.pendingWaitMaxMs. */
  readonly pendingWaitMaxMs?: number;
  readonly clock?: () => number;
  readonly onFailure?: (error: Error) => void;
}

/** Read side for the gateway: plain data computed from the live core state. */
export type CoreQueries = {
  readonly [K in keyof typeof queries]: (typeof queries)[K] extends (
    state: CoreState,
    ...rest: infer A
  ) => infer R
    ? (...rest: A) => R
    : never;
};

export interface CoreClient {
  /**
   * Sequences, applies and journals; resolves once the journal record is durable. In-process
   * callers hand over typed commands built from input they validated at their own edge (the
   * gateway), so the core does not parse them a second time (that was a quarter of its CPU).
   */
  submit(command: CoreCommand): Promise<SubmitResult>;
  readonly queries: CoreQueries;
  /** Every events record once it is in `core-events`; returns the unsubscribe function. */
  onEvents(listener: (record: EventsRecord) => void): () => void;
  stateHash(): string;
  readonly lastSeq: number;
  /** How far the core's queues are filled (for /metrics and /readyz). */
  status(): CoreStatus;
  /** Drains the journal, writes a final snapshot, closes the store if the core opened it. */
  close(): Promise<void>;
}

function bindQueries(state: CoreState): CoreQueries {
  const bound: Record<string, unknown> = {};
  for (const [name, query] of Object.entries(queries)) {
    bound[name] = (...args: unknown[]) =>
      (query as (s: CoreState, ...a: unknown[]) => unknown)(state, ...args);
  }
  return bound as CoreQueries;
}

export async function startCoreRuntime(
  options: EmbeddedCoreOptions & { store: EventStore },
): Promise<CoreRuntime> {
  const snapshots = new SnapshotDirectory(join(options.dataDir, "snapshots"));
  const recovered = await recover(options.store, snapshots);
  return new CoreRuntime(recovered, {
    store: options.store,
    snapshots,
    snapshotEveryCommands: options.snapshotEveryCommands ?? snapshotEveryCommandsDefault,
    snapshotEveryMs: options.snapshotEveryMs ?? snapshotEveryMsDefault,
    invariantCheckEveryCommands: options.invariantCheckEveryCommands ?? invariantCheckEveryCommandsDefault,
    ...(options.pendingWaitMaxMs !== undefined ? { pendingWaitMaxMs: options.pendingWaitMaxMs } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.onFailure ? { onFailure: options.onFailure } : {}),
  });
}

export async function startEmbeddedCore(options: EmbeddedCoreOptions): Promise<CoreClient> {
  const ownStore = options.store === undefined;
  const store = options.store ?? (await openFileEventStore(join(options.dataDir, "events")));
  const runtime = await startCoreRuntime({ ...options, store });
  return {
    submit: (command) => runtime.submitValid(command),
    queries: bindQueries(runtime.state),
    onEvents: (listener) => runtime.onEvents(listener),
    stateHash: () => stateHash(runtime.state),
    get lastSeq() {
      return runtime.state.lastSeq;
    },
    status: () => runtime.status(),
    async close() {
      try {
        await runtime.close();
      } finally {
        if (ownStore) await store.close();
      }
    },
  };
}
