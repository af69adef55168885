// The EventStore port over NATS JetStream. One JetStream stream holds every event-store stream,
// one subject per event-store stream (subjects.ts), one message per append (codec.ts), global
// positions derived from stream sequences (positions.ts). Appends state the subject's expected
// last sequence so JetStream itself enforces optimistic concurrency, and carry the commit id as
// Nats-Msg-Id so JetStream drops retries within its duplicate window.
import { JetStreamApiError, type JetStreamClient, jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import {
  type AppendOptions,
  type AppendResult,
  type EventData,
  type EventStore,
  EventStoreClosed,
  type ExpectedRevision,
  encodeAppend,
  InvalidAppend,
  type ReadStreamOptions,
  type RecordedEvent,
  StreamNotFound,
  type SubscribeToAllOptions,
  type SubscriptionItem,
  WrongExpectedRevision,
} from "../port.ts";
import {
  decodeMessage,
  encodeCommitId,
  encodeHeaders,
  lastRevisionOf,
  type MessageSpan,
  type StoredMessage,
  spanOf,
} from "./codec.ts";
import { StreamMessages } from "./messages.ts";
import { eventsPerAppendMax, positionOf, sequenceOf } from "./positions.ts";
import { checkServer, ensureStream, type JetStreamStreamOptions } from "./server.ts";
import { prefixFilterSubject, streamSubject, subjectStream } from "./subjects.ts";
import { type StreamTail, TailCache } from "./tail-cache.ts";

export interface JetStreamEventStoreOptions extends Partial<JetStreamStreamOptions> {
  /** Client URLs of the NATS servers; ignored when `connection` is given. */
  readonly servers?: string | string[];
  /** A connection to share; close() then leaves it open. */
  readonly connection?: NatsConnection;
  /** How long one publish waits for its ack. Default 5 s. */
  readonly publishTimeoutMs?: number;
  /** Streams whose last message is cached. Default 100,000. */
  readonly streamsCachedMax?: number;
}

const defaults = {
  streamName: "GHX_EVENTS",
  subjectPrefix: "ghx.es",
  replicas: 1,
  duplicateWindowMs: 120_000,
  compression: false,
  publishTimeoutMs: 5_000,
  streamsCachedMax: 100_000,
} as const;

/** Bounds the optimistic retries of one append against writers in other processes. */
const appendAttemptsMax = 32;
/**
 * An expected last sequence no subject can have: sent when the expected revision already does
 * not match, so the publish is rejected unless JetStream recognises the commit id as a duplicate
 * (it checks duplicates before expectations). Thus a retry of a successful append returns its
 * first result whatever its expected revision, and a rejected append claims nothing.
 */
const unmatchableSequence = Number.MAX_SAFE_INTEGER;
const wrongLastSequenceCode = 10071;

type PublishOutcome =
  | { readonly kind: "written"; readonly span: MessageSpan }
  | { readonly kind: "duplicate"; readonly sequence: number }
  | { readonly kind: "wrong_last_sequence" };

function satisfies(expected: ExpectedRevision, tail: StreamTail): boolean {
  if (expected === "any") return true;
  if (expected === "no_stream") return tail === null;
  if (expected === "stream_exists") return tail !== null;
  return tail !== null && lastRevisionOf(tail) === expected;
}

function resultOf(span: MessageSpan): AppendResult {
  return { nextExpectedRevision: lastRevisionOf(span), position: positionOf(span.sequence, span.count - 1) };
}

function lastPositionOf(message: StoredMessage | null): bigint | undefined {
  return message ? positionOf(message.seq, spanOf(message).count - 1) : undefined;
}

function largest(values: readonly (bigint | undefined)[]): bigint | undefined {
  let result: bigint | undefined;
  for (const value of values)
    if (value !== undefined && (result === undefined || value > result)) result = value;
  return result;
}

/** Headers count against max_payload: Nats-Msg-Id (the commit id) and the expectation headers. */
const headersBytesAllowance = 4_096;

export class JetStreamEventStore implements EventStore {
  private closed = false;
  private readonly tails: TailCache;
  private readonly appendQueues = new Map<string, Promise<void>>();
  private readonly liveSubscriptions = new Set<() => void>();

  constructor(
    private readonly nc: NatsConnection,
    private readonly ownsConnection: boolean,
    private readonly js: JetStreamClient,
    private readonly messages: StreamMessages,
    private readonly options: JetStreamStreamOptions & { publishTimeoutMs: number; streamsCachedMax: number },
  ) {
    this.tails = new TailCache(options.streamsCachedMax);
  }

  /** The server's max_payload (it may change on a reconnect), less room for the message headers. */
  get maxAppendBytes(): number {
    const maxPayload = this.nc.info?.max_payload;
    return maxPayload === undefined ? Number.POSITIVE_INFINITY : maxPayload - headersBytesAllowance;
  }

  async append(stream: string, events: readonly EventData[], options: AppendOptions): Promise<AppendResult> {
    this.assertOpen();
    const payload = encodeAppend(stream, events, options);
    this.assertFits(stream, events.length, payload);
    const subject = streamSubject(this.options.subjectPrefix, stream);
    return this.serialised(stream, () => this.appendNow(stream, subject, payload, events.length, options));
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const maxCount = options.maxCount ?? Number.POSITIVE_INFINITY;
    if (!(maxCount >= 0)) throw new RangeError(`maxCount must be >= 0, got ${maxCount}`);
    const subject = streamSubject(this.options.subjectPrefix, stream);
    const tail = await this.freshTail(stream, subject);
    if (!tail) throw new StreamNotFound(stream);
    if (maxCount === 0) return [];
    return options.backwards
      ? this.readBackwards(stream, subject, tail, options.fromRevision ?? "end", maxCount)
      : this.readForwards(stream, subject, tail, options.fromRevision ?? "start", maxCount);
  }

  async *subscribeToAll(options: SubscribeToAllOptions = {}): AsyncGenerator<SubscriptionItem> {
    this.assertOpen();
    const { after, streamPrefixes, signal } = options;
    if (signal?.aborted) return;
    const everything = `${this.options.subjectPrefix}.>`;
    const filter = prefixFilterSubject(this.options.subjectPrefix, streamPrefixes);
    // The store head first, then the filter head, so nothing matching lies between them.
    const storeHead = await this.messages.last(everything);
    const filterHead = filter === everything ? storeHead : await this.messages.last(filter);
    const caughtUpPosition = largest([after, lastPositionOf(storeHead), lastPositionOf(filterHead)]);
    const startSequence = after === undefined ? 1 : sequenceOf(after);
    const headSequence = filterHead?.seq ?? 0;
    let caughtUp = headSequence < startSequence;
    if (caughtUp) yield { kind: "caughtUp", position: caughtUpPosition };

    const consumer = await this.js.consumers.get(this.options.streamName, {
      filter_subjects: filter,
      opt_start_seq: startSequence,
    });
    const delivered = await consumer.consume({ max_messages: 512 });
    const stop = () => delivered.stop();
    signal?.addEventListener("abort", stop, { once: true });
    this.liveSubscriptions.add(stop);
    if (signal?.aborted || this.closed) stop();
    try {
      for await (const m of delivered) {
        const stream = subjectStream(this.options.subjectPrefix, m.subject);
        if (!streamPrefixes?.length || streamPrefixes.some((prefix) => stream.startsWith(prefix))) {
          for (const event of decodeMessage(stream, m)) {
            if (after === undefined || event.position > after) yield { kind: "event", event };
          }
        }
        if (!caughtUp && m.seq >= headSequence) {
          caughtUp = true;
          yield { kind: "caughtUp", position: caughtUpPosition };
        }
      }
    } finally {
      signal?.removeEventListener("abort", stop);
      this.liveSubscriptions.delete(stop);
      await delivered.close();
      consumer.delete().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const stop of this.liveSubscriptions) stop();
    await Promise.allSettled([...this.appendQueues.values()]);
    if (this.ownsConnection) await this.nc.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new EventStoreClosed();
  }

  private assertFits(stream: string, count: number, payload: string): void {
    if (count > eventsPerAppendMax) {
      throw new InvalidAppend(
        "too_large",
        `${count} events in one append to ${stream}, at most ${eventsPerAppendMax}`,
      );
    }
    const bytes = Buffer.byteLength(payload);
    if (bytes > this.maxAppendBytes) {
      throw new InvalidAppend(
        "too_large",
        `append to ${stream} is ${bytes} bytes, the server takes ${this.maxAppendBytes}`,
      );
    }
  }

  /** Appends of one stream run one after another in this process: no self-inflicted conflicts. */
  private serialised<T>(stream: string, task: () => Promise<T>): Promise<T> {
    const previous = this.appendQueues.get(stream) ?? Promise.resolve();
    const run = previous.then(task);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.appendQueues.set(stream, settled);
    void settled.then(() => {
      if (this.appendQueues.get(stream) === settled) this.appendQueues.delete(stream);
    });
    return run;
  }

  private async appendNow(
    stream: string,
    subject: string,
    payload: string,
    count: number,
    options: AppendOptions,
  ): Promise<AppendResult> {
    const expected = options.expectedRevision ?? "any";
    let tail = this.tails.get(stream) ?? (await this.freshTail(stream, subject));
    for (let attempt = 0; attempt < appendAttemptsMax; attempt++) {
      const fits = satisfies(expected, tail);
      const outcome = await this.publish(stream, subject, payload, count, options.commitId, tail, fits);
      if (outcome.kind === "written") {
        this.tails.remember(stream, outcome.span);
        return resultOf(outcome.span);
      }
      if (outcome.kind === "duplicate") return this.resultAt(outcome.sequence);
      const fresh = await this.freshTail(stream, subject);
      if (!fits && fresh?.sequence === tail?.sequence) {
        return this.rejectExpectation(stream, subject, expected, fresh, options.commitId);
      }
      tail = fresh;
    }
    throw new Error(`append to ${stream}: still conflicting after ${appendAttemptsMax} attempts`);
  }

  private async publish(
    stream: string,
    subject: string,
    payload: string,
    count: number,
    commitId: string,
    tail: StreamTail,
    fits: boolean,
  ): Promise<PublishOutcome> {
    const firstRevision = tail ? lastRevisionOf(tail) + 1n : 0n;
    try {
      const ack = await this.js.publish(subject, payload, {
        msgID: encodeCommitId(commitId),
        expect: { lastSubjectSequence: fits ? (tail?.sequence ?? 0) : unmatchableSequence },
        headers: encodeHeaders(firstRevision, count),
        timeout: this.options.publishTimeoutMs,
      });
      if (ack.duplicate) return { kind: "duplicate", sequence: ack.seq };
      return { kind: "written", span: { sequence: ack.seq, firstRevision, count, commitId } };
    } catch (error) {
      if (error instanceof JetStreamApiError && error.code === wrongLastSequenceCode) {
        return { kind: "wrong_last_sequence" };
      }
      // A timeout leaves the outcome unknown: the caller retries with the same commit id.
      this.tails.forget(stream);
      throw error;
    }
  }

  /**
   * The expected revision does not hold. If the message right after the expected revision
   * carries this commit id, this is a retry of an append that succeeded earlier than the
   * duplicate window reaches back: return its result. Otherwise reject.
   */
  private async rejectExpectation(
    stream: string,
    subject: string,
    expected: ExpectedRevision,
    tail: StreamTail,
    commitId: string,
  ): Promise<AppendResult> {
    const firstWritten =
      expected === "no_stream" ? 0n : typeof expected === "bigint" ? expected + 1n : undefined;
    if (tail && firstWritten !== undefined && firstWritten >= 0n && firstWritten <= lastRevisionOf(tail)) {
      const span = await this.messages.holdingRevision(subject, firstWritten, tail);
      if (span.commitId === commitId && span.firstRevision === firstWritten) return resultOf(span);
    }
    throw new WrongExpectedRevision(stream, expected, tail ? lastRevisionOf(tail) : "no_stream");
  }

  private async resultAt(sequence: number): Promise<AppendResult> {
    const message = await this.messages.atSequence(sequence);
    if (!message) throw new Error(`duplicate ack points at missing message ${sequence}`);
    return resultOf(spanOf(message));
  }

  /** The stream's last message as the stream leader sees it now; refreshes the cache. */
  private async freshTail(stream: string, subject: string): Promise<StreamTail> {
    const last = await this.messages.last(subject);
    const tail = last ? spanOf(last) : null;
    this.tails.remember(stream, tail);
    return tail;
  }

  private async readForwards(
    stream: string,
    subject: string,
    tail: MessageSpan,
    from: bigint | "start" | "end",
    maxCount: number,
  ): Promise<RecordedEvent[]> {
    const last = lastRevisionOf(tail);
    const first = from === "start" ? 0n : from === "end" ? last + 1n : from;
    if (first < 0n) throw new RangeError(`fromRevision must be >= 0, got ${first}`);
    if (first > last) return [];
    const startSequence =
      first === 0n ? 1 : (await this.messages.holdingRevision(subject, first, tail)).sequence;
    return this.eventsBetween(stream, subject, [startSequence, tail.sequence], [first, last], maxCount);
  }

  /**
   * Backwards: the revision window [low, high] is known up front, so two binary searches find
   * its first and last messages and one forward range read fetches them; cost O(log sequence)
   * look-ups plus the messages of the window, never a scan of the stream.
   */
  private async readBackwards(
    stream: string,
    subject: string,
    tail: MessageSpan,
    from: bigint | "start" | "end",
    maxCount: number,
  ): Promise<RecordedEvent[]> {
    const last = lastRevisionOf(tail);
    const requested = from === "end" ? last : from === "start" ? 0n : from;
    if (requested < 0n) throw new RangeError(`fromRevision must be >= 0, got ${requested}`);
    const high = requested < last ? requested : last;
    const span = Number.isFinite(maxCount) ? BigInt(Math.floor(maxCount)) : high + 1n;
    const low = high - span + 1n > 0n ? high - span + 1n : 0n;
    const highMessage = await this.messages.holdingRevision(subject, high, tail);
    const lowSequence = low === 0n ? 1 : (await this.messages.holdingRevision(subject, low, tail)).sequence;
    const range: [number, number] = [lowSequence, highMessage.sequence];
    return (await this.eventsBetween(stream, subject, range, [low, high], maxCount)).reverse();
  }

  /** Up to `maxCount` events with revisions in [low, high], from the messages in the range. */
  private async eventsBetween(
    stream: string,
    subject: string,
    [fromSequence, toSequence]: readonly [number, number],
    [low, high]: readonly [bigint, bigint],
    maxCount: number,
  ): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    await this.messages.readRange(subject, fromSequence, toSequence, (message) => {
      for (const event of decodeMessage(stream, message)) {
        if (event.revision >= low && event.revision <= high && events.length < maxCount) events.push(event);
      }
      return events.length < maxCount;
    });
    return events;
  }
}

/** Connect (or use `connection`), check the server version, and create the JetStream stream. */
export async function openJetStreamEventStore(
  options: JetStreamEventStoreOptions,
): Promise<JetStreamEventStore> {
  const settings = { ...defaults, ...options };
  const nc = options.connection ?? (await connect({ servers: options.servers, maxReconnectAttempts: -1 }));
  try {
    checkServer(nc, settings);
    const jsm = await jetstreamManager(nc);
    await ensureStream(jsm, settings);
    const js = jetstream(nc);
    const messages = new StreamMessages(js, jsm, settings.streamName);
    return new JetStreamEventStore(nc, options.connection === undefined, js, messages, settings);
  } catch (error) {
    if (options.connection === undefined) await nc.close();
    throw error;
  }
}
