// Adapter from the sink calls to plain event objects, for tests and for the core (which wants
// values it can journal). The hot path never needs it.
import type { RejectCode } from "@ghx/domain";
import type { CancelReason, CommandKind, EngineSink, Side, TimeInForce } from "./types.ts";

export type EngineEvent =
  | {
      readonly type: "accepted";
      readonly orderId: number;
      readonly accountId: number;
      readonly side: Side;
      readonly price: number;
      readonly qty: number;
      readonly tif: TimeInForce;
      readonly time: number;
    }
  | {
      readonly type: "rejected";
      readonly command: CommandKind;
      readonly id: number;
      readonly code: RejectCode;
      readonly time: number;
    }
  | {
      readonly type: "fill";
      readonly makerId: number;
      readonly takerId: number;
      readonly price: number;
      readonly qty: number;
      readonly makerRemaining: number;
      readonly takerRemaining: number;
      readonly makerAccountId: number;
      readonly takerAccountId: number;
      readonly takerSide: Side;
      readonly time: number;
    }
  | {
      readonly type: "cancelled";
      readonly orderId: number;
      readonly accountId: number;
      readonly side: Side;
      readonly price: number;
      readonly qty: number;
      readonly remaining: number;
      readonly reason: CancelReason;
      readonly time: number;
    }
  | {
      readonly type: "amended";
      readonly orderId: number;
      readonly accountId: number;
      readonly side: Side;
      readonly price: number;
      readonly qty: number;
      readonly remaining: number;
      readonly time: number;
    }
  | {
      readonly type: "expired";
      readonly orderId: number;
      readonly accountId: number;
      readonly side: Side;
      readonly price: number;
      readonly qty: number;
      readonly time: number;
    }
  | {
      readonly type: "level";
      readonly side: Side;
      readonly price: number;
      readonly qty: number;
      readonly count: number;
    };

export class EventCollector implements EngineSink {
  events: EngineEvent[] = [];

  /** Returns the events collected so far and starts a new list. */
  drain(): EngineEvent[] {
    const out = this.events;
    this.events = [];
    return out;
  }

  accepted(
    orderId: number,
    accountId: number,
    side: Side,
    price: number,
    qty: number,
    tif: TimeInForce,
    time: number,
  ): void {
    this.events.push({ type: "accepted", orderId, accountId, side, price, qty, tif, time });
  }

  rejected(command: CommandKind, id: number, code: RejectCode, time: number): void {
    this.events.push({ type: "rejected", command, id, code, time });
  }

  fill(
    makerId: number,
    takerId: number,
    price: number,
    qty: number,
    makerRemaining: number,
    takerRemaining: number,
    makerAccountId: number,
    takerAccountId: number,
    takerSide: Side,
    time: number,
  ): void {
    this.events.push({
      type: "fill",
      makerId,
      takerId,
      price,
      qty,
      makerRemaining,
      takerRemaining,
      makerAccountId,
      takerAccountId,
      takerSide,
      time,
    });
  }

  cancelled(
    orderId: number,
    accountId: number,
    side: Side,
    price: number,
    qty: number,
    remaining: number,
    reason: CancelReason,
    time: number,
  ): void {
    this.events.push({ type: "cancelled", orderId, accountId, side, price, qty, remaining, reason, time });
  }

  amended(
    orderId: number,
    accountId: number,
    side: Side,
    price: number,
    qty: number,
    remaining: number,
    time: number,
  ): void {
    this.events.push({ type: "amended", orderId, accountId, side, price, qty, remaining, time });
  }

  expired(orderId: number, accountId: number, side: Side, price: number, qty: number, time: number): void {
    this.events.push({ type: "expired", orderId, accountId, side, price, qty, time });
  }

  level(side: Side, price: number, qty: number, count: number): void {
    this.events.push({ type: "level", side, price, qty, count });
  }
}

/** A sink that drops everything (benchmarks, replays that only need the resulting state). */
export const nullSink: EngineSink = {
  accepted() {},
  rejected() {},
  fill() {},
  cancelled() {},
  amended() {},
  expired() {},
  level() {},
};
