// The idempotency window: the first outcome of the last `capacity` command ids, FIFO. Outcomes
// live in typed rings indexed by slot, and the ids are found through an open-addressing hash
// table of slot numbers (linear probing, backward-shift deletion), so remembering a command
// allocates nothing that outlives it. A Map<string, slot> did the same job at ~18 % of the
// core's apply time: its FIFO deletes leave holes that force periodic rehashes of the whole
// 200,000-entry table, each a fresh multi-megabyte allocation. Reject messages are the only
// per-entry objects kept, and only for rejects.

import type { RejectCode } from "@ghx/domain";
import { mayFillHole } from "@ghx/engine";
import type { Outcome } from "./state.ts";

const noOrderId = -1;
const empty = 0;

/** FNV-1a over the UTF-16 code units: cheap for the short ids the domain allows. */
function hashOf(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/** The window oldest first, as a snapshot holds it (see DedupeWindow.columns). */
export interface DedupeColumns {
  readonly ids: readonly string[];
  readonly seqs: readonly number[];
  /** The accepted order's id, -1 for none. */
  readonly orderIds: readonly number[];
  /** The rejected among them, in order: [index in ids, code, message]. */
  readonly rejects: readonly (readonly [number, RejectCode, string])[];
}

export class DedupeWindow {
  /** Table cell → slot + 1 (0 = empty); at most 3/8 full, so probes stay short. */
  private readonly table: Int32Array;
  private readonly mask: number;
  private readonly hashes: Uint32Array;
  private readonly ids: (string | undefined)[];
  private readonly seqs: Float64Array;
  private readonly orderIds: Float64Array;
  private readonly rejects: ({ readonly code: RejectCode; readonly message: string } | undefined)[];
  /** The slot the next command id goes to; once full, also the oldest entry's. */
  private next = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    let cells = 8;
    while (cells < capacity * 2.5) cells *= 2;
    this.table = new Int32Array(cells);
    this.mask = cells - 1;
    this.hashes = new Uint32Array(capacity);
    this.ids = new Array<string | undefined>(capacity).fill(undefined);
    this.rejects = new Array(capacity).fill(undefined);
    this.seqs = new Float64Array(capacity);
    this.orderIds = new Float64Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  get(commandId: string): Outcome | undefined {
    const hash = hashOf(commandId);
    for (let cell = hash & this.mask; ; cell = (cell + 1) & this.mask) {
      const entry = this.table[cell]!;
      if (entry === empty) return undefined;
      const slot = entry - 1;
      if (this.hashes[slot] === hash && this.ids[slot] === commandId) return this.outcomeAt(slot);
    }
  }

  /** Remembers the first outcome of a command id not in the window (get() returned undefined). */
  remember(commandId: string, outcome: Outcome): void {
    if (outcome.status === "rejected") {
      this.insert(commandId, outcome.seq, noOrderId, { code: outcome.code, message: outcome.message });
    } else {
      this.insert(commandId, outcome.seq, outcome.orderId ?? noOrderId, undefined);
    }
  }

  /** Oldest first, as columns: what a snapshot keeps, in the order that rebuilds the same window. */
  columns(): DedupeColumns {
    const ids: string[] = [];
    const seqs: number[] = [];
    const orderIds: number[] = [];
    const rejects: [number, RejectCode, string][] = [];
    for (let i = 0; i < this.capacity; i++) {
      const slot = (this.next + i) % this.capacity;
      const id = this.ids[slot];
      if (id === undefined) continue;
      const rejected = this.rejects[slot];
      if (rejected) rejects.push([ids.length, rejected.code, rejected.message]);
      ids.push(id);
      seqs.push(this.seqs[slot]!);
      orderIds.push(this.orderIds[slot]!);
    }
    return { ids, seqs, orderIds, rejects };
  }

  /** Remembers a snapshot's entries in order (into an empty window, as restoring a state does). */
  restoreColumns({ ids, seqs, orderIds, rejects }: DedupeColumns): void {
    let nextReject = 0;
    for (let i = 0; i < ids.length; i++) {
      const reject = rejects[nextReject]?.[0] === i ? rejects[nextReject++] : undefined;
      this.insert(ids[i]!, seqs[i]!, orderIds[i]!, reject && { code: reject[1], message: reject[2] });
    }
  }

  private insert(
    commandId: string,
    seq: number,
    orderId: number,
    reject: { readonly code: RejectCode; readonly message: string } | undefined,
  ): void {
    const slot = this.next;
    if (this.ids[slot] !== undefined) this.forget(slot);
    else this.count++;
    const hash = hashOf(commandId);
    this.ids[slot] = commandId;
    this.hashes[slot] = hash;
    this.seqs[slot] = seq;
    this.orderIds[slot] = orderId;
    this.rejects[slot] = reject;
    let cell = hash & this.mask;
    while (this.table[cell] !== empty) cell = (cell + 1) & this.mask;
    this.table[cell] = slot + 1;
    this.next = slot + 1 === this.capacity ? 0 : slot + 1;
  }

  /** Removes a slot's cell and shifts later cells of its probe run back, so no tombstones build up. */
  private forget(slot: number): void {
    const mask = this.mask;
    let hole = this.hashes[slot]! & mask;
    while (this.table[hole] !== slot + 1) hole = (hole + 1) & mask;
    for (let cell = (hole + 1) & mask; ; cell = (cell + 1) & mask) {
      const entry = this.table[cell]!;
      if (entry === empty) break;
      if (mayFillHole(this.hashes[entry - 1]! & mask, hole, cell)) {
        this.table[hole] = entry;
        hole = cell;
      }
    }
    this.table[hole] = empty;
  }

  private outcomeAt(slot: number): Outcome {
    const seq = this.seqs[slot]!;
    const rejected = this.rejects[slot];
    if (rejected) return { status: "rejected", seq, code: rejected.code, message: rejected.message };
    const orderId = this.orderIds[slot]!;
    return orderId === noOrderId ? { status: "accepted", seq } : { status: "accepted", seq, orderId };
  }
}
