// A sealed segment's index file, `<10-digit number>.idx` beside its `.seg`: a summary of the
// segment, then what parseRecord would find in it, record by record, without the events. Opening
// the store reads these instead of scanning and CRC-checking whole segments, and for segments
// whose commits the index retires at once (all but the last two) only the summary: so opening
// takes time in proportion to the number of segments plus the records of the last two, not to
// the log. Written once, when the segment is sealed (the writer moved on to the next one),
// atomically; a missing, damaged or mismatched index (or one of format 1, which had no summary)
// is ignored and the segment scanned as before, then indexed.
//
//   summary frame       u32 bodyLength | u32 crc32(body)
//     body (40)         u8 version=2 | u8 0 | u16 streamCount | u32 segment | u32 recordCount
//                       | u32 0 | u64 segmentBytes | u64 firstPosition | u64 endPosition
//     per stream (24+)  u64 firstRevision | u64 lastRevision | u32 commits | u16 nameBytes | u16 0
//                       | name (UTF-8)
//   records frame       u32 bodyLength | u32 crc32(body)
//     per record (44+)  u64 firstPosition | u64 firstRevision | u32 count | u64 eventsOffset
//                       | u32 eventsBytes | u64 end | u16 streamBytes | u16 commitIdBytes
//                       | stream (UTF-8) | commitId (UTF-8)
import { open, readFile } from "node:fs/promises";
import { crc32 } from "node:zlib";
import type { PartSummary, StreamSummary } from "../memory/store-index.ts";
import type { ParsedRecord } from "./record.ts";
import { writeFileDurably } from "./sync.ts";

const frameBytes = 8;
const summaryHeaderBytes = 40;
const streamEntryBytes = 24;
const entryBytes = 44;
const formatVersion = 2;

/** Entries are packed into chunks of this size: no object per record while a segment fills. */
const chunkBytes = 64 * 1024;

/** What a sealed segment holds, without its records: enough to retire it at open. */
export interface SegmentSummary extends PartSummary {
  readonly segment: number;
  /** The segment file's length. */
  readonly bytes: number;
}

/** Collects a segment's records as they are written, already encoded, and their summary. */
export class SegmentIndexBuilder {
  private readonly chunks: Buffer[] = [];
  private chunk = Buffer.allocUnsafeSlow(chunkBytes);
  private used = 0;
  private records = 0;
  private firstPosition = 0;
  private endPosition = 0;
  private readonly streams = new Map<
    string,
    { firstRevision: number; lastRevision: number; commits: number }
  >();

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
    this.summarise(record);
  }

  private summarise(record: ParsedRecord): void {
    const firstRevision = Number(record.firstRevision);
    const lastRevision = firstRevision + record.count - 1;
    if (this.records++ === 0) this.firstPosition = Number(record.firstPosition);
    this.endPosition = Number(record.firstPosition) + record.count;
    const stream = this.streams.get(record.stream);
    if (stream) {
      stream.lastRevision = lastRevision;
      stream.commits++;
    } else {
      this.streams.set(record.stream, { firstRevision, lastRevision, commits: 1 });
    }
  }

  /** What the sealed segment, `segmentBytes` long, holds. */
  summary(segmentBytes: number): SegmentSummary {
    return {
      segment: this.segment,
      bytes: segmentBytes,
      commits: this.records,
      firstPosition: this.firstPosition,
      endPosition: this.endPosition,
      streams: [...this.streams].map(([name, stream]) => ({ name, ...stream })),
    };
  }

  /** The index file of the sealed segment, `segmentBytes` long. */
  encode(segmentBytes: number): Buffer {
    const { streams } = this.summary(segmentBytes);
    const names = streams.map((stream) => Buffer.from(stream.name));
    const summary = Buffer.alloc(
      frameBytes + summaryHeaderBytes + names.reduce((sum, name) => sum + streamEntryBytes + name.length, 0),
    );
    let at = frameBytes;
    at = summary.writeUInt8(formatVersion, at);
    at = summary.writeUInt8(0, at);
    at = summary.writeUInt16LE(names.length, at);
    at = summary.writeUInt32LE(this.segment, at);
    at = summary.writeUInt32LE(this.records, at);
    at = summary.writeUInt32LE(0, at);
    at = summary.writeBigUInt64LE(BigInt(segmentBytes), at);
    at = summary.writeBigUInt64LE(BigInt(this.firstPosition), at);
    at = summary.writeBigUInt64LE(BigInt(this.endPosition), at);
    for (const [i, stream] of streams.entries()) {
      at = summary.writeBigUInt64LE(BigInt(stream.firstRevision), at);
      at = summary.writeBigUInt64LE(BigInt(stream.lastRevision), at);
      at = summary.writeUInt32LE(stream.commits, at);
      at = summary.writeUInt16LE(names[i]!.length, at);
      at = summary.writeUInt16LE(0, at);
      at += names[i]!.copy(summary, at);
    }
    const records = Buffer.concat([
      Buffer.alloc(frameBytes),
      ...this.chunks,
      this.chunk.subarray(0, this.used),
    ]);
    return Buffer.concat([sealFrame(summary), sealFrame(records)]);
  }

  write(path: string, segmentBytes: number): Promise<void> {
    return writeFileDurably(path, this.encode(segmentBytes));
  }
}

