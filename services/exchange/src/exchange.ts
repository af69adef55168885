// The embedded exchange, wired in one place:
//
//   file event store (dataDir/events) ─► core (journal-before-ack, snapshots in dataDir/snapshots)
//        │                                  ▲ commands
//        └─ core-events ─► market-data feed │
//                       └► index projection ─► feed `index` channel, stream `ghx-index` (durable)
//                              │            │
//   fastify :8080 ── gateway REST + WS order entry, market-data REST snapshots + WS feed,
//                    index history /v1/index/:class/:zone
//
// First start creates the operator account and its key file (0600) in the data directory.
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { type CoreClient, commandEvents, type EventsRecord, startEmbeddedCore } from "@ghx/core-service";
import { type EventStore, openFileEventStore } from "@ghx/eventstore";
import {
  buildGateway,
  embeddedCorePort,
  ensureOperatorKey,
  type Gateway,
  type GatewayOptions,
  operatorKeyFileName,
} from "@ghx/gateway";
import { IndexJournal, IndexProjection, indexPlugin } from "@ghx/index";
import { type CommandEvents, followCoreEvents, MarketFeed, marketDataPlugin } from "@ghx/market-data";

export interface ExchangeOptions {
  readonly dataDir: string;
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly logger?: GatewayOptions["logger"];
}

export interface Exchange {
  readonly url: string;
  readonly dataDir: string;
  readonly operatorKeyFile: string;
  readonly operatorKeyCreated: boolean;
  readonly core: CoreClient;
  readonly gateway: Gateway;
  readonly feed: MarketFeed;
  readonly index: IndexProjection;
  close(): Promise<void>;
}

export async function startExchange(options: ExchangeOptions): Promise<Exchange> {
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const store = await openFileEventStore(join(dataDir, "events"));
  const stops: (() => Promise<void> | void)[] = [() => store.close()];
  const stop = async () => {
    for (const step of stops.reverse()) await step();
  };
  try {
    const core = await startEmbeddedCore({ dataDir, store });
    stops.push(() => core.close());
    const feed = new MarketFeed();
    const index = new IndexProjection();
    const indexJournal = await IndexJournal.open(store, (error) =>
      console.error(`index: publications are no longer journaled: ${error.message}`),
    );
    const following = followProjections(store, core, (command) => {
      feed.ingest(command);
      const published = index.apply(command);
      for (const value of published) feed.publishIndex(value.key, value);
      indexJournal.append(published);
    });
    stops.push(
      () => indexJournal.flushed(),
      () => following.stop(),
    );
    const corePort = embeddedCorePort(core);
    const operatorKeyFile = join(dataDir, operatorKeyFileName);
    const { created } = await ensureOperatorKey(corePort, operatorKeyFile);
    const gateway = await buildGateway({
      core: corePort,
      logger: options.logger ?? false,
      mount: async (app) => {
        await app.register(marketDataPlugin, { feed });
        await app.register(indexPlugin, { index });
      },
      ready: following.caughtUp,
    });
    stops.push(
      () => feed.close(),
      () => gateway.app.close(),
    );
    const url = await gateway.app.listen({ host: options.host ?? "127.0.0.1", port: options.port });
    return {
      url,
      dataDir,
      operatorKeyFile,
      operatorKeyCreated: created,
      core,
      gateway,
      feed,
      index,
      close: stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The projections' input: `core-events` from the store up to the present (what a restart has to
 * rebuild), then the live tail straight from the core as it publishes each record, so live
 * events are not read back from disk, parsed and validated a second time in the same process.
 * The core's listener is attached before the store is read, so every record is seen by one of
 * the two; a record seen by both is passed on once (by sequence number).
 */
function followProjections(store: EventStore, core: CoreClient, onCommand: (command: CommandEvents) => void) {
  const abort = new AbortController();
  let caughtUp = false;
  let lastSeq = 0;
  const early: EventsRecord[] = [];
  const deliver = (command: CommandEvents) => {
    if (command.seq <= lastSeq) return;
    lastSeq = command.seq;
    onCommand(command);
  };
  const unsubscribe = core.onEvents((record) => {
    if (!caughtUp) early.push(record);
    else for (const command of commandEvents(record)) deliver(command);
  });
  const done = followCoreEvents(store, {
    signal: abort.signal,
    onCommand: deliver,
    onCaughtUp: () => {
      abort.abort();
      for (const record of early.splice(0)) for (const command of commandEvents(record)) deliver(command);
      caughtUp = true;
    },
  });
  return {
    caughtUp: () => caughtUp,
    async stop() {
      unsubscribe();
      abort.abort();
      await done.catch((error: unknown) => {
        if (!abort.signal.aborted) throw error;
      });
    },
  };
}
