// Segment files: `<10-digit number>.seg`, appended in number order, each a sequence of records.
// Recovery summarises the sealed ones (from their index files where usable), scans the last one,
// verifies every record it scans and cuts a torn tail off the last one.
import { type FileHandle, open, readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { type ParsedRecord, type ParseResult, parseRecord } from "./record.ts";
import {
  readSegmentIndex,
  readSegmentSummary,
  SegmentIndexBuilder,
  type SegmentSummary,
} from "./segment-index.ts";
import { changeFileSynced, syncDirectory } from "./sync.ts";

export class CorruptLog extends Error {
  override readonly name = "CorruptLog";
  constructor(
    readonly file: string,
    readonly offset: number,
    readonly reason: string,
  ) {
    super(`event store file ${file} is corrupt at byte ${offset}: ${reason}`);
  }
}

const segmentPattern = /^(\d{10})\.seg$/;

const segmentName = (segment: number) => String(segment).padStart(10, "0");

export function segmentPath(directory: string, segment: number): string {
  return join(directory, `${segmentName(segment)}.seg`);
}

/** A sealed segment's index file (segment-index.ts). */
export function segmentIndexPath(directory: string, segment: number): string {
  return join(directory, `${segmentName(segment)}.idx`);
}

async function listSegments(directory: string): Promise<number[]> {
  const names = await readdir(directory);
  return names
    .flatMap((name) => {
      const match = segmentPattern.exec(name);
      return match ? [Number(match[1])] : [];
    })
    .sort((a, b) => a - b);
}

export interface RecoveredLog {
  /** The segment to append to and its valid length (0 and 0 for a new store). */
  readonly lastSegment: number;
  readonly lastSegmentBytes: number;
  /** Bytes cut off the end of the last segment (a torn tail). */
  readonly truncatedBytes: number;
}

export interface RecoveredSegments {
  readonly log: RecoveredLog;
  /** Every sealed segment (all but the last), summarised, in order. */
  readonly sealed: readonly SegmentSummary[];
  /** The last segment's records: it has no index file while it is written. */
  readonly last: readonly ParsedRecord[];
}

/**
 * The segments as they are on disk: a summary of each sealed one, from its index file where that
 * is usable (else the segment is scanned, every record verified, and indexed for the next open),
 * and the last one's records, scanned. A torn tail in the last segment is truncated (and the
 * truncation synced); any other damage throws CorruptLog.
 */
export async function recoverSegments(directory: string): Promise<RecoveredSegments> {
  const segments = await listSegments(directory);
  const sealed: SegmentSummary[] = [];
  for (const segment of segments.slice(0, -1)) {
    const bytes = (await stat(segmentPath(directory, segment))).size;
    const indexPath = segmentIndexPath(directory, segment);
    sealed.push(
      (await readSegmentSummary(indexPath, segment, bytes)) ?? (await indexSegment(directory, segment)),
    );
  }
  const lastSegment = segments.at(-1);
  if (lastSegment === undefined) {
    return { log: { lastSegment: 0, lastSegmentBytes: 0, truncatedBytes: 0 }, sealed, last: [] };
  }
  const file = segmentPath(directory, lastSegment);
  const buffer = await readFile(file);
  const { records: last, end: offset, stop } = scanRecords(buffer);
  // A torn tail is what a crash during the last write leaves; anything else is damage.
  if (stop?.kind === "torn") await truncate(file, offset);
  else if (stop) throw new CorruptLog(file, offset, stop.reason);
  const log = { lastSegment, lastSegmentBytes: offset, truncatedBytes: buffer.length - offset };
  return { log, sealed, last };
}

/** Scans a sealed segment without a usable index file and writes one; its summary. */
async function indexSegment(directory: string, segment: number): Promise<SegmentSummary> {
  const { records, bytes } = await scanSealedSegment(directory, segment);
  const index = new SegmentIndexBuilder(segment);
  for (const record of records) index.add(record);
  // An index that cannot be written (a full disk, say) costs only this scan again next time.
  await index.write(segmentIndexPath(directory, segment), bytes).catch(() => {});
  return index.summary(bytes);
}

/**
 * A sealed segment's records: from its index file when that is usable, else scanned from the
 * segment, every record verified (any damage, a cut-short record too, is CorruptLog).
 */
export async function readSealedSegment(directory: string, segment: number): Promise<ParsedRecord[]> {
  const bytes = (await stat(segmentPath(directory, segment))).size;
  const indexed = await readSegmentIndex(segmentIndexPath(directory, segment), segment, bytes);
  return indexed ?? (await scanSealedSegment(directory, segment)).records;
}

async function scanSealedSegment(directory: string, segment: number) {
  const file = segmentPath(directory, segment);
  const buffer = await readFile(file);
  const { records, end, stop } = scanRecords(buffer);
  if (stop) {
    const reason = stop.kind === "torn" ? "record cut short before the last segment" : stop.reason;
    throw new CorruptLog(file, end, reason);
  }
  return { records, bytes: buffer.length };
}

/** A segment's records in order, up to the first that does not parse: where that is, and why. */
function scanRecords(buffer: Buffer): {
  records: ParsedRecord[];
  end: number;
  stop?: Exclude<ParseResult, { kind: "record" }>;
} {
  const records: ParsedRecord[] = [];
  let end = 0;
  while (end < buffer.length) {
    const parsed = parseRecord(buffer, end);
    if (parsed.kind !== "record") return { records, end, stop: parsed };
    records.push(parsed.record);
    end = parsed.record.end;
  }
  return { records, end };
}

const truncate = (file: string, length: number): Promise<void> =>
  changeFileSynced(file, "r+", (handle) => handle.truncate(length));

async function writeFully(handle: FileHandle, data: Buffer, position: number): Promise<void> {
  let written = 0;
  while (written < data.length) {
    const { bytesWritten } = await handle.write(data, written, data.length - written, position + written);
    written += bytesWritten;
  }
}

/** Appends batches to the active segment, rolling over to a new one past `segmentBytesMax`. */
export class SegmentWriter {
  private constructor(
    private readonly directory: string,
    private readonly segmentBytesMax: number,
    private segment: number,
    private handle: FileHandle,
    private size: number,
  ) {}

  static async open(
    directory: string,
    segmentBytesMax: number,
    recovered: RecoveredLog,
  ): Promise<SegmentWriter> {
    const path = segmentPath(directory, recovered.lastSegment);
    const handle = await open(path, recovered.lastSegmentBytes === 0 ? "w" : "r+");
    if (recovered.lastSegmentBytes === 0) await syncDirectory(directory);
    return new SegmentWriter(
      directory,
      segmentBytesMax,
      recovered.lastSegment,
      handle,
      recovered.lastSegmentBytes,
    );
  }

  /** Writes `data` and fdatasyncs it; returns where it starts. A batch never spans segments. */
  async write(data: Buffer): Promise<{ segment: number; offset: number }> {
    if (this.size > 0 && this.size + data.length > this.segmentBytesMax) await this.rollOver();
    const offset = this.size;
    await writeFully(this.handle, data, offset);
    await this.handle.datasync();
    this.size += data.length;
    return { segment: this.segment, offset };
  }

  async close(): Promise<void> {
    await this.handle.close();
  }

  /** Bytes of `segment` that are synced and final. */
  committedBytes(segment: number): number {
    return segment < this.segment ? Number.POSITIVE_INFINITY : this.size;
  }

  private async rollOver(): Promise<void> {
    await this.handle.close();
    this.segment += 1;
    this.size = 0;
    this.handle = await open(segmentPath(this.directory, this.segment), "wx");
    await syncDirectory(this.directory);
  }
}

/**
 * Segments a reader keeps open at once. A long log has thousands of segments (64 MiB each): one
 * handle per segment ever read would pass the process's file limit (1,024 by default) on a
 * replay from zero. Reads run mostly forward, so the least recently read go first.
 */
export const openSegmentsMaxDefault = 64;

interface OpenSegment {
  readonly handle: Promise<FileHandle>;
  /** Reads in flight on the handle: it is not closed under them. */
  reads: number;
}

/**
 * Positional reads of committed records over a bounded set of open segments. Reads at least
 * `readAheadBytes` and keeps the last chunk, so a subscription catching up reads the log in large
 * sequential chunks instead of one read per record. A chunk never extends past the bytes
 * committed when it was read: beyond them a batch may be half written.
 */
export class SegmentReader {
  /** In order of last use, least recent first. */
  private readonly segments = new Map<number, OpenSegment>();
  private chunk: { segment: number; offset: number; data: Buffer } | undefined;

  constructor(
    private readonly directory: string,
    private readonly committedBytes: (segment: number) => number,
    private readonly readAheadBytes = 256 * 1024,
    private readonly openSegmentsMax = openSegmentsMaxDefault,
  ) {}

  /** Segments whose handle is open (or opening). */
  get openSegments(): number {
    return this.segments.size;
  }

  async read(segment: number, offset: number, length: number): Promise<Buffer> {
    const cached = this.chunk;
    if (
      cached?.segment === segment &&
      offset >= cached.offset &&
      offset + length <= cached.offset + cached.data.length
    ) {
      return cached.data.subarray(offset - cached.offset, offset - cached.offset + length);
    }
    const committedEnd = this.committedBytes(segment);
    const buffer = Buffer.allocUnsafe(Math.max(length, Math.min(this.readAheadBytes, committedEnd - offset)));
    const open = this.acquire(segment);
    let bytesRead: number;
    try {
      ({ bytesRead } = await (await open.handle).read(buffer, 0, buffer.length, offset));
    } finally {
      open.reads--;
      this.closeIdle();
    }
    if (bytesRead < length) throw new Error(`short read in segment ${segment} at ${offset}`);
    this.chunk = { segment, offset, data: buffer.subarray(0, bytesRead) };
    return buffer.subarray(0, length);
  }

  /** The segment's handle, marked in use and most recently used. */
  private acquire(segment: number): OpenSegment {
    const entry = this.segments.get(segment) ?? {
      handle: open(segmentPath(this.directory, segment), "r"),
      reads: 0,
    };
    this.segments.delete(segment);
    this.segments.set(segment, entry);
    entry.reads++;
    this.closeIdle();
    return entry;
  }

  /**
   * Closes the least recently used idle segments past the bound. Segments being read stay open,
   * so concurrent reads of many segments hold that many until they finish.
   */
  private closeIdle(): void {
    for (const [segment, entry] of this.segments) {
      if (this.segments.size <= this.openSegmentsMax) return;
      if (entry.reads > 0) continue;
      this.segments.delete(segment);
      entry.handle.then((handle) => handle.close()).catch(() => {});
    }
  }

  async close(): Promise<void> {
    const segments = [...this.segments.values()];
    this.segments.clear();
    await Promise.all(segments.map(async ({ handle }) => (await handle).close()));
  }
}
