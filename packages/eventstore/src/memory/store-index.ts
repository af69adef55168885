// The in-memory state every local adapter shares: per-stream commit lists, the global log in
// position order, the recent commitId -> commit dedupe window, expected-revision planning, range
// reads and the catch-up-then-live subscription loop. The memory adapter keeps event payloads in
// it; the file adapter keeps disk locations and loads payloads on demand.
//
// Commits are kept as typed-array columns (a commit is its ordinal in the log), not as objects:
// an object per commit, its bigints, its commit id and its result cost ~660 bytes of heap for
// every append the store ever took, so a core acking 20,000 commands/s in small group commits
// grew by ~0.5 MB/s without end. Commit ids are remembered only for the last commitIdWindow
// commits; reads take a commit's id from its payload (the file adapter reads it from the record).
import {
  type AppendResult,
  type EventData,
  type ExpectedRevision,
  type ReadStreamOptions,
  type RecordedEvent,
  StreamNotFound,
  type SubscribeToAllOptions,
  type SubscriptionItem,
  WrongExpectedRevision,
} from "../port.ts";
import { float64Column, type NumberColumn, uint32Column } from "./columns.ts";

/** One successful append: `count` events with consecutive revisions and positions. */
export interface Commit<P> {
  readonly stream: string;
  readonly commitId: string;
  readonly firstRevision: bigint;
  readonly firstPosition: bigint;
  readonly count: number;
  readonly payload: P;
}

export type PlannedCommit = Omit<Commit<never>, "payload">;

/** A commit as reads see it: its commit id comes with its events (LoadedCommit). */
export type IndexedCommit<P> = Omit<Commit<P>, "commitId">;

export interface LoadedCommit {
  readonly commitId: string;
  readonly events: readonly EventData[];
}

/** Loads the commit id and events of a commit (from memory or from disk). */
export type LoadEvents<P> = (commit: IndexedCommit<P>) => Promise<LoadedCommit> | LoadedCommit;

/** Where an adapter's per-commit payloads live, by commit ordinal (an array, or typed columns). */
export interface PayloadColumn<P> {
  push(payload: P): void;
  at(ordinal: number): P;
}

export function payloadArray<P>(): PayloadColumn<P> {
  const payloads: P[] = [];
  return { push: (payload) => void payloads.push(payload), at: (ordinal) => payloads[ordinal]! };
}

/**
 * Appends remembered for commitId dedupe. JetStream bounds its duplicate window by time (two
 * minutes by default); this bounds the local adapters' by count, far beyond any retry of an append
 * (a writer retries at once, or after a restart under a new writer id, as the core does).
 */
export const commitIdWindowDefault = 16_384;

export function resultOf(
  commit: Pick<PlannedCommit, "firstRevision" | "firstPosition" | "count">,
): AppendResult {
  const last = BigInt(commit.count - 1);
  return { nextExpectedRevision: commit.firstRevision + last, position: commit.firstPosition + last };
}

function checkExpected(stream: string, expected: ExpectedRevision, actual: bigint | undefined): void {
  const ok =
    expected === "any" ||
    (expected === "no_stream" && actual === undefined) ||
    (expected === "stream_exists" && actual !== undefined) ||
    (typeof expected === "bigint" && actual === expected);
  if (!ok) throw new WrongExpectedRevision(stream, expected, actual ?? "no_stream");
}

function toRecorded(commit: IndexedCommit<unknown>, loaded: LoadedCommit, index: number): RecordedEvent {
  const event = loaded.events[index]!;
  const offset = BigInt(index);
  return {
    stream: commit.stream,
    revision: commit.firstRevision + offset,
    position: commit.firstPosition + offset,
    type: event.type,
    data: event.data,
    ...(event.metadata === undefined ? {} : { metadata: event.metadata }),
    commitId: loaded.commitId,
  };
}

/** Inclusive revision range a read covers, or undefined when it is empty. */
function revisionRange(last: bigint, options: ReadStreamOptions): [bigint, bigint] | undefined {
  const { fromRevision, maxCount, backwards = false } = options;
  if (maxCount !== undefined && !(Number.isInteger(maxCount) && maxCount >= 0)) {
    throw new RangeError(`maxCount must be a non-negative integer, got ${maxCount}`);
  }
  if (typeof fromRevision === "bigint" && fromRevision < 0n) {
    throw new RangeError(`fromRevision must be >= 0, got ${fromRevision}`);
  }
  if (maxCount === 0) return undefined;
  const span = maxCount === undefined ? undefined : BigInt(maxCount - 1);
  if (backwards) {
    const high =
      fromRevision === "start"
        ? 0n
        : fromRevision === "end" || fromRevision === undefined
          ? last
          : fromRevision;
    const from = high > last ? last : high;
    const low = span === undefined || from - span < 0n ? 0n : from - span;
    return [low, from];
  }
  const low =
    fromRevision === "end"
      ? last + 1n
      : fromRevision === "start" || fromRevision === undefined
        ? 0n
        : fromRevision;
  const high = span === undefined || low + span > last ? last : low + span;
  return low > high ? undefined : [low, high];
}

