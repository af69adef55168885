// The two record kinds of the core, one EventStore event per group commit each: the command
// journal record (the source of truth) and the events record (what the core emitted for it).
// Journal record k and events record k cover the same sequence numbers, so after a crash the
// core finds the events records that are missing by the sequence number `core-events` is complete
// through (replay.ts, eventsHead). Sequence numbers are implicit (first + index): a batch is
// gap-free by construction. The journal's commands are packed as bytes (journal-codec.ts).

import type { Sequenced } from "@ghx/core";
import type { CoreCommand, CoreEvent } from "@ghx/domain";
import { EncodedJson } from "@ghx/eventstore";
import { CommandPacker, CommandReader } from "./journal-codec.ts";

type Cmd<T extends CoreCommand["type"]> = Extract<CoreCommand, { type: T }>;
type Place = Cmd<"PlaceOrder">;

export const journalRecordType = "CoreCommandBatch";
export const eventsRecordType = "CoreEventBatch";

/**
 * A command as journal records of format 1 hold it (written before the packed format, and still
 * read): order commands as positional tuples, `null` standing for an absent optional field; every
 * other command as its object.
 */
type JsonJournalCommand =
  | readonly [
      typeof placeTag,
      commandId: string,
      accountId: string,
      clientOrderId: string,
      symbol: string,
      side: Place["side"],
      orderType: Place["orderType"],
      price: number | null,
      qty: number,
      tif: Place["tif"],
      expiry: number | null,
      postOnly: boolean | null,
      stpMode: NonNullable<Place["stpMode"]> | null,
    ]
  | readonly [
      typeof cancelTag | typeof amendTag | typeof replaceTag,
      commandId: string,
      accountId: string,
      orderId: number | null,
      clientOrderId: string | null,
      price: number | null,
      qty: number | null,
    ]
  | CoreCommand;

const placeTag = 0;
const cancelTag = 1;
const amendTag = 2;
const replaceTag = 3;

const nullable = <T>(value: T | undefined): T | null => (value === undefined ? null : value);
const optional = <T>(value: T | null): T | undefined => (value === null ? undefined : value);

/** A format 1 command as submitted (absent optional fields come back as undefined). */
function decodeJsonCommand(encoded: JsonJournalCommand): CoreCommand {
  if (!Array.isArray(encoded)) return encoded as CoreCommand;
  const tuple = encoded as Exclude<JsonJournalCommand, CoreCommand>;
  if (tuple[0] === placeTag) {
    const [, commandId, accountId, clientOrderId, symbol, side, orderType, price, qty, tif] = tuple;
    return {
      type: "PlaceOrder",
      commandId,
      accountId,
      clientOrderId,
      symbol,
      side,
      orderType,
      price: optional(price),
      qty,
      tif,
      expiry: optional(tuple[10]),
      postOnly: optional(tuple[11]),
      stpMode: optional(tuple[12]),
    };
  }
  const [tag, commandId, accountId, orderId, clientOrderId, price, qty] = tuple;
  const ref = { commandId, accountId, orderId: optional(orderId), clientOrderId: optional(clientOrderId) };
  if (tag === cancelTag) return { type: "CancelOrder", ...ref };
  if (tag === amendTag) return { type: "AmendOrder", ...ref, qty: qty! };
  return { type: "ReplaceOrder", ...ref, price: price!, qty: qty! };
}

/** A journal record of format 1: sequencer times and commands as JSON. */
interface JsonJournalRecord {
  readonly first: number;
  readonly ts: number[];
  readonly commands: JsonJournalCommand[];
}

/** A journal record of format 2: the commands with their sequencer times, packed (journal-codec.ts). */
export interface PackedJournalRecord {
  /** Sequence number of the first command. */
  readonly first: number;
  readonly count: number;
  /** base64 of CommandPacker's bytes. */
  readonly packed: string;
  /** The commands that are not packed, in order (absent when there are none). */
  readonly others?: CoreCommand[];
}

/** A `core-journal` record as stored: format 2, or format 1 from a journal written before it. */
export type JournalRecord = PackedJournalRecord | JsonJournalRecord;

export const journalRecord = (
  first: number,
  ts: readonly number[],
  commands: readonly CoreCommand[],
  packer = new CommandPacker(),
): PackedJournalRecord => {
  const { packed, others } = packer.pack(ts, commands);
  return others.length === 0
    ? { first, count: commands.length, packed }
    : { first, count: commands.length, packed, others };
};

export const journalCommandCount = (record: JournalRecord): number =>
  "packed" in record ? record.count : record.commands.length;

/**
 * An event as `core-events` stores it. The order events are nearly all of the stream, so they are
 * written as positional tuples, as the journal writes order commands: less than half the JSON,
 * which the core writes, the snapshot replica writes again to check it, and every consumer reads.
 * `null` stands for an absent optional field; every other event is its object. Records written
 * before the tuples existed hold only objects and decode unchanged.
 */
