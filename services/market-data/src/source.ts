// The feed's input from the event store: the core's `core-events` records (one per group
// commit, many commands each; a single command's events too large for one append come as
// parts, joined here), unpacked into one CommandEvents per command, in order.

import {
  commandEvents,
  decodeEventsRecord,
  type EventsRecord,
  EventsRecordAssembler,
  eventsRecordType,
  eventsStream,
  type StoredEventsRecord,
} from "@ghx/core-service";
import { type CoreEvent, coreEventSchema } from "@ghx/domain";
import type { EventStore, RecordedEvent } from "@ghx/eventstore";
import { z } from "zod";
import type { CommandEvents } from "./projections/market.ts";

/** A record as stored: its events are checked once decoded (most are positional tuples). */
const storedEventsRecordSchema = z
  .object({
    first: z.number().int().positive(),
    ts: z.array(z.number().int().nonnegative()),
    events: z.array(z.array(z.unknown())),
    from: z.number().int().nonnegative().optional(),
    last: z.boolean().optional(),
  })
  .refine((r) => r.ts.length === r.events.length, "one time per command");

const recordEventsSchema = z.array(z.array(coreEventSchema));

export class BadEventsRecord extends Error {
  override readonly name = "BadEventsRecord";
}

/** One `core-events` entry, decoded and validated: a whole record or a part; a malformed one is a specific error. */
function eventsRecordOf(event: RecordedEvent): EventsRecord {
  const where = `${event.stream}@${event.revision}`;
  const bad = (issues: readonly z.ZodIssue[], prefix: string) => {
    const issue = issues[0];
    return new BadEventsRecord(
      `${where}: ${prefix}${issue?.path.join(".") ?? ""} ${issue?.message ?? "malformed"}`,
    );
  };
  const stored = storedEventsRecordSchema.safeParse(event.data);
  if (!stored.success) throw bad(stored.error.issues, "");
  let record: EventsRecord;
  try {
    record = decodeEventsRecord(stored.data as StoredEventsRecord);
  } catch (error) {
    throw new BadEventsRecord(`${where}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const events = recordEventsSchema.safeParse(record.events);
  if (!events.success) throw bad(events.error.issues, "events.");
  return { ...record, events: events.data };
}

export interface FollowOptions {
  /** Resume strictly after this store position (from a checkpoint). */
  readonly after?: bigint;
  readonly signal?: AbortSignal;
  /** Other streams to follow (e.g. the index's), handed over as recorded events. */
  readonly otherPrefixes?: readonly string[];
  readonly onCommand: (command: CommandEvents) => void;
  /** After every command of the record ending at `position` was handed over: a safe checkpoint. */
  readonly onRecordApplied?: (position: bigint) => void;
  readonly onOther?: (event: RecordedEvent) => void;
  readonly onCaughtUp?: (position: bigint | undefined) => void;
}

/** Catch-up then live: runs until the signal aborts or the store closes. */
export async function followCoreEvents(store: EventStore, options: FollowOptions): Promise<void> {
  const subscription = store.subscribeToAll({
    ...(options.after === undefined ? {} : { after: options.after }),
    ...(options.signal ? { signal: options.signal } : {}),
    streamPrefixes: [eventsStream, ...(options.otherPrefixes ?? [])],
  });
  const parts = new EventsRecordAssembler<CoreEvent>();
  for await (const item of subscription) {
    if (item.kind === "caughtUp") {
      options.onCaughtUp?.(item.position);
      continue;
    }
    const { event } = item;
    if (event.stream === eventsStream && event.type === eventsRecordType) {
      const record = parts.push(eventsRecordOf(event));
      if (!record) continue;
      for (const command of commandEvents(record)) options.onCommand(command);
      options.onRecordApplied?.(event.position);
    } else if (event.stream !== eventsStream) {
      options.onOther?.(event);
    }
  }
}
