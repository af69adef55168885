// Makes the index's publications durable: appends them, in order, to the `ghx-index` stream.
// The projection is rebuilt by replaying core-events from the start at every start, so it
// recomputes publications the stream already holds; those are skipped by count (replay is
// deterministic, so publication n is stream revision n). The expected revision fences out a second
// writer; the commit id names the revision and the first publication, so a retried (or identical)
// append is written once while a different one at the same revision is refused.
import { type EventStore, StreamNotFound } from "@ghx/eventstore";
import { type IndexPublished, indexStream } from "./schemas.ts";

export class IndexJournal {
  private tail: Promise<void> = Promise.resolve();
  private failure: Error | undefined;

  private constructor(
    private readonly store: EventStore,
    private readonly onFailure: (error: Error) => void,
    /** Publications already in the stream, less those the replay has reached so far. */
    private toSkip: number,
    /** The stream's length once every append so far is written. */
    private length: number,
  ) {}

  /** `onFailure` hears the first append that fails; later publications are not written. */
  static async open(store: EventStore, onFailure: (error: Error) => void): Promise<IndexJournal> {
    const length = await streamLength(store);
    return new IndexJournal(store, onFailure, length, length);
  }

  /** Queues the publications of one command; appends run one at a time, in order. */
  append(publications: readonly IndexPublished[]): void {
    const skipped = Math.min(this.toSkip, publications.length);
    this.toSkip -= skipped;
    const fresh = publications.slice(skipped);
    if (fresh.length === 0) return;
    const first = this.length;
    this.length += fresh.length;
    this.tail = this.tail.then(async () => {
      if (this.failure) return;
      try {
        await this.store.append(
          indexStream,
          fresh.map((data) => ({ type: data.type, data })),
          {
            expectedRevision: first === 0 ? "no_stream" : BigInt(first - 1),
            commitId: commitIdOf(first, fresh[0]!),
          },
        );
      } catch (error) {
        this.failure = error as Error;
        this.onFailure(this.failure);
      }
    });
  }

  /** Resolves when every queued append has been tried (a failure went to `onFailure`). */
  flushed(): Promise<void> {
    return this.tail;
  }
}

function commitIdOf(revision: number, first: IndexPublished): string {
  return `${indexStream}@${revision}:${first.key}:${first.kind}:${first.periodStart}:${first.revision}`;
}

async function streamLength(store: EventStore): Promise<number> {
  try {
    const [last] = await store.readStream(indexStream, { fromRevision: "end", backwards: true, maxCount: 1 });
    return last === undefined ? 0 : Number(last.revision) + 1;
  } catch (error) {
    if (error instanceof StreamNotFound) return 0;
    throw error;
  }
}
