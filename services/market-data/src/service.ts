// The standalone market-data service (distributed mode): follows the event store (core-events,
// and the index's journal `ghx-index` for the index channel and the futures' settlement prices),
// keeps the projections, checkpoints them to a file now and then, and serves REST and the feed on
// its own port. Restart = load the checkpoint, then the event log after its position.
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { EventStore, RecordedEvent } from "@ghx/eventstore";
import Fastify, { type FastifyInstance } from "fastify";
import { MarketFeed, type MarketFeedOptions } from "./feed/feed.ts";
import { marketDataPlugin } from "./http/routes.ts";
import { checkpointEveryEvents } from "./limits.ts";
import { AccountProjection, type AccountsCheckpoint } from "./projections/accounts.ts";
import { type MarketCheckpoint, MarketProjection } from "./projections/market.ts";
import { indexPublicationSchema, indexStream } from "./projections/settlement.ts";
import { followCoreEvents } from "./source.ts";

export interface ServiceCheckpoint {
  readonly version: 1;
  /** Store position of the last events record fully applied. */
  readonly position: string;
  readonly market: MarketCheckpoint;
  readonly accounts: AccountsCheckpoint;
}

export interface MarketDataServiceOptions {
  readonly store: EventStore;
  /** Where the checkpoint file lives; none = always rebuild from the start of the log. */
  readonly dataDir?: string;
  readonly host?: string;
  readonly port?: number;
  readonly checkpointEveryEvents?: number;
  readonly feed?: Omit<MarketFeedOptions, "market" | "accounts">;
}

export interface MarketDataService {
  readonly feed: MarketFeed;
  readonly app: FastifyInstance;
  readonly url: string;
  /** Resolves once the feed has applied everything that was in the store at start. */
  readonly caughtUp: Promise<void>;
  /** Store position of the last record applied. */
  position(): bigint | undefined;
  checkpoint(): Promise<void>;
  close(): Promise<void>;
}

/** An IndexPublished event of the index's journal; a malformed one stops the service (zod error). */
function publishIndexEvent(feed: MarketFeed, event: RecordedEvent): void {
  const publication = indexPublicationSchema.parse(event.data);
  feed.publishIndex(publication.key, publication);
}

const checkpointFile = (dataDir: string) => join(dataDir, "market-data.checkpoint.json");

async function loadCheckpoint(dataDir: string | undefined): Promise<ServiceCheckpoint | undefined> {
  if (!dataDir || !existsSync(checkpointFile(dataDir))) return undefined;
  const checkpoint = JSON.parse(await readFile(checkpointFile(dataDir), "utf8")) as ServiceCheckpoint;
  if (checkpoint.version !== 1)
    throw new Error(`unknown market-data checkpoint version ${checkpoint.version}`);
  return checkpoint;
}

export async function startMarketDataService(options: MarketDataServiceOptions): Promise<MarketDataService> {
  const saved = await loadCheckpoint(options.dataDir);
  const feed = new MarketFeed({
    ...options.feed,
    ...(saved
      ? {
          market: MarketProjection.restore(saved.market),
          accounts: AccountProjection.restore(saved.accounts),
        }
      : {}),
  });
  let position = saved ? BigInt(saved.position) : undefined;
  let sinceCheckpoint = 0;
  let writing: Promise<void> = Promise.resolve();

  const checkpoint = (): Promise<void> => {
    if (!options.dataDir || position === undefined) return writing;
    // Serialised now, at a record boundary; written after any write still in flight.
    const text = JSON.stringify({
      version: 1,
      position: String(position),
      market: feed.market.checkpoint(),
      accounts: feed.accounts.checkpoint(),
    } satisfies ServiceCheckpoint);
    const dir = options.dataDir;
    writing = writing.then(async () => {
      await mkdir(dir, { recursive: true });
      await writeFile(`${checkpointFile(dir)}.tmp`, text);
      await rename(`${checkpointFile(dir)}.tmp`, checkpointFile(dir));
    });
    return writing;
  };

  const app = Fastify({ logger: false });
  await app.register(marketDataPlugin, { feed });
  const url = await app.listen({ host: options.host ?? "127.0.0.1", port: options.port ?? 0 });

  const abort = new AbortController();
  let markCaughtUp: () => void = () => {};
  const caughtUp = new Promise<void>((resolve) => {
    markCaughtUp = resolve;
  });
  const every = options.checkpointEveryEvents ?? checkpointEveryEvents;
  const following = followCoreEvents(options.store, {
    ...(position === undefined ? {} : { after: position }),
    signal: abort.signal,
    otherPrefixes: [indexStream],
    onCommand: (command) => {
      feed.ingest(command);
      sinceCheckpoint += command.events.length;
    },
    onRecordApplied: (at) => {
      position = at;
      if (sinceCheckpoint < every) return;
      sinceCheckpoint = 0;
      void checkpoint();
    },
    // Position moves only with core-events records: index publications after the checkpoint's
    // position are applied again after a restart, which changes nothing.
    onOther: (event) => {
      if (event.stream === indexStream) publishIndexEvent(feed, event);
    },
    onCaughtUp: () => markCaughtUp(),
  }).catch((error: unknown) => {
    if (!abort.signal.aborted) throw error;
  });

  return {
    feed,
    app,
    url,
    caughtUp,
    position: () => position,
    checkpoint,
    async close() {
      abort.abort();
      await following.catch(() => {});
      await checkpoint();
      feed.close();
      await app.close();
    },
  };
}
