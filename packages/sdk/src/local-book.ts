// A client's copy of one product's order book, kept from the feed's `book` channel: a snapshot,
// then updates carrying absolute level quantities (0 removes the level). Every message is checked
// against what the protocol promises: an update's seq is exactly one more than the last one, and
// the CRC32 of the top levels after applying it equals the message's checksum. A copy that fails
// either check is wrong; it marks itself unsynced and ignores updates until the next snapshot.
import { crc32 } from "node:zlib";
import { compareDecimal } from "./decimal.ts";

/** A level as on the wire: [price as a decimal string, quantity in lots, order count]. */
export type BookLevel = readonly [price: string, qty: number, orders: number];

export interface BookMessage {
  readonly type: "snapshot" | "update";
  readonly symbol: string;
  readonly seq: number;
  readonly ts?: number;
  readonly bids: readonly BookLevel[];
  readonly asks: readonly BookLevel[];
  readonly checksum: number;
}

/**
 * - ok: applied and verified;
 * - duplicate: seq not above the current one (a replay), ignored;
 * - gap: seq skipped at least one update, the copy is now unsynced;
 * - checksum_mismatch: applied but the top levels differ from the server's, now unsynced;
 * - not_synced: an update while waiting for a snapshot, ignored.
 */
export type BookApplyResult = "ok" | "duplicate" | "gap" | "checksum_mismatch" | "not_synced";

/** Levels per side the checksum covers (the feed's protocol constant). */
export const checksumLevels = 10;

/**
 * The checksum text: the top levels interleaved best bid, best ask, second bid, second ask, ...;
 * each present level adds its price string and its quantity, all joined with ":".
 */
export function bookChecksumText(bids: readonly BookLevel[], asks: readonly BookLevel[]): string {
  const parts: string[] = [];
  for (let i = 0; i < checksumLevels; i++) {
    const bid = bids[i];
    const ask = asks[i];
    if (bid) parts.push(bid[0], String(bid[1]));
    if (ask) parts.push(ask[0], String(ask[1]));
  }
  return parts.join(":");
}

/** CRC32 (IEEE) of the checksum text; an empty book is 0. */
export function bookChecksum(bids: readonly BookLevel[], asks: readonly BookLevel[]): number {
  return crc32(bookChecksumText(bids, asks));
}

/** One side, kept sorted best first (bids descending, asks ascending); binary search by price. */
class BookSide {
  readonly levels: BookLevel[] = [];

  constructor(private readonly descending: boolean) {}

  private before(a: string, b: string): number {
    return this.descending ? compareDecimal(b, a) : compareDecimal(a, b);
  }

  /** Index of the price, or of where it would go. */
  private find(price: string): { index: number; found: boolean } {
    let low = 0;
    let high = this.levels.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const order = this.before((this.levels[mid] as BookLevel)[0], price);
      if (order === 0) return { index: mid, found: true };
      if (order < 0) low = mid + 1;
      else high = mid;
    }
    return { index: low, found: false };
  }

  set(level: BookLevel): void {
    const { index, found } = this.find(level[0]);
    if (level[1] === 0) {
      if (found) this.levels.splice(index, 1);
    } else if (found) {
      this.levels[index] = level;
    } else {
      this.levels.splice(index, 0, level);
    }
  }
}

export class LocalBook {
  private bidSide = new BookSide(true);
  private askSide = new BookSide(false);
  private currentSeq: number | undefined;
  private lastTs: number | undefined;

  constructor(readonly symbol: string) {}

  /** The seq of the last verified message; undefined while unsynced. */
  get seq(): number | undefined {
    return this.currentSeq;
  }

  get synced(): boolean {
    return this.currentSeq !== undefined;
  }

  /** The server time (epoch ms) of the last applied message, when it carried one. */
  get ts(): number | undefined {
    return this.lastTs;
  }

  apply(message: BookMessage): BookApplyResult {
    if (message.symbol !== this.symbol) {
      throw new Error(`book message for ${message.symbol} applied to the book of ${this.symbol}`);
    }
    if (message.type === "snapshot") {
      this.bidSide = new BookSide(true);
      this.askSide = new BookSide(false);
    } else if (this.currentSeq === undefined) {
      return "not_synced";
    } else if (message.seq <= this.currentSeq) {
      return "duplicate";
    } else if (message.seq !== this.currentSeq + 1) {
      this.invalidate();
      return "gap";
    }
    for (const level of message.bids) this.bidSide.set(level);
    for (const level of message.asks) this.askSide.set(level);
    if (bookChecksum(this.bidSide.levels, this.askSide.levels) !== message.checksum) {
      this.invalidate();
      return "checksum_mismatch";
    }
    this.currentSeq = message.seq;
    if (message.ts !== undefined) this.lastTs = message.ts;
    return "ok";
  }

  /** Forgets the sequence: updates are ignored until the next snapshot. */
  invalidate(): void {
    this.currentSeq = undefined;
  }

  /** Best first; `levels` caps the count. */
  bids(levels = Number.POSITIVE_INFINITY): BookLevel[] {
    return this.bidSide.levels.slice(0, levels);
  }

  asks(levels = Number.POSITIVE_INFINITY): BookLevel[] {
    return this.askSide.levels.slice(0, levels);
  }

  bestBid(): BookLevel | undefined {
    return this.bidSide.levels[0];
  }

  bestAsk(): BookLevel | undefined {
    return this.askSide.levels[0];
  }
}
