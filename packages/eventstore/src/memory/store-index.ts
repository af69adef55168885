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
//
// Even columns grow by ~46 bytes per commit, ~4 GB a day for a core acking small group commits
// around the clock. So an adapter that can read its old commits back (CommitArchive: the file
// adapter, from its segments' index files) retires them: retire() drops a prefix of the log's
// columns and keeps of it only a summary (RetiredPart: where it starts, and each stream's revision
// range in it). Reads of a retired range load that part's commits from the archive; appends,
// expected revisions and commitId dedupe never need them.
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
  /** Lets go of the payloads below `ordinal` (retired commits). */
  release(ordinal: number): void;
  /** Moves past `count` commits that are retired already (addRetired). */
  skip(count: number): void;
}

/** A retired part's commits as an archive reads them back, in log order. */
export interface RetiredCommits<P> {
  readonly length: number;
  /** Commit i's stream and last revision, without building the commit. */
  streamAt(i: number): string;
  lastRevisionAt(i: number): number;
  at(i: number): IndexedCommit<P>;
}

/** Reads the commits of retired parts of the log back (the file adapter: from its segments). */
export interface CommitArchive<P> {
  /** Every commit of the part retired under `key`. */
  commits(key: number): Promise<RetiredCommits<P>>;
}

/** One stream's commits in a part of the log. */
export interface StreamSummary {
  readonly name: string;
  readonly firstRevision: number;
  readonly lastRevision: number;
  readonly commits: number;
}

/** A part of the log as a store that reopens it knows it without its commits (addRetired). */
export interface PartSummary {
  readonly commits: number;
  readonly firstPosition: number;
  /** The position after its last event. */
  readonly endPosition: number;
  readonly streams: readonly StreamSummary[];
}

/** A retired prefix piece of the log: ordinals [firstOrdinal, firstOrdinal + count). */
interface RetiredPart {
  readonly key: number;
  readonly firstOrdinal: number;
  readonly count: number;
  readonly firstPosition: number;
}

/** One stream's revisions in one retired part. */
interface RetiredRange {
  readonly part: RetiredPart;
  readonly firstRevision: number;
  readonly lastRevision: number;
}

export function payloadArray<P>(): PayloadColumn<P> {
  const payloads: (P | undefined)[] = [];
  return {
    push: (payload) => void payloads.push(payload),
    at: (ordinal) => payloads[ordinal]!,
    release: (ordinal) => void payloads.fill(undefined, 0, ordinal),
    skip: (count) => {
      payloads.length += count;
    },
  };
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

/**
 * The commits of one stream: their ordinals in the log, in revision order; the first `retired`
 * of them are in retired parts, found through `retiredRanges`.
 */
interface StreamCommits {
  readonly idx: number;
  readonly name: string;
  readonly ordinals: NumberColumn;
  lastRevision: number;
  retired: number;
  readonly retiredRanges: RetiredRange[];
}

/** First i in [low, high) with `before(i)` false, where `before` is true then false over the range. */
function partitionPoint(low: number, high: number, before: (i: number) => boolean): number {
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (before(mid)) low = mid + 1;
    else high = mid;
  }
  return low;
}

export class StoreIndex<P> {
  // The log's columns, by commit ordinal (positions and revisions are below 2^53, checked in add).
  // Below `retiredBefore` they are released: those commits are in `parts`.
  private readonly firstPositions = float64Column();
  private readonly firstRevisions = float64Column();
  private readonly counts = uint32Column();
  private readonly streamOf = uint32Column();
  private readonly logColumns = [this.firstPositions, this.firstRevisions, this.counts, this.streamOf];
  private readonly streamList: StreamCommits[] = [];
  private readonly streams = new Map<string, StreamCommits>();
  private readonly parts: RetiredPart[] = [];
  private retiredBefore = 0;
  /**
   * commitId → slot for the last commitIdWindow commits; recentIds is their FIFO ring, and the
   * slot holds the commit's result by value, so dedupe never reads a retired commit.
   */
  private readonly recent = new Map<string, number>();
  private readonly recentIds: string[] = [];
  private readonly recentFirstRevisions: Float64Array;
  private readonly recentFirstPositions: Float64Array;
  private readonly recentCounts: Uint32Array;
  private recentNext = 0;
  private readonly wakers = new Set<() => void>();
  private ended = false;
  /** The position the next event gets (a number: bigint arithmetic per append was a cost at open). */
  private next = 0;

