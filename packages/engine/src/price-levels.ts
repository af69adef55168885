// Price levels of both sides. Each level owns an intrusive doubly-linked FIFO of order slots
// (links live in the OrderPool), so cancel is O(1). Per side, the live levels are kept in a
// sorted typed array of keys (bids: price, asks: −price) with the best level at the END: the
// best is one read, matching pops levels off the end without moving anything, and a new level
// costs a binary search plus a short copyWithin (most activity is near the top). README explains
// why this beat a tick-indexed window.
import { growFloat, growInt, NONE, type OrderPool } from "./order-pool.ts";

export class PriceLevels {
  price: Int32Array;
  head: Int32Array;
  tail: Int32Array;
  count: Int32Array;
  qty: Float64Array;
  /** Per side (0 buy, 1 sell): keys ascending, best last, and the level of each key. */
  readonly keys: [Int32Array, Int32Array];
  readonly ids: [Int32Array, Int32Array];
  readonly size: [number, number] = [0, 0];
  private capacity: number;
  private freeHead = NONE;
  /** Levels ever handed out; slots below it are live or on the free list. */
  private top = 0;

  constructor(
    private readonly pool: OrderPool,
    capacity: number,
  ) {
    this.capacity = capacity;
    this.price = new Int32Array(capacity);
    this.head = new Int32Array(capacity);
    this.tail = new Int32Array(capacity);
    this.count = new Int32Array(capacity);
    this.qty = new Float64Array(capacity);
    this.keys = [new Int32Array(capacity), new Int32Array(capacity)];
    this.ids = [new Int32Array(capacity), new Int32Array(capacity)];
  }

  /** Best level of a side, or NONE. */
  best(side: number): number {
    const size = this.size[side]!;
    return size === 0 ? NONE : this.ids[side]![size - 1]!;
  }

  /** The level `depth` places behind the best (0 = best), or NONE. */
  at(side: number, depth: number): number {
    const index = this.size[side]! - 1 - depth;
    return index < 0 ? NONE : this.ids[side]![index]!;
  }

  /** The level at exactly this price, or NONE. */
  find(side: number, price: number): number {
    const index = this.search(side, side === 0 ? price : -price);
    return index < 0 ? NONE : this.ids[side]![index]!;
  }

  /** Appends an order slot to the FIFO at its price, creating the level if needed. */
  append(side: number, price: number, slot: number): number {
    const key = side === 0 ? price : -price;
    let index = this.search(side, key);
    let level: number;
    if (index >= 0) {
      level = this.ids[side]![index]!;
    } else {
      index = ~index;
      level = this.create(price);
      this.insertKey(side, index, key, level);
    }
    const pool = this.pool;
    const tail = this.tail[level]!;
    pool.prev[slot] = tail;
    pool.next[slot] = NONE;
    pool.level[slot] = level;
    if (tail === NONE) this.head[level] = slot;
    else pool.next[tail] = slot;
    this.tail[level] = slot;
    this.count[level] = this.count[level]! + 1;
    this.qty[level] = this.qty[level]! + pool.remaining[slot]!;
    return level;
  }

  /** Takes an order out of its level's FIFO; its remaining leaves the level total. */
  unlink(slot: number): void {
    const pool = this.pool;
    const level = pool.level[slot]!;
    const prev = pool.prev[slot]!;
    const next = pool.next[slot]!;
    if (prev === NONE) this.head[level] = next;
    else pool.next[prev] = next;
    if (next === NONE) this.tail[level] = prev;
    else pool.prev[next] = prev;
    this.count[level] = this.count[level]! - 1;
    this.qty[level] = this.qty[level]! - pool.remaining[slot]!;
  }

  /** Drops an empty level from its side. */
  remove(side: number, level: number): void {
    const size = this.size[side]! - 1;
    const keys = this.keys[side]!;
    const ids = this.ids[side]!;
    if (ids[size] !== level) {
      const price = this.price[level]!;
      const index = this.search(side, side === 0 ? price : -price);
      keys.copyWithin(index, index + 1, size + 1);
      ids.copyWithin(index, index + 1, size + 1);
    }
    this.size[side] = size;
    this.head[level] = this.freeHead;
    this.freeHead = level;
  }

  /** Index of key in the side's sorted keys, or ~insertionPoint. */
  private search(side: number, key: number): number {
    const keys = this.keys[side]!;
    let low = 0;
    let high = this.size[side]! - 1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      const value = keys[mid]!;
      if (value < key) low = mid + 1;
      else if (value > key) high = mid - 1;
      else return mid;
    }
    return ~low;
  }

  private create(price: number): number {
    let level = this.freeHead;
    if (level === NONE) {
      if (this.top === this.capacity) this.grow();
      level = this.top++;
    } else {
      this.freeHead = this.head[level]!;
    }
    this.price[level] = price;
    this.head[level] = NONE;
    this.tail[level] = NONE;
    this.count[level] = 0;
    this.qty[level] = 0;
    return level;
  }

  private insertKey(side: number, index: number, key: number, level: number): void {
    const size = this.size[side]!;
    const keys = this.keys[side]!;
    const ids = this.ids[side]!;
    keys.copyWithin(index + 1, index, size);
    ids.copyWithin(index + 1, index, size);
    keys[index] = key;
    ids[index] = level;
    this.size[side] = size + 1;
  }

  private grow(): void {
    const capacity = this.capacity * 2;
    this.price = growInt(this.price, capacity);
    this.head = growInt(this.head, capacity);
    this.tail = growInt(this.tail, capacity);
    this.count = growInt(this.count, capacity);
    this.qty = growFloat(this.qty, capacity);
    for (let side = 0; side < 2; side++) {
      this.keys[side] = growInt(this.keys[side]!, capacity);
      this.ids[side] = growInt(this.ids[side]!, capacity);
    }
    this.capacity = capacity;
  }
}
