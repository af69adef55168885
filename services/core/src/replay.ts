// Reading the journal back: recovery (latest snapshot + replay of the tail, re-emitting any events
// records a crash left unwritten) and full verification replays.
import { randomUUID } from "node:crypto";
import { type Applied, applyCommand, type CoreState, initialState, restoreState, stateHash } from "@ghx/core";
import type { CoreEvent } from "@ghx/domain";
import { type EventStore, type RecordedEvent, StreamNotFound } from "@ghx/eventstore";
import { eventsStream, journalStream, replayPageRecordsMax } from "./limits.ts";
import { type EventsRecord, eventsRecordType, type JournalRecord, sequencedCommands } from "./records.ts";
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
  const events: CoreEvent[][] = [];
  for (const sequenced of sequencedCommands(record)) {
    const applied: Applied = applyCommand(state, sequenced);
    events.push(applied.events);
  }
  return { first: record.first, ts: record.ts, events };
}

/** Every record of a stream after `afterRevision`, page by page. */
export async function* streamRecords<T>(
  store: EventStore,
  stream: string,
  afterRevision: number,
): AsyncGenerator<{ revision: number; record: T }> {
  let next = BigInt(afterRevision + 1);
  for (;;) {
    const page = await readPage(store, stream, next, replayPageRecordsMax);
    for (const recorded of page) yield { revision: Number(recorded.revision), record: recorded.data as T };
    if (page.length < replayPageRecordsMax) return;
    next += BigInt(page.length);
  }
}

export const journalRecords = (store: EventStore, afterRevision: number) =>
  streamRecords<JournalRecord>(store, journalStream, afterRevision);

export interface Recovered {
  readonly state: CoreState;
  readonly journalRevision: number;
  readonly eventsRevision: number;
  readonly replayedCommands: number;
}

/** Replays every journal record after `afterRevision` into `state`; returns the last revision. */
export async function replayAfter(
  store: EventStore,
  state: CoreState,
  afterRevision: number,
  onRecord: (revision: number, events: EventsRecord, commands: number) => Promise<void> | void,
): Promise<number> {
  let journalRevision = afterRevision;
  for await (const { revision, record } of journalRecords(store, afterRevision)) {
    await onRecord(revision, replayRecord(state, record), record.commands.length);
    journalRevision = revision;
  }
  return journalRevision;
}

/** Appends the events record of journal record `revision` (the next one the stream lacks). */
export async function appendEventsRecord(
  store: EventStore,
  revision: number,
  events: EventsRecord,
): Promise<void> {
  await store.append(eventsStream, [{ type: eventsRecordType, data: events }], {
    expectedRevision: revision === 0 ? "no_stream" : BigInt(revision - 1),
    commitId: `core-events-catch-up-${randomUUID()}-${events.first}`,
  });
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
 * Latest snapshot (hash checked) + the journal after it. Journal records whose events record is
 * missing (the crash came between the two appends) get it now, byte for byte what the first run
 * would have written, since the core is deterministic.
 */
export async function recover(
  store: EventStore,
  snapshots: SnapshotDirectory | undefined,
): Promise<Recovered> {
  const { state, journalRevision: fromRevision } = await loadSnapshot(snapshots);
  let eventsRevision = await lastRevision(store, eventsStream);
  if (eventsRevision < fromRevision) {
    throw new Error(`events stream at ${eventsRevision} is behind the snapshot at journal ${fromRevision}`);
  }
  let replayedCommands = 0;
  const journalRevision = await replayAfter(
    store,
    state,
    fromRevision,
    async (revision, events, commands) => {
      replayedCommands += commands;
      if (revision > eventsRevision) {
        await appendEventsRecord(store, revision, events);
        eventsRevision = revision;
      }
    },
  );
  return { state, journalRevision, eventsRevision, replayedCommands };
}
