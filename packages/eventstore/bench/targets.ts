// The stores the eventstore benchmark runs against. Each adapter adds one entry (a jetstream
// target starts its own nats-server through @ghx/testkit inside open()).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startNatsServer } from "@ghx/testkit";
import {
  createMemoryEventStore,
  type EventStore,
  openFileEventStore,
  openJetStreamEventStore,
} from "../src/index.ts";

export interface BenchTarget {
  readonly name: string;
  /** How long each workload runs against this target. */
  readonly workloadMs: number;
  /** A fresh, empty store; `dispose` closes it and removes whatever open() started or created. */
  open(): Promise<{ store: EventStore; dispose(): Promise<void> }>;
}

export const memoryTarget: BenchTarget = {
  name: "memory",
  workloadMs: 1000,
  async open() {
    const store = createMemoryEventStore();
    return { store, dispose: () => store.close() };
  },
};

/** The file adapter with its defaults: every append resolves after its batch's fdatasync. */
export const fileTarget: BenchTarget = {
  name: "file",
  workloadMs: 3000,
  async open() {
    const directory = await mkdtemp(join(tmpdir(), "ghx-eventstore-bench-"));
    const store = await openFileEventStore(directory);
    return {
      store,
      async dispose() {
        await store.close();
        await rm(directory, { recursive: true, force: true });
      },
    };
  },
};

/**
 * The jetstream adapter on a private single nats-server (R1, file store). An append resolves
 * when the server has stored it: written, not fsynced (nats-server syncs every 2 minutes).
 */
export const jetstreamTarget: BenchTarget = {
  name: "jetstream",
  workloadMs: 3000,
  async open() {
    const servers = await startNatsServer();
    const store = await openJetStreamEventStore({ servers: servers.servers });
    return {
      store,
      async dispose() {
        await store.close();
        await servers.stop();
      },
    };
  },
};
