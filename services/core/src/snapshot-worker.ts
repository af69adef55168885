// The snapshot worker's thread (see snapshotter.ts): a replica of the core, fed the journal records
// the core has stored, that checks it emits the events the core stored for each, runs the
// invariant checks every so many commands, and writes a snapshot at the first record boundary
// after one is due.
import { setPriority } from "node:os";
import { parentPort } from "node:worker_threads";
import { type CoreSnapshot, type CoreState, checkInvariants, encodeSnapshot, restoreState } from "@ghx/core";
import {
  EventsRecordAssembler,
  type JournalRecord,
  journalCommandCount,
  type StoredEventsRecord,
  storedEventsJson,
} from "./records.ts";
import { replayRecord } from "./replay.ts";
import { SnapshotDirectory } from "./snapshots.ts";
import type {
  SnapshotSchedule,
  SnapshotterMessage,
  SnapshotWorkerMessage,
  StoredRecord,
} from "./snapshotter.ts";

const port = parentPort!;
const replicaNice = 19;
const progressEveryMs = 250;
// Background work: where cores are few, the core's own thread (and its GC helpers) go first. On
// Linux this renices this thread only; the replica catches up when the core is less busy.
try {
  setPriority(replicaNice);
} catch {
  // Not permitted here (or not this platform): run at the process's priority.
}
const send = (message: SnapshotWorkerMessage) => port.postMessage(message);

let state: CoreState;
let journalRevision: number;
let schedule: SnapshotSchedule;
let snapshots: SnapshotDirectory;
let sinceSnapshot = 0;
let sinceInvariantCheck = 0;
let lastSnapshotMs = Date.now();
let lastProgressMs = 0;
let reportedRevision = -1;
let progressTimer: NodeJS.Timeout | undefined;

function snapshot(): void {
  sinceSnapshot = 0;
  lastSnapshotMs = Date.now();
  const { json, hash } = encodeSnapshot(state);
  snapshots.writeSync({ journalRevision, seq: state.lastSeq, hash }, json);
  send({ kind: "written", seq: state.lastSeq, journalRevision });
}

/** The events record the core stored, as one JSON text (the parts of a cut record joined). */
function storedEvents(entries: readonly string[]): string {
  if (entries.length === 1) return entries[0]!;
  const parts = new EventsRecordAssembler();
  let whole: StoredEventsRecord | undefined;
  for (const entry of entries) whole = parts.push(JSON.parse(entry) as StoredEventsRecord);
  return JSON.stringify(whole);
}

/** One journal record, checked against the events the core stored; a snapshot after it when due. */
function apply({ revision, journal, events }: StoredRecord): void {
  if (revision !== journalRevision + 1)
    throw new Error(`journal record ${revision} after ${journalRevision}`);
  const record = JSON.parse(journal) as JournalRecord;
  if (storedEventsJson(replayRecord(state, record)) !== storedEvents(events)) {
    throw new Error(
      `the core is not deterministic: replaying journal record ${revision} (from seq ${record.first}) emits other events than the core stored`,
    );
  }
  journalRevision = revision;
  const commands = journalCommandCount(record);
  sinceSnapshot += commands;
  sinceInvariantCheck += commands;
  // The replica's state is the core's (checked above), so a broken invariant here is the core's.
  if (sinceInvariantCheck >= schedule.invariantCheckEveryCommands) {
    sinceInvariantCheck = 0;
    checkInvariants(state);
  }
  const now = Date.now();
  if (sinceSnapshot >= schedule.everyCommands || now - lastSnapshotMs >= schedule.everyMs) snapshot();
}

/**
 * Tells the core how far the replica is, at most every progressEveryMs, and once more when it has
 * gone quiet, so that the lag the core reports (and pushes back on) comes down to zero.
 */
function reportProgress(): void {
  if (reportedRevision === journalRevision) return;
  const wait = lastProgressMs + progressEveryMs - Date.now();
  if (wait > 0) {
    progressTimer ??= setTimeout(() => {
      progressTimer = undefined;
      reportProgress();
    }, wait);
    return;
  }
  lastProgressMs = Date.now();
  reportedRevision = journalRevision;
  send({ kind: "applied", journalRevision });
}

function handle(message: SnapshotterMessage): void {
  switch (message.kind) {
    case "start":
      state = restoreState(JSON.parse(message.state) as CoreSnapshot);
      journalRevision = message.journalRevision;
      schedule = message.schedule;
      snapshots = new SnapshotDirectory(schedule.directory);
      return;
    case "records":
      for (const record of message.records) apply(record);
      reportProgress();
      return;
    case "close":
      clearTimeout(progressTimer);
      if (message.snapshot && sinceSnapshot > 0) snapshot();
      send({ kind: "closed" });
      port.close();
      return;
  }
}

port.on("message", (message: SnapshotterMessage) => {
  try {
    handle(message);
  } catch (error) {
    send({
      kind: "failed",
      message: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
    port.close();
  }
});
