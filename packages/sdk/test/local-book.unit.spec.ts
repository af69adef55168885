import { bookChecksum as serverChecksum, checksumText as serverChecksumText } from "@ghx/market-data";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type BookLevel,
  type BookMessage,
  bookChecksum,
  bookChecksumText,
  compareDecimal,
  LocalBook,
} from "../src/index.ts";

const symbol = "H100.WUHU.2027M01";

/** The server's side of the protocol: a book, and the messages it would send for changes to it. */
class ServerBook {
  readonly bids = new Map<string, BookLevel>();
  readonly asks = new Map<string, BookLevel>();
  seq = 0;

  private sorted(side: "bids" | "asks"): BookLevel[] {
    const levels = [...this[side].values()];
    return levels.sort((a, b) => (side === "bids" ? compareDecimal(b[0], a[0]) : compareDecimal(a[0], b[0])));
  }

  snapshot(): BookMessage {
    const bids = this.sorted("bids");
    const asks = this.sorted("asks");
    return { type: "snapshot", symbol, seq: this.seq, bids, asks, checksum: serverChecksum(bids, asks) };
  }

  update(changes: { bids?: BookLevel[]; asks?: BookLevel[] }): BookMessage {
    for (const level of changes.bids ?? []) this.set("bids", level);
    for (const level of changes.asks ?? []) this.set("asks", level);
    this.seq++;
    return {
      type: "update",
      symbol,
      seq: this.seq,
      bids: changes.bids ?? [],
      asks: changes.asks ?? [],
      checksum: serverChecksum(this.sorted("bids"), this.sorted("asks")),
    };
  }

  private set(side: "bids" | "asks", level: BookLevel): void {
    if (level[1] === 0) this[side].delete(level[0]);
    else this[side].set(level[0], level);
  }

  levels() {
    return { bids: this.sorted("bids"), asks: this.sorted("asks") };
  }
}

function seeded(): { server: ServerBook; book: LocalBook } {
  const server = new ServerBook();
  server.update({
    bids: [
      ["19.50", 3, 1],
      ["19.40", 5, 2],
    ],
    asks: [
      ["20.10", 2, 1],
      ["20.20", 7, 3],
    ],
  });
  const book = new LocalBook(symbol);
  expect(book.apply(server.snapshot())).toBe("ok");
  return { server, book };
}

describe("LocalBook", () => {
  it("applies a snapshot and in-order updates, best price first, quantity 0 removing a level", () => {
    const { server, book } = seeded();
    expect(book.apply(server.update({ bids: [["19.60", 1, 1]], asks: [["20.10", 0, 0]] }))).toBe("ok");
    expect(book.apply(server.update({ asks: [["20.15", 4, 1]] }))).toBe("ok");
    expect(book.seq).toBe(3);
    expect(book.bids()).toEqual([
      ["19.60", 1, 1],
      ["19.50", 3, 1],
      ["19.40", 5, 2],
    ]);
    expect(book.asks()).toEqual([
      ["20.15", 4, 1],
      ["20.20", 7, 3],
    ]);
    expect(book.bestBid()?.[0]).toBe("19.60");
    expect(book.bestAsk()?.[0]).toBe("20.15");
    expect(book.bids(1)).toEqual([["19.60", 1, 1]]);
  });

  it("reports a gap, then ignores updates until a snapshot resyncs it", () => {
    const { server, book } = seeded();
    server.update({ bids: [["19.55", 2, 1]] });
    const after = server.update({ asks: [["20.05", 1, 1]] });
    expect(book.apply(after)).toBe("gap");
    expect(book.synced).toBe(false);
    expect(book.seq).toBeUndefined();
    expect(book.apply(server.update({ bids: [["19.30", 1, 1]] }))).toBe("not_synced");
    expect(book.apply(server.snapshot())).toBe("ok");
    expect(book.seq).toBe(server.seq);
    expect({ bids: book.bids(), asks: book.asks() }).toEqual(server.levels());
    expect(book.apply(server.update({ bids: [["19.30", 0, 0]] }))).toBe("ok");
  });

  it("ignores a duplicate update and keeps its state", () => {
    const { server, book } = seeded();
    const update = server.update({ bids: [["19.50", 9, 2]] });
    expect(book.apply(update)).toBe("ok");
    const before = { bids: book.bids(), asks: book.asks(), seq: book.seq };
    expect(book.apply(update)).toBe("duplicate");
    expect(book.apply({ ...update, seq: 1, bids: [["19.50", 1, 1]] })).toBe("duplicate");
    expect({ bids: book.bids(), asks: book.asks(), seq: book.seq }).toEqual(before);
  });

  it("reports a checksum mismatch and unsyncs", () => {
    const { server, book } = seeded();
    const update = server.update({ asks: [["20.00", 1, 1]] });
    expect(book.apply({ ...update, asks: [["20.00", 2, 1]] })).toBe("checksum_mismatch");
    expect(book.synced).toBe(false);
    expect(book.apply(server.update({ asks: [["20.00", 0, 0]] }))).toBe("not_synced");
  });

  it("does not accept a snapshot whose levels disagree with its checksum", () => {
    const server = new ServerBook();
    server.update({ bids: [["1.00", 1, 1]] });
    const book = new LocalBook(symbol);
    expect(book.apply({ ...server.snapshot(), checksum: 1 })).toBe("checksum_mismatch");
    expect(book.synced).toBe(false);
  });

  it("needs a snapshot before any update", () => {
    const server = new ServerBook();
    expect(new LocalBook(symbol).apply(server.update({ bids: [["1.00", 1, 1]] }))).toBe("not_synced");
  });

  it("refuses a message of another product", () => {
    const server = new ServerBook();
    expect(() => new LocalBook("B200.USW.2027M01").apply(server.snapshot())).toThrow(/B200/);
  });
});

