// The order book and matching of one product: price-time priority, every fill at the maker's
// price, self-trade prevention by the taker's mode. Pure: time and ids arrive with each command,
// events leave through the sink in the order they happen.

import type { RejectCode } from "@ghx/domain";
import { AccountOrders } from "./account-orders.ts";
import { ExpiryHeap } from "./expiry-heap.ts";
import { IdMap } from "./id-map.ts";
import { NONE, OrderPool } from "./order-pool.ts";
import { PriceLevels } from "./price-levels.ts";
import { hashSnapshot } from "./snapshot-hash.ts";
import type {
  BookSnapshot,
  CancelReason,
  CommandKind,
  EngineCommand,
  EngineConfig,
  EngineSink,
  LevelView,
  OrderView,
  PlaceOrder,
  Side,
} from "./types.ts";
import {
  checkPlace,
  checkPrice,
  checkQty,
  isId,
  type Limits,
  SIDES,
  STP_MODES,
  sideIndex,
  stpIndex,
  TIF_FOK,
  TIF_GTD,
  TIF_IOC,
  TIFS,
  tifIndex,
} from "./validate.ts";

const MAX_TICK_LIMIT = 2 ** 31 - 1;
const STP_CANCEL_NEWEST = 0;
const STP_CANCEL_OLDEST = 1;
const STP_CANCEL_BOTH = 2;

// Why matching stopped.
const STOP_NEXT_LEVEL = 0;
const STOP_FILLED = 1;
const STOP_STP = 2;
const STOP_LIMIT = 3;
const STOP_NO_LIQUIDITY = 4;

export class OrderBook implements Limits {
  readonly maxTick: number;
  readonly maxQty: number;
  readonly defaultCollarTicks: number;
  private readonly pool: OrderPool;
  private readonly levels: PriceLevels;
  private readonly expiries: ExpiryHeap;
  private readonly slotById = new IdMap<number>();
  private readonly accounts: AccountOrders;
  private liveGtd = 0;

  constructor(
    config: EngineConfig,
    private readonly sink: EngineSink,
  ) {
    this.maxTick = config.maxTick;
    this.maxQty = config.maxQty ?? 1e9;
    this.defaultCollarTicks = config.defaultCollarTicks ?? 0;
    const capacity = config.initialCapacity ?? 1024;
    if (!Number.isSafeInteger(this.maxTick) || this.maxTick < 1 || this.maxTick > MAX_TICK_LIMIT) {
      throw new RangeError(`maxTick must be an integer in [1, ${MAX_TICK_LIMIT}]`);
    }
    // Level and account totals are sums of quantities: keep them exact far beyond 2^20 orders.
    if (!Number.isSafeInteger(this.maxQty) || this.maxQty < 1 || this.maxQty > 2 ** 32) {
      throw new RangeError("maxQty must be an integer in [1, 2^32]");
    }
    if (!isId(this.defaultCollarTicks)) throw new RangeError("defaultCollarTicks must be an integer ≥ 0");
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError("initialCapacity must be ≥ 1");
    this.pool = new OrderPool(capacity);
    this.levels = new PriceLevels(this.pool, capacity);
    this.expiries = new ExpiryHeap(64);
    this.accounts = new AccountOrders(this.pool);
  }

  // ---- commands -------------------------------------------------------------------------------

  /** Dispatches a command given as plain data. */
  apply(command: EngineCommand): void {
    switch (command.type) {
      case "place":
        this.place(command);
        break;
      case "cancel":
        this.cancel(command.orderId, command.time);
        break;
      case "replace":
        this.replace(command.orderId, command.price, command.qty, command.time);
        break;
      case "amend":
        this.amend(command.orderId, command.qty, command.time);
        break;
      case "mass_cancel":
        this.massCancel(command.accountId, command.time, command.side);
        break;
      case "expire":
        this.expire(command.time);
        break;
      default:
        assertNever(command);
    }
  }