  /** `archive`: where retired commits are read back from; without one, nothing is retired. */
  constructor(
    private readonly payloads: PayloadColumn<P>,
    private readonly commitIdWindow = commitIdWindowDefault,
    private readonly archive?: CommitArchive<P>,
  ) {
    this.recentFirstRevisions = new Float64Array(commitIdWindow);
    this.recentFirstPositions = new Float64Array(commitIdWindow);
    this.recentCounts = new Uint32Array(commitIdWindow);
  }

  resultOf(commitId: string): AppendResult | undefined {
    const slot = this.recent.get(commitId);
    if (slot === undefined) return undefined;
    return resultOf({
      firstRevision: BigInt(this.recentFirstRevisions[slot]!),
      firstPosition: BigInt(this.recentFirstPositions[slot]!),
      count: this.recentCounts[slot]!,
    });
  }

  lastRevision(stream: string): bigint | undefined {
    const commits = this.streams.get(stream);
    return commits && commits.lastRevision >= 0 ? BigInt(commits.lastRevision) : undefined;
  }

  get nextPosition(): bigint {
    return BigInt(this.next);
  }

  /** The last position in the log, undefined while it is empty. */
  headPosition(): bigint | undefined {
    return this.counts.length === 0 ? undefined : BigInt(this.next - 1);
  }

  /** The ordinal the next commit gets: commits ever added. */
  get nextOrdinal(): number {
    return this.counts.length;
  }

  /** Commits whose columns are still kept (not retired). */
  get liveCommits(): number {
    return this.counts.length - this.retiredBefore;
  }

  planner(): AppendPlanner {
    return new AppendPlanner(this as StoreIndex<unknown>);
  }

  /** Adds durable commits (in position order) and wakes live subscriptions. */
  add(commits: readonly Commit<P>[]): void {
    for (const commit of commits) {
      const firstPosition = Number(commit.firstPosition);
      const firstRevision = Number(commit.firstRevision);
      const stream = this.streamNamed(commit.stream);
      // Planned against this very state, so a mismatch is a bug, never input.
      if (firstPosition !== this.next || firstRevision !== stream.lastRevision + 1) {
        throw new Error(`commit ${commit.commitId} out of order at position ${commit.firstPosition}`);
      }
      if (this.recent.has(commit.commitId)) throw new Error(`commit ${commit.commitId} added twice`);
      const next = firstPosition + commit.count;
      if (next > Number.MAX_SAFE_INTEGER) {
        throw new RangeError(`position ${next} is past what the index keeps exactly (2^53)`);
      }
      const ordinal = this.counts.length;
      this.firstPositions.push(firstPosition);
      this.firstRevisions.push(firstRevision);
      this.counts.push(commit.count);
      this.streamOf.push(stream.idx);
      this.payloads.push(commit.payload);
      stream.ordinals.push(ordinal);
      stream.lastRevision = firstRevision + commit.count - 1;
      this.remember(commit);
      this.next = next;
    }
    this.wake();
  }

  private streamNamed(name: string): StreamCommits {
    let stream = this.streams.get(name);
    if (!stream) {
      stream = {
        idx: this.streamList.length,
        name,
        ordinals: uint32Column(),
        lastRevision: -1,
        retired: 0,
        retiredRanges: [],
      };
      this.streamList.push(stream);
      this.streams.set(name, stream);
    }
    return stream;
  }

  /**
   * Adds a part of the log that is retired already, known by its summary, as the archive reads
   * it back under `key` (a store reopening its log). Only before any commit that is not retired.
   * Throws when it does not continue the log.
   */
  addRetired(summary: PartSummary, key: number): void {
    if (!this.archive) throw new Error("a store without an archive cannot retire commits");
    if (this.retiredBefore !== this.counts.length) throw new Error("retired parts go before live commits");
    const streams = summary.streams.map((each) => ({ each, stream: this.streamNamed(each.name) }));
    const commits = summary.streams.reduce((sum, each) => sum + each.commits, 0);
    if (
      summary.firstPosition !== this.next ||
      summary.endPosition < summary.firstPosition + summary.commits ||
      commits !== summary.commits ||
      streams.some(({ each, stream }) => each.firstRevision !== stream.lastRevision + 1)
    ) {
      throw new Error(`retired part ${key} does not continue the log at position ${this.next}`);
    }
    const part: RetiredPart = {
      key,
      firstOrdinal: this.counts.length,
      count: summary.commits,
      firstPosition: summary.firstPosition,
    };
    for (const { each, stream } of streams) {
      stream.retiredRanges.push({ part, firstRevision: each.firstRevision, lastRevision: each.lastRevision });
      stream.retired += each.commits;
      stream.ordinals.skip(each.commits);
      stream.lastRevision = each.lastRevision;
    }
    for (const column of this.logColumns) column.skip(summary.commits);
    this.payloads.skip(summary.commits);
    this.parts.push(part);
    this.retiredBefore = this.counts.length;
    this.next = summary.endPosition;
  }

