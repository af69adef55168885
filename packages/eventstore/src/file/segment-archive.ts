// Where the file store's index reads retired commits back from (StoreIndex.retire): a sealed
// segment's records, from its index file (or a scan of the segment), kept as columns. As objects
// (bigints, stream names) a segment of 330,000 small records took ~70 MB of heap; as columns it
// takes ~13 MB, so the few most recently read segments stay loaded, and two readers far behind in
// different segments (a replay and a follower catching up) do not reload them in turns.
import type { CommitArchive, IndexedCommit, RetiredCommits } from "../memory/store-index.ts";
import type { ParsedRecord, RecordLocation } from "./record.ts";
import { readSealedSegment } from "./segments.ts";

/** Segments kept loaded, least recently read dropped first. */
export const archivedSegmentsKept = 4;

/** One sealed segment's records as columns, without their commit ids (reads take those from disk). */
export class SegmentCommits implements RetiredCommits<RecordLocation> {
  private readonly streams: string[] = [];
  private readonly streamOf: Uint32Array;
  private readonly firstPositions: Float64Array;
  private readonly firstRevisions: Float64Array;
  private readonly counts: Uint32Array;
  private readonly eventsOffsets: Float64Array;
  private readonly eventsBytes: Uint32Array;
  private readonly commitIdBytes: Uint16Array;

  constructor(
    readonly segment: number,
    records: readonly ParsedRecord[],
  ) {
    const n = records.length;
    this.streamOf = new Uint32Array(n);
    this.firstPositions = new Float64Array(n);
    this.firstRevisions = new Float64Array(n);
    this.counts = new Uint32Array(n);
    this.eventsOffsets = new Float64Array(n);
    this.eventsBytes = new Uint32Array(n);
    this.commitIdBytes = new Uint16Array(n);
    const streamIdx = new Map<string, number>();
    for (const [i, record] of records.entries()) {
      let idx = streamIdx.get(record.stream);
      if (idx === undefined) {
        idx = this.streams.push(record.stream) - 1;
        streamIdx.set(record.stream, idx);
      }
      this.streamOf[i] = idx;
      this.firstPositions[i] = Number(record.firstPosition);
      this.firstRevisions[i] = Number(record.firstRevision);
      this.counts[i] = record.count;
      this.eventsOffsets[i] = record.eventsOffset;
      this.eventsBytes[i] = record.eventsBytes;
      this.commitIdBytes[i] = record.commitIdBytes;
    }
  }

  get length(): number {
    return this.counts.length;
  }

  streamAt(i: number): string {
    return this.streams[this.streamOf[i]!]!;
  }

  lastRevisionAt(i: number): number {
    return this.firstRevisions[i]! + this.counts[i]! - 1;
  }

  at(i: number): IndexedCommit<RecordLocation> {
    return {
      stream: this.streamAt(i),
      firstRevision: BigInt(this.firstRevisions[i]!),
      firstPosition: BigInt(this.firstPositions[i]!),
      count: this.counts[i]!,
      payload: {
        segment: this.segment,
        eventsOffset: this.eventsOffsets[i]!,
        eventsBytes: this.eventsBytes[i]!,
        commitIdBytes: this.commitIdBytes[i]!,
      },
    };
  }
}

/** Retired commits read back from their segments; the last few segments read stay loaded. */
export class SegmentArchive implements CommitArchive<RecordLocation> {
  /** By segment, least recently read first. */
  private readonly loaded = new Map<number, Promise<SegmentCommits>>();

  constructor(private readonly directory: string) {}

  commits(segment: number): Promise<SegmentCommits> {
    let commits = this.loaded.get(segment);
    if (commits) {
      this.loaded.delete(segment);
    } else {
      commits = readSealedSegment(this.directory, segment).then(
        (records) => new SegmentCommits(segment, records),
      );
      // A failed read is not kept: the next read of the segment tries again.
      commits.catch(() => {
        if (this.loaded.get(segment) === commits) this.loaded.delete(segment);
      });
    }
    this.loaded.set(segment, commits);
    for (const oldest of this.loaded.keys()) {
      if (this.loaded.size <= archivedSegmentsKept) break;
      this.loaded.delete(oldest);
    }
    return commits;
  }
}
