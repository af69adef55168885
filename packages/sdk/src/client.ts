// GhxClient: the REST API as typed methods. Prices and amounts are decimal strings both ways;
// errors are GhxApiError (the problem's status/code/field/detail) or GhxConnectionError. Every
// POST carries an Idempotency-Key (the caller's, or a fresh one), so a POST retried after a lost
// answer is executed once; GETs are retried too, DELETE and PUT never.

import { asProblem, GhxApiError, unknownProblem } from "./errors.ts";
import type {
  BookSnapshot,
  CandleInterval,
  CandlesSnapshot,
  ProductStatus,
  Ticker,
  TradesSnapshot,
} from "./feed-messages.ts";
import { type HttpOptions, type HttpRequest, HttpTransport } from "./http.ts";
import { newIdempotencyKey, withClientOrderId } from "./ids.ts";
import { MarketFeedClient, type MarketFeedOptions } from "./market-feed.ts";
import { type BatchResult, OrderEntryClient, type OrderEntryOptions } from "./order-entry.ts";
import type {
  Account,
  AccountsQuery,
  AmendOrderRequest,
  ApiKey,
  Balance,
  CommandAck,
  CreateAccountRequest,
  DeclareCapacityRequest,
  Fill,
  ListProductRequest,
  MassCancelRequest,
  OperatorMoneyRequest,
  Order,
  OrderAck,
  OrderBook,
  OwnMoneyRequest,
  PageQuery,
  PlaceOrderRequest,
  Position,
  Product,
  RegisterApiKeyRequest,
  ReplaceOrderRequest,
} from "./types.ts";

export const defaultUrl = "http://127.0.0.1:8080";

export interface GhxClientOptions extends Partial<HttpOptions> {}

export interface PostOptions {
  /** Reuse the key of an earlier attempt to make a retry across restarts safe. */
  readonly idempotencyKey?: string;
}

const path = (segment: string) => encodeURIComponent(segment);

export class GhxClient {
  readonly url: string;
  private readonly http: HttpTransport;

  constructor(private readonly options: GhxClientOptions = {}) {
    this.url = (options.url ?? defaultUrl).replace(/\/+$/, "");
    this.http = new HttpTransport({ ...options, url: this.url });
  }

  /** The raw call behind every method: for routes this SDK does not wrap yet. */
  request<T>(request: HttpRequest): Promise<T> {
    return this.http.send<T>(request);
  }

  private get<T>(url: string, query?: HttpRequest["query"], signed = true): Promise<T> {
    return this.http.send<T>({ method: "GET", path: url, signed, ...(query ? { query } : {}) });
  }

  private post<T>(url: string, body: unknown, options: PostOptions = {}): Promise<T> {
    const idempotencyKey = options.idempotencyKey ?? newIdempotencyKey();
    return this.http.send<T>({ method: "POST", path: url, body, signed: true, idempotencyKey });
  }

  // ---- public market data ----

  health(): Promise<{ status: string }> {
    return this.get("/healthz", undefined, false);
  }

  products(): Promise<Product[]> {
    return this.get("/v1/products", undefined, false);
  }

  book(symbol: string, options: { levels?: number } = {}): Promise<OrderBook> {
    return this.get(`/v1/products/${path(symbol)}/book`, { levels: options.levels }, false);
  }

  referenceData(): Promise<Record<string, unknown>> {
    return this.get("/v1/reference-data", undefined, false);
  }

  // ---- market-data snapshots (each with the seq the feed's updates continue from) ----

  /** The L2 book with its seq and checksum: `{ type: "snapshot", ...it }` seeds a LocalBook. */
  bookSnapshot(symbol: string, options: { depth?: number } = {}): Promise<BookSnapshot> {
    return this.get(`/v1/book/${path(symbol)}`, { depth: options.depth }, false);
  }

  trades(symbol: string, options: { limit?: number } = {}): Promise<TradesSnapshot> {
    return this.get(`/v1/trades/${path(symbol)}`, { limit: options.limit }, false);
  }

  candles(
    symbol: string,
    options: { interval?: CandleInterval; limit?: number } = {},
  ): Promise<CandlesSnapshot> {
    return this.get(`/v1/candles/${path(symbol)}`, { ...options }, false);
  }

  tickers(): Promise<Ticker[]> {
    return this.get("/v1/tickers", undefined, false);
  }

  statuses(): Promise<ProductStatus[]> {
    return this.get("/v1/status", undefined, false);
  }

  // ---- orders ----

  placeOrder(order: PlaceOrderRequest, options?: PostOptions): Promise<OrderAck> {
    return this.post("/v1/orders", withClientOrderId(order), options);
  }

  /** Up to orderEntryBatchMax orders in one signed request; each is acked or refused on its own. */
  async placeOrders(orders: readonly PlaceOrderRequest[], options?: PostOptions): Promise<BatchResult[]> {
    const results = await this.post<({ ok: true; result: OrderAck } | { ok: false; problem: unknown })[]>(
      "/v1/orders/batch",
      { orders: orders.map(withClientOrderId) },
      options,
    );
    return results.map((r) =>
      r.ok ? r : { ok: false, error: new GhxApiError(asProblem(r.problem) ?? unknownProblem) },
    );
  }

