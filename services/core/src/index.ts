// @ghx/core-service: the core's runtime. The pipeline, one screen:
//
//   submit(command)                      gateway / bus request (NATS mode) / scheduler
//     → validate (zod, coreCommandSchema)
//     → sequence  seq = last + 1, ts = max(last ts, clock)          (runtime.ts)
//     → apply     @ghx/core applyCommand: dedupe → risk hold → match (engine) → risk release
//     → journal   group commit: one `core-journal` record per batch, expected revision
//     → ack       the caller's promise resolves (outcome + events) only now
//     → publish   one `core-events` record per batch (a single command's events too large for one
//                 append: consecutive parts), expected revision (the failover fence)
//     → snapshot  every N commands or T ms, at a batch cut (snapshots.ts); recovery = snapshot + replay

export { coreBusClient, coreCommandChannel, coreQueryChannel, serveCore } from "./bus.ts";
export {
  type CoreClient,
  type CoreQueries,
  type EmbeddedCoreOptions,
  startCoreRuntime,
  startEmbeddedCore,
} from "./embedded.ts";
export { configureHeapForCore } from "./heap.ts";
export * as coreLimits from "./limits.ts";
export { eventsStream, journalStream } from "./limits.ts";
export {
  BrokenEventsParts,
  type CommandEvents,
  commandEvents,
  decodeEvent,
  decodeEventsRecord,
  type EventsRecord,
  EventsRecordAssembler,
  encodeEvent,
  encodeEventsRecord,
  eventsRecordType,
  type JournalRecord,
  journalCommandCount,
  journalRecordType,
  type StoredEvent,
  type StoredEventsRecord,
  sequencedCommands,
  storedEventsRecord,
} from "./records.ts";
export {
  eventsRecords,
  journalRecords,
  type Recovered,
  recover,
  replayRecord,
  storedEventsRecords,
  streamRecords,
} from "./replay.ts";
export {
  CoreOverloaded,
  CoreRuntime,
  type CoreStatus,
  CoreStopped,
  type RuntimeOptions,
  type SubmitResult,
} from "./runtime.ts";
export { SnapshotDirectory } from "./snapshots.ts";
export { CoreStandby } from "./standby.ts";
export { type Verification, VerificationFailed, verifyJournal } from "./verify.ts";
