// A deliberately naive order book: one array of orders, linear scans, the book re-sorted whenever
// it is read. Slow and obviously correct; the fast engine must produce exactly its events.
// Field validation is shared with the engine (validate.ts, covered by the unit tests); everything
// that depends on the book is written again here from the rules.
import type { RejectCode } from "@ghx/domain";
import type {
  BookSnapshot,
  CancelReason,
  CommandKind,
  EngineCommand,
  EngineEvent,
  OrderView,
  PlaceOrder,
  Side,
  StpMode,
  TimeInForce,
} from "../src/index.ts";
import { checkPlace, checkPrice, checkQty, isId, type Limits } from "../src/validate.ts";

interface RefOrder {
  orderId: number;
  accountId: number;
  stpGroup: number;
  side: Side;
  price: number;
  remaining: number;
  tif: TimeInForce;
  expiry: number;
  postOnly: boolean;
  stpMode: StpMode;
  time: number;
  /** Arrival sequence: the time priority. */
  seq: number;
}

type Stop = "filled" | "stp" | "limit" | "empty";

export class ReferenceBook {
  private events: EngineEvent[] = [];
  private orders: RefOrder[] = [];
  private seq = 0;

  constructor(private readonly limits: Limits) {}

  apply(command: EngineCommand): void {
    const id =
      command.type === "mass_cancel" ? command.accountId : command.type === "expire" ? 0 : command.orderId;
    if (!isId(command.time)) {
      this.reject(command.type, id, "INVALID_COMMAND", command.time);
      return;
    }
    this.expireDue(command.time);
    if (command.type === "place") this.place(command);
    else if (command.type === "cancel") this.cancel(command.orderId, command.time);
    else if (command.type === "replace")
      this.replace(command.orderId, command.price, command.qty, command.time);
    else if (command.type === "amend") this.amend(command.orderId, command.qty, command.time);
    else if (command.type === "mass_cancel") this.massCancel(command.accountId, command.time, command.side);
  }

  /** Events since the last drain. */
  drain(): EngineEvent[] {
    const out = this.events;
    this.events = [];
    return out;
  }

  snapshot(): BookSnapshot {
    const view = ({ seq: _seq, ...order }: RefOrder): OrderView => order;
    return {
      version: 1,
      maxTick: this.limits.maxTick,
      maxQty: this.limits.maxQty,
      defaultCollarTicks: this.limits.defaultCollarTicks,
      orders: [...this.sorted("buy"), ...this.sorted("sell")].map(view),
    };
  }

  /** One side in priority order: best price first, then arrival. */
  private sorted(side: Side): RefOrder[] {
    const better = (a: RefOrder, b: RefOrder) => (side === "buy" ? b.price - a.price : a.price - b.price);
    return this.orders.filter((o) => o.side === side).sort((a, b) => better(a, b) || a.seq - b.seq);
  }

  private find(orderId: number): RefOrder | undefined {
    return this.orders.find((o) => o.orderId === orderId);
  }

  private expireDue(time: number): void {
    const due = this.orders
      .filter((o) => o.tif === "GTD" && o.expiry <= time)
      .sort((a, b) => a.expiry - b.expiry || a.orderId - b.orderId);
    for (const o of due) {
      this.push({
        type: "expired",
        orderId: o.orderId,
        accountId: o.accountId,
        side: o.side,
        price: o.price,
        qty: o.remaining,
        time,
      });
      this.removeAndReport(o);
    }
  }

  private place(cmd: PlaceOrder): void {
    const market = cmd.orderType === "market";
    const side = cmd.side;
    const opposite = this.sorted(side === "buy" ? "sell" : "buy");
    let code: RejectCode | undefined = checkPlace(cmd, this.limits);
    if (code === undefined && this.find(cmd.orderId)) code = "DUPLICATE_ORDER_ID";
    if (code === undefined && market && opposite.length === 0) code = "NO_LIQUIDITY";
    if (code === undefined && cmd.postOnly && opposite[0] && crosses(side, cmd.price!, opposite[0].price)) {
      code = "POST_ONLY_WOULD_TAKE";
    }
    if (code !== undefined) {
      this.reject("place", cmd.orderId, code, cmd.time);
      return;
    }
    const collar = cmd.collarTicks ?? this.limits.defaultCollarTicks;
    const best = opposite[0]?.price ?? 0;
    const price = !market
      ? cmd.price!
      : side === "buy"
        ? Math.min(best + collar, this.limits.maxTick)
        : Math.max(best - collar, 1);
    const tif = cmd.tif ?? (market ? "IOC" : "GTC");
    const order: RefOrder = {
      orderId: cmd.orderId,
      accountId: cmd.accountId,
      stpGroup: cmd.stpGroup ?? 0,
      side,
      price,
      remaining: cmd.qty,
      tif,
      expiry: tif === "GTD" ? cmd.expiry! : 0,
      postOnly: cmd.postOnly === true,
      stpMode: cmd.stpMode ?? "cancel_newest",
      time: cmd.time,
      seq: 0,
    };
    this.accept(order, market);
  }

