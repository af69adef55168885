// The core's state: one mutable aggregate owned by the single core thread. Maps iterate in
// insertion order, and insertion order is a function of the command sequence, so encoding the
// maps in order is canonical (the state hash and snapshots rely on it).
import type { Capability, CoreEvent, ProductSpec, RejectCode, TradingState } from "@ghx/domain";
import { IdMap, type Side, type TimeInForce } from "@ghx/engine";
import { CoreSink, type MatchingBook } from "./book.ts";
import { capacityKeyOf } from "./capacity.ts";
import { DedupeWindow } from "./dedupe.ts";
import { FillLog, OrderHistory } from "./history.ts";
import { dedupeWindowMax, fillsPerAccountMax, historyPerAccountMax } from "./limits.ts";

/** One currency of one account, in minor units. Vouchers are kept apart from cash. */
export interface Balance {
  available: number;
  held: number;
  escrow: number;
  margin: number;
  bond: number;
  voucherAvailable: number;
  voucherHeld: number;
  voucherEscrow: number;
}

/** An account's exposure in one product. */
export interface Position {
  /** Signed lots: long > 0, short < 0. Σ over accounts = 0 per product. */
  qty: number;
  openBidLots: number;
  openAskLots: number;
  /** Physical shorts: proceeds kept as pending revenue (cash and voucher parts). */
  escrowCash: number;
  escrowVoucher: number;
  /** Futures: initial margin posted for the position. */
  margin: number;
  /** Futures: Σ signed trade notionals (buy +, sell −), for variation margin at settlement. */
  openNotional: number;
  /** Physical: max(0, open ask lots − qty), the lots this product draws from declared capacity. */
  potentialShortLots: number;
}

export interface Order {
  readonly orderId: number;
  readonly accountIdx: number;
  readonly productIdx: number;
  readonly clientOrderId: string;
  readonly side: Side;
  price: number;
  qty: number;
  remaining: number;
  filled: number;
  readonly tif: TimeInForce;
  /** Cash held per open lot: notional at the limit (buys) or margin (futures), plus the max fee. */
  holdPerLot: number;
  /** Notional per lot at the limit: the most vouchers one lot may use. */
  notionalPerLot: number;
  /** Vouchers held for the open lots (physical buys only). */
  voucherHold: number;
  /** Of holdPerLot, the futures initial margin per lot (0 for physical). */
  marginPerLot: number;
}

export interface CapacityDeclaration {
  /** The pool, `${accelerator}.${zone}` (see capacity.ts). */
  readonly key: string;
  readonly gpus: number;
  readonly from: number;
  readonly to: number;
}

export interface ApiKey {
  readonly accountId: string;
  readonly publicKey: string;
  readonly scopes: readonly string[];
}

export interface Account {
  readonly id: string;
  /** Dense index, the engine's account id. */
  readonly idx: number;
  readonly owner: string;
  /** The engine's self-trade-prevention group: the owner's index + 1 (0 means none). */
  readonly stpGroup: number;
  readonly capabilities: ReadonlySet<Capability>;
  blocked: boolean;
  /** By currency, in the order they were opened (what snapshots and queries list). */
  readonly balances: Map<string, Balance>;
  /** The same balances by the currency's dense index: the hot path's lookup (see CoreState.currencies). */
  readonly balanceAt: (Balance | undefined)[];
  /** By product index, in the order they were opened (what snapshots and queries list). */
  readonly positions: Map<number, Position>;
  /**
   * The same positions indexed by product: the hot path's lookup. An array slot instead of a hash
   * probe matters here: with a thousand accounts the per-account data outgrows the CPU caches, and
   * applying a command costs its cache misses more than its instructions.
   */
  readonly positionAt: (Position | undefined)[];
  /**
   * clientOrderId → orderId of every open order, in the order they were accepted: the account's
   * one index of its open orders (their count, the open-orders query, mass cancels).
   */
  readonly openClientIds: Map<string, number>;
  /** Active API key ids in registration order (the index behind listing an account's keys). */
  readonly apiKeyIds: string[];
  readonly capacity: CapacityDeclaration[];
  /** `${accelerator}.${zone}` → hour start (ms) → lots committed (Σ potential shorts). */
  readonly committedLots: Map<string, Map<number, number>>;
  readonly history: OrderHistory;
  readonly fills: FillLog;
}

export interface Product {
  readonly idx: number;
  readonly spec: ProductSpec;
  state: TradingState;
  readonly physical: boolean;
  /** The product's currency's dense index (CoreState.currencies). */
  readonly currencyIdx: number;
  /** Minor units per tick per lot: tickMinor × hoursPerLot. */
  readonly lotTickMinor: number;
  /** `${accelerator}.${zone}`: the capacity pool physical products draw from. */
  readonly capacityKey: string;
  readonly book: MatchingBook;
}

/** Exchange-level ledger per currency: what conservation is checked against. */
export interface CurrencyTotals {
  deposits: number;
  withdrawals: number;
  feeIncome: number;
  vouchersIssued: number;
}

export type Outcome =
  | { readonly status: "accepted"; readonly seq: number; readonly orderId?: number }
  | {
      readonly status: "rejected";
      readonly seq: number;
      readonly code: RejectCode;
      readonly message: string;
    };

