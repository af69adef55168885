// Read queries the gateway serves from core state (embedded mode). Plain data out, never live
// references, so a caller cannot mutate the core by accident.
import type { Capability } from "@ghx/domain";
import type { LevelView } from "@ghx/engine";
import type { FillRecord, OrderRecord } from "./history.ts";
import type { Account, Balance, CoreState, Position } from "./state.ts";

export interface OpenOrderView {
  readonly orderId: number;
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: "buy" | "sell";
  readonly price: number;
  readonly qty: number;
  readonly remaining: number;
  readonly filled: number;
  readonly tif: string;
}

export interface ProductView {
  readonly symbol: string;
  readonly kind: string;
  readonly state: string;
  readonly currency: string;
  readonly bestBid: number | undefined;
  readonly bestAsk: number | undefined;
}

export const openOrders = (state: CoreState, accountId: string): OpenOrderView[] =>
  [...(state.accounts.get(accountId)?.openClientIds.values() ?? [])].map((orderId) => {
    const o = state.orders.get(orderId)!;
    return {
      orderId: o.orderId,
      clientOrderId: o.clientOrderId,
      symbol: state.productsByIdx[o.productIdx]!.spec.symbol,
      side: o.side,
      price: o.price,
      qty: o.qty,
      remaining: o.remaining,
      filled: o.filled,
      tif: o.tif,
    };
  });

export function orderHistory(state: CoreState, accountId: string): OrderRecord[] {
  const account = state.accounts.get(accountId);
  return account ? account.history.records() : [];
}

export function fills(state: CoreState, accountId: string): FillRecord[] {
  const account = state.accounts.get(accountId);
  return account ? account.fills.records() : [];
}

export const balances = (state: CoreState, accountId: string): Record<string, Balance> =>
  Object.fromEntries([...(state.accounts.get(accountId)?.balances ?? [])].map(([c, b]) => [c, { ...b }]));

export const positions = (state: CoreState, accountId: string): Record<string, Position> =>
  Object.fromEntries(
    [...(state.accounts.get(accountId)?.positions ?? [])].map(([idx, p]) => [
      state.productsByIdx[idx]!.spec.symbol,
      { ...p },
    ]),
  );

export const products = (state: CoreState): ProductView[] =>
  state.productsByIdx.map((p) => ({
    symbol: p.spec.symbol,
    kind: p.spec.kind,
    state: p.state,
    currency: p.spec.currency,
    bestBid: p.book.bestBid(),
    bestAsk: p.book.bestAsk(),
  }));

export function bookDepth(
  state: CoreState,
  symbol: string,
  levels: number,
): { bids: LevelView[]; asks: LevelView[] } | undefined {
  const product = state.products.get(symbol);
  if (!product) return undefined;
  return { bids: product.book.depth("buy", levels), asks: product.book.depth("sell", levels) };
}

export function apiKey(state: CoreState, keyId: string) {
  const key = state.apiKeys.get(keyId);
  return key && { ...key, scopes: [...key.scopes] };
}

/** What an operator sees of an account: who it is and what it may do, not its money. */
export interface AccountView {
  readonly id: string;
  readonly owner: string;
  readonly capabilities: Capability[];
  readonly blocked: boolean;
  /** The engine's self-trade-prevention group: accounts of one owner share it. */
  readonly stpGroup: number;
  readonly apiKeyCount: number;
}

const accountView = (a: Account): AccountView => ({
  id: a.id,
  owner: a.owner,
  capabilities: [...a.capabilities],
  blocked: a.blocked,
  stpGroup: a.stpGroup,
  apiKeyCount: a.apiKeyIds.length,
});

export function account(state: CoreState, accountId: string): AccountView | undefined {
  const found = state.accounts.get(accountId);
  return found && accountView(found);
}

/**
 * At most `limit` accounts in creation order, starting after the account `after` (accounts are
 * never removed, so the cursor is stable). Undefined when `after` is not an account.
 */
export function accounts(state: CoreState, limit: number, after?: string): AccountView[] | undefined {
  let start = 0;
  if (after !== undefined) {
    const cursor = state.accounts.get(after);
    if (!cursor) return undefined;
    start = cursor.idx + 1;
  }
  return state.accountsByIdx.slice(start, start + limit).map(accountView);
}

/** An active key: public data only (the exchange never holds a private key); revoked keys are gone. */
export interface ApiKeyView {
  readonly keyId: string;
  readonly accountId: string;
  readonly publicKey: string;
  readonly scopes: string[];
}

/** The account's active keys in registration order; undefined when there is no such account. */
export function apiKeys(state: CoreState, accountId: string): ApiKeyView[] | undefined {
  const owner = state.accounts.get(accountId);
  if (!owner) return undefined;
  return owner.apiKeyIds.map((keyId) => {
    const key = state.apiKeys.get(keyId)!;
    return { keyId, accountId, publicKey: key.publicKey, scopes: [...key.scopes] };
  });
}