const price = fc.integer({ min: 1, max: 400 }).map((ticks) => (ticks / 100).toFixed(2));
const level = fc.tuple(price, fc.integer({ min: 0, max: 50 }), fc.integer({ min: 1, max: 9 }));
const change = fc.record({
  bids: fc.array(level, { maxLength: 4 }),
  asks: fc.array(level, { maxLength: 4 }),
});
/** A level's order count is 0 exactly when it is removed, as the feed sends it. */
const normal = (l: readonly [string, number, number]): BookLevel => [l[0], l[1], l[1] === 0 ? 0 : l[2]];
const changes = fc
  .array(change, { minLength: 1, maxLength: 40 })
  .map((list) => list.map((c) => ({ bids: c.bids.map(normal), asks: c.asks.map(normal) })));

describe("LocalBook against a model server", () => {
  it("the checksum is the feed's: same text, same CRC32", () => {
    fc.assert(
      fc.property(fc.array(level.map(normal)), fc.array(level.map(normal)), (bids, asks) => {
        expect(bookChecksumText(bids, asks)).toBe(serverChecksumText(bids, asks));
        expect(bookChecksum(bids, asks)).toBe(serverChecksum(bids, asks));
      }),
    );
  });

  it("follows any stream of updates and ends equal to the server's book", () => {
    fc.assert(
      fc.property(changes, (stream) => {
        const server = new ServerBook();
        const book = new LocalBook(symbol);
        book.apply(server.snapshot());
        for (const c of stream) expect(book.apply(server.update(c))).toBe("ok");
        expect({ bids: book.bids(), asks: book.asks() }).toEqual(server.levels());
      }),
    );
  });

  it("detects one lost update as a gap at the very next message", () => {
    fc.assert(
      fc.property(
        changes.filter((s) => s.length >= 2),
        fc.nat(),
        (stream, pick) => {
          const lost = pick % (stream.length - 1);
          const server = new ServerBook();
          const book = new LocalBook(symbol);
          book.apply(server.snapshot());
          const results = stream.map((c, i) => {
            const message = server.update(c);
            return i === lost ? "lost" : book.apply(message);
          });
          expect(results.slice(0, lost).every((r) => r === "ok")).toBe(true);
          expect(results[lost + 1]).toBe("gap");
          expect(results.slice(lost + 2).every((r) => r === "not_synced")).toBe(true);
        },
      ),
    );
  });
});

describe("compareDecimal", () => {
  it("orders decimal strings of any scale by value", () => {
    const decimal = fc.tuple(fc.nat({ max: 10_000_000 }), fc.integer({ min: 0, max: 4 }));
    fc.assert(
      fc.property(decimal, decimal, ([a, aScale], [b, bScale]) => {
        const text = (units: number, scale: number) =>
          scale === 0
            ? String(units)
            : `${Math.floor(units / 10 ** scale)}.${String(units % 10 ** scale).padStart(scale, "0")}`;
        // Compare as integers at the common scale: the oracle.
        const common = Math.max(aScale, bScale);
        const av = BigInt(a) * 10n ** BigInt(common - aScale);
        const bv = BigInt(b) * 10n ** BigInt(common - bScale);
        const expected = av < bv ? -1 : av > bv ? 1 : 0;
        expect(Math.sign(compareDecimal(text(a, aScale), text(b, bScale)))).toBe(expected);
      }),
    );
  });
});