  place(cmd: PlaceOrder): void {
    const time = cmd.time;
    if (!this.begin("place", cmd.orderId, time)) return;
    const code = checkPlace(cmd, this) ?? this.checkPlaceAgainstBook(cmd);
    if (code !== undefined) {
      this.sink.rejected("place", cmd.orderId, code, time);
      return;
    }
    const side = sideIndex(cmd.side);
    const market = cmd.orderType === "market";
    const limit = market ? this.collarLimit(side, cmd.collarTicks ?? this.defaultCollarTicks) : cmd.price!;
    const tif = tifIndex(cmd);
    const slot = this.pool.alloc();
    const pool = this.pool;
    pool.id[slot] = cmd.orderId;
    pool.account[slot] = cmd.accountId;
    pool.stpGroup[slot] = cmd.stpGroup ?? 0;
    pool.side[slot] = side;
    pool.price[slot] = limit;
    pool.remaining[slot] = cmd.qty;
    pool.tif[slot] = tif;
    pool.expiry[slot] = tif === TIF_GTD ? cmd.expiry! : 0;
    pool.postOnly[slot] = cmd.postOnly === true ? 1 : 0;
    pool.stpMode[slot] = stpIndex(cmd);
    pool.time[slot] = time;
    pool.level[slot] = NONE;
    this.sink.accepted(cmd.orderId, cmd.accountId, cmd.side, limit, cmd.qty, TIFS[tif]!, time);
    this.execute(slot, limit, market, false, time);
  }

  cancel(orderId: number, time: number): void {
    if (!this.begin("cancel", orderId, time)) return;
    const slot = this.slotById.get(orderId);
    if (slot === undefined) {
      this.sink.rejected("cancel", orderId, "ORDER_NOT_FOUND", time);
      return;
    }
    this.emitCancelled(slot, this.pool.remaining[slot]!, 0, "user", time);
    this.removeResting(slot);
  }

  /** Cancel-replace: new price and open quantity, new time priority; the order may trade at once. */
  replace(orderId: number, price: number, qty: number, time: number): void {
    if (!this.begin("replace", orderId, time)) return;
    const slot = this.slotById.get(orderId);
    const code =
      checkPrice(price, this.maxTick) ??
      checkQty(qty, this.maxQty) ??
      (slot === undefined
        ? "ORDER_NOT_FOUND"
        : this.pool.postOnly[slot] === 1 && this.crosses(this.pool.side[slot]!, price)
          ? "POST_ONLY_WOULD_TAKE"
          : undefined);
    if (code !== undefined || slot === undefined) {
      this.sink.rejected("replace", orderId, code ?? "ORDER_NOT_FOUND", time);
      return;
    }
    const pool = this.pool;
    const side = pool.side[slot]!;
    const level = pool.level[slot]!;
    const oldPrice = pool.price[slot]!;
    this.emitCancelled(slot, pool.remaining[slot]!, 0, "replaced", time);
    this.levels.unlink(slot);
    this.emitLevel(side, level, oldPrice);
    pool.price[slot] = price;
    pool.remaining[slot] = qty;
    pool.time[slot] = time;
    pool.level[slot] = NONE;
    this.sink.accepted(orderId, pool.account[slot]!, SIDES[side]!, price, qty, TIFS[pool.tif[slot]!]!, time);
    this.execute(slot, price, false, true, time);
  }

  /** Amend-down: a smaller open quantity keeps the order's time priority. */
  amend(orderId: number, qty: number, time: number): void {
    if (!this.begin("amend", orderId, time)) return;
    const slot = this.slotById.get(orderId);
    const pool = this.pool;
    const code: RejectCode | undefined =
      !Number.isSafeInteger(qty) || qty <= 0
        ? "INVALID_QUANTITY"
        : slot === undefined
          ? "ORDER_NOT_FOUND"
          : qty >= pool.remaining[slot]!
            ? "AMEND_NOT_DOWN"
            : undefined;
    if (code !== undefined || slot === undefined) {
      this.sink.rejected("amend", orderId, code ?? "ORDER_NOT_FOUND", time);
      return;
    }
    const reduction = pool.remaining[slot]! - qty;
    const level = pool.level[slot]!;
    const side = pool.side[slot]!;
    pool.remaining[slot] = qty;
    this.levels.qty[level] = this.levels.qty[level]! - reduction;
    this.sink.amended(orderId, pool.account[slot]!, SIDES[side]!, pool.price[slot]!, reduction, qty, time);
    this.emitLevel(side, level, pool.price[slot]!);
  }

