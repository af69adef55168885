// The file adapter, the embedded default. Appends go through a group commit: the appends made in
// one turn of the event loop, or while a write is in flight, form one batch, which is planned
// against the index (expected revisions), written with one write and one fdatasync, and only
// then added to the index and resolved. The index (streams, recent commitIds, global log) lives
// in memory as typed-array columns (~46 bytes per append) for the last two segments only; older
// segments' commits are retired from it and read back from their index files when a read reaches
// them (SegmentArchive), so the store's memory does not grow with its log. The index is rebuilt on
// open from the segments' index files (for retired segments their summaries alone, rebuildIndex)
// or by scanning them; payloads and commit ids stay on disk and are read on demand.
import { mkdir } from "node:fs/promises";
import { float64Column, uint16Column, uint32Column } from "../memory/columns.ts";
import {
  commitIdWindowDefault,
  type IndexedCommit,
  type LoadedCommit,
  type PayloadColumn,
  type PlannedCommit,
  resultOf,
  StoreIndex,
} from "../memory/store-index.ts";
import {
  type AppendOptions,
  type AppendResult,
  type EventData,
  type EventStore,
  EventStoreClosed,
  type ExpectedRevision,
  encodeAppend,
  InvalidAppend,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeToAllOptions,
  type SubscriptionItem,
} from "../port.ts";
import { type DirectoryLock, lockDirectory } from "./lock.ts";
import { encodeRecord, nameBytesMax, type ParsedRecord, type RecordLocation, recordBytes } from "./record.ts";
import { SegmentArchive } from "./segment-archive.ts";
import { SegmentIndexBuilder } from "./segment-index.ts";
import {
  CorruptLog,
  type RecoveredLog,
  readSealedSegment,
  recoverSegments,
  SegmentReader,
  SegmentWriter,
  segmentIndexPath,
  segmentPath,
} from "./segments.ts";

export interface FileEventStoreOptions {
  /** A segment is closed and a new one started once a batch would take it past this size. */
  readonly segmentBytesMax?: number;
  /** Larger appends are rejected with InvalidAppend("too_large"). */
  readonly recordBytesMax?: number;
  /** How many of the last appends a retry with the same commitId is answered for (dedupe). */
  readonly commitIdWindow?: number;
}

export const fileEventStoreDefaults = {
  segmentBytesMax: 64 * 1024 * 1024,
  recordBytesMax: 16 * 1024 * 1024,
  commitIdWindow: commitIdWindowDefault,
} as const;

interface QueuedAppend {
  readonly stream: Buffer;
  readonly streamName: string;
  readonly commitId: Buffer;
  readonly commitIdText: string;
  readonly events: Buffer;
  readonly count: number;
  readonly expected: ExpectedRevision;
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

type Accepted = { readonly append: QueuedAppend; readonly planned: PlannedCommit; readonly record: Buffer };

/** Every commit's record location, as four columns: no object per append. */
function locationColumns(): PayloadColumn<RecordLocation> {
  const segments = uint32Column();
  const eventsOffsets = float64Column();
  const eventsBytes = uint32Column();
  const commitIdBytes = uint16Column();
  const all = [segments, eventsOffsets, eventsBytes, commitIdBytes];
  return {
    push(location) {
      segments.push(location.segment);
      eventsOffsets.push(location.eventsOffset);
      eventsBytes.push(location.eventsBytes);
      commitIdBytes.push(location.commitIdBytes);
    },
    at: (ordinal) => ({
      segment: segments.at(ordinal),
      eventsOffset: eventsOffsets.at(ordinal),
      eventsBytes: eventsBytes.at(ordinal),
      commitIdBytes: commitIdBytes.at(ordinal),
    }),
    release(ordinal) {
      for (const column of all) column.release(ordinal);
    },
    skip(count) {
      for (const column of all) column.skip(count);
    },
  };
}

/**
 * Segments whose commits the index keeps in its columns: the one being written and the one
 * before it, so reads of the recent log (a subscriber a little behind, recovery from a recent
 * snapshot) do not go to disk for the index as well as for the events.
 */
const liveSegmentsMax = 2;

/** Retires the index's commits segment by segment, keeping the last liveSegmentsMax segments'. */
class LiveSegments {
  /** Oldest first, each with the ordinal of its first commit. */
  private readonly segments: { readonly segment: number; readonly firstOrdinal: number }[] = [];

