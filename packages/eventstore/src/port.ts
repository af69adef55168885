// The EventStore port: esdb semantics (streams with revisions, optimistic concurrency, a totally
// ordered global log) shared by every adapter. Revisions start at 0 within a stream; positions
// are totally ordered bigints over the whole store.

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
  readonly expectedRevision?: ExpectedRevision;
  /** Idempotency key: appending again with the same commitId returns the first result. */
  readonly commitId: string;
}

export interface AppendResult {
  /** Revision of the last event written. */
  readonly nextExpectedRevision: bigint;
  /** Global position of the last event written. */
  readonly position: bigint;
}

export interface ReadStreamOptions {
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

/** Delivered by a subscription: events in position order, and one marker when caught up. */
export type SubscriptionItem =
  | { readonly kind: "event"; readonly event: RecordedEvent }
  | { readonly kind: "caughtUp"; readonly position: bigint | undefined };

export interface EventStore {
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