  /** Cancels the account's open orders in order id order; only one side's when `side` is given. */
  massCancel(accountId: number, time: number, side?: Side): void {
    if (!this.begin("mass_cancel", accountId, time)) return;
    if (!isId(accountId)) {
      this.sink.rejected("mass_cancel", accountId, "INVALID_COMMAND", time);
      return;
    }
    const only = side === undefined ? -1 : sideIndex(side);
    for (const slot of this.accounts.slotsOf(accountId)) {
      if (only !== -1 && this.pool.side[slot] !== only) continue;
      this.emitCancelled(slot, this.pool.remaining[slot]!, 0, "mass_cancel", time);
      this.removeResting(slot);
    }
  }

  /** Expires every GTD order whose expiry ≤ time (every other command does this first too). */
  expire(time: number): void {
    this.begin("expire", 0, time);
  }

  // ---- queries --------------------------------------------------------------------------------

  getOrder(orderId: number): OrderView | undefined {
    const slot = this.slotById.get(orderId);
    return slot === undefined ? undefined : this.view(slot);
  }

  hasOrder(orderId: number): boolean {
    return this.slotById.has(orderId);
  }

  /** Open orders in the book. */
  orderCount(): number {
    return this.slotById.size;
  }

  accountOrderCount(accountId: number): number {
    return this.accounts.countOf(accountId);
  }

  /** Open orders of an account, in order id order. */
  accountOrders(accountId: number): OrderView[] {
    return this.accounts.slotsOf(accountId).map((slot) => this.view(slot));
  }

  bestBid(): number | undefined {
    return this.bestPrice(0);
  }

  bestAsk(): number | undefined {
    return this.bestPrice(1);
  }

  /** The price bound a market order of this side would get now, or undefined (no liquidity). */
  marketLimit(side: Side, collarTicks: number = this.defaultCollarTicks): number | undefined {
    const own = sideIndex(side);
    return this.levels.size[own ^ 1] === 0 ? undefined : this.collarLimit(own, collarTicks);
  }

  /** Number of price levels on a side. */
  levelCount(side: Side): number {
    return this.levels.size[sideIndex(side)];
  }

  /** The best `count` levels of a side, best first. */
  depth(side: Side, count: number): LevelView[] {
    const own = sideIndex(side);
    const out: LevelView[] = [];
    const levels = this.levels;
    for (
      let level = levels.best(own);
      level !== NONE && out.length < count;
      level = levels.worse(own, level)
    ) {
      out.push({ price: levels.price[level]!, qty: levels.qty[level]!, count: levels.count[level]! });
    }
    return out;
  }

  /** Earliest pending GTD expiry (possibly of an order already gone), or undefined. */
  nextExpiry(): number | undefined {
    const expiry = this.expiries.peekExpiry();
    return expiry === Number.POSITIVE_INFINITY ? undefined : expiry;
  }

  /**
   * Earliest expiry of a GTD order still in the book, or undefined. Drops the entries of orders
   * already gone from the top of the expiry heap on the way: expiry would skip them anyway, the
   * heap is ordered canonically by (expiry, order id), and it is not part of the book's snapshot,
   * so this changes nothing any command or snapshot can see.
   */
  nextLiveExpiry(): number | undefined {
    const heap = this.expiries;
    while (heap.size > 0 && this.pool.generation[heap.peekSlot()] !== heap.peekGeneration()) heap.pop();
    return this.nextExpiry();
  }

  // ---- snapshot -------------------------------------------------------------------------------

  snapshot(): BookSnapshot {
    const orders: OrderView[] = [];
    const { levels, pool } = this;
    for (let side = 0; side < 2; side++) {
      for (let level = levels.best(side); level !== NONE; level = levels.worse(side, level)) {
        for (let slot = levels.head[level]!; slot !== NONE; slot = pool.next[slot]!) {
          orders.push(this.view(slot));
        }
      }
    }
    return {
      version: 1,
      maxTick: this.maxTick,
      maxQty: this.maxQty,
      defaultCollarTicks: this.defaultCollarTicks,
      orders,
    };
  }

  /** sha256 (hex) of the canonical encoding of the snapshot; see snapshot-hash.ts. */
  hash(): string {
    return hashSnapshot(this.snapshot());
  }

  /** A book in exactly the snapshot's state (throws on a snapshot no book could have produced). */
  static restore(snapshot: BookSnapshot, sink: EngineSink): OrderBook {
    if (snapshot.version !== 1) throw new Error(`unknown snapshot version ${String(snapshot.version)}`);
    const book = new OrderBook(snapshot, sink);
    let previous: OrderView | undefined;
    for (const order of snapshot.orders) {
      book.restoreOrder(order, previous);
      previous = order;
    }
    const bid = book.bestBid();
    const ask = book.bestAsk();
    if (bid !== undefined && ask !== undefined && bid >= ask) throw new Error("snapshot book is crossed");
    return book;
  }