export type StoredEvent = EventTuple | CoreEvent;

/** An order event or a reject: its tag (an index into tupleLayouts), then its fields in that layout's order. */
export type EventTuple = readonly [tag: number, ...fields: (string | number | null)[]];

// Indexes into tupleLayouts.
const acceptedTag = 0;
const tradeTag = 1;
const cancelledTag = 2;
const amendedTag = 3;
const expiredTag = 4;
const replacedTag = 5;
const rejectedTag = 6;

export function encodeEvent(event: CoreEvent): StoredEvent {
  switch (event.type) {
    case "OrderAccepted": {
      const { orderId, accountId, clientOrderId, symbol, side, price, qty, tif } = event;
      return [
        acceptedTag,
        orderId,
        accountId,
        clientOrderId,
        symbol,
        side,
        price,
        qty,
        tif,
        event.holdPerLot,
        event.voucherHold,
      ];
    }
    case "TradeExecuted": {
      const { symbol, price, qty, makerOrderId, takerOrderId, makerAccountId, takerAccountId } = event;
      const { takerSide, makerRemaining, takerRemaining } = event;
      return [
        tradeTag,
        symbol,
        price,
        qty,
        makerOrderId,
        takerOrderId,
        makerAccountId,
        takerAccountId,
        takerSide,
        makerRemaining,
        takerRemaining,
      ];
    }
    case "OrderCancelled": {
      const { orderId, accountId, symbol, side, price, qty, remaining, reason } = event;
      return [cancelledTag, orderId, accountId, symbol, side, price, qty, remaining, reason];
    }
    case "OrderAmended": {
      const { orderId, accountId, symbol, side, price, qty, remaining } = event;
      return [amendedTag, orderId, accountId, symbol, side, price, qty, remaining];
    }
    case "OrderExpired": {
      const { orderId, accountId, symbol, side, price, qty } = event;
      return [expiredTag, orderId, accountId, symbol, side, price, qty];
    }
    case "OrderReplaced": {
      const { orderId, accountId, symbol, price, qty, holdPerLot, voucherHold } = event;
      return [replacedTag, orderId, accountId, symbol, price, qty, holdPerLot, voucherHold];
    }
    case "CommandRejected": {
      const { commandId, commandType, accountId, code, message } = event;
      return [rejectedTag, commandId, commandType, nullable(accountId), code, message];
    }
    default:
      return event;
  }
}

/** Per tag, the event type and its fields in tuple order (as encodeEvent writes them). */
const tupleLayouts: readonly (readonly string[])[] = [
  [
    "OrderAccepted",
    "orderId",
    "accountId",
    "clientOrderId",
    "symbol",
    "side",
    "price",
    "qty",
    "tif",
    "holdPerLot",
    "voucherHold",
  ],
  [
    "TradeExecuted",
    "symbol",
    "price",
    "qty",
    "makerOrderId",
    "takerOrderId",
    "makerAccountId",
    "takerAccountId",
    "takerSide",
    "makerRemaining",
    "takerRemaining",
  ],
  ["OrderCancelled", "orderId", "accountId", "symbol", "side", "price", "qty", "remaining", "reason"],
  ["OrderAmended", "orderId", "accountId", "symbol", "side", "price", "qty", "remaining"],
  ["OrderExpired", "orderId", "accountId", "symbol", "side", "price", "qty"],
  ["OrderReplaced", "orderId", "accountId", "symbol", "price", "qty", "holdPerLot", "voucherHold"],
  ["CommandRejected", "commandId", "commandType", "accountId", "code", "message"],
];

/** The event as the core emitted it, keys in the same order (a `null` field is left out). */
export function decodeEvent(stored: StoredEvent): CoreEvent {
  if (!Array.isArray(stored)) return stored as CoreEvent;
  const tuple = stored as readonly unknown[];
  const layout = tupleLayouts[tuple[0] as number];
  if (!layout) throw new Error(`unknown stored event tag ${String(tuple[0])}`);
  const event: Record<string, unknown> = { type: layout[0] };
  for (let i = 1; i < layout.length; i++) if (tuple[i] !== null) event[layout[i]!] = tuple[i];
  return event as CoreEvent;
}

/** A `core-events` record: in memory its events are CoreEvents, as stored StoredEvents. */
export interface EventsRecord<E = CoreEvent> {
  readonly first: number;
  readonly ts: number[];
  /** Events per command, in command order (empty for a retried command id). */
  readonly events: E[][];
  /**
   * Set only on the parts of one command whose events do not fit one append of the store (a
   * market closing with tens of thousands of open orders): each part is its own `core-events`
   * entry holding that single command and a slice of its events, `from` being the index of the
   * slice's first event, and the last part says `last: true`. Consumers read whole records
   * through EventsRecordAssembler, which joins the parts.
   */
  readonly from?: number;
  readonly last?: boolean;
}

