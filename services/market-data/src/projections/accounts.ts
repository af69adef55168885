// The private projection: each account's orders, fills, balances and positions, computed by the
// core's own evolve over a shadow CoreState (the same settlement code, so the feed can never
// disagree with the core about money). It turns each command's events into per-account
// messages, each with the account's next sequence number (gap-free, deterministic from the log).
import {
  type CoreSnapshot,
  type CoreState,
  evolve,
  initialState,
  type Order,
  queries,
  restoreState,
  snapshotState,
} from "@ghx/core";
import { type CoreEvent, defaultReferenceData, minorToAmount, ticksToPrice } from "@ghx/domain";
import { ProjectionError } from "./book.ts";
import type { CommandEvents } from "./market.ts";

export type PrivateBody =
  | { readonly type: "order"; readonly order: OrderMessage }
  | { readonly type: "fill"; readonly fill: FillMessage }
  | { readonly type: "balance"; readonly currency: string; readonly balance: Record<string, string> }
  | { readonly type: "position"; readonly symbol: string; readonly position: PositionMessage }
  | {
      readonly type: "reject";
      readonly commandId: string;
      readonly commandType: string;
      readonly code: string;
      readonly message: string;
    };

export type PrivateMessage = PrivateBody & {
  readonly account: string;
  readonly seq: number;
  readonly ts: number;
};

export interface OrderMessage {
  readonly orderId: number;
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: "buy" | "sell";
  readonly price: string;
  readonly qty: number;
  readonly remaining: number;
  readonly filled: number;
  readonly status: "new" | "partially_filled" | "filled" | "cancelled" | "expired";
}

export interface FillMessage {
  readonly orderId: number;
  readonly symbol: string;
  readonly side: "buy" | "sell";
  readonly price: string;
  readonly qty: number;
  readonly liquidity: "maker" | "taker";
  /** The core sequence number of the command that traded. */
  readonly coreSeq: number;
}

export interface PositionMessage {
  readonly qty: number;
  readonly openBidLots: number;
  readonly openAskLots: number;
}

export interface AccountSnapshot {
  readonly account: string;
  readonly seq: number;
  readonly orders: OrderMessage[];
  readonly balances: Record<string, Record<string, string>>;
  readonly positions: Record<string, PositionMessage>;
}

export interface AccountsCheckpoint {
  readonly core: CoreSnapshot;
  readonly seqs: readonly (readonly [account: string, seq: number])[];
}

const balanceFields = [
  "available",
  "held",
  "escrow",
  "margin",
  "bond",
  "voucherAvailable",
  "voucherHeld",
  "voucherEscrow",
] as const;

type Touch = { readonly account: string; readonly key: string };

export class AccountProjection {
  private readonly seqs = new Map<string, number>();

  constructor(private readonly state: CoreState = initialState()) {}

  /** The API key as the core knows it (for the private feed's login). */
  apiKey(keyId: string) {
    return queries.apiKey(this.state, keyId);
  }

  seq(account: string): number {
    return this.seqs.get(account) ?? 0;
  }

  /**
   * Applies one command's events; returns the private messages it caused, in order. Every
   * account's sequence advances by its messages, but bodies are built only for the accounts
   * `wanted` names (those with a client logged in): building them is most of the cost.
   */
  apply(
    { seq, ts, events }: CommandEvents,
    wanted: (account: string) => boolean = () => true,
  ): PrivateMessage[] {
    if (seq <= this.state.lastSeq) return [];
    this.state.lastSeq = seq;
    this.state.lastTs = ts;
    const out: PrivateMessage[] = [];
    const balances = new Map<string, Touch>();
    const positions = new Map<string, Touch>();
    const emit = (account: string, body: () => PrivateBody) => {
      const next = this.seq(account) + 1;
      this.seqs.set(account, next);
      if (wanted(account)) out.push({ ...body(), account, seq: next, ts });
    };
    for (const event of events) {
      const before = this.ordersBefore(event);
      evolve(this.state, event, seq, ts);
      for (const [account, body] of this.messagesOf(event, seq, before)) emit(account, body);
      this.touched(event, balances, positions);
    }
    for (const { account, key } of balances.values()) emit(account, () => this.balanceBody(account, key));
    for (const { account, key } of positions.values()) emit(account, () => this.positionBody(account, key));
    return out;
  }

  private price(symbol: string, ticks: number): string {
    const product = this.state.products.get(symbol)!;
    const decimals = defaultReferenceData().currencies.get(product.spec.currency)?.decimals ?? 2;
    return ticksToPrice(ticks, minorToAmount(BigInt(product.spec.tickMinor), decimals));
  }

  /** Copies of the orders an event names, as they were before it (a closing event removes them). */
  private ordersBefore(event: CoreEvent): Map<number, Order> {
    const ids =
      event.type === "TradeExecuted"
        ? [event.makerOrderId, event.takerOrderId]
        : "orderId" in event
          ? [event.orderId]
          : [];
    const out = new Map<number, Order>();
    for (const id of ids) {
      const order = this.state.orders.get(id);
      if (order) out.set(id, { ...order });
    }
    return out;
  }

