// The EventStore port: esdb semantics (streams with revisions, optimistic concurrency, a totally
// ordered global log) shared by every adapter. Revisions start at 0 within a stream; positions
// are totally ordered bigints over the whole store (strictly increasing, not necessarily dense or
// starting at 0). test/conformance.ts is the executable definition of these semantics; the
// package README lists the decisions (zero-event appends, missing streams, commit id reuse).

/** What a caller appends: a type and a JSON-serialisable payload (plus optional metadata). */
export interface EventData {
  readonly type: string;
  readonly data: unknown;
  readonly metadata?: Record<string, unknown>;
}

/** An event as stored. `position` is the global order; events of one append share `commitId`. */
export interface RecordedEvent {
  readonly stream: string;
  readonly revision: bigint;
  readonly position: bigint;
  readonly type: string;
  readonly data: unknown;
  readonly metadata?: Record<string, unknown>;
  readonly commitId: string;
}

/** bigint: the stream's last revision must equal it; the others as in esdb. */
export type ExpectedRevision = bigint | "no_stream" | "stream_exists" | "any";

export interface AppendOptions {
  /** Default "any". */
  readonly expectedRevision?: ExpectedRevision;
  /**
   * Idempotency key: appending again with the same commitId returns the first result, whatever
   * the stream, events or expected revision of the retry (esdb-like; nothing new is written).
   * Only a successful append claims its commitId: a rejected one may be retried with it.
   */
  readonly commitId: string;
}

export interface AppendResult {
  /** Revision of the last event written. */
  readonly nextExpectedRevision: bigint;
  /** Global position of the last event written. */
  readonly position: bigint;
}

/** Reading a stream that has no events throws StreamNotFound (esdb-like). */
export interface ReadStreamOptions {
  /** Inclusive. Default "start" forwards, "end" backwards. Past the end: an empty array. */
  readonly fromRevision?: bigint | "start" | "end";
  readonly maxCount?: number;
  readonly backwards?: boolean;
}

export interface SubscribeToAllOptions {
  /** Resume strictly after this position; omitted = from the beginning. */
  readonly after?: bigint;
  /** Only events whose stream name starts with one of these prefixes. */
  readonly streamPrefixes?: readonly string[];
  readonly signal?: AbortSignal;
}

/**
 * Delivered by a subscription: events in position order, and exactly one `caughtUp` marker when
 * the subscription has delivered everything that was in the store when it reached the head. Its
 * position is the larger of `after` and the store's last position at that moment (undefined if
 * both are absent): a consumer may checkpoint it even if the filter matched nothing.
 */
export type SubscriptionItem =
  | { readonly kind: "event"; readonly event: RecordedEvent }
  | { readonly kind: "caughtUp"; readonly position: bigint | undefined };

/**
 * Appends are atomic (all events of one call or none) and durable when they resolve. An append
 * with zero events is rejected with InvalidAppend ("no_events"), as is an empty stream name or
 * commitId. The iterable returned by subscribeToAll ends when its signal aborts, when the
 * consumer stops iterating, or when the store closes.
 */
export interface EventStore {
  /**
   * The largest append this store takes, as the bytes of its events' JSON (what encodeAppend
   * returns); a larger one is refused with InvalidAppend("too_large") and writes nothing. Writers
   * that group work into one append (the core's group commit) size their appends by it.
   */
  readonly maxAppendBytes: number;
  append(stream: string, events: readonly EventData[], options: AppendOptions): Promise<AppendResult>;
  readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  subscribeToAll(options?: SubscribeToAllOptions): AsyncIterable<SubscriptionItem>;
  close(): Promise<void>;
}

export class WrongExpectedRevision extends Error {
  override readonly name = "WrongExpectedRevision";
  constructor(
    readonly stream: string,
    readonly expected: ExpectedRevision,
    /** The stream's last revision, or "no_stream". */
    readonly actual: bigint | "no_stream",
  ) {
    super(`stream ${stream}: expected revision ${String(expected)}, actual ${String(actual)}`);
  }
}

/** readStream on a stream that has no events. */
export class StreamNotFound extends Error {
  override readonly name = "StreamNotFound";
  constructor(readonly stream: string) {
    super(`stream ${stream} not found`);
  }
}

export type InvalidAppendReason =
  | "no_events"
  | "empty_stream"
  | "empty_commit_id"
  | "bad_event"
  | "too_large";

/** An append that can never succeed as given; nothing was written. */
export class InvalidAppend extends Error {
  override readonly name = "InvalidAppend";
  constructor(
    readonly reason: InvalidAppendReason,
    detail: string,
  ) {
    super(`invalid append (${reason}): ${detail}`);
  }
}

/** Any call on a store after close() started. */
export class EventStoreClosed extends Error {
  override readonly name = "EventStoreClosed";
  constructor() {
    super("event store is closed");
  }
}

/**
 * The input rules every adapter applies before anything else, so they reject alike. Returns the
 * events serialised as a JSON array (the canonical stored form: what reads give back is
 * JSON.parse of it, so every adapter returns the same shapes).
 */
export function encodeAppend(stream: string, events: readonly EventData[], options: AppendOptions): string {
  if (stream.length === 0) throw new InvalidAppend("empty_stream", "stream name is empty");
  if (options.commitId.length === 0) throw new InvalidAppend("empty_commit_id", "commitId is empty");
  if (events.length === 0) throw new InvalidAppend("no_events", `append to ${stream} has no events`);
  for (const event of events) {
    if (typeof event.type !== "string" || event.type.length === 0) {
      throw new InvalidAppend("bad_event", `event in ${stream} has no type`);
    }
  }
  try {
    if (!events.some((event) => event.data instanceof EncodedJson)) {
      return JSON.stringify(events.map(({ type, data, metadata }) => ({ type, data, metadata })));
    }
    // The same text JSON.stringify writes for the plain form, with the encoded data spliced in.
    const parts = events.map(({ type, data, metadata }) => {
      const head = `{"type":${JSON.stringify(type)}`;
      const tail = metadata === undefined ? "}" : `,"metadata":${JSON.stringify(metadata)}}`;
      const body = data instanceof EncodedJson ? data.json : JSON.stringify(data);
      return body === undefined ? head + tail : `${head},"data":${body}${tail}`;
    });
    return `[${parts.join(",")}]`;
  } catch (error) {
    throw new InvalidAppend("bad_event", `events of ${stream} are not JSON: ${String(error)}`);
  }
}

/**
 * Event data its writer has already serialised (with JSON.stringify), so a writer that must
 * measure its record before appending it (the core's group commit) encodes it once, not twice.
 * Stored and read back exactly as the value it encodes: reads return JSON.parse of the text.
 */
export class EncodedJson {
  /** The UTF-8 length of `json`, what the store's maxAppendBytes is counted in. */
  readonly bytes: number;
  constructor(readonly json: string) {
    this.bytes = Buffer.byteLength(json);
  }
}
