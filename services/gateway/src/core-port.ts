// What the gateway needs from the core: submit a command, read an account's data. Two adapters:
// the embedded one (same process, @ghx/core-service's client) and the bus one (distributed mode).
// Routes never know which one they talk to.
import type { Balance, FillRecord, OpenOrderView, OrderRecord, Position, ProductView } from "@ghx/core";
import type { CoreClient, SubmitResult } from "@ghx/core-service";
import type { CoreCommand } from "@ghx/domain";

export interface StoredApiKey {
  readonly accountId: string;
  readonly publicKey: string;
  readonly scopes: readonly string[];
}

export interface BookLevel {
  readonly price: number;
  readonly qty: number;
  readonly count: number;
}

export interface CorePort {
  /** Resolves once the command is journaled (journal-before-ack), with its outcome and events. */
  submit(command: CoreCommand): Promise<SubmitResult>;
  openOrders(accountId: string): Promise<readonly OpenOrderView[]>;
  orderHistory(accountId: string): Promise<readonly OrderRecord[]>;
  fills(accountId: string): Promise<readonly FillRecord[]>;
  balances(accountId: string): Promise<Readonly<Record<string, Balance>>>;
  positions(accountId: string): Promise<Readonly<Record<string, Position>>>;
  products(): Promise<readonly ProductView[]>;
  bookDepth(
    symbol: string,
    levels: number,
  ): Promise<{ readonly bids: readonly BookLevel[]; readonly asks: readonly BookLevel[] } | undefined>;
  /** Active keys only (a revoked key is gone). */
  apiKey(keyId: string): Promise<StoredApiKey | undefined>;
  /** Sequence number of the last command the core applied (for /metrics and /readyz). */
  lastSeq(): Promise<number>;
}

/** The embedded core: queries run synchronously on the live state and copy out plain data. */
export function embeddedCorePort(core: CoreClient): CorePort {
  const q = core.queries;
  return {
    submit: (command) => core.submit(command),
    openOrders: async (accountId) => q.openOrders(accountId),
    orderHistory: async (accountId) => q.orderHistory(accountId),
    fills: async (accountId) => q.fills(accountId),
    balances: async (accountId) => q.balances(accountId),
    positions: async (accountId) => q.positions(accountId),
    products: async () => q.products(),
    bookDepth: async (symbol, levels) => q.bookDepth(symbol, levels),
    apiKey: async (keyId) => q.apiKey(keyId),
    lastSeq: async () => core.lastSeq,
  };
}
