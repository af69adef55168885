// A sealed segment's index file, `<10-digit number>.idx` beside its `.seg`: what parseRecord would
// find in the segment, record by record, without the events. Opening the store reads these
// instead of scanning and CRC-checking whole segments, so opening takes time in proportion to
// the number of records, not to the bytes of the log (a 64 MiB segment of small records has an
// index of about a megabyte). Written once, when the segment is sealed (the writer moved on to
// the next one), atomically; a missing, damaged or mismatched index is ignored and the segment
// scanned as before, then indexed.
//
//   frame (8 bytes)   u32 bodyLength | u32 crc32(body)
//   body header (24)  u8 version=1 | u8 0 | u16 0 | u32 segment | u32 recordCount | u32 0
//                     | u64 segmentBytes
//   per record (44+)  u64 firstPosition | u64 firstRevision | u32 count | u64 eventsOffset
//                     | u32 eventsBytes | u64 end | u16 streamBytes | u16 commitIdBytes
//                     | stream (UTF-8) | commitId (UTF-8)
import { readFile } from "node:fs/promises";
import { crc32 } from "node:zlib";
import type { ParsedRecord } from "./record.ts";
import { writeFileDurably } from "./sync.ts";

const frameBytes = 8;
const headerBytes = 24;
const entryBytes = 44;
const formatVersion = 1;

/** Entries are packed into chunks of this size: no object per record while a segment fills. */
const chunkBytes = 64 * 1024;

/** Collects a segment's records as they are written, already encoded. */
export class SegmentIndexBuilder {
  private readonly chunks: Buffer[] = [];
  private chunk = Buffer.allocUnsafeSlow(chunkBytes);
  private used = 0;
  private records = 0;

  constructor(readonly segment: number) {}

  add(record: ParsedRecord): void {
    const streamBytes = Buffer.byteLength(record.stream);
    const bytes = entryBytes + streamBytes + record.commitIdBytes;
    if (this.used + bytes > this.chunk.length) {
      this.chunks.push(this.chunk.subarray(0, this.used));
      this.chunk = Buffer.allocUnsafeSlow(Math.max(chunkBytes, bytes));
      this.used = 0;
    }
    const entry = this.chunk;
    let at = entry.writeBigUInt64LE(record.firstPosition, this.used);
    at = entry.writeBigUInt64LE(record.firstRevision, at);
    at = entry.writeUInt32LE(record.count, at);
    at = entry.writeBigUInt64LE(BigInt(record.eventsOffset), at);
    at = entry.writeUInt32LE(record.eventsBytes, at);
    at = entry.writeBigUInt64LE(BigInt(record.end), at);
    at = entry.writeUInt16LE(streamBytes, at);
    at = entry.writeUInt16LE(record.commitIdBytes, at);
    at += entry.write(record.stream, at);
    at += entry.write(record.commitId, at);
    this.used = at;
    this.records++;
  }

  /** The index file of the sealed segment, `segmentBytes` long. */
  encode(segmentBytes: number): Buffer {
    const header = Buffer.alloc(frameBytes + headerBytes);
    header.writeUInt8(formatVersion, frameBytes);
    header.writeUInt32LE(this.segment, frameBytes + 4);
    header.writeUInt32LE(this.records, frameBytes + 8);
    header.writeBigUInt64LE(BigInt(segmentBytes), frameBytes + 16);
    const file = Buffer.concat([header, ...this.chunks, this.chunk.subarray(0, this.used)]);
    file.writeUInt32LE(file.length - frameBytes, 0);
    file.writeUInt32LE(crc32(file.subarray(frameBytes)), 4);
    return file;
  }

  write(path: string, segmentBytes: number): Promise<void> {
    return writeFileDurably(path, this.encode(segmentBytes));
  }
}

/**
 * The records of a segment of `segmentBytes` from its index file, or undefined when there is no
 * usable index: none, another format, a checksum, segment number or length that does not match,
 * or records that do not tile the segment exactly (the caller then scans the segment).
 */
export async function readSegmentIndex(
  path: string,
  segment: number,
  segmentBytes: number,
): Promise<ParsedRecord[] | undefined> {
  let file: Buffer;
  try {
    file = await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  return decodeSegmentIndex(file, segment, segmentBytes);
}

function decodeSegmentIndex(file: Buffer, segment: number, segmentBytes: number): ParsedRecord[] | undefined {
  if (file.length < frameBytes + headerBytes) return undefined;
  if (file.readUInt32LE(0) !== file.length - frameBytes) return undefined;
  if (crc32(file.subarray(frameBytes)) !== file.readUInt32LE(4)) return undefined;
  if (file.readUInt8(frameBytes) !== formatVersion) return undefined;
  if (file.readUInt32LE(frameBytes + 4) !== segment) return undefined;
  if (file.readBigUInt64LE(frameBytes + 16) !== BigInt(segmentBytes)) return undefined;
  const count = file.readUInt32LE(frameBytes + 8);
  const records: ParsedRecord[] = [];
  let at = frameBytes + headerBytes;
  let expectedStart = 0;
  for (let i = 0; i < count; i++) {
    if (at + entryBytes > file.length) return undefined;
    const firstPosition = file.readBigUInt64LE(at);
    const firstRevision = file.readBigUInt64LE(at + 8);
    const recordCount = file.readUInt32LE(at + 16);
    const eventsOffset = Number(file.readBigUInt64LE(at + 20));
    const eventsBytes = file.readUInt32LE(at + 28);
    const end = Number(file.readBigUInt64LE(at + 32));
    const streamBytes = file.readUInt16LE(at + 40);
    const commitIdBytes = file.readUInt16LE(at + 42);
    const names = at + entryBytes;
    if (names + streamBytes + commitIdBytes > file.length) return undefined;
    // Each record's events end where the record ends, and the next record starts there.
    if (eventsOffset + eventsBytes !== end || eventsOffset <= expectedStart) return undefined;
    records.push({
      stream: file.toString("utf8", names, names + streamBytes),
      commitId: file.toString("utf8", names + streamBytes, names + streamBytes + commitIdBytes),
      firstPosition,
      firstRevision,
      count: recordCount,
      eventsOffset,
      eventsBytes,
      commitIdBytes,
      end,
    });
    expectedStart = end;
    at = names + streamBytes + commitIdBytes;
  }
  return at === file.length && expectedStart === segmentBytes ? records : undefined;
}
