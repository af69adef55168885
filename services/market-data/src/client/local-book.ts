// A client's copy of one product's book, kept from the `book` channel: a snapshot, then updates
// with absolute quantities. It checks what the protocol promises: each update's seq is exactly
// one more than the last, and the CRC32 of the top levels matches the message's checksum.
// Anything else means the copy is wrong and the client must resync (ask for a new snapshot).
import { bookChecksum, type WireLevel } from "../projections/checksum.ts";

export interface BookMessage {
  readonly type: "snapshot" | "update";
  readonly symbol: string;
  readonly seq: number;
  readonly bids: readonly WireLevel[];
  readonly asks: readonly WireLevel[];
  readonly checksum: number;
}

/**
 * ok: applied and verified. gap / checksum_mismatch: the copy is now invalid; ask for a snapshot
 * (op resync). awaiting_snapshot: an update that arrived before that snapshot, ignored.
 */
export type ApplyResult = "ok" | "gap" | "checksum_mismatch" | "awaiting_snapshot";

/** Decimal price strings compare by value: same scale (the product's tick), so by length then text. */
function comparePrices(a: string, b: string): number {
  const [ai = "", af = ""] = a.split(".");
  const [bi = "", bf = ""] = b.split(".");
  if (ai.length !== bi.length) return ai.length - bi.length;
  if (ai !== bi) return ai < bi ? -1 : 1;
  return af === bf ? 0 : af < bf ? -1 : 1;
}

class LocalSide {
  readonly levels = new Map<string, WireLevel>();
  private sorted: WireLevel[] | undefined;

  constructor(private readonly descending: boolean) {}

  set(level: WireLevel): void {
    if (level[1] === 0) this.levels.delete(level[0]);
    else this.levels.set(level[0], level);
    this.sorted = undefined;
  }

  top(): WireLevel[] {
    this.sorted ??= [...this.levels.values()].sort((x, y) =>
      this.descending ? comparePrices(y[0], x[0]) : comparePrices(x[0], y[0]),
    );
    return this.sorted;
  }
}

export class LocalBook {
  seq: number | undefined;
  bids = new LocalSide(true);
  asks = new LocalSide(false);

  apply(message: BookMessage): ApplyResult {
    if (message.type === "snapshot") {
      this.bids = new LocalSide(true);
      this.asks = new LocalSide(false);
    } else if (this.seq === undefined) {
      return "awaiting_snapshot";
    } else if (message.seq !== this.seq + 1) {
      this.seq = undefined;
      return "gap";
    }
    for (const level of message.bids) this.bids.set(level);
    for (const level of message.asks) this.asks.set(level);
    if (bookChecksum(this.bids.top(), this.asks.top()) !== message.checksum) {
      this.seq = undefined;
      return "checksum_mismatch";
    }
    this.seq = message.seq;
    return "ok";
  }

  depth(levels: number): { bids: WireLevel[]; asks: WireLevel[] } {
    return { bids: this.bids.top().slice(0, levels), asks: this.asks.top().slice(0, levels) };
  }
}