  private restoreOrder(order: OrderView, previous: OrderView | undefined): void {
    const code =
      checkPlace({ ...order, qty: order.remaining, orderType: "limit" }, this) ??
      (this.slotById.has(order.orderId) ? "DUPLICATE_ORDER_ID" : undefined);
    if (code !== undefined) throw new Error(`snapshot order ${order.orderId}: ${code}`);
    if (previous !== undefined && !inPriorityOrder(previous, order)) {
      throw new Error(`snapshot order ${order.orderId} is out of priority order`);
    }
    const slot = this.pool.alloc();
    const pool = this.pool;
    pool.id[slot] = order.orderId;
    pool.account[slot] = order.accountId;
    pool.stpGroup[slot] = order.stpGroup;
    pool.side[slot] = sideIndex(order.side);
    pool.price[slot] = order.price;
    pool.remaining[slot] = order.remaining;
    pool.tif[slot] = TIFS.indexOf(order.tif);
    pool.expiry[slot] = order.tif === "GTD" ? order.expiry : 0;
    pool.postOnly[slot] = order.postOnly ? 1 : 0;
    pool.stpMode[slot] = STP_MODES.indexOf(order.stpMode);
    pool.time[slot] = order.time;
    this.levels.append(pool.side[slot]!, order.price, slot);
    this.index(slot);
  }

  // ---- internals ------------------------------------------------------------------------------

  /** Common start of every command: reject a bad time, then expire what is due. */
  private begin(command: CommandKind, id: number, time: number): boolean {
    if (!isId(time)) {
      this.sink.rejected(command, id, "INVALID_COMMAND", time);
      return false;
    }
    if (this.expiries.peekExpiry() <= time) this.expireDue(time);
    return true;
  }

  private expireDue(time: number): void {
    const heap = this.expiries;
    const pool = this.pool;
    while (heap.peekExpiry() <= time) {
      const slot = heap.peekSlot();
      const live = pool.generation[slot] === heap.peekGeneration();
      heap.pop();
      if (!live) continue;
      this.sink.expired(
        pool.id[slot]!,
        pool.account[slot]!,
        SIDES[pool.side[slot]!]!,
        pool.price[slot]!,
        pool.remaining[slot]!,
        time,
      );
      this.removeResting(slot);
    }
  }

  private checkPlaceAgainstBook(cmd: PlaceOrder): RejectCode | undefined {
    if (this.slotById.has(cmd.orderId)) return "DUPLICATE_ORDER_ID";
    const side = sideIndex(cmd.side);
    if (cmd.orderType === "market") return this.levels.size[side ^ 1] === 0 ? "NO_LIQUIDITY" : undefined;
    if (cmd.postOnly === true && this.crosses(side, cmd.price!)) return "POST_ONLY_WOULD_TAKE";
    return undefined;
  }

  /** Would an order of this side at this price meet the best opposite level? */
  private crosses(side: number, price: number): boolean {
    const best = this.levels.best(side ^ 1);
    if (best === NONE) return false;
    const opposite = this.levels.price[best]!;
    return side === 0 ? opposite <= price : opposite >= price;
  }

  /** Best opposite price ± collar, clamped to [1, maxTick]. Opposite side must be non-empty. */
  private collarLimit(side: number, collarTicks: number): number {
    const best = this.levels.price[this.levels.best(side ^ 1)]!;
    return side === 0 ? Math.min(best + collarTicks, this.maxTick) : Math.max(best - collarTicks, 1);
  }

  private bestPrice(side: number): number | undefined {
    const best = this.levels.best(side);
    return best === NONE ? undefined : this.levels.price[best];
  }

