// The revision <-> sequence cache: the last message (sequence and revision span) of each
// event-store stream this process has appended to or read, so an append can state its
// expected last subject sequence without a look-up. Entries are hints: a stale entry only
// costs one rejected publish (wrong last sequence) and a fresh look-up. Bounded, least
// recently used first out.
import type { MessageSpan } from "./codec.ts";

/** The last message of a stream, or null for a stream with no events. */
export type StreamTail = MessageSpan | null;

export class TailCache {
  private readonly tails = new Map<string, StreamTail>();

  constructor(private readonly streamsMax: number) {
    if (!Number.isSafeInteger(streamsMax) || streamsMax < 1) {
      throw new RangeError(`tail cache size must be a positive integer, got ${streamsMax}`);
    }
  }

  get(stream: string): StreamTail | undefined {
    const tail = this.tails.get(stream);
    if (tail === undefined) return undefined;
    this.tails.delete(stream);
    this.tails.set(stream, tail);
    return tail;
  }

  /** Record a tail unless the cache already knows a later message of the stream. */
  remember(stream: string, tail: StreamTail): void {
    const known = this.tails.get(stream);
    // Streams are never deleted (deny_delete), so a known message outranks an older or empty look-up.
    if (known && (!tail || known.sequence > tail.sequence)) return;
    this.tails.delete(stream);
    this.tails.set(stream, tail);
    if (this.tails.size > this.streamsMax) {
      const oldest = this.tails.keys().next().value as string;
      this.tails.delete(oldest);
    }
  }

  forget(stream: string): void {
    this.tails.delete(stream);
  }
}