  constructor(private readonly index: StoreIndex<RecordLocation>) {}

  /** The next commits added to the index are in `segment`. */
  enter(segment: number): void {
    if (this.segments.at(-1)?.segment === segment) return;
    this.segments.push({ segment, firstOrdinal: this.index.nextOrdinal });
    while (this.segments.length > liveSegmentsMax) {
      const oldest = this.segments.shift()!;
      this.index.retire(this.segments[0]!.firstOrdinal, oldest.segment);
    }
  }
}

class FileEventStore implements EventStore {
  private readonly queue: QueuedAppend[] = [];
  private readonly inFlight = new Map<string, Promise<AppendResult>>();
  private flushing: Promise<void> | undefined;
  /** Set when a write or sync failed: what is on disk is unknown until the store is reopened. */
  private failure: Error | undefined;
  private closed = false;
  /** The commit id and the events: adjacent in the record, so one read. */
  private readonly loadEvents = async (commit: IndexedCommit<RecordLocation>): Promise<LoadedCommit> => {
    const { segment, eventsOffset, eventsBytes, commitIdBytes } = commit.payload;
    const bytes = await this.reader.read(segment, eventsOffset - commitIdBytes, commitIdBytes + eventsBytes);
    return {
      commitId: bytes.toString("utf8", 0, commitIdBytes),
      events: JSON.parse(bytes.toString("utf8", commitIdBytes)) as EventData[],
    };
  };

  /** The last segment's records, for its index file once the writer moves on (segment-index.ts). */
  private active: SegmentIndexBuilder;
  private activeBytes: number;
  private readonly live: LiveSegments;
  /** Index files of sealed segments being written; close() waits for them. */
  private sealing: Promise<void> = Promise.resolve();

  constructor(
    private readonly directory: string,
    recovered: RecoveredIndex,
    private readonly index: StoreIndex<RecordLocation>,
    private readonly writer: SegmentWriter,
    private readonly reader: SegmentReader,
    private readonly lock: DirectoryLock,
    private readonly recordBytesMax: number,
  ) {
    this.active = recovered.active;
    this.activeBytes = recovered.log.lastSegmentBytes;
    this.live = recovered.live;
  }

  /** A record also holds its stream name and commit id: room for the longest of both. */
  get maxAppendBytes(): number {
    return this.recordBytesMax - recordBytes(nameBytesMax, nameBytesMax, 0);
  }

  append(stream: string, events: readonly EventData[], options: AppendOptions): Promise<AppendResult> {
    try {
      if (this.closed) throw new EventStoreClosed();
      const json = encodeAppend(stream, events, options);
      const previous = this.index.resultOf(options.commitId) ?? this.inFlight.get(options.commitId);
      if (previous) return Promise.resolve(previous);
      if (this.failure) throw this.failure;
      return this.enqueue(stream, events.length, json, options);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    if (this.closed) throw new EventStoreClosed();
    return this.index.readStream(stream, options, this.loadEvents);
  }

  subscribeToAll(options: SubscribeToAllOptions = {}): AsyncIterable<SubscriptionItem> {
    if (this.closed) throw new EventStoreClosed();
    return this.index.subscribe(options, this.loadEvents);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.flushing;
    await this.sealing;
    this.index.end();
    await this.writer.close();
    await this.reader.close();
    await this.lock.release();
  }

  private enqueue(
    streamName: string,
    count: number,
    json: string,
    options: AppendOptions,
  ): Promise<AppendResult> {
    const stream = Buffer.from(streamName);
    const commitId = Buffer.from(options.commitId);
    const events = Buffer.from(json);
    if (stream.length > nameBytesMax || commitId.length > nameBytesMax) {
      throw new InvalidAppend("too_large", `stream name or commitId longer than ${nameBytesMax} bytes`);
    }
    // By the events alone, so the limit a writer sizes its appends by does not move with the names.
    if (events.length > this.maxAppendBytes) {
      throw new InvalidAppend("too_large", `append of ${events.length} bytes exceeds ${this.maxAppendBytes}`);
    }
    const promise = new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({
        stream,
        streamName,
        commitId,
        commitIdText: options.commitId,
        events,
        count,
        expected: options.expectedRevision ?? "any",
        resolve,
        reject,
      });
    });
    this.inFlight.set(options.commitId, promise);
    const forget = () => this.inFlight.delete(options.commitId);
    promise.then(forget, forget);
    this.flushing ??= this.flushLoop();
    return promise;
  }

