// What the gateway needs from the core: submit a command, read an account's data. Two adapters:
// the embedded one (same process, @ghx/core-service's client) and the bus one (distributed mode).
// Routes never know which one they talk to.
import type {
  AccountView,
  ApiKeyView,
  Balance,
  FillRecord,
  OpenOrderView,
  OrderRecord,
  Position,
  ProductView,
} from "@ghx/core";
import type { CoreClient, CoreStatus, coreBusClient, SubmitResult } from "@ghx/core-service";
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
  /** Up to `limit` accounts in creation order after `after`; undefined when `after` is no account. */
  accounts(limit: number, after?: string): Promise<readonly AccountView[] | undefined>;
  account(accountId: string): Promise<AccountView | undefined>;
  /** The account's active keys; undefined when there is no such account. */
  apiKeys(accountId: string): Promise<readonly ApiKeyView[] | undefined>;
  /** The core's last sequence number and queues (for /metrics and /readyz); rejects if it does not answer. */
  status(): Promise<CoreStatus>;
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
    accounts: async (limit, after) => q.accounts(limit, after),
    account: async (accountId) => q.account(accountId),
    apiKeys: async (accountId) => q.apiKeys(accountId),
    status: async () => core.status(),
  };
}

/**
 * How long a gateway trusts a key it looked up over the bus. Revocations are broadcast and evict
 * the key at once; this bounds the trust when a broadcast is missed (NATS core is at most once).
 */
export const busKeyCacheMs = 1_000;
const busKeyCacheEntriesMax = 100_000;

type BusCoreClient = ReturnType<typeof coreBusClient>;

/**
 * The distributed mode: the core is another process, reached by request/reply on the bus.
 * Active keys are cached for busKeyCacheMs so a signed request costs no extra round trip; a
 * revocation evicts the key here at once, and on every other gateway by the core's broadcast.
 */
export function busCorePort(client: BusCoreClient, nowMs: () => number = Date.now): CorePort {
  const keys = new Map<string, { key: StoredApiKey; expiresAtMs: number }>();
  const query = <T>(name: Parameters<BusCoreClient["query"]>[0], ...args: (string | number)[]) =>
    client.query(name, ...args) as Promise<T>;
  client.onApiKeyRevoked((keyId) => keys.delete(keyId));
  return {
    async submit(command) {
      const result = await client.submit(command);
      // Not left to the broadcast, which may be handled after this reply.
      if (command.type === "RevokeApiKey" && result.outcome.status === "accepted") keys.delete(command.keyId);
      return result;
    },
    openOrders: (accountId) => query("openOrders", accountId),
    orderHistory: (accountId) => query("orderHistory", accountId),
    fills: (accountId) => query("fills", accountId),
    balances: (accountId) => query("balances", accountId),
    positions: (accountId) => query("positions", accountId),
    products: () => query("products"),
    bookDepth: (symbol, levels) => query("bookDepth", symbol, levels),
    async apiKey(keyId) {
      const cached = keys.get(keyId);
      if (cached && cached.expiresAtMs > nowMs()) return cached.key;
      const key = await query<StoredApiKey | undefined>("apiKey", keyId);
      if (!key) {
        keys.delete(keyId);
        return undefined;
      }
      if (keys.size >= busKeyCacheEntriesMax) keys.clear();
      keys.set(keyId, { key, expiresAtMs: nowMs() + busKeyCacheMs });
      return key;
    },
    // Bus arguments are strings and numbers only: an absent cursor is left out, not sent as null.
    accounts: (limit, after) => query("accounts", limit, ...(after === undefined ? [] : [after])),
    account: (accountId) => query("account", accountId),
    apiKeys: (accountId) => query("apiKeys", accountId),
    status: () => client.status(),
  };
}
