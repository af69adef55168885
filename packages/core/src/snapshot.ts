// Full state as plain JSON data (snapshots) and the state hash over its canonical encoding.
// Canonical because every map is written as an array in insertion order, which is itself a
// function of the command sequence; restoring inserts in that order again.
import { createHash } from "node:crypto";
import type { Capability, ProductSpec, TradingState } from "@ghx/domain";
import type { BookSnapshot } from "@ghx/engine";
import { restoreBook } from "./book.ts";
import type { DedupeColumns } from "./dedupe.ts";
import type { RingColumns } from "./history.ts";
import {
  type Account,
  type ApiKey,
  addBalance,
  addPosition,
  addProduct,
  type Balance,
  type CapacityDeclaration,
  type CoreState,
  type CurrencyTotals,
  initialState,
  newAccount,
  type Order,
  type Position,
} from "./state.ts";

export interface AccountSnapshot {
  readonly id: string;
  readonly owner: string;
  readonly capabilities: Capability[];
  readonly blocked: boolean;
  readonly balances: [string, Balance][];
  readonly positions: [number, Position][];
  readonly capacity: CapacityDeclaration[];
  readonly committedLots: [string, [number, number][]][];
  readonly history: RingColumns;
  readonly fills: RingColumns;
}

export interface ProductSnapshot {
  readonly spec: ProductSpec;
  readonly state: TradingState;
  readonly book: BookSnapshot;
}

/** 2: histories, fills and the dedupe window as columns (1 had an object per record). */
export const coreSnapshotVersion = 2;

export interface CoreSnapshot {
  readonly version: typeof coreSnapshotVersion;
  readonly lastSeq: number;
  readonly lastTs: number;
  readonly owners: string[];
  readonly accounts: AccountSnapshot[];
  readonly products: ProductSnapshot[];
  readonly orders: Order[];
  readonly apiKeys: [string, ApiKey][];
  readonly totals: [string, CurrencyTotals][];
  readonly dedupe: DedupeColumns;
}

function snapshotAccount(a: Account): AccountSnapshot {
  return {
    id: a.id,
    owner: a.owner,
    capabilities: [...a.capabilities],
    blocked: a.blocked,
    balances: [...a.balances].map(([c, b]) => [c, { ...b }]),
    positions: [...a.positions].map(([p, pos]) => [p, { ...pos }]),
    capacity: [...a.capacity],
    committedLots: [...a.committedLots].map(([k, hours]) => [k, [...hours]]),
    history: a.history.columns(),
    fills: a.fills.columns(),
  };
}

export function snapshotState(state: CoreState): CoreSnapshot {
  return {
    version: coreSnapshotVersion,
    lastSeq: state.lastSeq,
    lastTs: state.lastTs,
    owners: [...state.owners.keys()],
    accounts: state.accountsByIdx.map(snapshotAccount),
    products: state.productsByIdx.map((p) => ({ spec: p.spec, state: p.state, book: p.book.snapshot() })),
    orders: state.orders.valuesByAscendingId().map((o) => ({ ...o })),
    apiKeys: [...state.apiKeys],
    totals: [...state.totals].map(([c, t]) => [c, { ...t }]),
    dedupe: state.dedupe.columns(),
  };
}

export function restoreState(snapshot: CoreSnapshot): CoreState {
  if (snapshot.version !== coreSnapshotVersion) {
    throw new Error(`unknown core snapshot version ${String(snapshot.version)}`);
  }
  const state = initialState();
  state.lastSeq = snapshot.lastSeq;
  state.lastTs = snapshot.lastTs;
  for (const [idx, owner] of snapshot.owners.entries()) state.owners.set(owner, idx);
  for (const a of snapshot.accounts) {
    const account = newAccount(state, a.id, a.owner, a.capabilities);
    account.blocked = a.blocked;
    for (const [c, b] of a.balances) addBalance(state, account, c, { ...b });
    for (const [p, pos] of a.positions) addPosition(account, p, { ...pos });
    account.capacity.push(...a.capacity);
    for (const [k, hours] of a.committedLots) account.committedLots.set(k, new Map(hours));
    account.history.restoreColumns(a.history);
    account.fills.restoreColumns(a.fills);
  }
  for (const p of snapshot.products) addProduct(state, p.spec, p.state, (sink) => restoreBook(sink, p.book));
  for (const o of snapshot.orders) {
    const order = { ...o };
    const account = state.accountsByIdx[order.accountIdx]!;
    state.orders.set(order.orderId, order);
    account.openClientIds.set(order.clientOrderId, order.orderId);
  }
  // In registration order (the Map's), which rebuilds each account's key list in the same order.
  for (const [keyId, key] of snapshot.apiKeys) {
    state.apiKeys.set(keyId, key);
    state.accounts.get(key.accountId)!.apiKeyIds.push(keyId);
  }
  for (const [c, t] of snapshot.totals) state.totals.set(c, { ...t });
  state.dedupe.restoreColumns(snapshot.dedupe);
  return state;
}

/** The snapshot's canonical JSON and its sha256 (hex): the state hash, books included. */
export function encodeSnapshot(state: CoreState): { readonly json: string; readonly hash: string } {
  const json = JSON.stringify(snapshotState(state));
  return { json, hash: createHash("sha256").update(json).digest("hex") };
}

export const stateHash = (state: CoreState): string => encodeSnapshot(state).hash;
