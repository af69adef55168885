// Order storage as struct-of-arrays over typed arrays with a free list: placing an order takes a
// slot, it does not allocate an object. Slots are recycled; `generation` tells a recycled slot
// from the order that held it before (the expiry heap relies on that).

export const NONE = -1;

export class OrderPool {
  capacity: number;
  live = 0;
  id: Float64Array;
  account: Float64Array;
  stpGroup: Float64Array;
  remaining: Float64Array;
  expiry: Float64Array;
  time: Float64Array;
  price: Int32Array;
  /** FIFO links inside the price level, and the level itself. */
  prev: Int32Array;
  next: Int32Array;
  level: Int32Array;
  /** Links of the per-account list, and the account's slot in AccountIndex. */
  accountSlot: Int32Array;
  accountPrev: Int32Array;
  accountNext: Int32Array;
  generation: Uint32Array;
  side: Uint8Array;
  tif: Uint8Array;
  stpMode: Uint8Array;
  postOnly: Uint8Array;
  private freeHead: number;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.id = new Float64Array(capacity);
    this.account = new Float64Array(capacity);
    this.stpGroup = new Float64Array(capacity);
    this.remaining = new Float64Array(capacity);
    this.expiry = new Float64Array(capacity);
    this.time = new Float64Array(capacity);
    this.price = new Int32Array(capacity);
    this.prev = new Int32Array(capacity);
    this.next = new Int32Array(capacity);
    this.level = new Int32Array(capacity);
    this.accountSlot = new Int32Array(capacity);
    this.accountPrev = new Int32Array(capacity);
    this.accountNext = new Int32Array(capacity);
    this.generation = new Uint32Array(capacity);
    this.side = new Uint8Array(capacity);
    this.tif = new Uint8Array(capacity);
    this.stpMode = new Uint8Array(capacity);
    this.postOnly = new Uint8Array(capacity);
    this.freeHead = NONE;
    this.linkFree(0, capacity);
  }

  /** A fresh slot; may grow (and so replace) every array, so callers re-read arrays after it. */
  alloc(): number {
    if (this.freeHead === NONE) this.grow();
    const slot = this.freeHead;
    this.freeHead = this.next[slot]!;
    this.live++;
    return slot;
  }

  /** Returns a slot; the new generation marks everything that still points at it as stale. */
  free(slot: number): void {
    this.generation[slot] = this.generation[slot]! + 1;
    this.next[slot] = this.freeHead;
    this.freeHead = slot;
    this.live--;
  }

  private linkFree(from: number, to: number): void {
    for (let slot = to - 1; slot >= from; slot--) {
      this.next[slot] = this.freeHead;
      this.freeHead = slot;
    }
  }

  private grow(): void {
    const old = this.capacity;
    const capacity = old * 2;
    this.id = growFloat(this.id, capacity);
    this.account = growFloat(this.account, capacity);
    this.stpGroup = growFloat(this.stpGroup, capacity);
    this.remaining = growFloat(this.remaining, capacity);
    this.expiry = growFloat(this.expiry, capacity);
    this.time = growFloat(this.time, capacity);
    this.price = growInt(this.price, capacity);
    this.prev = growInt(this.prev, capacity);
    this.next = growInt(this.next, capacity);
    this.level = growInt(this.level, capacity);
    this.accountSlot = growInt(this.accountSlot, capacity);
    this.accountPrev = growInt(this.accountPrev, capacity);
    this.accountNext = growInt(this.accountNext, capacity);
    const generation = new Uint32Array(capacity);
    generation.set(this.generation);
    this.generation = generation;
    this.side = growByte(this.side, capacity);
    this.tif = growByte(this.tif, capacity);
    this.stpMode = growByte(this.stpMode, capacity);
    this.postOnly = growByte(this.postOnly, capacity);
    this.capacity = capacity;
    this.linkFree(old, capacity);
  }
}

export function growFloat(array: Float64Array, capacity: number): Float64Array {
  const grown = new Float64Array(capacity);
  grown.set(array);
  return grown;
}

export function growInt(array: Int32Array, capacity: number): Int32Array {
  const grown = new Int32Array(capacity);
  grown.set(array);
  return grown;
}

function growByte(array: Uint8Array, capacity: number): Uint8Array {
  const grown = new Uint8Array(capacity);
  grown.set(array);
  return grown;
}
