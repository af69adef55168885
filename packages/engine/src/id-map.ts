// A map keyed by order ids (non-negative integers, exact in a double): open addressing with
// linear probing and backward-shift deletion, so the steady churn of a book (an insert per order
// placed, a delete per order gone) allocates nothing once the table has grown. A Map under the
// same churn rebuilds its table every so many deletes; those tables outlive young-generation
// collections, and they were ~140 bytes of promoted garbage per command in the core (the book's
// index and the core's open orders), collected only by the major GC.

const empty = -1;
/** Grow past half full: probe runs stay short. */
const maxLoad = 0.5;

/**
 * Backward-shift deletion in a linear-probing table: the entry at `cell`, whose home cell is
 * `home`, may move back into the `hole` before it unless its home lies cyclically in (hole, cell].
 */
export function mayFillHole(home: number, hole: number, cell: number): boolean {
  return hole <= cell ? home <= hole || home > cell : home <= hole && home > cell;
}

/** Fibonacci hashing of the id's two 32-bit halves; the top `bits` bits pick the cell. */
function cellOf(id: number, bits: number): number {
  const low = id >>> 0;
  const high = (id / 4_294_967_296) >>> 0;
  return Math.imul(low ^ Math.imul(high, 0x85ebca6b), 0x9e3779b1) >>> (32 - bits);
}

export class IdMap<V> {
  private bits = 4;
  private keys = new Float64Array(1 << 4).fill(empty);
  private values: (V | undefined)[] = new Array<V | undefined>(1 << 4).fill(undefined);
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(id: number): V | undefined {
    const cell = this.find(id);
    return cell < 0 ? undefined : this.values[cell];
  }

  has(id: number): boolean {
    return this.find(id) >= 0;
  }

  set(id: number, value: V): void {
    if (!(id >= 0 && Number.isSafeInteger(id)))
      throw new RangeError(`id ${id} is not a non-negative integer`);
    const mask = this.keys.length - 1;
    let cell = cellOf(id, this.bits);
    for (; this.keys[cell] !== empty; cell = (cell + 1) & mask) {
      if (this.keys[cell] === id) {
        this.values[cell] = value;
        return;
      }
    }
    this.keys[cell] = id;
    this.values[cell] = value;
    if (++this.count > this.keys.length * maxLoad) this.grow();
  }

  delete(id: number): boolean {
    let hole = this.find(id);
    if (hole < 0) return false;
    const keys = this.keys;
    const mask = keys.length - 1;
    // Shift later entries of the probe run back into the hole, so no tombstones build up.
    for (let cell = (hole + 1) & mask; keys[cell] !== empty; cell = (cell + 1) & mask) {
      if (mayFillHole(cellOf(keys[cell]!, this.bits), hole, cell)) {
        keys[hole] = keys[cell]!;
        this.values[hole] = this.values[cell];
        hole = cell;
      }
    }
    keys[hole] = empty;
    this.values[hole] = undefined;
    this.count--;
    return true;
  }

  /** Every id, ascending (for ids handed out in increasing order: the order they were added). */
  ids(): number[] {
    const ids: number[] = [];
    for (const key of this.keys) if (key !== empty) ids.push(key);
    return ids.sort((a, b) => a - b);
  }

  /** Values in ascending id order. */
  valuesByAscendingId(): V[] {
    return this.ids().map((id) => this.get(id)!);
  }

  private find(id: number): number {
    const keys = this.keys;
    const mask = keys.length - 1;
    for (let cell = cellOf(id, this.bits); ; cell = (cell + 1) & mask) {
      const key = keys[cell]!;
      if (key === empty) return -1;
      if (key === id) return cell;
    }
  }

  private grow(): void {
    const { keys, values } = this;
    this.bits++;
    this.keys = new Float64Array(1 << this.bits).fill(empty);
    this.values = new Array<V | undefined>(1 << this.bits).fill(undefined);
    this.count = 0;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== empty) this.set(keys[i]!, values[i]!);
  }
}