  /** Remembers a retired commit's id and result for dedupe (a store reopening its log). */
  rememberRetired(commit: PlannedCommit): void {
    this.remember(commit);
  }

  /**
   * Retires the commits below `beforeOrdinal` that are not retired yet, as one part the archive
   * reads back under `key`: their columns are released (in whole chunks of them) and only the
   * part's summary is kept.
   */
  retire(beforeOrdinal: number, key: number): void {
    if (!this.archive) throw new Error("a store without an archive cannot retire commits");
    if (beforeOrdinal > this.counts.length) throw new RangeError(`no commit ${beforeOrdinal - 1} to retire`);
    const firstOrdinal = this.retiredBefore;
    if (beforeOrdinal <= firstOrdinal) return;
    const part: RetiredPart = {
      key,
      firstOrdinal,
      count: beforeOrdinal - firstOrdinal,
      firstPosition: this.firstPositions.at(firstOrdinal),
    };
    const ranges = new Map<StreamCommits, { first: number; last: number; commits: number }>();
    for (let ordinal = firstOrdinal; ordinal < beforeOrdinal; ordinal++) {
      const stream = this.streamList[this.streamOf.at(ordinal)]!;
      const last = this.lastRevisionOf(ordinal);
      const range = ranges.get(stream);
      if (range) {
        range.last = last;
        range.commits++;
      } else {
        ranges.set(stream, { first: this.firstRevisions.at(ordinal), last, commits: 1 });
      }
    }
    for (const [stream, { first, last, commits }] of ranges) {
      stream.retiredRanges.push({ part, firstRevision: first, lastRevision: last });
      stream.retired += commits;
      stream.ordinals.release(stream.retired);
    }
    this.parts.push(part);
    this.retiredBefore = beforeOrdinal;
    for (const column of this.logColumns) column.release(beforeOrdinal);
    this.payloads.release(beforeOrdinal);
  }

  /** Ends every subscription (the store is closing). */
  end(): void {
    this.ended = true;
    this.wake();
  }

  private remember(commit: PlannedCommit): void {
    const slot = this.recentNext;
    const evicted = this.recentIds[slot];
    if (evicted !== undefined) this.recent.delete(evicted);
    this.recentIds[slot] = commit.commitId;
    this.recentFirstRevisions[slot] = Number(commit.firstRevision);
    this.recentFirstPositions[slot] = Number(commit.firstPosition);
    this.recentCounts[slot] = commit.count;
    this.recentNext = (slot + 1) % this.commitIdWindow;
    this.recent.set(commit.commitId, slot);
  }

  private lastRevisionOf(ordinal: number): number {
    return this.firstRevisions.at(ordinal) + this.counts.at(ordinal) - 1;
  }

  private lastPositionOf(ordinal: number): number {
    return this.firstPositions.at(ordinal) + this.counts.at(ordinal) - 1;
  }

  /** A commit that is not retired. */
  private commitAt(ordinal: number): IndexedCommit<P> {
    return {
      stream: this.streamList[this.streamOf.at(ordinal)]!.name,
      firstRevision: BigInt(this.firstRevisions.at(ordinal)),
      firstPosition: BigInt(this.firstPositions.at(ordinal)),
      count: this.counts.at(ordinal),
      payload: this.payloads.at(ordinal),
    };
  }

  private async retiredCommits(part: RetiredPart): Promise<RetiredCommits<P>> {
    const commits = await this.archive!.commits(part.key);
    if (commits.length !== part.count) {
      throw new Error(`retired part ${part.key} reads back ${commits.length} commits, not ${part.count}`);
    }
    return commits;
  }

