// Open orders per account: an intrusive doubly-linked list through the OrderPool (O(1) to add or
// remove an order, O(k) to list an account's k orders for mass cancel and the core's holds).
// Accounts get a dense index on first use and keep it; the list links live in the pool.
import { growInt, NONE, type OrderPool } from "./order-pool.ts";

export class AccountOrders {
  private readonly indexById = new Map<number, number>();
  private head: Int32Array = new Int32Array(64);
  private count: Int32Array = new Int32Array(64);

  constructor(private readonly pool: OrderPool) {}

  add(slot: number): void {
    const pool = this.pool;
    const accountId = pool.account[slot]!;
    let account = this.indexById.get(accountId);
    if (account === undefined) {
      account = this.indexById.size;
      if (account === this.head.length) {
        this.head = growInt(this.head, account * 2);
        this.count = growInt(this.count, account * 2);
      }
      this.indexById.set(accountId, account);
      this.head[account] = NONE;
    }
    const head = this.head[account]!;
    pool.accountSlot[slot] = account;
    pool.accountPrev[slot] = NONE;
    pool.accountNext[slot] = head;
    if (head !== NONE) pool.accountPrev[head] = slot;
    this.head[account] = slot;
    this.count[account] = this.count[account]! + 1;
  }

  remove(slot: number): void {
    const pool = this.pool;
    const account = pool.accountSlot[slot]!;
    const prev = pool.accountPrev[slot]!;
    const next = pool.accountNext[slot]!;
    if (prev === NONE) this.head[account] = next;
    else pool.accountNext[prev] = next;
    if (next !== NONE) pool.accountPrev[next] = prev;
    this.count[account] = this.count[account]! - 1;
  }

  countOf(accountId: number): number {
    const account = this.indexById.get(accountId);
    return account === undefined ? 0 : this.count[account]!;
  }

  /** Slots of the account's open orders in order id order (independent of history). */
  slotsOf(accountId: number): number[] {
    const account = this.indexById.get(accountId);
    if (account === undefined) return [];
    const pool = this.pool;
    const slots: number[] = [];
    for (let slot = this.head[account]!; slot !== NONE; slot = pool.accountNext[slot]!) slots.push(slot);
    return slots.sort((a, b) => pool.id[a]! - pool.id[b]!);
  }
}