  /** The order after the event: the live order if still open, else its last state, closed. */
  private orderBody(orderId: number, before: Map<number, Order>, event: CoreEvent): PrivateBody {
    const open = this.state.orders.get(orderId);
    const order = open ?? before.get(orderId);
    if (!order) throw new ProjectionError(`order ${orderId} unknown to the private projection`);
    const symbol = this.state.productsByIdx[order.productIdx]!.spec.symbol;
    const traded = event.type === "TradeExecuted" && !open ? event.qty : 0;
    const filled = open ? open.filled : order.filled + traded;
    const closedStatus =
      event.type === "TradeExecuted" ? "filled" : event.type === "OrderExpired" ? "expired" : "cancelled";
    return {
      type: "order",
      order: {
        orderId,
        clientOrderId: order.clientOrderId,
        symbol,
        side: order.side,
        price: this.price(symbol, open ? open.price : order.price),
        qty: open ? open.qty : order.qty,
        remaining: open ? open.remaining : 0,
        filled,
        status: open ? (open.filled > 0 ? "partially_filled" : "new") : closedStatus,
      },
    };
  }

  /** Each message as (account, how to build its body). */
  private messagesOf(
    event: CoreEvent,
    seq: number,
    before: Map<number, Order>,
  ): [string, () => PrivateBody][] {
    switch (event.type) {
      case "OrderAccepted":
      case "OrderCancelled":
      case "OrderAmended":
      case "OrderExpired":
      case "OrderReplaced":
        return [[event.accountId, () => this.orderBody(event.orderId, before, event)]];
      case "TradeExecuted": {
        const makerSide = event.takerSide === "buy" ? "sell" : "buy";
        const fill = (orderId: number, side: "buy" | "sell", liquidity: "maker" | "taker"): PrivateBody => ({
          type: "fill",
          fill: {
            orderId,
            symbol: event.symbol,
            side,
            price: this.price(event.symbol, event.price),
            qty: event.qty,
            liquidity,
            coreSeq: seq,
          },
        });
        return [
          [event.makerAccountId, () => fill(event.makerOrderId, makerSide, "maker")],
          [event.makerAccountId, () => this.orderBody(event.makerOrderId, before, event)],
          [event.takerAccountId, () => fill(event.takerOrderId, event.takerSide, "taker")],
          [event.takerAccountId, () => this.orderBody(event.takerOrderId, before, event)],
        ];
      }
      case "CommandRejected":
        if (event.accountId === undefined || !this.state.accounts.has(event.accountId)) return [];
        return [
          [
            event.accountId,
            () => ({
              type: "reject",
              commandId: event.commandId,
              commandType: event.commandType,
              code: event.code,
              message: event.message,
            }),
          ],
        ];
      default:
        return [];
    }
  }

  /** Which balances (account, currency) and positions (account, symbol) an event may have moved. */
  private touched(event: CoreEvent, balances: Map<string, Touch>, positions: Map<string, Touch>): void {
    const touch = (map: Map<string, Touch>, account: string, key: string) =>
      map.set(`${account}\u0000${key}`, { account, key });
    switch (event.type) {
      case "Deposited":
      case "Withdrawn":
      case "VoucherIssued":
      case "BondPosted":
        touch(balances, event.accountId, event.currency);
        return;
      case "TradeExecuted": {
        const currency = this.state.products.get(event.symbol)!.spec.currency;
        for (const account of [event.makerAccountId, event.takerAccountId]) {
          touch(balances, account, currency);
          touch(positions, account, event.symbol);
        }
        return;
      }
      case "OrderAccepted":
      case "OrderCancelled":
      case "OrderAmended":
      case "OrderExpired":
      case "OrderReplaced":
        touch(balances, event.accountId, this.state.products.get(event.symbol)!.spec.currency);
        touch(positions, event.accountId, event.symbol);
        return;
      default:
        return;
    }
  }

  private balanceBody(accountId: string, currency: string): PrivateBody {
    const balance = queries.balances(this.state, accountId)[currency];
    const decimals = defaultReferenceData().currencies.get(currency)?.decimals ?? 2;
    const amounts: Record<string, string> = {};
    for (const field of balanceFields)
      amounts[field] = minorToAmount(BigInt(balance?.[field] ?? 0), decimals);
    return { type: "balance", currency, balance: amounts };
  }

  private positionBody(accountId: string, symbol: string): PrivateBody {
    const p = queries.positions(this.state, accountId)[symbol];
    return {
      type: "position",
      symbol,
      position: { qty: p?.qty ?? 0, openBidLots: p?.openBidLots ?? 0, openAskLots: p?.openAskLots ?? 0 },
    };
  }

  /** What a client gets on login and on resync: everything, at the account's current sequence. */
  snapshot(accountId: string): AccountSnapshot {
    const balances: Record<string, Record<string, string>> = {};
    for (const currency of Object.keys(queries.balances(this.state, accountId))) {
      const body = this.balanceBody(accountId, currency);
      if (body.type === "balance") balances[currency] = body.balance;
    }
    const positions: Record<string, PositionMessage> = {};
    for (const symbol of Object.keys(queries.positions(this.state, accountId))) {
      const body = this.positionBody(accountId, symbol);
      if (body.type === "position") positions[symbol] = body.position;
    }
    const orders: OrderMessage[] = queries.openOrders(this.state, accountId).map((o) => ({
      orderId: o.orderId,
      clientOrderId: o.clientOrderId,
      symbol: o.symbol,
      side: o.side,
      price: this.price(o.symbol, o.price),
      qty: o.qty,
      remaining: o.remaining,
      filled: o.filled,
      status: o.filled > 0 ? "partially_filled" : "new",
    }));
    return { account: accountId, seq: this.seq(accountId), orders, balances, positions };
  }

  checkpoint(): AccountsCheckpoint {
    return { core: snapshotState(this.state), seqs: [...this.seqs] };
  }

  static restore(checkpoint: AccountsCheckpoint): AccountProjection {
    const projection = new AccountProjection(restoreState(checkpoint.core));
    for (const [account, seq] of checkpoint.seqs) projection.seqs.set(account, seq);
    return projection;
  }
}
