// The EventStore port over KurrentDB (EventStoreDB's successor), whose semantics it mirrors:
// stream states for expected revisions, $all positions, server-side stream-prefix filters.
// Idempotency rests on event ids derived from the commit id (mapping.ts). An optional stream
// namespace lets several logical stores share one database.
import {
  BACKWARDS,
  END,
  excludeSystemEvents,
  FORWARDS,
  jsonEvent,
  KurrentDBClient,
  type ResolvedEvent,
  START,
  StreamNotFoundError,
  streamNameFilter,
  WrongExpectedVersionError,
} from "@kurrent/kurrentdb-client";
import {
  type AppendOptions,
  type AppendResult,
  type EventData,
  type EventStore,
  EventStoreClosed,
  encodeAppend,
  type ReadStreamOptions,
  type RecordedEvent,
  StreamNotFound,
  type SubscribeToAllOptions,
  type SubscriptionItem,
  WrongExpectedRevision,
} from "../port.ts";
import {
  eventIdOf,
  type KurrentRecorded,
  packPosition,
  type StoredMetadata,
  storedData,
  streamStateOf,
  toRecordedEvent,
  unpackPosition,
} from "./mapping.ts";
import { subscriptionItems } from "./subscription.ts";

export interface KurrentDbEventStoreOptions {
  /** A KurrentDB connection string, e.g. "kurrentdb://localhost:2113?tls=false". */
  readonly connectionString: string;
  /** Prepended to every stream name in the database; reads strip it. Default "". */
  readonly streamNamespace?: string;
}

/** How far back a conflicting append looks for its own commit (a retry outside esdb's id cache). */
const retryLookbackEvents = 256;

/** KurrentDB's default MaxAppendSize (1 MiB); a server configured larger still takes this. */
const kurrentDbAppendBytesMax = 1_048_576;

export class KurrentDbEventStore implements EventStore {
  readonly maxAppendBytes = kurrentDbAppendBytesMax;
  private closed = false;
  private readonly subscriptions = new Set<AbortController>();

  constructor(
    private readonly client: KurrentDBClient,
    private readonly namespace: string,
  ) {}

  async append(stream: string, events: readonly EventData[], options: AppendOptions): Promise<AppendResult> {
    this.assertOpen();
    const canonical = JSON.parse(encodeAppend(stream, events, options)) as EventData[];
    const expected = options.expectedRevision ?? "any";
    const written = canonical.map((event, index) => {
      const { data, wrapped } = storedData(event.data);
      const metadata: StoredMetadata = {
        commitId: options.commitId,
        ...(event.metadata === undefined ? {} : { metadata: event.metadata }),
        ...(wrapped ? { wrapped: true as const } : {}),
      };
      return jsonEvent({
        id: eventIdOf(options.commitId, index),
        type: event.type,
        data,
        metadata: { ...metadata },
      });
    });
    try {
      const result = await this.client.appendToStream(this.namespace + stream, written, {
        streamState: streamStateOf(expected),
      });
      if (!result.position) throw new Error(`KurrentDB returned no position for the append to ${stream}`);
      return { nextExpectedRevision: result.nextExpectedRevision, position: packPosition(result.position) };
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError)) throw error;
      const earlier = await this.findCommit(stream, options.commitId);
      if (earlier) return earlier;
      const actual = error.actualState;
      throw new WrongExpectedRevision(stream, expected, typeof actual === "bigint" ? actual : "no_stream");
    }
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const maxCount = options.maxCount ?? Number.MAX_SAFE_INTEGER;
    if (!(maxCount >= 0)) throw new RangeError(`maxCount must be >= 0, got ${maxCount}`);
    const backwards = options.backwards === true;
    const from = options.fromRevision ?? (backwards ? "end" : "start");
    const events = await this.read(stream, {
      direction: backwards ? BACKWARDS : FORWARDS,
      fromRevision: from === "start" ? START : from === "end" ? END : from,
      // maxCount 0 still has to tell a missing stream apart: read one, return none.
      maxCount: maxCount === 0 ? 1 : maxCount,
    });
    return maxCount === 0 ? [] : events;
  }

  async *subscribeToAll(options: SubscribeToAllOptions = {}): AsyncGenerator<SubscriptionItem> {
    this.assertOpen();
    const { after, signal } = options;
    if (signal?.aborted) return;
    const prefixes = (options.streamPrefixes?.length ? options.streamPrefixes : [""]).map(
      (p) => this.namespace + p,
    );
    const filter =
      prefixes.length === 1 && prefixes[0] === "" ? excludeSystemEvents() : streamNameFilter({ prefixes });
    const subscription = this.client.subscribeToAll({
      fromPosition: after === undefined ? START : unpackPosition(after),
      filter,
    });
    const stopper = new AbortController();
    const stop = () => stopper.abort();
    signal?.addEventListener("abort", stop, { once: true });
    this.subscriptions.add(stopper);
    try {
      for await (const item of subscriptionItems(subscription, stopper.signal)) {
        if (item.kind === "caughtUp") {
          yield { kind: "caughtUp", position: largest(after, item.position) };
          continue;
        }
        const event = this.fromResolved(item.event);
        if (event && (after === undefined || event.position > after)) yield { kind: "event", event };
      }
    } finally {
      signal?.removeEventListener("abort", stop);
      this.subscriptions.delete(stopper);
      await subscription.unsubscribe();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const subscription of this.subscriptions) subscription.abort();
    await this.client.dispose();
  }

  private assertOpen(): void {
    if (this.closed) throw new EventStoreClosed();
  }

  private async read(
    stream: string,
    options: Parameters<KurrentDBClient["readStream"]>[1],
  ): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(this.namespace + stream, options)) {
        const event = this.fromResolved(resolved);
        if (event) events.push(event);
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) throw new StreamNotFound(stream);
      throw error;
    }
    return events;
  }

  /** The result of an earlier append of this commit near the stream's end, if there is one. */
  private async findCommit(stream: string, commitId: string): Promise<AppendResult | undefined> {
    const recent = await this.read(stream, {
      direction: BACKWARDS,
      fromRevision: END,
      maxCount: retryLookbackEvents,
    }).catch((error: unknown) => {
      if (error instanceof StreamNotFound) return [];
      throw error;
    });
    const last = recent.find((event) => event.commitId === commitId);
    return last && { nextExpectedRevision: last.revision, position: last.position };
  }

  private fromResolved(resolved: ResolvedEvent): RecordedEvent | undefined {
    const event = resolved.event;
    if (!event?.streamId.startsWith(this.namespace)) return undefined;
    return toRecordedEvent(event as KurrentRecorded, event.streamId.slice(this.namespace.length));
  }
}

function largest(a: bigint | undefined, b: bigint | undefined): bigint | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a > b ? a : b;
}

export async function openKurrentDbEventStore(
  options: KurrentDbEventStoreOptions,
): Promise<KurrentDbEventStore> {
  const client = KurrentDBClient.connectionString(options.connectionString);
  return new KurrentDbEventStore(client, options.streamNamespace ?? "");
}
