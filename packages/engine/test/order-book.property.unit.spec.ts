// Property tests: the fast book against the reference model over random command streams, plus
// the book's own invariants. A failing run prints fast-check's seed and shrunk stream.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type EngineCommand,
  type EngineEvent,
  EventCollector,
  hashSnapshot,
  OrderBook,
  type OrderView,
} from "../src/index.ts";
import { commandStream, type Market, PAGED, TINY } from "./commands.ts";
import { ReferenceBook } from "./reference-book.ts";

const RUNS = 200;
const STREAM_LENGTH = 150;

function run(commands: readonly EngineCommand[], market: Market) {
  const collector = new EventCollector();
  const book = new OrderBook({ ...market.limits, initialCapacity: 2 }, collector);
  for (const command of commands) book.apply(command);
  return { book, collector };
}

/** Per order: lots still unaccounted for in the current incarnation (accepted − fills − cancels...). */
class QuantityLedger {
  readonly open = new Map<number, number>();

  apply(event: EngineEvent): void {
    switch (event.type) {
      case "accepted":
        expect(this.open.has(event.orderId)).toBe(false);
        this.open.set(event.orderId, event.qty);
        break;
      case "fill":
        this.take(event.makerId, event.qty, event.makerRemaining);
        this.take(event.takerId, event.qty, event.takerRemaining);
        break;
      case "cancelled":
      case "amended":
        this.take(event.orderId, event.qty, event.remaining);
        break;
      case "expired":
        this.take(event.orderId, event.qty, 0);
        break;
      default:
        break;
    }
  }

  private take(orderId: number, qty: number, remaining: number): void {
    const before = this.open.get(orderId);
    expect(before, `order ${orderId} is open`).toBeDefined();
    expect(qty).toBeGreaterThan(0);
    expect(before! - qty).toBe(remaining);
    if (remaining === 0) this.open.delete(orderId);
    else this.open.set(orderId, remaining);
  }
}

/** Fills of one command walk the opposite book in priority order, each at the maker's price. */
function checkPriorityOrder(before: readonly OrderView[], events: readonly EngineEvent[]): void {
  const fills = events.filter((e) => e.type === "fill");
  let lastRank = -1;
  for (const fill of fills) {
    const rank = before.findIndex((o) => o.orderId === fill.makerId);
    const maker = before[rank];
    expect(maker, `maker ${fill.makerId} was resting`).toBeDefined();
    expect(fill.price).toBe(maker!.price);
    expect(rank).toBeGreaterThanOrEqual(lastRank);
    lastRank = rank;
  }
}

/** At rest: bids strictly below asks; inside a level, earlier time first (commands' times rise). */
function checkRestingOrder(resting: readonly OrderView[]): void {
  const bids = resting.filter((o) => o.side === "buy");
  const asks = resting.filter((o) => o.side === "sell");
  if (bids[0] && asks[0]) expect(bids[0].price).toBeLessThan(asks[0].price);
  for (let i = 1; i < resting.length; i++) {
    const [previous, order] = [resting[i - 1]!, resting[i]!];
    if (previous.side === order.side && previous.price === order.price) {
      expect(previous.time).toBeLessThanOrEqual(order.time);
    }
  }
}

/** Cheap string comparison first; vitest's deep diff only to report a difference. */
function sameEvents(actual: readonly EngineEvent[], expected: readonly EngineEvent[]): void {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) expect(actual).toEqual(expected);
}

describe.each([
  ["8 adjacent ticks", TINY],
  ["ticks around page boundaries", PAGED],
])("OrderBook on %s", (_name: string, market: Market) => {
  const stream = commandStream(STREAM_LENGTH, market);

  it("produces the reference's events and state after every command", () => {
    fc.assert(
      fc.property(stream, (commands) => {
        const collector = new EventCollector();
        const book = new OrderBook({ ...market.limits, initialCapacity: 2 }, collector);
        const reference = new ReferenceBook(market.limits);
        for (const command of commands) {
          book.apply(command);
          reference.apply(command);
          sameEvents(collector.drain(), reference.drain());
        }
        const snapshot = book.snapshot();
        expect(snapshot).toEqual(reference.snapshot());
        expect(book.hash()).toBe(hashSnapshot(reference.snapshot()));
      }),
      { numRuns: RUNS },
    );
  });

  it("never rests crossed, conserves every order's quantity, keeps price-time priority", () => {
    fc.assert(
      fc.property(stream, (commands) => {
        const collector = new EventCollector();
        const book = new OrderBook(market.limits, collector);
        const ledger = new QuantityLedger();
        for (const command of commands) {
          const before = book.snapshot().orders;
          book.apply(command);
          const events = collector.drain();
          for (const event of events) ledger.apply(event);
          checkPriorityOrder(before, events);
          const resting = book.snapshot().orders;
          checkRestingOrder(resting);
          expect(book.orderCount()).toBe(resting.length);
          expect(ledger.open.size).toBe(resting.length);
          for (const order of resting) expect(ledger.open.get(order.orderId)).toBe(order.remaining);
        }
      }),
      { numRuns: RUNS / 2 },
    );
  });

  it("is deterministic: the same commands give byte-identical events", () => {
    fc.assert(
      fc.property(stream, (commands) => {
        const once = JSON.stringify(run(commands, market).collector.events);
        expect(JSON.stringify(run(commands, market).collector.events)).toBe(once);
      }),
      { numRuns: 50 },
    );
  });

  it("restores a snapshot to the same hash and the same future", () => {
    fc.assert(
      fc.property(stream, fc.nat(), (commands, cut) => {
        const split = cut % (commands.length + 1);
        const { book: original, collector: originalEvents } = run(commands.slice(0, split), market);
        const wire = JSON.parse(JSON.stringify(original.snapshot()));
        const restoredEvents = new EventCollector();
        const restored = OrderBook.restore(wire, restoredEvents);
        expect(restored.hash()).toBe(original.hash());
        originalEvents.drain();
        for (const command of commands.slice(split)) {
          original.apply(command);
          restored.apply(command);
        }
        sameEvents(restoredEvents.events, originalEvents.events);
        expect(restored.hash()).toBe(original.hash());
      }),
      { numRuns: 100 },
    );
  });
});
