// Min-heap of GTD expiries ordered by (expiry, orderId), so "is anything due?" is one compare
// and orders due at the same time expire in a canonical order (identical after a restore).
// Entries are never removed when an order leaves early: each carries the slot and the slot's
// generation, and a popped entry whose order is gone is skipped. compact() bounds the garbage.
import { growFloat, growInt } from "./order-pool.ts";

export class ExpiryHeap {
  size = 0;
  private expiry: Float64Array;
  private orderId: Float64Array;
  private slot: Int32Array;
  private generation: Uint32Array;

  constructor(capacity: number) {
    this.expiry = new Float64Array(capacity);
    this.orderId = new Float64Array(capacity);
    this.slot = new Int32Array(capacity);
    this.generation = new Uint32Array(capacity);
  }

  /** Earliest expiry, or +Infinity when empty. */
  peekExpiry(): number {
    return this.size === 0 ? Number.POSITIVE_INFINITY : this.expiry[0]!;
  }

  peekSlot(): number {
    return this.slot[0]!;
  }

  peekGeneration(): number {
    return this.generation[0]!;
  }

  push(expiry: number, orderId: number, slot: number, generation: number): void {
    if (this.size === this.expiry.length) this.grow();
    let index = this.size++;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!this.less(expiry, orderId, parent)) break;
      this.move(parent, index);
      index = parent;
    }
    this.set(index, expiry, orderId, slot, generation);
  }

  pop(): void {
    const last = --this.size;
    if (last > 0) {
      this.move(last, 0);
      this.siftDown(0);
    }
  }

  /** Keeps only the entries for which `live(slot, generation)` holds, then re-heapifies. */
  compact(live: (slot: number, generation: number) => boolean): void {
    let kept = 0;
    for (let index = 0; index < this.size; index++) {
      if (live(this.slot[index]!, this.generation[index]!)) this.move(index, kept++);
    }
    this.size = kept;
    for (let index = (kept >> 1) - 1; index >= 0; index--) this.siftDown(index);
  }

  private siftDown(start: number): void {
    const expiry = this.expiry[start]!;
    const orderId = this.orderId[start]!;
    const slot = this.slot[start]!;
    const generation = this.generation[start]!;
    let index = start;
    for (;;) {
      let child = 2 * index + 1;
      if (child >= this.size) break;
      if (child + 1 < this.size && this.entryLess(child + 1, child)) child++;
      if (!this.entryLessThan(child, expiry, orderId)) break;
      this.move(child, index);
      index = child;
    }
    this.set(index, expiry, orderId, slot, generation);
  }

  /** (expiry, orderId) < entry at index. */
  private less(expiry: number, orderId: number, index: number): boolean {
    const other = this.expiry[index]!;
    return expiry < other || (expiry === other && orderId < this.orderId[index]!);
  }

  /** entry at index < (expiry, orderId). */
  private entryLessThan(index: number, expiry: number, orderId: number): boolean {
    const own = this.expiry[index]!;
    return own < expiry || (own === expiry && this.orderId[index]! < orderId);
  }

  private entryLess(a: number, b: number): boolean {
    return this.entryLessThan(a, this.expiry[b]!, this.orderId[b]!);
  }

  private move(from: number, to: number): void {
    this.set(to, this.expiry[from]!, this.orderId[from]!, this.slot[from]!, this.generation[from]!);
  }

  private set(index: number, expiry: number, orderId: number, slot: number, generation: number): void {
    this.expiry[index] = expiry;
    this.orderId[index] = orderId;
    this.slot[index] = slot;
    this.generation[index] = generation;
  }

  private grow(): void {
    const capacity = this.expiry.length * 2;
    this.expiry = growFloat(this.expiry, capacity);
    this.orderId = growFloat(this.orderId, capacity);
    this.slot = growInt(this.slot, capacity);
    const generation = new Uint32Array(capacity);
    generation.set(this.generation);
    this.generation = generation;
  }
}
