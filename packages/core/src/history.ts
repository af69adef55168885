// Per-account histories behind the queries: closed orders and fills, the newest `max` of each.
// Records are kept as columns of a ring (plain arrays of numbers and of strings, which hold
// doubles and references without a heap object each), so recording one allocates nothing.
// One object per record made these rings most of what the core kept alive under load: every
// record was promoted, then overwritten, and the old generation churned into major GCs.
import type { Side } from "@ghx/engine";

export interface OrderRecord {
  readonly orderId: number;
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly price: number;
  readonly qty: number;
  readonly filled: number;
  readonly status: "filled" | "cancelled" | "expired";
  readonly seq: number;
}

export interface FillRecord {
  readonly orderId: number;
  readonly symbol: string;
  readonly side: Side;
  readonly price: number;
  readonly qty: number;
  readonly fee: number;
  readonly liquidity: "maker" | "taker";
  readonly seq: number;
  readonly ts: number;
}

/**
 * A ring's records as its columns, oldest first: what a snapshot holds. As JSON, about half the
 * bytes of the records as objects, and taken without building an object per record.
 */
export interface RingColumns {
  readonly numbers: readonly number[];
  readonly strings: readonly string[];
}

/** Oldest first: the ring's columns rotated so that its oldest record comes first. */
function rotated<T>(column: readonly T[], width: number, first: number, count: number): T[] {
  const start = first * width;
  const end = count * width;
  return start === 0 ? column.slice(0, end) : [...column.slice(start, end), ...column.slice(0, start)];
}

/** The ring: record i's fields are numbers[i·n … i·n+n) and strings[i·s … i·s+s). */
abstract class ColumnRing<R> {
  protected numbers: number[] = [];
  protected strings: string[] = [];
  /** The record index the next record goes to; once full, also the oldest record's. */
  private next = 0;
  private count = 0;

  constructor(
    readonly max: number,
    private readonly numbersPerRecord: number,
    private readonly stringsPerRecord: number,
  ) {}

  get size(): number {
    return this.count;
  }

  /** Oldest first. */
  records(): R[] {
    const out: R[] = [];
    const first = this.count < this.max ? 0 : this.next;
    for (let i = 0; i < this.count; i++) out.push(this.read((first + i) % this.max));
    return out;
  }

  columns(): RingColumns {
    const first = this.count < this.max ? 0 : this.next;
    return {
      numbers: rotated(this.numbers, this.numbersPerRecord, first, this.count),
      strings: rotated(this.strings, this.stringsPerRecord, first, this.count),
    };
  }

  /** Takes a snapshot's columns (of an empty ring, as restoring a state does). */
  restoreColumns({ numbers, strings }: RingColumns): void {
    const count = numbers.length / this.numbersPerRecord;
    if (this.count > 0 || count > this.max || strings.length !== count * this.stringsPerRecord) {
      throw new RangeError(`ring columns of ${count} records do not fit an empty ring of ${this.max}`);
    }
    this.numbers = [...numbers];
    this.strings = [...strings];
    this.count = count;
    this.next = count === this.max ? 0 : count;
  }

  /** The record index to write (arrays grow by appending in order until the ring is full). */
  protected claim(): number {
    const index = this.next;
    this.next = index + 1 === this.max ? 0 : index + 1;
    if (this.count < this.max) this.count++;
    return index;
  }

  protected abstract read(index: number): R;
}

/** Fields per record in each column: orderId price qty filled seq | clientOrderId symbol side status. */
const orderNumbers = 5;
const orderStrings = 4;

export class OrderHistory extends ColumnRing<OrderRecord> {
  constructor(max: number) {
    super(max, orderNumbers, orderStrings);
  }

  add(
    orderId: number,
    clientOrderId: string,
    symbol: string,
    side: Side,
    price: number,
    qty: number,
    filled: number,
    status: OrderRecord["status"],
    seq: number,
  ): void {
    const index = this.claim();
    const n = index * orderNumbers;
    this.numbers[n] = orderId;
    this.numbers[n + 1] = price;
    this.numbers[n + 2] = qty;
    this.numbers[n + 3] = filled;
    this.numbers[n + 4] = seq;
    const s = index * orderStrings;
    this.strings[s] = clientOrderId;
    this.strings[s + 1] = symbol;
    this.strings[s + 2] = side;
    this.strings[s + 3] = status;
  }

  protected read(index: number): OrderRecord {
    const n = index * orderNumbers;
    const s = index * orderStrings;
    return {
      orderId: this.numbers[n]!,
      clientOrderId: this.strings[s]!,
      symbol: this.strings[s + 1]!,
      side: this.strings[s + 2] as Side,
      price: this.numbers[n + 1]!,
      qty: this.numbers[n + 2]!,
      filled: this.numbers[n + 3]!,
      status: this.strings[s + 3] as OrderRecord["status"],
      seq: this.numbers[n + 4]!,
    };
  }
}

/** orderId price qty fee seq ts | symbol side liquidity. */
const fillNumbers = 6;
const fillStrings = 3;

export class FillLog extends ColumnRing<FillRecord> {
  constructor(max: number) {
    super(max, fillNumbers, fillStrings);
  }

  add(
    orderId: number,
    symbol: string,
    side: Side,
    price: number,
    qty: number,
    fee: number,
    liquidity: FillRecord["liquidity"],
    seq: number,
    ts: number,
  ): void {
    const index = this.claim();
    const n = index * fillNumbers;
    this.numbers[n] = orderId;
    this.numbers[n + 1] = price;
    this.numbers[n + 2] = qty;
    this.numbers[n + 3] = fee;
    this.numbers[n + 4] = seq;
    this.numbers[n + 5] = ts;
    const s = index * fillStrings;
    this.strings[s] = symbol;
    this.strings[s + 1] = side;
    this.strings[s + 2] = liquidity;
  }

  protected read(index: number): FillRecord {
    const n = index * fillNumbers;
    const s = index * fillStrings;
    return {
      orderId: this.numbers[n]!,
      symbol: this.strings[s]!,
      side: this.strings[s + 1] as Side,
      price: this.numbers[n + 1]!,
      qty: this.numbers[n + 2]!,
      fee: this.numbers[n + 3]!,
      liquidity: this.strings[s + 2] as FillRecord["liquidity"],
      seq: this.numbers[n + 4]!,
      ts: this.numbers[n + 5]!,
    };
  }
}
