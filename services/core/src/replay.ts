// Reading the journal back: recovery (latest snapshot + replay of the tail, re-emitting any events
// records a crash left unwritten) and full verification replays.
import { randomUUID } from "node:crypto";
import { type Applied, applyCommand, type CoreState, initialState, restoreState, stateHash } from "@ghx/core";
import type { CoreEvent } from "@ghx/domain";
import { type EventStore, type RecordedEvent, StreamNotFound } from "@ghx/eventstore";
import {
  eventsStream,
  journalStream,
  recordOverheadBytes,
  replayFirstPageRecords,
  replayPageCommands,
  replayPageRecordsMax,
} from "./limits.ts";
import {
  decodeEventsRecord,
  type EventsRecord,
  EventsRecordAssembler,
  encodeEventsRecord,
  eventsRecordType,
  type JournalRecord,
  journalCommandCount,
  type StoredEventsRecord,
  sequencedCommands,
} from "./records.ts";
import type { SnapshotDirectory } from "./snapshots.ts";

async function readPage(
  store: EventStore,
  stream: string,
  from: bigint,
  maxCount: number,
): Promise<RecordedEvent[]> {
  try {
    return await store.readStream(stream, { fromRevision: from, maxCount });
  } catch (error) {
    if (error instanceof StreamNotFound) return [];
    throw error;
  }
}

/** Last revision of a stream, or -1 when it does not exist. */
export async function lastRevision(store: EventStore, stream: string): Promise<number> {
  try {
    const [last] = await store.readStream(stream, { fromRevision: "end", maxCount: 1, backwards: true });
    return last === undefined ? -1 : Number(last.revision);
  } catch (error) {
    if (error instanceof StreamNotFound) return -1;
    throw error;
  }
}

/** Runs one journal record through the core; the events record it produces. */
export function replayRecord(state: CoreState, record: JournalRecord): EventsRecord {
  const ts: number[] = [];
  const events: CoreEvent[][] = [];
  for (const sequenced of sequencedCommands(record)) {
    const applied: Applied = applyCommand(state, sequenced);
    ts.push(sequenced.ts);
    events.push(applied.events);
  }
  return { first: record.first, ts, events };
}

/**
 * Runs one journal record through the core and lets its events go: recovery needs them only for
 * records whose events are not stored yet, and a record's events kept until its last command
 * would outlive a young-generation collection and be copied for nothing.
 */
export function applyRecord(state: CoreState, record: JournalRecord): void {
  for (const sequenced of sequencedCommands(record)) applyCommand(state, sequenced);
}

/** Sequence number of a journal record's last command. */
export const lastSeqOf = (record: JournalRecord): number => record.first + journalCommandCount(record) - 1;

/**
 * Records in a page: about `replayPageCommands` commands' worth, judged by the page before. A
 * page is parsed at once and stays alive until its last command is applied, so pages of 64
 * records of 8,192 commands outlived young-generation collections; GC took ~15 % of replay.
 */
function pageRecords<T>(previous: readonly T[], commandsOf: (record: T) => number): number {
  let commands = 0;
  for (const record of previous) commands += commandsOf(record);
  const perRecord = Math.max(1, commands / previous.length);
  return Math.min(replayPageRecordsMax, Math.max(1, Math.floor(replayPageCommands / perRecord)));
}

/**
 * Every record of a stream after `afterRevision`, page by page; the next page is read while the
 * caller works through the one before. `commandsOf` sizes the pages.
 */
export async function* streamRecords<T>(
  store: EventStore,
  stream: string,
  afterRevision: number,
  commandsOf: (record: T) => number,
): AsyncGenerator<{ revision: number; record: T }> {
  let next = BigInt(afterRevision + 1);
  let size = replayFirstPageRecords;
  let reading: Promise<RecordedEvent[]> | undefined = readPage(store, stream, next, size);
  try {
    while (reading) {
      const page = await reading;
      const records = page.map((recorded) => recorded.data as T);
      reading = undefined;
      if (page.length === size) {
        next += BigInt(page.length);
        size = pageRecords(records, commandsOf);
        reading = readPage(store, stream, next, size);
      }
      for (let i = 0; i < page.length; i++)
        yield { revision: Number(page[i]!.revision), record: records[i]! };
    }
  } finally {
    // A caller that stops early leaves the read ahead unawaited: its failure is of no interest.
    reading?.catch(() => {});
  }
}

export const journalRecords = (store: EventStore, afterRevision: number) =>
  streamRecords<JournalRecord>(store, journalStream, afterRevision, journalCommandCount);

export interface Recovered {
  readonly state: CoreState;
  readonly journalRevision: number;
  readonly eventsRevision: number;
  readonly replayedCommands: number;
}

