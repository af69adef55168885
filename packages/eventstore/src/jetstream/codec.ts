// One JetStream message per append: the payload is the JSON array of the appended events (as
// encodeAppend serialises them); the headers carry what reads need without scanning the
// subject: the commit id (as Nats-Msg-Id, which JetStream also uses to drop duplicates) and the
// revision range [first, first + count).
import { headers, type MsgHdrs } from "@nats-io/transport-node";
import type { RecordedEvent } from "../port.ts";
import { positionOf } from "./positions.ts";

export const commitIdHeader = "Nats-Msg-Id";
export const firstRevisionHeader = "Ghx-First-Revision";
export const eventCountHeader = "Ghx-Event-Count";

/** Where a message sits in its event-store stream. */
export interface MessageSpan {
  readonly sequence: number;
  readonly firstRevision: bigint;
  readonly count: number;
  readonly commitId: string;
}

/** The subject, sequence, headers and payload of a stored or delivered JetStream message. */
export interface StoredMessage {
  readonly subject: string;
  readonly seq: number;
  readonly headers: MsgHdrs | undefined;
  readonly data: Uint8Array;
}

interface StoredEvent {
  readonly type: string;
  readonly data: unknown;
  readonly metadata?: Record<string, unknown>;
}

export function encodeHeaders(firstRevision: bigint, count: number): MsgHdrs {
  const h = headers();
  h.set(firstRevisionHeader, firstRevision.toString());
  h.set(eventCountHeader, String(count));
  return h;
}

/** Nats-Msg-Id carries the commit id URI-encoded, since header values cannot hold every string. */
export function encodeCommitId(commitId: string): string {
  return encodeURIComponent(commitId);
}

export function spanOf(message: StoredMessage): MessageSpan {
  const first = message.headers?.get(firstRevisionHeader);
  const count = Number(message.headers?.get(eventCountHeader));
  if (!first || !Number.isSafeInteger(count) || count < 1) {
    throw new Error(`message ${message.seq} on ${message.subject} is not an event-store append`);
  }
  return {
    sequence: message.seq,
    firstRevision: BigInt(first),
    count,
    commitId: decodeURIComponent(message.headers?.get(commitIdHeader) ?? ""),
  };
}

export function lastRevisionOf(span: MessageSpan): bigint {
  return span.firstRevision + BigInt(span.count - 1);
}

const utf8 = new TextDecoder();

export function decodeMessage(stream: string, message: StoredMessage): RecordedEvent[] {
  const span = spanOf(message);
  const stored = JSON.parse(utf8.decode(message.data)) as StoredEvent[];
  if (stored.length !== span.count) {
    throw new Error(`message ${message.seq} holds ${stored.length} events, its header says ${span.count}`);
  }
  return stored.map((event, index) => ({
    stream,
    revision: span.firstRevision + BigInt(index),
    position: positionOf(span.sequence, index),
    type: event.type,
    data: event.data,
    ...(event.metadata === undefined ? {} : { metadata: event.metadata }),
    commitId: span.commitId,
  }));
}
