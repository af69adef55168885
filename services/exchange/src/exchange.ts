// The embedded exchange, wired in one place:
//
//   file event store (dataDir/events) ─► core (journal-before-ack, snapshots in dataDir/snapshots)
//        │                                  ▲ commands
//        └─ core-events ─► market-data feed │
//                              │            │
//   fastify :8080 ── gateway REST + WS order entry, market-data REST snapshots + WS feed
//
// First start creates the operator account and its key file (0600) in the data directory.
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { type CoreClient, startEmbeddedCore } from "@ghx/core-service";
import { type EventStore, openFileEventStore } from "@ghx/eventstore";
import {
  buildGateway,
  embeddedCorePort,
  ensureOperatorKey,
  type Gateway,
  type GatewayOptions,
  operatorKeyFileName,
} from "@ghx/gateway";
import { followCoreEvents, MarketFeed, marketDataPlugin } from "@ghx/market-data";

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
    const following = followFeed(store, feed);
    stops.push(() => following.stop());
    const corePort = embeddedCorePort(core);
    const operatorKeyFile = join(dataDir, operatorKeyFileName);
    const { created } = await ensureOperatorKey(corePort, operatorKeyFile);
    const gateway = await buildGateway({
      core: corePort,
      logger: options.logger ?? false,
      mount: async (app) => {
        await app.register(marketDataPlugin, { feed });
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
      close: stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The feed replays `core-events` from the start, then follows live; stop() ends it. */
function followFeed(store: EventStore, feed: MarketFeed) {
  const abort = new AbortController();
  let caughtUp = false;
  const done = followCoreEvents(store, {
    signal: abort.signal,
    onCommand: (command) => feed.ingest(command),
    onCaughtUp: () => {
      caughtUp = true;
    },
  });
  return {
    caughtUp: () => caughtUp,
    async stop() {
      abort.abort();
      await done.catch((error: unknown) => {
        if (!abort.signal.aborted) throw error;
      });
    },
  };
}
