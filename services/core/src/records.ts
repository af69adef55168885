// The two record kinds of the core, one EventStore event per group commit each: the command
// journal record (the source of truth) and the events record (what the core emitted for it).
// Journal record k and events record k cover the same sequence numbers, so after a crash the
// core knows which events records are missing by comparing the two streams' revisions.
// Sequence numbers are implicit (first + index): a batch is gap-free by construction.

import type { Sequenced } from "@ghx/core";
import type { CoreCommand, CoreEvent } from "@ghx/domain";

export const journalRecordType = "CoreCommandBatch";
export const eventsRecordType = "CoreEventBatch";

export interface JournalRecord {
  /** Sequence number of the first command. */
  readonly first: number;
  /** Sequencer time per command (ms since the epoch). */
  readonly ts: number[];
  readonly commands: CoreCommand[];
}

export interface EventsRecord {
  readonly first: number;
  readonly ts: number[];
  /** Events per command, in command order (empty for a retried command id). */
  readonly events: CoreEvent[][];
}

export function* sequencedCommands(record: JournalRecord): Generator<Sequenced<CoreCommand>> {
  for (let i = 0; i < record.commands.length; i++) {
    yield { seq: record.first + i, ts: record.ts[i]!, command: record.commands[i]! };
  }
}

/** One command's events as a consumer sees them. */
export interface CommandEvents {
  readonly seq: number;
  readonly ts: number;
  readonly events: readonly CoreEvent[];
}

/** Unpacks an events record (the data of a `core-events` event) for consumers such as market-data. */
export function* commandEvents(record: EventsRecord): Generator<CommandEvents> {
  for (let i = 0; i < record.events.length; i++) {
    yield { seq: record.first + i, ts: record.ts[i]!, events: record.events[i]! };
  }
}
