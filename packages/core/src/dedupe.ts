// The idempotency window: the first outcome of the last `capacity` command ids, FIFO. Outcomes
// live in typed rings indexed by slot and the Map holds only slot numbers, so remembering a
// command allocates nothing that outlives it (200,000 retained outcome objects were promoted to
// the old generation and cost a major GC every few seconds under load). Reject messages are the
// only per-entry objects kept, and only for rejects.
import type { RejectCode } from "@ghx/domain";
import type { Outcome } from "./state.ts";

const noOrderId = -1;

export class DedupeWindow {
  private readonly slots = new Map<string, number>();
  private readonly ids: (string | undefined)[];
  private readonly seqs: Float64Array;
  private readonly orderIds: Float64Array;
  private readonly rejects: ({ readonly code: RejectCode; readonly message: string } | undefined)[];
  /** The slot the next command id goes to; once full, also the oldest entry's. */
  private next = 0;

  constructor(readonly capacity: number) {
    this.ids = new Array<string | undefined>(capacity);
    this.rejects = new Array(capacity);
    this.seqs = new Float64Array(capacity);
    this.orderIds = new Float64Array(capacity);
  }

  get size(): number {
    return this.slots.size;
  }

  get(commandId: string): Outcome | undefined {
    const slot = this.slots.get(commandId);
    return slot === undefined ? undefined : this.outcomeAt(slot);
  }

  remember(commandId: string, outcome: Outcome): void {
    const slot = this.next;
    const evicted = this.ids[slot];
    if (evicted !== undefined) this.slots.delete(evicted);
    this.ids[slot] = commandId;
    this.seqs[slot] = outcome.seq;
    if (outcome.status === "rejected") {
      this.rejects[slot] = { code: outcome.code, message: outcome.message };
      this.orderIds[slot] = noOrderId;
    } else {
      this.rejects[slot] = undefined;
      this.orderIds[slot] = outcome.orderId ?? noOrderId;
    }
    this.slots.set(commandId, slot);
    this.next = (slot + 1) % this.capacity;
  }

  /** Oldest first: what a snapshot keeps, in the order that rebuilds the same window. */
  entries(): [string, Outcome][] {
    const out: [string, Outcome][] = [];
    for (let i = 0; i < this.capacity; i++) {
      const slot = (this.next + i) % this.capacity;
      const id = this.ids[slot];
      if (id !== undefined) out.push([id, this.outcomeAt(slot)]);
    }
    return out;
  }

  private outcomeAt(slot: number): Outcome {
    const seq = this.seqs[slot]!;
    const rejected = this.rejects[slot];
    if (rejected) return { status: "rejected", seq, code: rejected.code, message: rejected.message };
    const orderId = this.orderIds[slot]!;
    return orderId === noOrderId ? { status: "accepted", seq } : { status: "accepted", seq, orderId };
  }
}
