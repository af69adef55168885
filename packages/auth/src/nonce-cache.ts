// Remembers (key id, nonce) pairs until their timestamps leave the acceptance window, so a replay
// inside the window is refused and memory stays bounded. Entries are grouped by the second they
// expire in: sweeping drops whole seconds at once instead of scanning every entry.
import { nonceCacheEntriesMax } from "./limits.ts";

export type NonceResult = "fresh" | "replayed" | "full";

export class NonceCache {
  private readonly expiries = new Map<string, number>();
  private readonly bySecond = new Map<number, string[]>();
  private sweptUpToSecond = 0;

  constructor(private readonly entriesMax: number = nonceCacheEntriesMax) {
    if (!Number.isSafeInteger(entriesMax) || entriesMax < 1) {
      throw new RangeError("NonceCache: entriesMax must be a positive integer");
    }
  }

  get size(): number {
    return this.expiries.size;
  }

  /** Records the nonce if it is new; `expiresAtMs` is when its timestamp leaves the window. */
  remember(keyId: string, nonce: string, expiresAtMs: number, nowMs: number): NonceResult {
    this.sweep(nowMs);
    const entry = `${keyId}\n${nonce}`;
    if (this.expiries.has(entry)) return "replayed";
    if (this.expiries.size >= this.entriesMax) return "full";
    this.expiries.set(entry, expiresAtMs);
    const second = Math.ceil(expiresAtMs / 1000);
    const bucket = this.bySecond.get(second);
    if (bucket) bucket.push(entry);
    else this.bySecond.set(second, [entry]);
    return "fresh";
  }

  private sweep(nowMs: number): void {
    const nowSecond = Math.floor(nowMs / 1000);
    if (nowSecond <= this.sweptUpToSecond) return;
    for (const [second, entries] of this.bySecond) {
      if (second > nowSecond) continue;
      for (const entry of entries) this.expiries.delete(entry);
      this.bySecond.delete(second);
    }
    this.sweptUpToSecond = nowSecond;
  }
}
