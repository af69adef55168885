// Bounds of the core runtime (TigerBeetle style: every queue is bounded, all limits in one place).

/** Commands in one journal record (one group commit). Bounds the record size to a few MB. */
export const batchCommandsMax = 8_192;
/**
 * Upper bounds of one command's share of a journal record and of one event's share of an events
 * record, as JSON (every string in the domain schemas is length-limited; core reject messages
 * are short). A batch within both bounds fits the store's append limit without measuring it.
 */
export const journalCommandBytesBound = 2_048;
export const eventBytesBound = 2_048;
/** Room in an append for the record around the commands or events (type, first, brackets). */
export const recordOverheadBytes = 1_024;
/** Commands waiting for the journal before submit() pushes back with CORE_OVERLOADED. */
export const pendingCommandsMax = 200_000;
/** Take a snapshot after this many commands or this much time, whichever comes first. */
export const snapshotEveryCommandsDefault = 500_000;
export const snapshotEveryMsDefault = 60_000;
/** Snapshot files kept on disk (older ones are deleted). */
export const snapshotsKeptMax = 3;
/** Journal records read per page during recovery and verification. */
export const replayPageRecordsMax = 64;

export const journalStream = "core-journal";
export const eventsStream = "core-events";

// A batch bigger than the pending queue could never fill.
if (batchCommandsMax > pendingCommandsMax) throw new Error("limits: batchCommandsMax > pendingCommandsMax");

/** Run the invariant checks (O(accounts)) after this many commands in production. */
export const invariantCheckEveryCommandsDefault = 100_000;