  private cancel(orderId: number, time: number): void {
    const o = this.find(orderId);
    if (!o) {
      this.reject("cancel", orderId, "ORDER_NOT_FOUND", time);
      return;
    }
    this.cancelled(o, o.remaining, 0, "user", time);
    this.removeAndReport(o);
  }

  private replace(orderId: number, price: number, qty: number, time: number): void {
    const o = this.find(orderId);
    const opposite = o ? this.sorted(o.side === "buy" ? "sell" : "buy") : [];
    const code =
      checkPrice(price, this.limits.maxTick) ??
      checkQty(qty, this.limits.maxQty) ??
      (!o
        ? "ORDER_NOT_FOUND"
        : o.postOnly && opposite[0] && crosses(o.side, price, opposite[0].price)
          ? "POST_ONLY_WOULD_TAKE"
          : undefined);
    if (code !== undefined || !o) {
      this.reject("replace", orderId, code ?? "ORDER_NOT_FOUND", time);
      return;
    }
    this.cancelled(o, o.remaining, 0, "replaced", time);
    this.removeAndReport(o);
    this.accept({ ...o, price, remaining: qty, time }, false);
  }

  private amend(orderId: number, qty: number, time: number): void {
    const o = this.find(orderId);
    const code: RejectCode | undefined =
      !Number.isSafeInteger(qty) || qty <= 0
        ? "INVALID_QUANTITY"
        : !o
          ? "ORDER_NOT_FOUND"
          : qty >= o.remaining
            ? "AMEND_NOT_DOWN"
            : undefined;
    if (code !== undefined || !o) {
      this.reject("amend", orderId, code ?? "ORDER_NOT_FOUND", time);
      return;
    }
    const reduction = o.remaining - qty;
    o.remaining = qty;
    this.push({
      type: "amended",
      orderId,
      accountId: o.accountId,
      side: o.side,
      price: o.price,
      qty: reduction,
      remaining: qty,
      time,
    });
    this.pushLevel(o.side, o.price);
  }

  private massCancel(accountId: number, time: number, side: Side | undefined): void {
    if (!isId(accountId)) {
      this.reject("mass_cancel", accountId, "INVALID_COMMAND", time);
      return;
    }
    const mine = this.orders
      .filter((o) => o.accountId === accountId && (side === undefined || o.side === side))
      .sort((a, b) => a.orderId - b.orderId);
    for (const o of mine) {
      this.cancelled(o, o.remaining, 0, "mass_cancel", time);
      this.removeAndReport(o);
    }
  }

  /** accepted, then match, then rest or close, as the rules say. */
  private accept(order: RefOrder, market: boolean): void {
    const { time } = order;
    this.push({
      type: "accepted",
      orderId: order.orderId,
      accountId: order.accountId,
      side: order.side,
      price: order.price,
      qty: order.remaining,
      tif: order.tif,
      time,
    });
    if (order.tif === "FOK" && !this.canFill(order)) {
      this.cancelled(order, order.remaining, 0, "fok", time);
      return;
    }
    const stop = this.match(order);
    if (order.remaining === 0) return;
    if (stop === "stp") {
      this.cancelled(order, order.remaining, 0, "stp", time);
      return;
    }
    if (market || order.tif === "IOC" || order.tif === "FOK") {
      const reason = market && stop === "limit" ? "market_collar" : "ioc_remainder";
      this.cancelled(order, order.remaining, 0, reason, time);
      return;
    }
    order.seq = ++this.seq;
    this.orders.push(order);
    this.pushLevel(order.side, order.price);
  }

