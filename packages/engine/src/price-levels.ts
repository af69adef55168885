// Price levels of both sides. Each level owns an intrusive doubly-linked FIFO of order slots
// (links live in the OrderPool), so cancel is O(1).
//
// Finding levels: ticks are grouped in pages of 32. A page holds the level id of each of its
// ticks and a 32-bit occupancy word; per side, the non-empty pages sit in a sorted typed array of
// keys (bids: page number, asks: −page number) with the BEST page at the END. So the best level is
// the last page plus one clz32; a new or emptied level is an O(1) bit flip inside its page, and
// the sorted array only changes when a whole page fills or empties (rare: ~1/30 as often as
// levels, and that array is ~30× shorter than a sorted array of levels would be). Memory is
// O(pages in use), independent of maxTick, which matters with thousands of books per core.
// README explains the measurements behind this choice.
import { growFloat, growInt, NONE, type OrderPool } from "./order-pool.ts";

const PAGE_BITS = 5;
const PAGE_TICKS = 1 << PAGE_BITS;
const TICK_MASK = PAGE_TICKS - 1;

export class PriceLevels {
  // Per level.
  price: Int32Array;
  head: Int32Array;
  tail: Int32Array;
  count: Int32Array;
  qty: Float64Array;
  private levelPage: Int32Array;
  // Per page: its number (price >> PAGE_BITS), occupancy word, and the level of each tick.
  private pageNumber: Int32Array;
  private pageBits: Int32Array;
  private pageLevels: Int32Array;
  /** Per side (0 buy, 1 sell): page keys ascending with the best page last, and their pages. */
  private readonly keys: [Int32Array, Int32Array];
  private readonly pages: [Int32Array, Int32Array];
  private readonly pageCount: [number, number] = [0, 0];
  /** Levels per side. */
  readonly size: [number, number] = [0, 0];
  private levelCapacity: number;
  private levelFree = NONE;
  private levelTop = 0;
  private pageCapacity = 16;
  private pageFree = NONE;
  private pageTop = 0;

  constructor(
    private readonly pool: OrderPool,
    capacity: number,
  ) {
    this.levelCapacity = capacity;
    this.price = new Int32Array(capacity);
    this.head = new Int32Array(capacity);
    this.tail = new Int32Array(capacity);
    this.count = new Int32Array(capacity);
    this.qty = new Float64Array(capacity);
    this.levelPage = new Int32Array(capacity);
    this.pageNumber = new Int32Array(this.pageCapacity);
    this.pageBits = new Int32Array(this.pageCapacity);
    this.pageLevels = new Int32Array(this.pageCapacity * PAGE_TICKS);
    this.keys = [new Int32Array(this.pageCapacity), new Int32Array(this.pageCapacity)];
    this.pages = [new Int32Array(this.pageCapacity), new Int32Array(this.pageCapacity)];
  }

  /** Best level of a side, or NONE. */
  best(side: number): number {
    const count = this.pageCount[side]!;
    if (count === 0) return NONE;
    const page = this.pages[side]![count - 1]!;
    return this.pageLevels[(page << PAGE_BITS) + bestTick(side, this.pageBits[page]!)]!;
  }

  /** The next level away from the best after `level`, or NONE. */
  worse(side: number, level: number): number {
    const page = this.levelPage[level]!;
    const tick = this.price[level]! & TICK_MASK;
    const bits = this.pageBits[page]!;
    // Bids get worse downwards (lower ticks), asks upwards.
    const rest = side === 0 ? bits & ((1 << tick) - 1) : tick === TICK_MASK ? 0 : bits & (-2 << tick);
    if (rest !== 0) return this.pageLevels[(page << PAGE_BITS) + bestTick(side, rest)]!;
    const index = this.search(side, pageKey(side, this.pageNumber[page]!)) - 1;
    if (index < 0) return NONE;
    const next = this.pages[side]![index]!;
    return this.pageLevels[(next << PAGE_BITS) + bestTick(side, this.pageBits[next]!)]!;
  }

  /** Appends an order slot to the FIFO at its price, creating the level if needed. */
  append(side: number, price: number, slot: number): number {
    let level = this.find(side, price);
    if (level === NONE) level = this.create(side, price);
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
    const page = this.levelPage[level]!;
    const bits = this.pageBits[page]! & ~(1 << (this.price[level]! & TICK_MASK));
    this.pageBits[page] = bits;
    if (bits === 0) this.removePage(side, page);
    this.size[side] = this.size[side]! - 1;
    this.head[level] = this.levelFree;
    this.levelFree = level;
  }