export interface CoreState {
  readonly accounts: Map<string, Account>;
  readonly accountsByIdx: Account[];
  /** owner → dense owner index. */
  readonly owners: Map<string, number>;
  readonly products: Map<string, Product>;
  readonly productsByIdx: Product[];
  /** orderId → open order (an IdMap: a Map under this churn rebuilt its table over and over). */
  readonly orders: IdMap<Order>;
  /** keyId → key, over all accounts (the gateway looks keys up by id). */
  readonly apiKeys: Map<string, ApiKey>;
  readonly totals: Map<string, CurrencyTotals>;
  /**
   * currency → dense index, given at first use. In memory only (never journaled or snapshotted):
   * it only has to agree with itself inside one process, which balanceAt and currencyIdx do.
   */
  readonly currencies: Map<string, number>;
  /** commandId → first outcome over the last dedupeWindowMax commands. */
  readonly dedupe: DedupeWindow;
  lastSeq: number;
  lastTs: number;
  /** Where every book reports; not state itself (see book.ts). */
  readonly sink: CoreSink;
}

/** A command with what the sequencer stamped on it. */
export interface Sequenced<C> {
  readonly seq: number;
  readonly ts: number;
  readonly command: C;
}

/** What one command did: its outcome and the events it emitted, in order. */
export interface Applied {
  readonly outcome: Outcome;
  readonly events: CoreEvent[];
  /** A retry of a command id in the dedupe window: the first outcome, nothing changed. */
  readonly duplicate: boolean;
}

export function initialState(): CoreState {
  const accountsByIdx: Account[] = [];
  return {
    accounts: new Map(),
    accountsByIdx,
    owners: new Map(),
    products: new Map(),
    productsByIdx: [],
    orders: new IdMap(),
    apiKeys: new Map(),
    totals: new Map(),
    currencies: new Map(),
    dedupe: new DedupeWindow(dedupeWindowMax),
    lastSeq: 0,
    lastTs: 0,
    sink: new CoreSink(accountsByIdx),
  };
}

export const emptyBalance = (): Balance => ({
  available: 0,
  held: 0,
  escrow: 0,
  margin: 0,
  bond: 0,
  voucherAvailable: 0,
  voucherHeld: 0,
  voucherEscrow: 0,
});

export const emptyPosition = (): Position => ({
  qty: 0,
  openBidLots: 0,
  openAskLots: 0,
  escrowCash: 0,
  escrowVoucher: 0,
  margin: 0,
  openNotional: 0,
  potentialShortLots: 0,
});

/** The key's dense index in `indexes` (0, 1, 2, ... in order of first use), given if it has none. */
export function denseIndex(indexes: Map<string, number>, key: string): number {
  let idx = indexes.get(key);
  if (idx === undefined) {
    idx = indexes.size;
    indexes.set(key, idx);
  }
  return idx;
}

export const currencyIndex = (state: CoreState, currency: string): number =>
  denseIndex(state.currencies, currency);

/** Adds a balance under both of the account's indexes (a new one, or one restored from a snapshot). */
export function addBalance(state: CoreState, account: Account, currency: string, balance: Balance): void {
  account.balances.set(currency, balance);
  account.balanceAt[currencyIndex(state, currency)] = balance;
}

/** The account's balance in a currency, opened empty on first use. */
export function balanceOf(state: CoreState, account: Account, currency: string): Balance {
  const balance = account.balanceAt[currencyIndex(state, currency)];
  if (balance) return balance;
  const opened = emptyBalance();
  addBalance(state, account, currency, opened);
  return opened;
}

/** The account's balance in the product's currency (the hot path: no lookup by name). */
export function productBalance(state: CoreState, account: Account, product: Product): Balance {
  return account.balanceAt[product.currencyIdx] ?? balanceOf(state, account, product.spec.currency);
}

/** Adds a position under both of the account's indexes. */
export function addPosition(account: Account, productIdx: number, position: Position): void {
  account.positions.set(productIdx, position);
  account.positionAt[productIdx] = position;
}

export function positionOf(account: Account, productIdx: number): Position {
  const position = account.positionAt[productIdx];
  if (position) return position;
  const opened = emptyPosition();
  addPosition(account, productIdx, opened);
  return opened;
}

export function totalsOf(state: CoreState, currency: string): CurrencyTotals {
  let totals = state.totals.get(currency);
  if (!totals) {
    totals = { deposits: 0, withdrawals: 0, feeIncome: 0, vouchersIssued: 0 };
    state.totals.set(currency, totals);
  }
  return totals;
}

/** A new account with nothing in it; the owner must already have its index. */
export function newAccount(
  state: CoreState,
  id: string,
  owner: string,
  capabilities: Iterable<Capability>,
): Account {
  const account: Account = {
    id,
    idx: state.accountsByIdx.length,
    owner,
    stpGroup: state.owners.get(owner)! + 1,
    capabilities: new Set(capabilities),
    blocked: false,
    balances: new Map(),
    balanceAt: [],
    positions: new Map(),
    positionAt: [],
    openClientIds: new Map(),
    apiKeyIds: [],
    capacity: [],
    committedLots: new Map(),
    history: new OrderHistory(historyPerAccountMax),
    fills: new FillLog(fillsPerAccountMax),
  };
  state.accounts.set(id, account);
  state.accountsByIdx.push(account);
  return account;
}

/** Adds a product with its book (a new one, or one restored from a snapshot). */
export function addProduct(
  state: CoreState,
  spec: ProductSpec,
  tradingState: TradingState,
  book: (sink: CoreSink) => MatchingBook,
): Product {
  const product: Product = {
    idx: state.productsByIdx.length,
    spec,
    state: tradingState,
    physical: spec.kind !== "future",
    currencyIdx: currencyIndex(state, spec.currency),
    lotTickMinor: spec.tickMinor * spec.hoursPerLot,
    capacityKey: capacityKeyOf(spec.accelerator, spec.zone),
    book: book(state.sink),
  };
  state.products.set(spec.symbol, product);
  state.productsByIdx.push(product);
  return product;
}