/** Plans the appends of one batch against the committed state plus the batch so far. */
export class AppendPlanner {
  private readonly pendingLast = new Map<string, bigint>();
  private nextPosition: bigint;

  constructor(private readonly index: StoreIndex<unknown>) {
    this.nextPosition = index.nextPosition;
  }

  /** Throws WrongExpectedRevision; otherwise reserves revisions and positions. */
  plan(stream: string, expected: ExpectedRevision, commitId: string, count: number): PlannedCommit {
    const actual = this.pendingLast.has(stream)
      ? this.pendingLast.get(stream)
      : this.index.lastRevision(stream);
    checkExpected(stream, expected, actual);
    const planned = {
      stream,
      commitId,
      firstRevision: actual === undefined ? 0n : actual + 1n,
      firstPosition: this.nextPosition,
      count,
    };
    this.nextPosition += BigInt(count);
    this.pendingLast.set(stream, planned.firstRevision + BigInt(count - 1));
    return planned;
  }
}

/** The commits of one stream: their ordinals in the log, in revision order. */
interface StreamCommits {
  readonly idx: number;
  readonly ordinals: NumberColumn;
}

export class StoreIndex<P> {
  // The log's columns, by commit ordinal (positions and revisions are below 2^53, checked in add).
  private readonly firstPositions = float64Column();
  private readonly firstRevisions = float64Column();
  private readonly counts = uint32Column();
  private readonly streamOf = uint32Column();
  private readonly streamNames: string[] = [];
  private readonly streams = new Map<string, StreamCommits>();
  /** commitId → ordinal for the last commitIdWindow commits; recentIds is their FIFO ring. */
  private readonly recent = new Map<string, number>();
  private readonly recentIds: string[] = [];
  private recentNext = 0;
  private readonly wakers = new Set<() => void>();
  private ended = false;
  nextPosition = 0n;

  constructor(
    private readonly payloads: PayloadColumn<P>,
    private readonly commitIdWindow = commitIdWindowDefault,
  ) {}

  resultOf(commitId: string): AppendResult | undefined {
    const ordinal = this.recent.get(commitId);
    return ordinal === undefined ? undefined : resultOf(this.commitAt(ordinal));
  }

  lastRevision(stream: string): bigint | undefined {
    const commits = this.streams.get(stream);
    if (!commits) return undefined;
    const ordinal = commits.ordinals.last();
    return BigInt(this.firstRevisions.at(ordinal) + this.counts.at(ordinal) - 1);
  }

  /** The last position in the log, undefined while it is empty. */
  headPosition(): bigint | undefined {
    return this.counts.length === 0 ? undefined : this.nextPosition - 1n;
  }

  planner(): AppendPlanner {
    return new AppendPlanner(this as StoreIndex<unknown>);
  }

  /** Adds durable commits (in position order) and wakes live subscriptions. */
  add(commits: readonly Commit<P>[]): void {
    for (const commit of commits) {
      // Planned against this very state, so a mismatch is a bug, never input.
      if (
        commit.firstPosition !== this.nextPosition ||
        commit.firstRevision !== (this.lastRevision(commit.stream) ?? -1n) + 1n
      ) {
        throw new Error(`commit ${commit.commitId} out of order at position ${commit.firstPosition}`);
      }
      if (this.recent.has(commit.commitId)) throw new Error(`commit ${commit.commitId} added twice`);
      const nextPosition = commit.firstPosition + BigInt(commit.count);
      if (nextPosition > BigInt(Number.MAX_SAFE_INTEGER)) {
        throw new RangeError(`position ${nextPosition} is past what the index keeps exactly (2^53)`);
      }
      let stream = this.streams.get(commit.stream);
      if (!stream) {
        stream = { idx: this.streamNames.length, ordinals: uint32Column() };
        this.streamNames.push(commit.stream);
        this.streams.set(commit.stream, stream);
      }
      const ordinal = this.counts.length;
      this.firstPositions.push(Number(commit.firstPosition));
      this.firstRevisions.push(Number(commit.firstRevision));
      this.counts.push(commit.count);
      this.streamOf.push(stream.idx);
      this.payloads.push(commit.payload);
      stream.ordinals.push(ordinal);
      this.remember(commit.commitId, ordinal);
      this.nextPosition = nextPosition;
    }
    this.wake();
  }