  /** Runs an accepted order against the book, then rests it or closes it. */
  private execute(slot: number, limit: number, market: boolean, indexed: boolean, time: number): void {
    const pool = this.pool;
    const tif = pool.tif[slot]!;
    if (tif === TIF_FOK && !this.canFill(slot, limit)) {
      this.emitCancelled(slot, pool.remaining[slot]!, 0, "fok", time);
      this.discard(slot, indexed);
      return;
    }
    const stop = this.match(slot, limit, time);
    const remaining = pool.remaining[slot]!;
    if (remaining === 0) {
      this.discard(slot, indexed);
    } else if (stop === STOP_STP) {
      this.emitCancelled(slot, remaining, 0, "stp", time);
      this.discard(slot, indexed);
    } else if (market || tif === TIF_IOC || tif === TIF_FOK) {
      const reason = market && stop === STOP_LIMIT ? "market_collar" : "ioc_remainder";
      this.emitCancelled(slot, remaining, 0, reason, time);
      this.discard(slot, indexed);
    } else {
      const level = this.levels.append(pool.side[slot]!, limit, slot);
      if (!indexed) this.index(slot);
      this.emitLevel(pool.side[slot]!, level, limit);
    }
  }

  private match(taker: number, limit: number, time: number): number {
    const levels = this.levels;
    const side = this.pool.side[taker]!;
    const opposite = side ^ 1;
    for (;;) {
      const level = levels.best(opposite);
      if (level === NONE) return STOP_NO_LIQUIDITY;
      const price = levels.price[level]!;
      if (side === 0 ? price > limit : price < limit) return STOP_LIMIT;
      const stop = this.matchLevel(taker, level, price, time);
      if (stop !== STOP_NEXT_LEVEL) return stop;
    }
  }

  /** Matches the taker against one level's FIFO; reports the level's new totals if it changed. */
  private matchLevel(taker: number, level: number, price: number, time: number): number {
    const pool = this.pool;
    const group = pool.stpGroup[taker]!;
    let stop = STOP_NEXT_LEVEL;
    let changed = false;
    let maker = this.levels.head[level]!;
    while (maker !== NONE) {
      const next = pool.next[maker]!;
      if (group !== 0 && pool.stpGroup[maker] === group) {
        const mode = pool.stpMode[taker]!;
        changed ||= mode !== STP_CANCEL_NEWEST;
        if (this.preventSelfTrade(taker, maker, mode, time)) stop = STOP_STP;
      } else {
        changed = true;
        this.trade(taker, maker, price, time);
      }
      if (stop === STOP_STP) break;
      if (pool.remaining[taker] === 0) {
        stop = STOP_FILLED;
        break;
      }
      maker = next;
    }
    if (changed) this.emitLevel(pool.side[taker]! ^ 1, level, price);
    return stop;
  }

  private trade(taker: number, maker: number, price: number, time: number): void {
    const pool = this.pool;
    const qty = this.reduceBoth(taker, maker);
    this.sink.fill(
      pool.id[maker]!,
      pool.id[taker]!,
      price,
      qty,
      pool.remaining[maker]!,
      pool.remaining[taker]!,
      pool.account[maker]!,
      pool.account[taker]!,
      SIDES[pool.side[taker]!]!,
      time,
    );
    this.closeIfDone(maker);
  }

  /** Takes the smaller open quantity off both orders (and the maker's level); returns it. */
  private reduceBoth(taker: number, maker: number): number {
    const pool = this.pool;
    const takerRemaining = pool.remaining[taker]!;
    const makerRemaining = pool.remaining[maker]!;
    const qty = Math.min(takerRemaining, makerRemaining);
    pool.remaining[taker] = takerRemaining - qty;
    pool.remaining[maker] = makerRemaining - qty;
    const level = pool.level[maker]!;
    this.levels.qty[level] = this.levels.qty[level]! - qty;
    return qty;
  }

  /** A maker with nothing left leaves its level (which the sweep reports when it moves on). */
  private closeIfDone(maker: number): void {
    if (this.pool.remaining[maker] !== 0) return;
    this.levels.unlink(maker);
    this.discard(maker, true);
  }

  /** Applies the taker's STP mode to a maker of its own group; true when the taker must stop. */
  private preventSelfTrade(taker: number, maker: number, mode: number, time: number): boolean {
    if (mode === STP_CANCEL_NEWEST) return true;
    const pool = this.pool;
    if (mode === STP_CANCEL_OLDEST || mode === STP_CANCEL_BOTH) {
      this.emitCancelled(maker, pool.remaining[maker]!, 0, "stp", time);
      this.levels.unlink(maker);
      this.discard(maker, true);
      return mode === STP_CANCEL_BOTH;
    }
    // decrement: both shrink by the smaller open quantity; neither trades.
    const qty = this.reduceBoth(taker, maker);
    this.emitCancelled(maker, qty, pool.remaining[maker]!, "stp", time);
    this.emitCancelled(taker, qty, pool.remaining[taker]!, "stp", time);
    this.closeIfDone(maker);
    return false;
  }

