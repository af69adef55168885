// The on-disk record: one per append call, so an append is atomic by construction.
//
//   frame (12 bytes)  u32 bodyLength | u32 crc32(body) | u32 crc32(first 8 bytes of the frame)
//   body header (28)  u8 version=1 | u8 0 | u16 streamBytes | u16 commitIdBytes | u16 0
//                     | u64 firstPosition | u64 firstRevision | u32 eventCount
//   body rest         stream (UTF-8) | commitId (UTF-8) | events as a JSON array (UTF-8)
//
// All integers little-endian. The frame has its own CRC so that a damaged length is told apart
// from a record cut short by a crash (see parseRecord).
import { crc32 } from "node:zlib";
import type { PlannedCommit } from "../memory/store-index.ts";

export const frameBytes = 12;
const bodyHeaderBytes = 28;
const formatVersion = 1;
/** Stream name and commitId lengths are u16 on disk. */
export const nameBytesMax = 0xffff;

/** Where a record's events sit in a segment file; its commit id is the commitIdBytes before them. */
export interface RecordLocation {
  readonly segment: number;
  readonly eventsOffset: number;
  readonly eventsBytes: number;
  readonly commitIdBytes: number;
}

export interface ParsedRecord extends PlannedCommit, Omit<RecordLocation, "segment"> {
  readonly end: number;
}

export type ParseResult =
  | { readonly kind: "record"; readonly record: ParsedRecord }
  | { readonly kind: "torn" }
  | { readonly kind: "corrupt"; readonly reason: string };

/** A record's size from the UTF-8 lengths of its stream name, commit id and events. */
export function recordBytes(streamBytes: number, commitIdBytes: number, eventsBytes: number): number {
  return frameBytes + bodyHeaderBytes + streamBytes + commitIdBytes + eventsBytes;
}

export function encodeRecord(
  planned: PlannedCommit,
  stream: Buffer,
  commitId: Buffer,
  events: Buffer,
): Buffer {
  const record = Buffer.allocUnsafe(recordBytes(stream.length, commitId.length, events.length));
  const bodyLength = record.length - frameBytes;
  let at = frameBytes;
  at = record.writeUInt8(formatVersion, at);
  at = record.writeUInt8(0, at);
  at = record.writeUInt16LE(stream.length, at);
  at = record.writeUInt16LE(commitId.length, at);
  at = record.writeUInt16LE(0, at);
  at = record.writeBigUInt64LE(planned.firstPosition, at);
  at = record.writeBigUInt64LE(planned.firstRevision, at);
  at = record.writeUInt32LE(planned.count, at);
  at += stream.copy(record, at);
  at += commitId.copy(record, at);
  events.copy(record, at);
  record.writeUInt32LE(bodyLength, 0);
  record.writeUInt32LE(crc32(record.subarray(frameBytes)), 4);
  record.writeUInt32LE(crc32(record.subarray(0, 8)), 8);
  return record;
}

function zeroFrom(buffer: Buffer, offset: number): boolean {
  for (let i = offset; i < buffer.length; i++) if (buffer[i] !== 0) return false;
  return true;
}

/**
 * Parses the record at `offset`. "torn" means what a crash during the last write leaves: a
 * prefix of a record (the frame or the body cut short), a body whose CRC fails and that ends
 * exactly at the end of the data, or zeros to the end. Anything else that fails a check is
 * "corrupt": damage that a crash cannot explain.
 */
export function parseRecord(buffer: Buffer, offset: number): ParseResult {
  if (buffer.length - offset < frameBytes) return { kind: "torn" };
  const bodyLength = buffer.readUInt32LE(offset);
  if (crc32(buffer.subarray(offset, offset + 8)) !== buffer.readUInt32LE(offset + 8)) {
    return zeroFrom(buffer, offset)
      ? { kind: "torn" }
      : { kind: "corrupt", reason: "frame checksum mismatch" };
  }
  const end = offset + frameBytes + bodyLength;
  if (end > buffer.length) return { kind: "torn" };
  const body = buffer.subarray(offset + frameBytes, end);
  if (crc32(body) !== buffer.readUInt32LE(offset + 4)) {
    return end === buffer.length || zeroFrom(buffer, offset + frameBytes)
      ? { kind: "torn" }
      : { kind: "corrupt", reason: "body checksum mismatch" };
  }
  if (bodyLength < bodyHeaderBytes || body.readUInt8(0) !== formatVersion) {
    return { kind: "corrupt", reason: `unknown record format ${body.readUInt8(0)}` };
  }
  const streamBytes = body.readUInt16LE(2);
  const commitIdBytes = body.readUInt16LE(4);
  const eventsStart = bodyHeaderBytes + streamBytes + commitIdBytes;
  if (eventsStart > bodyLength) return { kind: "corrupt", reason: "name lengths exceed the record" };
  return {
    kind: "record",
    record: {
      stream: body.toString("utf8", bodyHeaderBytes, bodyHeaderBytes + streamBytes),
      commitId: body.toString("utf8", bodyHeaderBytes + streamBytes, eventsStart),
      firstPosition: body.readBigUInt64LE(8),
      firstRevision: body.readBigUInt64LE(16),
      count: body.readUInt32LE(24),
      eventsOffset: offset + frameBytes + eventsStart,
      eventsBytes: bodyLength - eventsStart,
      commitIdBytes,
      end,
    },
  };
}
