// The in-memory state every local adapter shares: per-stream commit lists, the global log in
// position order, the commitId -> result dedupe map, expected-revision planning, range reads and
// the catch-up-then-live subscription loop. The memory adapter keeps event payloads in it; the
// file adapter keeps disk locations and loads payloads on demand.
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

/** Loads the events of a commit (from memory or from disk). */
export type LoadEvents<P> = (commit: Commit<P>) => Promise<readonly EventData[]> | readonly EventData[];

export function resultOf(commit: PlannedCommit): AppendResult {
  const last = BigInt(commit.count - 1);
  return { nextExpectedRevision: commit.firstRevision + last, position: commit.firstPosition + last };
}

function lastRevisionOf(commits: readonly PlannedCommit[] | undefined): bigint | undefined {
  const last = commits?.at(-1);
  return last === undefined ? undefined : last.firstRevision + BigInt(last.count - 1);
}

function checkExpected(stream: string, expected: ExpectedRevision, actual: bigint | undefined): void {
  const ok =
    expected === "any" ||
    (expected === "no_stream" && actual === undefined) ||
    (expected === "stream_exists" && actual !== undefined) ||
    (typeof expected === "bigint" && actual === expected);
  if (!ok) throw new WrongExpectedRevision(stream, expected, actual ?? "no_stream");
}

/** First index in `commits` whose last element (revision or position) is >= `value`. */
function firstEndingAtOrAfter(
  commits: readonly PlannedCommit[],
  start: (commit: PlannedCommit) => bigint,
  value: bigint,
): number {
  let low = 0;
  let high = commits.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    const commit = commits[mid]!;
    if (start(commit) + BigInt(commit.count - 1) < value) low = mid + 1;
    else high = mid;
  }
  return low;
}

function toRecorded(commit: PlannedCommit, events: readonly EventData[], index: number): RecordedEvent {
  const event = events[index]!;
  const offset = BigInt(index);
  return {
    stream: commit.stream,
    revision: commit.firstRevision + offset,
    position: commit.firstPosition + offset,
    type: event.type,
    data: event.data,
    ...(event.metadata === undefined ? {} : { metadata: event.metadata }),
    commitId: commit.commitId,
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

export class StoreIndex<P> {
  private readonly streams = new Map<string, Commit<P>[]>();
  private readonly results = new Map<string, AppendResult>();
  private readonly log: Commit<P>[] = [];
  private readonly wakers = new Set<() => void>();
  private ended = false;
  nextPosition = 0n;

  resultOf(commitId: string): AppendResult | undefined {
    return this.results.get(commitId);
  }

  lastRevision(stream: string): bigint | undefined {
    return lastRevisionOf(this.streams.get(stream));
  }

  /** The last position in the log, undefined while it is empty. */
  headPosition(): bigint | undefined {
    return this.log.length === 0 ? undefined : this.nextPosition - 1n;
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
      if (this.results.has(commit.commitId)) throw new Error(`commit ${commit.commitId} added twice`);
      let streamCommits = this.streams.get(commit.stream);
      if (!streamCommits) {
        streamCommits = [];
        this.streams.set(commit.stream, streamCommits);
      }
      streamCommits.push(commit);
      this.log.push(commit);
      this.results.set(commit.commitId, resultOf(commit));
      this.nextPosition += BigInt(commit.count);
    }
    this.wake();
  }

  /** Ends every subscription (the store is closing). */
  end(): void {
    this.ended = true;
    this.wake();
  }

  async readStream(
    stream: string,
    options: ReadStreamOptions,
    load: LoadEvents<P>,
  ): Promise<RecordedEvent[]> {
    const commits = this.streams.get(stream);
    if (!commits) throw new StreamNotFound(stream);
    const range = revisionRange(lastRevisionOf(commits)!, options);
    if (!range) return [];
    const [low, high] = range;
    const events: RecordedEvent[] = [];
    for (let i = firstEndingAtOrAfter(commits, (c) => c.firstRevision, low); i < commits.length; i++) {
      const commit = commits[i]!;
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
    let cursor = after === undefined ? 0 : firstEndingAtOrAfter(this.log, (c) => c.firstPosition, after + 1n);
    let caughtUp = false;
    while (!signal?.aborted && !this.ended) {
      const commit = this.log[cursor];
      if (commit) {
        cursor += 1;
        if (!matches(commit.stream)) continue;
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