  /** FOK pre-check: would matching (with the taker's STP mode) fill the whole order? No effects. */
  private canFill(taker: number, limit: number): boolean {
    const { pool, levels } = this;
    const side = pool.side[taker]!;
    const group = pool.stpGroup[taker]!;
    const mode = pool.stpMode[taker]!;
    let needed = pool.remaining[taker]!;
    for (let level = levels.best(side ^ 1); level !== NONE; level = levels.worse(side ^ 1, level)) {
      const price = levels.price[level]!;
      if (side === 0 ? price > limit : price < limit) return false;
      for (let maker = levels.head[level]!; maker !== NONE; maker = pool.next[maker]!) {
        if (group !== 0 && pool.stpGroup[maker] === group) {
          if (mode === STP_CANCEL_NEWEST || mode === STP_CANCEL_BOTH) return false;
          if (mode === STP_CANCEL_OLDEST) continue;
        }
        needed -= Math.min(needed, pool.remaining[maker]!);
        if (needed === 0) return true;
      }
    }
    return false;
  }

  /** Takes a resting order out of the book and reports its level. */
  private removeResting(slot: number): void {
    const pool = this.pool;
    const level = pool.level[slot]!;
    const side = pool.side[slot]!;
    const price = pool.price[slot]!;
    this.levels.unlink(slot);
    this.discard(slot, true);
    this.emitLevel(side, level, price);
  }

  /** Reports a level's totals; an emptied level is dropped and reported as 0/0. */
  private emitLevel(side: number, level: number, price: number): void {
    const levels = this.levels;
    const count = levels.count[level]!;
    if (count === 0) {
      levels.remove(side, level);
      this.sink.level(SIDES[side]!, price, 0, 0);
    } else {
      this.sink.level(SIDES[side]!, price, levels.qty[level]!, count);
    }
  }

  private emitCancelled(slot: number, qty: number, remaining: number, reason: CancelReason, time: number) {
    const pool = this.pool;
    this.sink.cancelled(
      pool.id[slot]!,
      pool.account[slot]!,
      SIDES[pool.side[slot]!]!,
      pool.price[slot]!,
      qty,
      remaining,
      reason,
      time,
    );
  }

  /** Registers a resting order: id lookup, account list, expiry. */
  private index(slot: number): void {
    const pool = this.pool;
    this.slotById.set(pool.id[slot]!, slot);
    this.accounts.add(slot);
    if (pool.tif[slot] === TIF_GTD) {
      this.liveGtd++;
      this.expiries.push(pool.expiry[slot]!, pool.id[slot]!, slot, pool.generation[slot]!);
      // Entries of orders that left early stay until due; bound that garbage.
      if (this.expiries.size > 2 * this.liveGtd + 1024) {
        this.expiries.compact((entrySlot, generation) => pool.generation[entrySlot] === generation);
      }
    }
  }

  /** Frees an order that is no longer in any level; `indexed` if it was registered. */
  private discard(slot: number, indexed: boolean): void {
    const pool = this.pool;
    if (indexed) {
      this.slotById.delete(pool.id[slot]!);
      this.accounts.remove(slot);
      if (pool.tif[slot] === TIF_GTD) this.liveGtd--;
    }
    pool.free(slot);
  }

  private view(slot: number): OrderView {
    const pool = this.pool;
    return {
      orderId: pool.id[slot]!,
      accountId: pool.account[slot]!,
      stpGroup: pool.stpGroup[slot]!,
      side: SIDES[pool.side[slot]!]!,
      price: pool.price[slot]!,
      remaining: pool.remaining[slot]!,
      tif: TIFS[pool.tif[slot]!]!,
      expiry: pool.expiry[slot]!,
      postOnly: pool.postOnly[slot] === 1,
      stpMode: STP_MODES[pool.stpMode[slot]!]!,
      time: pool.time[slot]!,
    };
  }
}

/** Bids before asks; within a side better price first (the FIFO inside a level is list order). */
function inPriorityOrder(previous: OrderView, order: OrderView): boolean {
  if (previous.side !== order.side) return previous.side === "buy";
  return order.side === "buy" ? previous.price >= order.price : previous.price <= order.price;
}

function assertNever(value: never): never {
  throw new Error(`unknown command ${JSON.stringify(value)}`);
}