  /** The ordinal of the live commit of `stream` holding `revision`, undefined if it is retired. */
  private liveOrdinalHolding(stream: StreamCommits, revision: number): number | undefined {
    const { ordinals } = stream;
    if (stream.retired === ordinals.length || revision < this.firstRevisions.at(ordinals.at(stream.retired)))
      return undefined;
    const i = partitionPoint(
      stream.retired,
      ordinals.length,
      (i) => this.lastRevisionOf(ordinals.at(i)) < revision,
    );
    return ordinals.at(i);
  }

  async readStream(
    stream: string,
    options: ReadStreamOptions,
    load: LoadEvents<P>,
  ): Promise<RecordedEvent[]> {
    const commits = this.streams.get(stream);
    if (!commits || commits.lastRevision < 0) throw new StreamNotFound(stream);
    const range = revisionRange(BigInt(commits.lastRevision), options);
    if (!range) return [];
    const [low, high] = range;
    const last = Number(high);
    const events: RecordedEvent[] = [];
    /** Reads a commit's events in the range; the revision after it. */
    const read = async (commit: IndexedCommit<P>): Promise<number> => {
      const loaded = await load(commit);
      for (let j = 0; j < commit.count; j++) {
        const revision = commit.firstRevision + BigInt(j);
        if (revision >= low && revision <= high) events.push(toRecorded(commit, loaded, j));
      }
      return Number(commit.firstRevision) + commit.count;
    };
    let next = Number(low);
    while (next <= last) {
      // Looked up again after every await: commits may have been retired meanwhile.
      const ordinal = this.liveOrdinalHolding(commits, next);
      if (ordinal !== undefined) {
        next = await read(this.commitAt(ordinal));
        continue;
      }
      const ranges = commits.retiredRanges;
      const { part, lastRevision } =
        ranges[partitionPoint(0, ranges.length, (i) => ranges[i]!.lastRevision < next)]!;
      const retired = await this.retiredCommits(part);
      for (let i = 0; i < retired.length && next <= last; i++) {
        if (retired.streamAt(i) === stream && retired.lastRevisionAt(i) >= next)
          next = await read(retired.at(i));
      }
      if (next <= Math.min(last, lastRevision)) {
        throw new Error(`retired part ${part.key} reads back without revision ${next} of ${stream}`);
      }
    }
    return options.backwards ? events.reverse() : events;
  }

  /** The ordinal a subscription after `after` starts at: the first commit that may hold a later position. */
  private firstOrdinalAfter(after: bigint | undefined): number {
    if (after === undefined) return 0;
    const target = Number(after) + 1;
    const liveFrom =
      this.retiredBefore < this.counts.length ? this.firstPositions.at(this.retiredBefore) : this.next;
    if (target >= liveFrom) {
      return partitionPoint(this.retiredBefore, this.counts.length, (o) => this.lastPositionOf(o) < target);
    }
    const { parts } = this;
    const part = partitionPoint(0, parts.length, (i) => parts[i]!.firstPosition <= target) - 1;
    return parts[Math.max(part, 0)]!.firstOrdinal;
  }

  async *subscribe(options: SubscribeToAllOptions, load: LoadEvents<P>): AsyncGenerator<SubscriptionItem> {
    const { after, streamPrefixes, signal } = options;
    const matches = (stream: string) =>
      !streamPrefixes || streamPrefixes.some((prefix) => stream.startsWith(prefix));
    const eventsOf = async function* (commit: IndexedCommit<P>): AsyncGenerator<SubscriptionItem> {
      const loaded = await load(commit);
      for (let j = 0; j < commit.count && !signal?.aborted; j++) {
        const event = toRecorded(commit, loaded, j);
        if (after === undefined || event.position > after) yield { kind: "event", event };
      }
    };
    let cursor = this.firstOrdinalAfter(after);
    let caughtUp = false;
    while (!signal?.aborted && !this.ended) {
      if (cursor < this.retiredBefore) {
        const { parts } = this;
        const part =
          parts[partitionPoint(0, parts.length, (i) => parts[i]!.firstOrdinal + parts[i]!.count <= cursor)]!;
        const retired = await this.retiredCommits(part);
        for (let i = cursor - part.firstOrdinal; i < retired.length && !signal?.aborted; i++) {
          cursor++;
          if (matches(retired.streamAt(i))) yield* eventsOf(retired.at(i));
        }
      } else if (cursor < this.counts.length) {
        const ordinal = cursor++;
        if (matches(this.streamList[this.streamOf.at(ordinal)]!.name))
          yield* eventsOf(this.commitAt(ordinal));
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
    if (this.wakers.size > 0) for (const wake of [...this.wakers]) wake();
  }
}
