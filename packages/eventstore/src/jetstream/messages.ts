// Look-ups and range reads of one JetStream stream. Look-ups go through STREAM.MSG.GET, which
// the stream leader answers, so they see every acknowledged append (direct get may be served
// by a lagging replica). Range reads use an ordered consumer bounded by a sequence taken from
// the leader, so a lagging consumer host only delays a read, never shortens it.
import type { JetStreamClient, JetStreamManager, StoredMsg } from "@nats-io/jetstream";
import { lastRevisionOf, type MessageSpan, type StoredMessage, spanOf } from "./codec.ts";

function stored(msg: StoredMsg | null): StoredMessage | null {
  return msg && { subject: msg.subject, seq: msg.seq, headers: msg.header, data: msg.data };
}

export class StreamMessages {
  constructor(
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    readonly streamName: string,
  ) {}

  /** The last message on `subject` (which may be a wildcard), or null. */
  async last(subject: string): Promise<StoredMessage | null> {
    return stored(await this.jsm.streams.getMessage(this.streamName, { last_by_subj: subject }));
  }

  async atSequence(seq: number): Promise<StoredMessage | null> {
    return stored(await this.jsm.streams.getMessage(this.streamName, { seq }));
  }

  /** The first message on `subject` at or after `seq`; the client types omit this server query. */
  async atOrAfter(subject: string, seq: number): Promise<StoredMessage | null> {
    const query = { seq, next_by_subj: subject } as unknown as { seq: number };
    return stored(await this.jsm.streams.getMessage(this.streamName, query));
  }

  /**
   * The message of `subject` that holds `revision`, given the subject's last message. Binary
   * search over stream sequences with next-by-subject look-ups: O(log(tail sequence)) round
   * trips, no scan.
   */
  async holdingRevision(subject: string, revision: bigint, tail: MessageSpan): Promise<MessageSpan> {
    if (revision > lastRevisionOf(tail) || revision < 0n) {
      throw new RangeError(`revision ${revision} is outside ${subject} (last ${lastRevisionOf(tail)})`);
    }
    if (revision >= tail.firstRevision) return tail;
    let low = 1;
    let high = tail.sequence;
    while (low <= high) {
      const middle = Math.floor((low + high) / 2);
      const found = await this.atOrAfter(subject, middle);
      if (!found) throw new Error(`${subject}: no message at or after ${middle} below its tail`);
      const span = spanOf(found);
      if (span.firstRevision > revision) high = middle - 1;
      else if (revision <= lastRevisionOf(span)) return span;
      else low = span.sequence + 1;
    }
    throw new Error(`${subject}: no message holds revision ${revision} (revisions must be gap-free)`);
  }

  /**
   * Deliver the messages of `subject` from `fromSeq` to `toSeq` (inclusive) in order, through an
   * ordered consumer, until `onMessage` returns false. The consumer is deleted afterwards.
   */
  async readRange(
    subject: string,
    fromSeq: number,
    toSeq: number,
    onMessage: (message: StoredMessage) => boolean,
  ): Promise<void> {
    if (fromSeq > toSeq) return;
    const consumer = await this.js.consumers.get(this.streamName, {
      filter_subjects: subject,
      opt_start_seq: fromSeq,
    });
    const messages = await consumer.consume({ max_messages: 256 });
    try {
      for await (const m of messages) {
        if (!onMessage({ subject: m.subject, seq: m.seq, headers: m.headers, data: m.data })) break;
        if (m.seq >= toSeq) break;
      }
    } finally {
      await messages.close();
      consumer.delete().catch(() => undefined);
    }
  }
}
