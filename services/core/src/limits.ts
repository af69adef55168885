// Bounds of the core runtime (TigerBeetle style: every queue is bounded, all limits in one place).

/** Commands in one journal record (one group commit). Bounds the record size to a few MB. */
export const batchCommandsMax = 8_192;
/** Room in an append for the event around a journal or events record (its type, brackets). */
export const recordOverheadBytes = 1_024;
/** Commands waiting for the journal before submit() pushes back with CORE_OVERLOADED. */
export const pendingCommandsMax = 200_000;
/**
 * Admission by waiting time: while the oldest command not yet journaled has waited longer than
 * this, new commands are refused as overloaded. A queue bounded only by count lets every accepted
 * order wait what the count is worth at the core's rate (pendingCommandsMax is 3-5 s on two
 * cores); an order acked seconds late is worth less to a trader than a refusal at once. Under
 * overload the core acks what it takes within about this much plus a group commit and refuses
 * the rest. Set above the moderate-load tail (GC pauses, fdatasync, a noisy neighbour: up to
 * ~170 ms seen at half load on this box), so that a stall alone refuses nothing; 100 ms did.
 */
export const pendingWaitMaxMsDefault = 250;
/**
 * Journal and events JSON (in characters) handed to the snapshot replica and not yet applied by
 * it, before submit() pushes back with CORE_OVERLOADED: what a replica slower than the core may
 * hold in memory. In the bench's saturated phase on two cores it peaked near 40 MB.
 */
export const snapshotReplicaLagMax = 256 * 1024 * 1024;
/**
 * Headroom above both limits for the commands that relieve an overloaded core (cancels, kill
 * switch, halts, key revocation, expiry; see runtime.ts): still bounded, but an operator's halt or
 * a trader's cancel-all is not refused because the core is busy with new orders.
 */
export const relievingCommandsReserve = 20_000;
export const relievingCommandsReplicaReserve = 32 * 1024 * 1024;
/** How soon an ExpireOrders refused as overloaded is tried again. */
export const expiryRetryMs = 100;
/** Take a snapshot after this many commands or this much time, whichever comes first. */
export const snapshotEveryCommandsDefault = 500_000;
export const snapshotEveryMsDefault = 60_000;
/** Bytes of a snapshot written between two fdatasyncs: what a journal fsync may queue behind. */
export const snapshotSyncChunkBytes = 1024 * 1024;
/** Snapshot files kept on disk (older ones are deleted). */
export const snapshotsKeptMax = 3;
/** Journal records read per page during recovery and verification: at most, and the first page. */
export const replayPageRecordsMax = 64;
export const replayFirstPageRecords = 4;
/** Commands a page aims at (pages are sized by the records of the page before). */
export const replayPageCommands = 32_768;

export const journalStream = "core-journal";
export const eventsStream = "core-events";

// A batch bigger than the pending queue could never fill.
if (batchCommandsMax > pendingCommandsMax) throw new Error("limits: batchCommandsMax > pendingCommandsMax");

/** Run the invariant checks (O(accounts)) after this many commands in production. */
export const invariantCheckEveryCommandsDefault = 100_000;