/** A record as `core-events` holds it. */
export type StoredEventsRecord = EventsRecord<StoredEvent>;

/** The record as stored (a whole record: parts are cut by encodeEventsRecord). */
export const storedEventsRecord = ({ first, ts, events }: EventsRecord): StoredEventsRecord => ({
  first,
  ts,
  events: events.map((commandEvents) => commandEvents.map(encodeEvent)),
});

/** The record's JSON as stored: what the replica and `core verify` compare byte for byte. */
export const storedEventsJson = (record: EventsRecord): string => JSON.stringify(storedEventsRecord(record));

/** A stored record (whole, or a part) with its events as the core emitted them. */
export function decodeEventsRecord(stored: StoredEventsRecord): EventsRecord {
  const events = stored.events.map((commandEvents) => commandEvents.map(decodeEvent));
  return { ...stored, events };
}

/**
 * Bytes of a record's JSON around its commands or events (first, the keys, ts, from, last,
 * brackets): what the runtime counts per record when it cuts a batch, and per part here.
 */
export const recordEnvelopeBytes = 128;

/**
 * The events record encoded (as stored: storedEventsRecord) as the entries to append: the whole
 * record when its JSON fits `budget` bytes; else, for a single command, parts of at most `budget`
 * bytes beginning at event `from` (recovery resumes a record a crash cut short there); undefined
 * for several commands that do not fit (the runtime cuts a batch between commands first).
 */
export function encodeEventsRecord(
  record: EventsRecord,
  budget: number,
  from = 0,
): EncodedJson[] | undefined {
  if (from === 0) {
    const whole = new EncodedJson(storedEventsJson(record));
    if (whole.bytes <= budget) return [whole];
  }
  const stored = storedEventsRecord(record);
  if (stored.events.length !== 1) return undefined;
  const events = stored.events[0]!;
  const part = (start: number, end: number, last: boolean) =>
    new EncodedJson(
      JSON.stringify({
        first: stored.first,
        ts: stored.ts,
        events: [events.slice(start, end)],
        from: start,
        last,
      } satisfies StoredEventsRecord),
    );
  const parts: EncodedJson[] = [];
  let start = from;
  let bytes = recordEnvelopeBytes;
  for (let i = from; i < events.length; i++) {
    const eventBytes = Buffer.byteLength(JSON.stringify(events[i])) + 1;
    if (i > start && bytes + eventBytes > budget) {
      parts.push(part(start, i, false));
      start = i;
      bytes = recordEnvelopeBytes;
    }
    bytes += eventBytes;
  }
  parts.push(part(start, events.length, true));
  return parts;
}

export class BrokenEventsParts extends Error {
  override readonly name = "BrokenEventsParts";
}

/** Joins the parts of a split events record (stored or decoded); whole records pass straight through. */
export class EventsRecordAssembler<E = StoredEvent> {
  private pending: { first: number; ts: number[]; events: E[] } | undefined;

  /** The whole record once `entry` completes one, else undefined (a part is held). */
  push(entry: EventsRecord<E>): EventsRecord<E> | undefined {
    if (entry.from === undefined) {
      if (this.pending)
        throw new BrokenEventsParts(`record at seq ${entry.first} inside the parts of ${this.pending.first}`);
      return entry;
    }
    const pending =
      entry.from === 0 && !this.pending ? { first: entry.first, ts: entry.ts, events: [] } : this.pending;
    if (!pending || pending.first !== entry.first || pending.events.length !== entry.from) {
      throw new BrokenEventsParts(
        `part of seq ${entry.first} from event ${entry.from} does not continue the parts before it`,
      );
    }
    for (const event of entry.events[0] ?? []) pending.events.push(event);
    if (!entry.last) {
      this.pending = pending;
      return undefined;
    }
    this.pending = undefined;
    return { first: pending.first, ts: pending.ts, events: [pending.events] };
  }
}

/** The record's commands, each with its sequence number and sequencer time, decoded one at a time. */
export function* sequencedCommands(record: JournalRecord): Generator<Sequenced<CoreCommand>> {
  if ("packed" in record) {
    const reader = new CommandReader(record.packed, record.others);
    for (let i = 0; i < record.count; i++) yield reader.next(record.first + i);
    if (!reader.done)
      throw new Error(`journal record at seq ${record.first}: more after its ${record.count} commands`);
    return;
  }
  for (let i = 0; i < record.commands.length; i++) {
    yield { seq: record.first + i, ts: record.ts[i]!, command: decodeJsonCommand(record.commands[i]!) };
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