  cancelOrder(orderId: string): Promise<OrderAck> {
    return this.http.send({ method: "DELETE", path: `/v1/orders/${path(orderId)}`, signed: true });
  }

  /** Mass cancel: every open order, or those of one symbol and/or side. */
  cancelAll(filter: MassCancelRequest = {}): Promise<OrderAck> {
    return this.http.send({ method: "DELETE", path: "/v1/orders", query: { ...filter }, signed: true });
  }

  /** Cancel-replace: new price and quantity; the order keeps its ids and loses time priority. */
  replaceOrder(request: ReplaceOrderRequest, options?: PostOptions): Promise<OrderAck> {
    return this.post("/v1/orders/replace", request, options);
  }

  amendOrder(request: AmendOrderRequest, options?: PostOptions): Promise<OrderAck> {
    return this.post("/v1/orders/amend", request, options);
  }

  openOrders(filter: { symbol?: string } = {}): Promise<Order[]> {
    return this.get("/v1/orders", { ...filter });
  }

  order(orderId: string): Promise<Order> {
    return this.get(`/v1/orders/${path(orderId)}`);
  }

  orderHistory(query: PageQuery = {}): Promise<Order[]> {
    return this.get("/v1/orders/history", { ...query });
  }

  fills(query: PageQuery = {}): Promise<Fill[]> {
    return this.get("/v1/fills", { ...query });
  }

  // ---- account ----

  balances(): Promise<Balance[]> {
    return this.get("/v1/balances");
  }

  positions(): Promise<Position[]> {
    return this.get("/v1/positions");
  }

  withdraw(request: OwnMoneyRequest, options?: PostOptions): Promise<CommandAck> {
    return this.post("/v1/withdrawals", request, options);
  }

  postBond(request: OwnMoneyRequest, options?: PostOptions): Promise<CommandAck> {
    return this.post("/v1/bonds", request, options);
  }

  /** Providers: GPUs of a class in a zone for a period of whole UTC hours. */
  declareCapacity(request: DeclareCapacityRequest, options?: PostOptions): Promise<CommandAck> {
    return this.post("/v1/capacity", request, options);
  }

  /** The active keys of this client's own account. */
  apiKeys(): Promise<ApiKey[]> {
    return this.get("/v1/api-keys");
  }

  revokeApiKey(keyId: string): Promise<CommandAck> {
    return this.http.send({ method: "DELETE", path: `/v1/api-keys/${path(keyId)}`, signed: true });
  }

  // ---- operator ----

  /** A page of accounts in creation order; a page shorter than `limit` (default 100) is the last. */
  accounts(query: AccountsQuery = {}): Promise<Account[]> {
    return this.get("/v1/accounts", { ...query });
  }

  account(accountId: string): Promise<Account> {
    return this.get(`/v1/accounts/${path(accountId)}`);
  }

  /** Any account's active keys. */
  accountApiKeys(accountId: string): Promise<ApiKey[]> {
    return this.get(`/v1/accounts/${path(accountId)}/api-keys`);
  }

  createAccount(request: CreateAccountRequest, options?: PostOptions): Promise<CommandAck> {
    return this.post("/v1/accounts", request, options);
  }

  registerApiKey(
    accountId: string,
    request: RegisterApiKeyRequest,
    options?: PostOptions,
  ): Promise<CommandAck> {
    return this.post(`/v1/accounts/${path(accountId)}/api-keys`, request, options);
  }

  deposit(request: OperatorMoneyRequest, options?: PostOptions): Promise<CommandAck> {
    return this.post("/v1/deposits", request, options);
  }

  issueVoucher(request: OperatorMoneyRequest, options?: PostOptions): Promise<CommandAck> {
    return this.post("/v1/vouchers", request, options);
  }

  listProduct(request: ListProductRequest, options?: PostOptions): Promise<CommandAck> {
    return this.post("/v1/products", request, options);
  }

  setTradingState(symbol: string, state: string): Promise<CommandAck> {
    return this.http.send({
      method: "PUT",
      path: `/v1/products/${path(symbol)}/state`,
      body: { state },
      signed: true,
    });
  }

  killSwitch(accountId: string, block: boolean, options?: PostOptions): Promise<CommandAck> {
    return this.post(`/v1/accounts/${path(accountId)}/kill-switch`, { block }, options);
  }

  // ---- sockets ----

  /** Opens the WebSocket order-entry channel and logs in with this client's key. */
  connectOrderEntry(options: Omit<OrderEntryOptions, "url" | "key"> = {}): Promise<OrderEntryClient> {
    if (!this.options.key) throw new Error("order entry needs a key: create the client with one");
    return OrderEntryClient.connect({ ...options, url: this.url, key: this.options.key });
  }

  /** A market-data feed client (not yet connected); with this client's key for the private feed. */
  marketFeed(options: Omit<MarketFeedOptions, "url" | "key"> = {}): MarketFeedClient {
    return new MarketFeedClient({
      ...options,
      url: this.url,
      ...(this.options.key ? { key: this.options.key } : {}),
    });
  }
}
