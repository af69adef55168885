// The feed bench's input, made before anything is timed. The real core runs a market maker's
// resting orders (added and cancelled on both sides of the busiest product, with a few taker
// orders that trade) and its events are captured. The cycle ends with an empty book, so it can
// be replayed again and again with the core sequence and the order ids shifted by a whole cycle:
// an endless, valid event stream at any rate, whose only cost to the timed process is what a
// record decoder would allocate anyway (one object per command and per order event).
import { applyCommand, initialState } from "@ghx/core";
import type { CoreCommand, CoreEvent, ProductSpec } from "@ghx/domain";
import type { CommandEvents } from "../src/index.ts";
import { prng } from "../test/support/random-market.ts";

export interface EventStream {
  /** Listing, accounts, deposits: ingested once before the replay. */
  readonly prelude: readonly CommandEvents[];
  /** Every command changes the book; the book is empty before and after. */
  readonly cycle: readonly CommandEvents[];
  /** Order ids the cycle uses: [first, first + span). */
  readonly firstOrderId: number;
  readonly orderIdSpan: number;
}

type NoId<C> = C extends CoreCommand ? Omit<C, "commandId"> : never;

/** Runs the core offline for `commands` book-changing commands (plus the cancels that empty it). */
export function generateStream(spec: ProductSpec, commands: number, seed = 7): EventStream {
  const core = initialState();
  const random = prng(seed);
  const symbol = spec.symbol;
  const captured: CommandEvents[] = [];
  let seq = 0;
  const run = (command: NoId<CoreCommand>) => {
    seq++;
    const applied = applyCommand(core, {
      seq,
      ts: Date.now(),
      command: { commandId: `b${seq}`, ...command } as CoreCommand,
    });
    if (applied.outcome.status === "rejected") throw new Error(`${command.type}: ${applied.outcome.message}`);
    captured.push({ seq, ts: Date.now(), events: applied.events });
    return applied;
  };
  run({ type: "ListProduct", product: spec, open: true });
  for (const accountId of ["mm", "taker"]) {
    run({ type: "CreateAccount", accountId, owner: accountId, capabilities: ["trade"] });
    run({ type: "Deposit", accountId, currency: "CNY", amount: 1e14 });
  }
  const preludeLength = captured.length;

  const open = new Set<number>();
  const place = (accountId: string, side: "buy" | "sell", price: number, qty: number, tif: "GTC" | "IOC") => {
    const applied = run({
      type: "PlaceOrder",
      accountId,
      clientOrderId: `c${seq}`,
      symbol,
      side,
      orderType: "limit",
      tif,
      price,
      qty,
    });
    for (const event of applied.events) {
      if (event.type === "OrderAccepted" && tif === "GTC") open.add(event.orderId);
      if (event.type === "TradeExecuted" && event.makerRemaining === 0) open.delete(event.makerOrderId);
    }
  };
  const cancel = (orderId: number) => {
    run({ type: "CancelOrder", accountId: "mm", orderId });
    open.delete(orderId);
  };
  const pick = (n: number) => Math.floor(random() * n);
  const openIds: number[] = [];
  for (let i = 0; i < commands; i++) {
    const roll = random();
    if (roll < 0.03) {
      // A taker lifts or hits the touch (1–3 lots): a trade, a tape entry, a candle.
      const buy = roll < 0.015;
      place("taker", buy ? "buy" : "sell", buy ? 10_200 : 9_800, 1 + pick(3), "IOC");
    } else if (open.size < 400 || roll < 0.5) {
      const buy = random() < 0.5;
      place("mm", buy ? "buy" : "sell", buy ? 9_900 + pick(100) : 10_001 + pick(100), 1 + pick(10), "GTC");
    } else {
      openIds.length = 0;
      for (const id of open) openIds.push(id);
      cancel(openIds[pick(openIds.length)]!);
    }
  }
  for (const orderId of [...open]) cancel(orderId);

  const cycle = captured.slice(preludeLength);
  let first = Number.POSITIVE_INFINITY;
  let last = 0;
  for (const { events } of cycle) {
    for (const event of events) {
      if (event.type !== "OrderAccepted") continue;
      first = Math.min(first, event.orderId);
      last = Math.max(last, event.orderId);
    }
  }
  return {
    prelude: captured.slice(0, preludeLength),
    cycle,
    firstOrderId: first,
    orderIdSpan: last - first + 1,
  };
}

/** Order ids shifted by `offset`; other events are immutable and shared. */
function shifted(event: CoreEvent, offset: number): CoreEvent {
  switch (event.type) {
    case "OrderAccepted":
    case "OrderCancelled":
    case "OrderAmended":
    case "OrderExpired":
    case "OrderReplaced":
      return { ...event, orderId: event.orderId + offset };
    case "TradeExecuted":
      return {
        ...event,
        makerOrderId: event.makerOrderId + offset,
        takerOrderId: event.takerOrderId + offset,
      };
    default:
      return event;
  }
}

/** The stream as an endless sequence: `next(ts)` is the next command, stamped with `ts`. */
export class Replay {
  private round = 0;
  private index = 0;

  constructor(private readonly stream: EventStream) {}

  next(ts: number): CommandEvents {
    const { prelude, cycle, orderIdSpan } = this.stream;
    const command = cycle[this.index]!;
    const offset = this.round * orderIdSpan;
    const seq = prelude.length + this.round * cycle.length + this.index + 1;
    if (++this.index === cycle.length) {
      this.index = 0;
      this.round++;
    }
    return { seq, ts, events: command.events.map((event) => shifted(event, offset)) };
  }
}
