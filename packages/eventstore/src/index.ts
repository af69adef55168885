export { type Checkpoint, fileCheckpoint, streamCheckpoint } from "./checkpoint.ts";
export {
  type FileEventStoreOptions,
  fileEventStoreDefaults,
  openFileEventStore,
} from "./file/file-event-store.ts";
export { EventStoreLocked } from "./file/lock.ts";
export { CorruptLog } from "./file/segments.ts";
export {
  type JetStreamEventStore,
  type JetStreamEventStoreOptions,
  openJetStreamEventStore,
} from "./jetstream/jetstream-event-store.ts";
export { UnsupportedServer } from "./jetstream/server.ts";
export { InvalidStreamName } from "./jetstream/subjects.ts";
export {
  type KurrentDbEventStore,
  type KurrentDbEventStoreOptions,
  openKurrentDbEventStore,
} from "./kurrentdb/kurrentdb-event-store.ts";
export { createMemoryEventStore } from "./memory/memory-event-store.ts";
export * from "./port.ts";