  private async flushLoop(): Promise<void> {
    while (this.queue.length > 0) {
      // Appends made in the same turn of the event loop share one write and one fdatasync. A
      // writer often appends again as soon as its last append resolves: the core appends batch
      // N's events record and batch N+1's journal record in one turn, which took two syncs in a row.
      await new Promise<void>((resolve) => setImmediate(resolve));
      await this.writeBatch(this.queue.splice(0));
    }
    this.flushing = undefined;
  }

  /** One group commit. Conflicts are reported after the sync of the batch they lost against. */
  private async writeBatch(batch: readonly QueuedAppend[]): Promise<void> {
    const planner = this.index.planner();
    const accepted: Accepted[] = [];
    const rejected: [QueuedAppend, unknown][] = [];
    for (const append of batch) {
      try {
        const planned = planner.plan(append.streamName, append.expected, append.commitIdText, append.count);
        accepted.push({
          append,
          planned,
          record: encodeRecord(planned, append.stream, append.commitId, append.events),
        });
      } catch (error) {
        rejected.push([append, error]);
      }
    }
    if (accepted.length > 0 && !(await this.writeAccepted(accepted))) return;
    for (const { append, planned } of accepted) append.resolve(resultOf(planned));
    for (const [append, error] of rejected) append.reject(error);
  }

  private async writeAccepted(accepted: readonly Accepted[]): Promise<boolean> {
    let start: { segment: number; offset: number };
    try {
      start = await this.writer.write(Buffer.concat(accepted.map((a) => a.record)));
    } catch (error) {
      this.failure = new Error(`event store write failed, reopen to recover: ${String(error)}`, {
        cause: error,
      });
      for (const { append } of accepted) append.reject(this.failure);
      for (const queued of this.queue.splice(0)) queued.reject(this.failure);
      return false;
    }
    if (start.segment !== this.active.segment) this.seal(start.segment);
    this.live.enter(start.segment);
    let offset = start.offset;
    this.index.add(
      accepted.map(({ planned, record, append }) => {
        const eventsBytes = append.events.length;
        const payload: RecordLocation = {
          segment: start.segment,
          eventsOffset: offset + record.length - eventsBytes,
          eventsBytes,
          commitIdBytes: append.commitId.length,
        };
        offset += record.length;
        this.active.add({ ...planned, ...payload, end: offset });
        return { ...planned, payload };
      }),
    );
    this.activeBytes = offset;
    return true;
  }

  /**
   * The writer moved on to `next`: the active segment is final, so its index file is written, off
   * the append path. One that cannot be written costs only a scan of that segment at the next open.
   */
  private seal(next: number): void {
    const sealed = this.active;
    const bytes = this.activeBytes;
    const path = segmentIndexPath(this.directory, sealed.segment);
    this.sealing = this.sealing.then(() => sealed.write(path, bytes)).catch(() => {});
    this.active = new SegmentIndexBuilder(next);
    this.activeBytes = 0;
  }
}

