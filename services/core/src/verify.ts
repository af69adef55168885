// `core verify`: replay the whole journal from zero and check that the core would write exactly
// the events records that are stored, byte for byte, and that the state hash at the latest
// snapshot's position equals the hash the snapshot recorded.
import { initialState, stateHash } from "@ghx/core";
import type { EventStore } from "@ghx/eventstore";
import { journalCommandCount, storedEventsJson } from "./records.ts";
import { journalRecords, replayRecord, storedEventsRecords } from "./replay.ts";
import type { SnapshotDirectory } from "./snapshots.ts";

export interface Verification {
  readonly commands: number;
  readonly journalRecords: number;
  /** Stored events records (parts joined) compared with the replay (fewer only if a crash left some unwritten). */
  readonly eventsRecordsCompared: number;
  readonly hash: string;
  readonly snapshot?: { readonly seq: number; readonly hash: string };
}

export class VerificationFailed extends Error {
  override readonly name = "VerificationFailed";
}

export async function verifyJournal(store: EventStore, snapshots?: SnapshotDirectory): Promise<Verification> {
  const snapshot = await snapshots?.latest();
  const stored = storedEventsRecords(store, -1);
  const state = initialState();
  let commands = 0;
  let records = 0;
  let compared = 0;
  for await (const { revision, record } of journalRecords(store, -1)) {
    const replayed = storedEventsJson(replayRecord(state, record));
    commands += journalCommandCount(record);
    records++;
    const next = await stored.next();
    if (!next.done) {
      if (JSON.stringify(next.value.record) !== replayed) {
        throw new VerificationFailed(`events record ${revision} differs from the replay`);
      }
      compared++;
    }
    if (snapshot && state.lastSeq === snapshot.seq && stateHash(state) !== snapshot.hash) {
      throw new VerificationFailed(
        `state hash at the snapshot's seq ${snapshot.seq} differs from the snapshot's`,
      );
    }
  }
  if (snapshot && state.lastSeq < snapshot.seq) {
    throw new VerificationFailed(
      `the journal ends at seq ${state.lastSeq}, before the snapshot at ${snapshot.seq}`,
    );
  }
  return {
    commands,
    journalRecords: records,
    eventsRecordsCompared: compared,
    hash: stateHash(state),
    ...(snapshot ? { snapshot: { seq: snapshot.seq, hash: snapshot.hash } } : {}),
  };
}
