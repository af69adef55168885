// The two record kinds of the core, one EventStore event per group commit each: the command
// journal record (the source of truth) and the events record (what the core emitted for it).
// Journal record k and events record k cover the same sequence numbers, so after a crash the
// core knows which events records are missing by comparing the two streams' revisions.
// Sequence numbers are implicit (first + index): a batch is gap-free by construction.

import type { Sequenced } from "@ghx/core";
import type { CoreCommand, CoreEvent } from "@ghx/domain";

type Cmd<T extends CoreCommand["type"]> = Extract<CoreCommand, { type: T }>;
type Place = Cmd<"PlaceOrder">;

export const journalRecordType = "CoreCommandBatch";
export const eventsRecordType = "CoreEventBatch";

/**
 * A journaled command. Order commands are nearly all of the journal, so they are written as
 * positional tuples (no repeated keys: about half the JSON, parsed about twice as fast on
 * replay), `null` standing for an absent optional field; every other command is its object.
 * Records written before the tuples existed hold only objects and decode unchanged.
 */
export type JournalCommand =
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

export function encodeCommand(command: CoreCommand): JournalCommand {
  switch (command.type) {
    case "PlaceOrder":
      return [
        placeTag,
        command.commandId,
        command.accountId,
        command.clientOrderId,
        command.symbol,
        command.side,
        command.orderType,
        nullable(command.price),
        command.qty,
        command.tif,
        nullable(command.expiry),
        nullable(command.postOnly),
        nullable(command.stpMode),
      ];
    case "CancelOrder":
    case "AmendOrder":
    case "ReplaceOrder": {
      const { commandId, accountId, orderId, clientOrderId } = command;
      const tag =
        command.type === "CancelOrder" ? cancelTag : command.type === "AmendOrder" ? amendTag : replaceTag;
      const price = command.type === "ReplaceOrder" ? command.price : null;
      const qty = command.type === "CancelOrder" ? null : command.qty;
      return [tag, commandId, accountId, nullable(orderId), nullable(clientOrderId), price, qty];
    }
    default:
      return command;
  }
}

/** The command as submitted (absent optional fields come back as undefined). */
export function decodeCommand(encoded: JournalCommand): CoreCommand {
  if (!Array.isArray(encoded)) return encoded as CoreCommand;
  const tuple = encoded as Exclude<JournalCommand, CoreCommand>;
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

export interface JournalRecord {
  /** Sequence number of the first command. */
  readonly first: number;
  /** Sequencer time per command (ms since the epoch). */
  readonly ts: number[];
  readonly commands: JournalCommand[];
}

export const journalRecord = (
  first: number,
  ts: number[],
  commands: readonly CoreCommand[],
): JournalRecord => ({
  first,
  ts,
  commands: commands.map(encodeCommand),
});

export interface EventsRecord {
  readonly first: number;
  readonly ts: number[];
  /** Events per command, in command order (empty for a retried command id). */
  readonly events: CoreEvent[][];
}

export function* sequencedCommands(record: JournalRecord): Generator<Sequenced<CoreCommand>> {
  for (let i = 0; i < record.commands.length; i++) {
    yield { seq: record.first + i, ts: record.ts[i]!, command: decodeCommand(record.commands[i]!) };
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