interface RecoveredIndex {
  readonly log: RecoveredLog;
  /** The last segment's records so far, as its index file will hold them. */
  readonly active: SegmentIndexBuilder;
  readonly live: LiveSegments;
}

/** Adds the records of a segment found on disk to the index; any that does not continue the log is CorruptLog. */
function addRecovered(
  index: StoreIndex<RecordLocation>,
  directory: string,
  segment: number,
  records: readonly ParsedRecord[],
): void {
  const commits = records.map((record) => ({
    stream: record.stream,
    commitId: record.commitId,
    firstRevision: record.firstRevision,
    firstPosition: record.firstPosition,
    count: record.count,
    payload: {
      segment,
      eventsOffset: record.eventsOffset,
      eventsBytes: record.eventsBytes,
      commitIdBytes: record.commitIdBytes,
    },
  }));
  const firstOrdinal = index.nextOrdinal;
  try {
    index.add(commits);
  } catch (error) {
    const record = records[index.nextOrdinal - firstOrdinal]!;
    const reason = `record ${record.commitId} does not continue the log: ${(error as Error).message}`;
    throw new CorruptLog(segmentPath(directory, segment), record.eventsOffset, reason);
  }
}

/**
 * Rebuilds the index from the segments, checking that every record (or retired segment) continues
 * the log. Segments older than the last liveSegmentsMax are retired at once, from their summaries;
 * of those, the ones the commitId window still reaches are read for their commit ids.
 */
async function rebuildIndex(
  directory: string,
  index: StoreIndex<RecordLocation>,
  commitIdWindow: number,
): Promise<RecoveredIndex> {
  const { log, sealed, last } = await recoverSegments(directory);
  const live = new LiveSegments(index);
  const firstLive = Math.max(0, sealed.length - (liveSegmentsMax - 1));
  let windowFrom = sealed.length;
  for (let covered = last.length; windowFrom > 0 && covered < commitIdWindow; )
    covered += sealed[--windowFrom]!.commits;
  for (const [i, summary] of sealed.entries()) {
    const { segment } = summary;
    if (i >= firstLive) {
      live.enter(segment);
      addRecovered(index, directory, segment, await readSealedSegment(directory, segment));
      continue;
    }
    try {
      index.addRetired(summary, segment);
    } catch (error) {
      throw new CorruptLog(segmentPath(directory, segment), 0, (error as Error).message);
    }
    if (i >= windowFrom)
      for (const record of await readSealedSegment(directory, segment)) index.rememberRetired(record);
  }
  const active = new SegmentIndexBuilder(log.lastSegment);
  if (last.length > 0) live.enter(log.lastSegment);
  addRecovered(index, directory, log.lastSegment, last);
  for (const record of last) active.add(record);
  return { log, active, live };
}

/**
 * Opens (creating if needed) the store in `directory`: takes the single-writer lock (throws
 * EventStoreLocked if another live process holds it), recovers the segments (truncating a torn
 * tail, throwing CorruptLog on other damage) and rebuilds the index.
 */
export async function openFileEventStore(
  directory: string,
  options: FileEventStoreOptions = {},
): Promise<EventStore> {
  const { segmentBytesMax, recordBytesMax, commitIdWindow } = { ...fileEventStoreDefaults, ...options };
  await mkdir(directory, { recursive: true });
  const lock = await lockDirectory(directory);
  try {
    const index = new StoreIndex(locationColumns(), commitIdWindow, new SegmentArchive(directory));
    const recovered = await rebuildIndex(directory, index, commitIdWindow);
    const writer = await SegmentWriter.open(directory, segmentBytesMax, recovered.log);
    return new FileEventStore(
      directory,
      recovered,
      index,
      writer,
      new SegmentReader(directory, (segment) => writer.committedBytes(segment)),
      lock,
      recordBytesMax,
    );
  } catch (error) {
    await lock.release();
    throw error;
  }
}