  /** The level at exactly this price on this side, or NONE. */
  private find(side: number, price: number): number {
    const index = this.search(side, pageKey(side, price >> PAGE_BITS));
    if (index < 0) return NONE;
    const page = this.pages[side]![index]!;
    const tick = price & TICK_MASK;
    return (this.pageBits[page]! & (1 << tick)) === 0 ? NONE : this.pageLevels[(page << PAGE_BITS) + tick]!;
  }

  private create(side: number, price: number): number {
    const level = this.allocLevel();
    this.price[level] = price;
    this.head[level] = NONE;
    this.tail[level] = NONE;
    this.count[level] = 0;
    this.qty[level] = 0;
    const key = pageKey(side, price >> PAGE_BITS);
    const index = this.search(side, key);
    const page = index >= 0 ? this.pages[side]![index]! : this.addPage(side, ~index, key, price >> PAGE_BITS);
    const tick = price & TICK_MASK;
    this.pageBits[page] = this.pageBits[page]! | (1 << tick);
    this.pageLevels[(page << PAGE_BITS) + tick] = level;
    this.levelPage[level] = page;
    this.size[side] = this.size[side]! + 1;
    return level;
  }

  /** Index of key in the side's sorted page keys, or ~insertionPoint. */
  private search(side: number, key: number): number {
    const keys = this.keys[side]!;
    let low = 0;
    let high = this.pageCount[side]! - 1;
    // Most traffic is at the top of the book: try the best page first.
    if (high >= 0 && keys[high] === key) return high;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      const value = keys[mid]!;
      if (value < key) low = mid + 1;
      else if (value > key) high = mid - 1;
      else return mid;
    }
    return ~low;
  }

  private addPage(side: number, index: number, key: number, number: number): number {
    let page = this.pageFree;
    if (page === NONE) {
      if (this.pageTop === this.pageCapacity) this.growPages();
      page = this.pageTop++;
    } else {
      this.pageFree = this.pageBits[page]!;
    }
    this.pageNumber[page] = number;
    this.pageBits[page] = 0;
    const count = this.pageCount[side]!;
    const keys = this.keys[side]!;
    const pages = this.pages[side]!;
    keys.copyWithin(index + 1, index, count);
    pages.copyWithin(index + 1, index, count);
    keys[index] = key;
    pages[index] = page;
    this.pageCount[side] = count + 1;
    return page;
  }

  private removePage(side: number, page: number): void {
    const count = this.pageCount[side]! - 1;
    const pages = this.pages[side]!;
    if (pages[count] !== page) {
      const index = this.search(side, pageKey(side, this.pageNumber[page]!));
      const keys = this.keys[side]!;
      keys.copyWithin(index, index + 1, count + 1);
      pages.copyWithin(index, index + 1, count + 1);
    }
    this.pageCount[side] = count;
    // A free page keeps the free list in its (now empty) occupancy word.
    this.pageBits[page] = this.pageFree;
    this.pageFree = page;
  }

  private allocLevel(): number {
    let level = this.levelFree;
    if (level === NONE) {
      if (this.levelTop === this.levelCapacity) this.growLevels();
      level = this.levelTop++;
    } else {
      this.levelFree = this.head[level]!;
    }
    return level;
  }

  private growLevels(): void {
    const capacity = this.levelCapacity * 2;
    this.price = growInt(this.price, capacity);
    this.head = growInt(this.head, capacity);
    this.tail = growInt(this.tail, capacity);
    this.count = growInt(this.count, capacity);
    this.qty = growFloat(this.qty, capacity);
    this.levelPage = growInt(this.levelPage, capacity);
    this.levelCapacity = capacity;
  }

  private growPages(): void {
    const capacity = this.pageCapacity * 2;
    this.pageNumber = growInt(this.pageNumber, capacity);
    this.pageBits = growInt(this.pageBits, capacity);
    this.pageLevels = growInt(this.pageLevels, capacity * PAGE_TICKS);
    for (let side = 0; side < 2; side++) {
      this.keys[side] = growInt(this.keys[side]!, capacity);
      this.pages[side] = growInt(this.pages[side]!, capacity);
    }
    this.pageCapacity = capacity;
  }
}

/** Sort key of a page: bids by page number, asks by its negation, so the best is always last. */
function pageKey(side: number, number: number): number {
  return side === 0 ? number : -number;
}

/** The best occupied tick of a page's occupancy word: highest for bids, lowest for asks. */
function bestTick(side: number, bits: number): number {
  return side === 0 ? 31 - Math.clz32(bits) : 31 - Math.clz32(bits & -bits);
}