  /** Ends every subscription (the store is closing). */
  end(): void {
    this.ended = true;
    this.wake();
  }

  private remember(commitId: string, ordinal: number): void {
    const evicted = this.recentIds[this.recentNext];
    if (evicted !== undefined) this.recent.delete(evicted);
    this.recentIds[this.recentNext] = commitId;
    this.recentNext = (this.recentNext + 1) % this.commitIdWindow;
    this.recent.set(commitId, ordinal);
  }

  private commitAt(ordinal: number): IndexedCommit<P> {
    return {
      stream: this.streamNames[this.streamOf.at(ordinal)]!,
      firstRevision: BigInt(this.firstRevisions.at(ordinal)),
      firstPosition: BigInt(this.firstPositions.at(ordinal)),
      count: this.counts.at(ordinal),
      payload: this.payloads.at(ordinal),
    };
  }

  /**
   * First index i in [0, length) whose commit (ordinalAt(i)) ends at or after `value`, by the
   * column `start` (revisions within a stream, positions within the log).
   */
  private firstEndingAtOrAfter(
    length: number,
    ordinalAt: (i: number) => number,
    start: NumberColumn,
    value: bigint,
  ): number {
    const target = Number(value);
    let low = 0;
    let high = length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const ordinal = ordinalAt(mid);
      if (start.at(ordinal) + this.counts.at(ordinal) - 1 < target) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  async readStream(
    stream: string,
    options: ReadStreamOptions,
    load: LoadEvents<P>,
  ): Promise<RecordedEvent[]> {
    const commits = this.streams.get(stream);
    if (!commits) throw new StreamNotFound(stream);
    const range = revisionRange(this.lastRevision(stream)!, options);
    if (!range) return [];
    const [low, high] = range;
    const { ordinals } = commits;
    const events: RecordedEvent[] = [];
    const first = this.firstEndingAtOrAfter(ordinals.length, (i) => ordinals.at(i), this.firstRevisions, low);
    for (let i = first; i < ordinals.length; i++) {
      const commit = this.commitAt(ordinals.at(i));
      if (commit.firstRevision > high) break;
      const loaded = await load(commit);
      for (let j = 0; j < commit.count; j++) {
        const revision = commit.firstRevision + BigInt(j);
        if (revision >= low && revision <= high) events.push(toRecorded(commit, loaded, j));
      }
    }
    return options.backwards ? events.reverse() : events;
  }

  async *subscribe(options: SubscribeToAllOptions, load: LoadEvents<P>): AsyncGenerator<SubscriptionItem> {
    const { after, streamPrefixes, signal } = options;
    const matches = (stream: string) =>
      !streamPrefixes || streamPrefixes.some((prefix) => stream.startsWith(prefix));
    const log = this.counts;
    let cursor =
      after === undefined
        ? 0
        : this.firstEndingAtOrAfter(log.length, (i) => i, this.firstPositions, after + 1n);
    let caughtUp = false;
    while (!signal?.aborted && !this.ended) {
      if (cursor < log.length) {
        const ordinal = cursor++;
        if (!matches(this.streamNames[this.streamOf.at(ordinal)]!)) continue;
        const commit = this.commitAt(ordinal);
        const loaded = await load(commit);
        for (let j = 0; j < commit.count && !signal?.aborted; j++) {
          const event = toRecorded(commit, loaded, j);
          if (after === undefined || event.position > after) yield { kind: "event", event };
        }
      } else if (!caughtUp) {
        caughtUp = true;
        const head = this.headPosition();
        const position = after === undefined || (head !== undefined && head > after) ? head : after;
        yield { kind: "caughtUp", position };
      } else {
        await this.changed(signal);
      }
    }
  }

  /** Resolves on the next add(), end(), or abort of `signal`. */
  private changed(signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        this.wakers.delete(wake);
        signal?.removeEventListener("abort", wake);
        resolve();
      };
      this.wakers.add(wake);
      signal?.addEventListener("abort", wake, { once: true });
    });
  }

  private wake(): void {
    for (const wake of [...this.wakers]) wake();
  }
}
