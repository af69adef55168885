// The memory adapter, for unit tests: the shared StoreIndex holding each append's serialised
// events, parsed on every read, so reads return the same shapes as the persistent adapters and
// callers cannot mutate stored events through their own objects. Parsing on read, not on append,
// keeps appends as cheap as the persistent adapters' (the core bench's no-disk reference runs on
// this store).
import {
  type AppendOptions,
  type AppendResult,
  type EventData,
  type EventStore,
  EventStoreClosed,
  encodeAppend,
  InvalidAppend,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeToAllOptions,
  type SubscriptionItem,
} from "../port.ts";
import { type IndexedCommit, payloadArray, resultOf, StoreIndex } from "./store-index.ts";

/** An append as this adapter keeps it: its commit id and its events' JSON. */
interface KeptAppend {
  readonly commitId: string;
  readonly json: string;
}

const loadEvents = ({ payload }: IndexedCommit<KeptAppend>) => ({
  commitId: payload.commitId,
  events: JSON.parse(payload.json) as EventData[],
});

class MemoryEventStore implements EventStore {
  private readonly index = new StoreIndex<KeptAppend>(payloadArray());
  private closed = false;

  constructor(readonly maxAppendBytes: number) {}

  async append(stream: string, events: readonly EventData[], options: AppendOptions): Promise<AppendResult> {
    if (this.closed) throw new EventStoreClosed();
    const json = encodeAppend(stream, events, options);
    if (this.maxAppendBytes !== Number.POSITIVE_INFINITY && Buffer.byteLength(json) > this.maxAppendBytes) {
      throw new InvalidAppend("too_large", `append to ${stream} exceeds ${this.maxAppendBytes} bytes`);
    }
    const previous = this.index.resultOf(options.commitId);
    if (previous) return previous;
    const planned = this.index
      .planner()
      .plan(stream, options.expectedRevision ?? "any", options.commitId, events.length);
    this.index.add([{ ...planned, payload: { commitId: options.commitId, json } }]);
    return resultOf(planned);
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    if (this.closed) throw new EventStoreClosed();
    return this.index.readStream(stream, options, loadEvents);
  }

  subscribeToAll(options: SubscribeToAllOptions = {}): AsyncIterable<SubscriptionItem> {
    if (this.closed) throw new EventStoreClosed();
    return this.index.subscribe(options, loadEvents);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.index.end();
  }
}

export interface MemoryEventStoreOptions {
  /** Refuse appends larger than this (unbounded by default), to test writers against a limit. */
  readonly maxAppendBytes?: number;
}

export function createMemoryEventStore(options: MemoryEventStoreOptions = {}): EventStore {
  return new MemoryEventStore(options.maxAppendBytes ?? Number.POSITIVE_INFINITY);
}