  private match(taker: RefOrder): Stop {
    const opposite: Side = taker.side === "buy" ? "sell" : "buy";
    for (;;) {
      const book = this.sorted(opposite);
      const best = book[0];
      if (!best) return "empty";
      if (!crosses(taker.side, taker.price, best.price)) return "limit";
      const price = best.price;
      let changed = false;
      let stop: Stop | undefined;
      for (const maker of book.filter((o) => o.price === price)) {
        if (taker.stpGroup !== 0 && maker.stpGroup === taker.stpGroup) {
          changed ||= taker.stpMode !== "cancel_newest";
          if (this.selfTrade(taker, maker)) stop = "stp";
        } else {
          changed = true;
          this.trade(taker, maker, price);
        }
        if (stop === undefined && taker.remaining === 0) stop = "filled";
        if (stop !== undefined) break;
      }
      if (changed) this.pushLevel(opposite, price);
      if (stop !== undefined) return stop;
    }
  }

  private trade(taker: RefOrder, maker: RefOrder, price: number): void {
    const qty = Math.min(taker.remaining, maker.remaining);
    taker.remaining -= qty;
    maker.remaining -= qty;
    this.push({
      type: "fill",
      makerId: maker.orderId,
      takerId: taker.orderId,
      price,
      qty,
      makerRemaining: maker.remaining,
      takerRemaining: taker.remaining,
      makerAccountId: maker.accountId,
      takerAccountId: taker.accountId,
      takerSide: taker.side,
      time: taker.time,
    });
    if (maker.remaining === 0) this.remove(maker);
  }

  /** Returns true when the taker must stop. */
  private selfTrade(taker: RefOrder, maker: RefOrder): boolean {
    const time = taker.time;
    switch (taker.stpMode) {
      case "cancel_newest":
        return true;
      case "cancel_oldest":
      case "cancel_both":
        this.cancelled(maker, maker.remaining, 0, "stp", time);
        this.remove(maker);
        return taker.stpMode === "cancel_both";
      case "decrement": {
        const qty = Math.min(taker.remaining, maker.remaining);
        taker.remaining -= qty;
        maker.remaining -= qty;
        this.cancelled(maker, qty, maker.remaining, "stp", time);
        this.cancelled(taker, qty, taker.remaining, "stp", time);
        if (maker.remaining === 0) this.remove(maker);
        return false;
      }
    }
  }

  /** Simulates the match on copies of the quantities. */
  private canFill(taker: RefOrder): boolean {
    let needed = taker.remaining;
    for (const maker of this.sorted(taker.side === "buy" ? "sell" : "buy")) {
      if (!crosses(taker.side, taker.price, maker.price)) return false;
      if (taker.stpGroup !== 0 && maker.stpGroup === taker.stpGroup) {
        if (taker.stpMode === "cancel_oldest") continue;
        if (taker.stpMode !== "decrement") return false;
      }
      needed -= Math.min(needed, maker.remaining);
      if (needed === 0) return true;
    }
    return false;
  }

  private remove(order: RefOrder): void {
    this.orders.splice(this.orders.indexOf(order), 1);
  }

  /** Removal outside matching reports the level at once. */
  private removeAndReport(order: RefOrder): void {
    this.remove(order);
    this.pushLevel(order.side, order.price);
  }

  private pushLevel(side: Side, price: number): void {
    const at = this.orders.filter((o) => o.side === side && o.price === price);
    const qty = at.reduce((sum, o) => sum + o.remaining, 0);
    this.push({ type: "level", side, price, qty, count: at.length });
  }

  private cancelled(o: RefOrder, qty: number, remaining: number, reason: CancelReason, time: number): void {
    this.push({
      type: "cancelled",
      orderId: o.orderId,
      accountId: o.accountId,
      side: o.side,
      price: o.price,
      qty,
      remaining,
      reason,
      time,
    });
  }

  private reject(command: CommandKind, id: number, code: RejectCode, time: number): void {
    this.push({ type: "rejected", command, id, code, time });
  }

  private push(event: EngineEvent): void {
    this.events.push(event);
  }
}

function crosses(side: Side, limit: number, opposite: number): boolean {
  return side === "buy" ? opposite <= limit : opposite >= limit;
}
