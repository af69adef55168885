// Pure mappings between the port and KurrentDB: stream states, positions, deterministic event
// ids, and the stored event shape.
import { createHash } from "node:crypto";
import {
  ANY,
  type AppendStreamState,
  NO_STREAM,
  type Position,
  STREAM_EXISTS,
} from "@kurrent/kurrentdb-client";
import type { ExpectedRevision, RecordedEvent } from "../port.ts";

const half = 64n;
const halfMask = (1n << half) - 1n;

export function streamStateOf(expected: ExpectedRevision): AppendStreamState {
  if (expected === "any") return ANY;
  if (expected === "no_stream") return NO_STREAM;
  if (expected === "stream_exists") return STREAM_EXISTS;
  return expected;
}

/** A $all position as one bigint: commit position in the high 64 bits, prepare in the low. */
export function packPosition(position: Position): bigint {
  return (position.commit << half) | position.prepare;
}

export function unpackPosition(position: bigint): Position {
  return { commit: position >> half, prepare: position & halfMask };
}

// Fixed namespace of GHX event ids (a random UUID chosen once).
const eventIdNamespace = Buffer.from("5c1d3f0e8a7b4e2f9c6d1a0b3e4f5a6b", "hex");

/**
 * The id of the index-th event of a commit: a name-based UUID (version 5 layout, SHA-1 over a
 * fixed namespace and "commitId/index"), so a retried append carries the same ids and KurrentDB
 * recognises it as already written.
 */
export function eventIdOf(commitId: string, index: number): string {
  const hash = createHash("sha1").update(eventIdNamespace).update(`${commitId}/${index}`).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** What the adapter stores as KurrentDB metadata: the commit id, and the caller's metadata. */
export interface StoredMetadata {
  readonly commitId: string;
  readonly metadata?: Record<string, unknown>;
  /** KurrentDB JSON events hold an object, array or string; other values are wrapped. */
  readonly wrapped?: true;
}

export function storedData(data: unknown): {
  data: Record<string, unknown> | unknown[] | string;
  wrapped: boolean;
} {
  const direct =
    typeof data === "string" || Array.isArray(data) || (typeof data === "object" && data !== null);
  return direct
    ? { data: data as Record<string, unknown> | unknown[] | string, wrapped: false }
    : { data: { value: data }, wrapped: true };
}

export interface KurrentRecorded {
  readonly streamId: string;
  readonly revision: bigint;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: unknown;
  readonly position?: Position;
}

export function toRecordedEvent(event: KurrentRecorded, stream: string): RecordedEvent {
  if (!event.position) throw new Error(`event ${event.streamId}@${event.revision} has no $all position`);
  const stored = event.metadata as StoredMetadata;
  return {
    stream,
    revision: event.revision,
    position: packPosition(event.position),
    type: event.type,
    data: stored.wrapped ? (event.data as { value: unknown }).value : event.data,
    ...(stored.metadata === undefined ? {} : { metadata: stored.metadata }),
    commitId: stored.commitId,
  };
}
