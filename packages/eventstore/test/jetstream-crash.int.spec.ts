// Crash test: a 3-node JetStream cluster with an R3 stream under sustained appends from several
// concurrent appenders; the stream leader is killed with SIGKILL mid-load and restarted later.
// Appenders retry every failed append with the same commit id until it is acknowledged. After
// the run every acknowledged append must be readable exactly once, in acknowledgement order,
// with gap-free revisions per stream, and the global log must hold nothing else.
import { type NatsServers, natsAvailable, startNatsCluster } from "@ghx/testkit";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type EventStore,
  type ExpectedRevision,
  openJetStreamEventStore,
  WrongExpectedRevision,
} from "../src/index.ts";

const streamName = "GHX_CRASH";
const exactAppenders = 4;
const anyAppenders = 2;
const loadBeforeKillMs = 2_000;
const downMs = 4_000;
const loadAfterRestartMs = 2_000;
const retryPauseMs = 50;

interface Acked {
  readonly commitId: string;
  readonly count: number;
  readonly lastRevision: bigint;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Appends to its own stream until `running()` turns false; every append retried until acked. */
async function appender(
  store: EventStore,
  stream: string,
  exact: boolean,
  running: () => boolean,
): Promise<{ acked: Acked[]; retries: number }> {
  const acked: Acked[] = [];
  let retries = 0;
  let expected: ExpectedRevision = exact ? "no_stream" : "any";
  for (let n = 0; running(); n++) {
    const count = 1 + (n % 3);
    const events = Array.from({ length: count }, (_, i) => ({ type: "Loaded", data: { stream, n, i } }));
    const commitId = `${stream}-${n}`;
    for (;;) {
      try {
        const result = await store.append(stream, events, { commitId, expectedRevision: expected });
        acked.push({ commitId, count, lastRevision: result.nextExpectedRevision });
        if (exact) expected = result.nextExpectedRevision;
        break;
      } catch (error) {
        // A conflict would mean a retry was not recognised as the same commit: a real failure.
        if (error instanceof WrongExpectedRevision) throw error;
        retries += 1;
        await sleep(retryPauseMs);
      }
    }
  }
  return { acked, retries };
}

describe.skipIf(!natsAvailable())("jetstream crash: SIGKILL of the R3 stream leader under load", () => {
  let servers: NatsServers;
  let connection: NatsConnection;
  let store: EventStore;

  beforeAll(async () => {
    servers = await startNatsCluster(3);
    connection = await connect({
      servers: servers.servers,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 100,
    });
    store = await openJetStreamEventStore({ connection, streamName, replicas: 3, publishTimeoutMs: 1_000 });
  });
  afterAll(async () => {
    await store?.close();
    await connection?.close();
    await servers?.stop();
  });

  it("loses no acknowledged append and duplicates none", async () => {
    let running = true;
    const streams = Array.from({ length: exactAppenders + anyAppenders }, (_, i) => `crash-${i}`);
    const work = streams.map((stream, i) => appender(store, stream, i < exactAppenders, () => running));

    await sleep(loadBeforeKillMs);
    const jsm = await jetstreamManager(connection);
    const leaderName = (await jsm.streams.info(streamName)).cluster?.leader;
    const leader = servers.nodes.find((node) => node.name === leaderName);
    expect(leader).toBeDefined();
    await leader!.kill();
    await sleep(downMs);
    await leader!.restart();
    await sleep(loadAfterRestartMs);
    running = false;
    const outcomes = await Promise.all(work);

    let total = 0;
    for (const [i, stream] of streams.entries()) {
      const { acked } = outcomes[i]!;
      expect(acked.length).toBeGreaterThan(0);
      const read = await store.readStream(stream);
      expect(read.map((e) => e.revision)).toEqual(read.map((_, r) => BigInt(r)));
      // The stream is exactly the acked commits, each once, in the order they were acked.
      const expectedCommits = acked.flatMap((a) => Array.from({ length: a.count }, () => a.commitId));
      expect(read.map((e) => e.commitId)).toEqual(expectedCommits);
      expect(acked.map((a) => a.lastRevision)).toEqual(
        acked.map((_, k) => BigInt(acked.slice(0, k + 1).reduce((sum, a) => sum + a.count, 0) - 1)),
      );
      total += read.length;
    }
    const retries = outcomes.reduce((sum, o) => sum + o.retries, 0);
    console.log(`crash test: leader ${leaderName} killed; ${total} events acked, ${retries} retried appends`);

    let inLog = 0;
    const controller = new AbortController();
    for await (const item of store.subscribeToAll({ signal: controller.signal })) {
      if (item.kind === "caughtUp") break;
      inLog += 1;
    }
    expect(inLog).toBe(total);
  });
});