/** Fills in a frame's length and checksum (its first frameBytes) over the rest. */
function sealFrame(frame: Buffer): Buffer {
  frame.writeUInt32LE(frame.length - frameBytes, 0);
  frame.writeUInt32LE(crc32(frame.subarray(frameBytes)), 4);
  return frame;
}

/** The body of the frame at `at`, or undefined when it is cut short or fails its checksum. */
function frameBody(file: Buffer, at: number): Buffer | undefined {
  if (file.length - at < frameBytes) return undefined;
  const end = at + frameBytes + file.readUInt32LE(at);
  if (end > file.length) return undefined;
  const body = file.subarray(at + frameBytes, end);
  return crc32(body) === file.readUInt32LE(at + 4) ? body : undefined;
}

function decodeSummary(body: Buffer, segment: number, segmentBytes: number): SegmentSummary | undefined {
  if (body.length < summaryHeaderBytes || body.readUInt8(0) !== formatVersion) return undefined;
  if (body.readUInt32LE(4) !== segment || Number(body.readBigUInt64LE(16)) !== segmentBytes) return undefined;
  const streams: StreamSummary[] = [];
  let at = summaryHeaderBytes;
  for (let i = body.readUInt16LE(2); i > 0; i--) {
    if (at + streamEntryBytes > body.length) return undefined;
    const nameEnd = at + streamEntryBytes + body.readUInt16LE(at + 20);
    if (nameEnd > body.length) return undefined;
    streams.push({
      name: body.toString("utf8", at + streamEntryBytes, nameEnd),
      firstRevision: Number(body.readBigUInt64LE(at)),
      lastRevision: Number(body.readBigUInt64LE(at + 8)),
      commits: body.readUInt32LE(at + 16),
    });
    at = nameEnd;
  }
  if (at !== body.length) return undefined;
  return {
    segment,
    bytes: segmentBytes,
    commits: body.readUInt32LE(8),
    firstPosition: Number(body.readBigUInt64LE(24)),
    endPosition: Number(body.readBigUInt64LE(32)),
    streams,
  };
}

/**
 * The summary of a segment of `segmentBytes` from its index file (its first frame only), or
 * undefined when there is no usable index: none, another format, a checksum, segment number or
 * length that does not match.
 */
export async function readSegmentSummary(
  path: string,
  segment: number,
  segmentBytes: number,
): Promise<SegmentSummary | undefined> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, "r");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  try {
    const head = Buffer.alloc(frameBytes);
    if ((await handle.read(head, 0, frameBytes, 0)).bytesRead < frameBytes) return undefined;
    const frame = Buffer.alloc(frameBytes + head.readUInt32LE(0));
    const { bytesRead } = await handle.read(frame, 0, frame.length, 0);
    const body = bytesRead === frame.length ? frameBody(frame, 0) : undefined;
    return body && decodeSummary(body, segment, segmentBytes);
  } finally {
    await handle.close();
  }
}

/**
 * The records of a segment of `segmentBytes` from its index file, or undefined when there is no
 * usable index: as readSegmentSummary, or records that do not tile the segment exactly or do not
 * add up to the summary (the caller then scans the segment).
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
  const summaryBody = frameBody(file, 0);
  const summary = summaryBody && decodeSummary(summaryBody, segment, segmentBytes);
  if (!summary) return undefined;
  const recordsAt = frameBytes + summaryBody!.length;
  const records = frameBody(file, recordsAt);
  if (!records || recordsAt + frameBytes + records.length !== file.length) return undefined;
  return decodeRecords(records, summary);
}

function decodeRecords(body: Buffer, summary: SegmentSummary): ParsedRecord[] | undefined {
  const records: ParsedRecord[] = [];
  let at = 0;
  let expectedStart = 0;
  for (let i = 0; i < summary.commits; i++) {
    if (at + entryBytes > body.length) return undefined;
    const firstPosition = body.readBigUInt64LE(at);
    const firstRevision = body.readBigUInt64LE(at + 8);
    const count = body.readUInt32LE(at + 16);
    const eventsOffset = Number(body.readBigUInt64LE(at + 20));
    const eventsBytes = body.readUInt32LE(at + 28);
    const end = Number(body.readBigUInt64LE(at + 32));
    const streamBytes = body.readUInt16LE(at + 40);
    const commitIdBytes = body.readUInt16LE(at + 42);
    const names = at + entryBytes;
    if (names + streamBytes + commitIdBytes > body.length) return undefined;
    // Each record's events end where the record ends, and the next record starts there.
    if (eventsOffset + eventsBytes !== end || eventsOffset <= expectedStart) return undefined;
    records.push({
      stream: body.toString("utf8", names, names + streamBytes),
      commitId: body.toString("utf8", names + streamBytes, names + streamBytes + commitIdBytes),
      firstPosition,
      firstRevision,
      count,
      eventsOffset,
      eventsBytes,
      commitIdBytes,
      end,
    });
    expectedStart = end;
    at = names + streamBytes + commitIdBytes;
  }
  return at === body.length && expectedStart === summary.bytes ? records : undefined;
}