/** Every whole events record after `afterRevision` as stored (parts joined), with the revision of its last entry. */
export async function* storedEventsRecords(
  store: EventStore,
  afterRevision: number,
): AsyncGenerator<{ revision: number; record: StoredEventsRecord }> {
  const parts = new EventsRecordAssembler();
  const records = streamRecords<StoredEventsRecord>(
    store,
    eventsStream,
    afterRevision,
    (record) => record.events.length,
  );
  for await (const { revision, record } of records) {
    const whole = parts.push(record);
    if (whole) yield { revision, record: whole };
  }
}

/** Every whole events record after `afterRevision`, decoded (parts joined), with the revision of its last entry. */
export async function* eventsRecords(
  store: EventStore,
  afterRevision: number,
): AsyncGenerator<{ revision: number; record: EventsRecord }> {
  for await (const { revision, record } of storedEventsRecords(store, afterRevision))
    yield { revision, record: decodeEventsRecord(record) };
}

/** The bytes of one append the core's records may take (the store's limit less room for the envelope). */
export const appendBudget = (store: EventStore): number => store.maxAppendBytes - recordOverheadBytes;

/** Where `core-events` ends: what the core wrote before it stopped. */
export interface EventsHead {
  /** Revision of the last entry (-1: no stream). */
  readonly revision: number;
  /** Every command up to this seq has all its events in the stream. */
  readonly completeThrough: number;
  /** A record cut into parts whose last part is missing: its seq and the next event to write. */
  readonly partial?: { readonly seq: number; readonly from: number };
}

export async function eventsHead(store: EventStore): Promise<EventsHead> {
  const revision = await lastRevision(store, eventsStream);
  if (revision < 0) return { revision, completeThrough: 0 };
  const [last] = await store.readStream(eventsStream, { fromRevision: BigInt(revision), maxCount: 1 });
  const record = last!.data as StoredEventsRecord;
  if (record.last === false) {
    const from = record.from! + record.events[0]!.length;
    return { revision, completeThrough: record.first - 1, partial: { seq: record.first, from } };
  }
  const commands = record.from === undefined ? record.events.length : 1;
  return { revision, completeThrough: record.first + commands - 1 };
}

/**
 * Appends what `core-events` lacks of a replayed events record (all of it, the parts after a
 * cut-short one, or nothing), byte for byte what the first run wrote, since the core is
 * deterministic; returns the new head. Records must come in journal order from the head on.
 */
export async function appendMissingEvents(
  store: EventStore,
  head: EventsHead,
  record: EventsRecord,
): Promise<EventsHead> {
  const lastSeq = record.first + record.events.length - 1;
  if (lastSeq <= head.completeThrough) return head;
  if (record.first !== head.completeThrough + 1) {
    throw new Error(
      `events record at seq ${record.first} after events complete through ${head.completeThrough}`,
    );
  }
  const from = head.partial?.seq === record.first ? head.partial.from : 0;
  const entries = encodeEventsRecord(record, appendBudget(store), from);
  if (!entries) {
    throw new Error(`events record at seq ${record.first} no longer fits one append of this store`);
  }
  let revision = head.revision;
  for (const entry of entries) {
    await store.append(eventsStream, [{ type: eventsRecordType, data: entry }], {
      expectedRevision: revision < 0 ? "no_stream" : BigInt(revision),
      commitId: `core-events-catch-up-${randomUUID()}-${record.first}`,
    });
    revision++;
  }
  return { revision, completeThrough: lastSeq };
}

/** The latest snapshot, hash checked, or the initial state. */
export async function loadSnapshot(snapshots: SnapshotDirectory | undefined) {
  const snapshot = await snapshots?.latest();
  const state = snapshot ? restoreState(snapshot.state) : initialState();
  if (snapshot && stateHash(state) !== snapshot.hash)
    throw new Error(`snapshot at seq ${snapshot.seq}: hash mismatch`);
  return { state, journalRevision: snapshot?.journalRevision ?? -1 };
}

/**
 * Latest snapshot (hash checked) + the journal after it. Journal records whose events are
 * missing (the crash came between the two appends, or between the parts of a cut record) get
 * them now (appendMissingEvents).
 */
export async function recover(
  store: EventStore,
  snapshots: SnapshotDirectory | undefined,
): Promise<Recovered> {
  const { state, journalRevision: fromRevision } = await loadSnapshot(snapshots);
  let head = await eventsHead(store);
  if (head.completeThrough < state.lastSeq) {
    throw new Error(
      `events stream complete through seq ${head.completeThrough}, behind the snapshot at seq ${state.lastSeq}`,
    );
  }
  let replayedCommands = 0;
  let journalRevision = fromRevision;
  for await (const { revision, record } of journalRecords(store, fromRevision)) {
    if (lastSeqOf(record) <= head.completeThrough) applyRecord(state, record);
    else head = await appendMissingEvents(store, head, replayRecord(state, record));
    replayedCommands += journalCommandCount(record);
    journalRevision = revision;
  }
  return { state, journalRevision, eventsRevision: head.revision, replayedCommands };
}
