// The feed: applies the core's events to the projections and fans the changes out to WebSocket
// clients. Public changes are coalesced per product and sent once per event-loop turn (one
// frame per product and channel per flush, serialised once for all its subscribers); private
// messages go out as they happen. Nothing on the fan-out path awaits a socket.
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { hasScope, RequestVerifier } from "@ghx/auth";
import { type WebSocket, WebSocketServer } from "ws";
import * as limits from "../limits.ts";
import { AccountProjection, type PrivateMessage } from "../projections/accounts.ts";
import type { CandleInterval } from "../projections/candles.ts";
import { type CommandEvents, MarketProjection, type ProductMarket } from "../projections/market.ts";
import { type IndexPublication, indexPublicationSchema } from "../projections/settlement.ts";
import {
  bookView,
  candlesView,
  statusView,
  tickerView,
  topChecksum,
  tradesView,
  tradeView,
  wireLevels,
} from "../views.ts";
import { FeedConnection } from "./connection.ts";
import { encodeFrame, type Frame } from "./frames.ts";
import { matches, PatternError, parsePattern } from "./patterns.ts";
import { channelKey, type FeedRequest, feedRequestSchema, type SubscribeRequest } from "./requests.ts";

export interface MarketFeedOptions {
  /** The WebSocket path clients connect to (and sign in the private login). */
  readonly path?: string;
  readonly sendQueueBytesMax?: number;
  readonly cutoffGraceMs?: number;
  readonly heartbeatIntervalMs?: number;
  /** Wall clock for heartbeats and login checks; projections use the core's time only. */
  readonly clock?: () => number;
  /**
   * Least time between two flushes. 0 (default): every event-loop turn. A larger value coalesces
   * more updates into each frame, trading that much latency for fewer frames per subscriber.
   */
  readonly flushIntervalMs?: number;
  /**
   * Benchmarks: book updates carry `ingestMs`, this clock's reading (epoch ms, high resolution)
   * when the oldest command in them was ingested.
   */
  readonly ingestClock?: () => number;
  readonly market?: MarketProjection;
  readonly accounts?: AccountProjection;
}

export interface FeedStats {
  connections: number;
  cutOffs: number;
  framesPublished: number;
}

/** The index channel's message: the publication as the index wrote it, under the feed's type. */
const indexMessage = (publication: IndexPublication) => ({
  ...publication,
  type: "update",
  channel: "index",
});

function addTo<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key);
  if (set) set.add(value);
  else map.set(key, new Set([value]));
}

export class MarketFeed {
  readonly path: string;
  readonly market: MarketProjection;
  readonly accounts: AccountProjection;
  readonly stats: FeedStats = { connections: 0, cutOffs: 0, framesPublished: 0 };
  private readonly wss: WebSocketServer;
  private readonly connections = new Set<FeedConnection>();
  /** Connections with at least one subscription on a channel key. */
  private readonly byChannel = new Map<string, Set<FeedConnection>>();
  /** channel key + symbol → subscribers; dropped whenever any subscription changes. */
  private readonly resolved = new Map<string, FeedConnection[]>();
  private readonly byAccount = new Map<string, Set<FeedConnection>>();
  private readonly lastTickerKey = new Map<string, string>();
  private readonly verifier: RequestVerifier;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly clock: () => number;
  private flushScheduled = false;
  /** Connections whose writes this flush holds (one socket write each when it ends). */
  private readonly held: FeedConnection[] = [];
  private heartbeatDue = false;
  private lastFlushMs = 0;
  private oldestIngestMs: number | undefined;

  constructor(private readonly options: MarketFeedOptions = {}) {
    this.path = options.path ?? "/v1/ws/market";
    this.market = options.market ?? new MarketProjection();
    this.accounts = options.accounts ?? new AccountProjection();
    this.clock = options.clock ?? Date.now;
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: limits.clientFrameBytesMax,
      perMessageDeflate: false,
    });
    this.verifier = new RequestVerifier({
      nowMs: this.clock,
      lookupKey: (keyId) => {
        const key = this.accounts.apiKey(keyId);
        return (
          key && { keyId, accountId: key.accountId, publicKey: key.publicKey, scopes: key.scopes as never }
        );
      },
    });
    // Heartbeats go out with the next flush, in the same socket write as its updates.
    this.heartbeat = setInterval(() => {
      this.heartbeatDue = true;
      if (!this.flushScheduled) this.scheduleFlush();
    }, options.heartbeatIntervalMs ?? limits.heartbeatIntervalMs);
    this.heartbeat.unref();
  }

  // ---- input -------------------------------------------------------------------------------

  /** One command's events from the core, in sequence order. */
  ingest(batch: CommandEvents): void {
    if (this.options.ingestClock) this.oldestIngestMs ??= this.options.ingestClock();
    this.market.apply(batch);
    const messages = this.accounts.apply(batch, (account) => this.byAccount.has(account));
    for (const message of messages) this.sendPrivate(message);
    if (!this.flushScheduled && this.market.dirty.size > 0) this.scheduleFlush();
  }

  /**
   * A publication of the GHX index (an IndexPublished from @ghx/index, in process or from its
   * journal) for the `index` channel; a monthly value also updates the status of the futures
   * that settle at it. `key` is its CLASS.ZONE. Throws if it is not one (zod) or not for `key`.
   */
  publishIndex(key: string, publication: unknown): void {
    const applied = indexPublicationSchema.parse(publication);
    if (applied.key !== key) throw new Error(`index publication for ${applied.key} published as ${key}`);
    this.market.applyIndex(applied);
    const frame = encodeFrame(indexMessage(applied));
    for (const connection of this.subscribers("index", applied.key)) connection.send(frame);
    if (!this.flushScheduled && this.market.dirty.size > 0) this.scheduleFlush();
  }

  // ---- fan-out -----------------------------------------------------------------------------

  private scheduleFlush(): void {
    this.flushScheduled = true;
    const wait = this.lastFlushMs + (this.options.flushIntervalMs ?? 0) - performance.now();
    if (wait <= 0) setImmediate(() => this.flush());
    else setTimeout(() => this.flush(), wait);
  }

  /** Publishes everything that changed since the last flush, one message per product and channel. */
  flush(): void {
    this.flushScheduled = false;
    this.lastFlushMs = performance.now();
    for (const symbol of this.market.dirty) {
      const product = this.market.product(symbol);
      if (!product) continue;
      if (product.book.hasChanges()) this.publishBook(product);
      if (product.pendingTrades.length > 0) this.publishTrades(product);
      this.publishTicker(product);
      if (product.statusChanged) this.publishStatus(product);
    }
    this.market.dirty.clear();
    this.oldestIngestMs = undefined;
    if (this.heartbeatDue) this.sendHeartbeats();
    this.heartbeatDue = false;
    for (const connection of this.held) connection.release();
    this.held.length = 0;
  }

  /**
   * A flush's send. A connection that may get more than one message in this flush (a heartbeat
   * is due, or it subscribes to several channels) has its writes held until the flush ends, so
   * they leave in one socket write; a single message is written at once.
   */
  private deliver(connection: FeedConnection, frame: Frame): void {
    if ((this.heartbeatDue || connection.subscriptions.size > 1) && connection.hold()) {
      this.held.push(connection);
    }
    connection.send(frame);
  }

  private publishBook(product: ProductMarket): void {
    const symbol = product.spec.symbol;
    const changes = product.book.takeChanges();
    product.bookSeq++;
    const message: Record<string, unknown> = {
      type: "update",
      channel: "book",
      symbol,
      seq: product.bookSeq,
      ts: product.lastTs,
      bids: wireLevels(product.format, changes.bids),
      asks: wireLevels(product.format, changes.asks),
      checksum: topChecksum(product),
    };
    if (this.oldestIngestMs !== undefined) message.ingestMs = this.oldestIngestMs;
    const frame = encodeFrame(message);
    this.stats.framesPublished++;
    for (const connection of this.subscribers("book", symbol)) {
      if (connection.bookSynced.has(symbol)) this.deliver(connection, frame);
      else this.sendBookSnapshot(connection, product);
    }
  }

  private publishTrades(product: ProductMarket): void {
    const symbol = product.spec.symbol;
    const trades = product.pendingTrades;
    product.pendingTrades = [];
    const frame = encodeFrame({
      type: "update",
      channel: "trades",
      symbol,
      trades: trades.map((t) => tradeView(product.format, t)),
    });
    for (const connection of this.subscribers("trades", symbol)) this.deliver(connection, frame);
    for (const interval of ["1m", "5m", "1h", "1d"] as const) {
      const subscribers = this.subscribers(`candles.${interval}`, symbol);
      if (subscribers.length === 0) continue;
      const candleFrame = encodeFrame({
        type: "update",
        channel: "candles",
        ...candlesView(product, interval, 1),
      });
      for (const connection of subscribers) this.deliver(connection, candleFrame);
    }
  }

  /** Only when the touch, the last trade or the state moved. */
  private publishTicker(product: ProductMarket): void {
    const symbol = product.spec.symbol;
    const subscribers = this.subscribers("ticker", symbol);
    if (subscribers.length === 0) return;
    const bid = product.book.bestBid();
    const ask = product.book.bestAsk();
    const key = `${bid?.price}:${bid?.qty}:${ask?.price}:${ask?.qty}:${product.lastTradeId}:${product.state}`;
    if (this.lastTickerKey.get(symbol) === key) return;
    this.lastTickerKey.set(symbol, key);
    const frame = encodeFrame({
      type: "update",
      channel: "ticker",
      ...tickerView(product, this.market.lastTs),
    });
    for (const connection of subscribers) this.deliver(connection, frame);
  }

  private publishStatus(product: ProductMarket): void {
    product.statusChanged = false;
    const frame = encodeFrame({
      type: "update",
      channel: "status",
      ...statusView(product, this.market.settlement(product)),
    });
    for (const connection of this.subscribers("status", product.spec.symbol)) this.deliver(connection, frame);
  }

  private sendPrivate(message: PrivateMessage): void {
    const connections = this.byAccount.get(message.account);
    if (!connections) return;
    const frame = encodeFrame({ channel: "private", ...message });
    for (const connection of connections) connection.send(frame);
  }

  private subscribers(key: string, symbol: string): FeedConnection[] {
    const cacheKey = `${key}\u0000${symbol}`;
    let list = this.resolved.get(cacheKey);
    if (list) return list;
    list = [];
    for (const connection of this.byChannel.get(key) ?? []) {
      const patterns = connection.subscriptions.get(key);
      if (!patterns) continue;
      for (const segments of patterns.values()) {
        if (matches(segments, symbol)) {
          list.push(connection);
          break;
        }
      }
    }
    this.resolved.set(cacheKey, list);
    return list;
  }

  private sendBookSnapshot(connection: FeedConnection, product: ProductMarket): void {
    connection.bookSynced.add(product.spec.symbol);
    const depth = connection.bookDepth || limits.bookDepthDefault;
    connection.sendJson({ type: "snapshot", channel: "book", ...bookView(product, depth) });
  }

  /**
   * Every connection's heartbeat, during a flush. Connections that hold the same products and no
   * login get the same message: it is built and framed once per distinct set.
   */
  private sendHeartbeats(): void {
    const ts = this.clock();
    const shared = new Map<string, Frame>();
    for (const connection of this.connections) {
      if (connection.account !== undefined) {
        const privateSeq = this.accounts.seq(connection.account);
        this.deliver(
          connection,
          encodeFrame({ type: "heartbeat", ts, seqs: this.seqsOf(connection), privateSeq }),
        );
        continue;
      }
      const key = connection.bookSyncedKey();
      let frame = shared.get(key);
      if (!frame) {
        frame = encodeFrame({ type: "heartbeat", ts, seqs: this.seqsOf(connection) });
        shared.set(key, frame);
      }
      this.deliver(connection, frame);
    }
  }

  /** The current book seq of every product the connection holds a snapshot of. */
  private seqsOf(connection: FeedConnection): Record<string, number> {
    const seqs: Record<string, number> = {};
    for (const symbol of connection.bookSynced) seqs[symbol] = this.market.product(symbol)?.bookSeq ?? 0;
    return seqs;
  }

  // ---- connections -------------------------------------------------------------------------

  /** For an http(s) server's 'upgrade' event; requests for other paths are left alone. */
  handleUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): boolean => {
    const path = (request.url ?? "").split("?")[0];
    if (path !== this.path) return false;
    this.wss.handleUpgrade(request, socket, head, (ws) => this.accept(ws));
    return true;
  };

  accept(ws: WebSocket): FeedConnection {
    const connection = new FeedConnection(
      ws,
      {
        sendQueueBytesMax: this.options.sendQueueBytesMax ?? limits.sendQueueBytesMax,
        cutoffGraceMs: this.options.cutoffGraceMs ?? limits.cutoffGraceMs,
      },
      (c) => {
        this.stats.cutOffs++;
        this.remove(c);
      },
    );
    this.connections.add(connection);
    this.stats.connections = this.connections.size;
    ws.on("message", (data, isBinary) => this.onMessage(connection, data as Buffer, isBinary));
    ws.on("close", () => this.remove(connection));
    ws.on("error", () => ws.terminate());
    return connection;
  }

  private remove(connection: FeedConnection): void {
    if (!this.connections.delete(connection)) return;
    this.stats.connections = this.connections.size;
    for (const key of connection.subscriptions.keys()) this.byChannel.get(key)?.delete(connection);
    if (connection.account !== undefined) this.leaveAccount(connection, connection.account);
    this.resolved.clear();
  }

  private leaveAccount(connection: FeedConnection, account: string): void {
    const set = this.byAccount.get(account);
    set?.delete(connection);
    if (set?.size === 0) this.byAccount.delete(account);
  }

  private onMessage(connection: FeedConnection, data: Buffer, isBinary: boolean): void {
    let request: FeedRequest;
    try {
      if (isBinary) throw new Error("requests are JSON text frames");
      const parsed = feedRequestSchema.safeParse(JSON.parse(data.toString("utf8")));
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new Error(`${issue?.path.join(".") || "request"}: ${issue?.message ?? "invalid"}`);
      }
      request = parsed.data;
    } catch (error) {
      connection.sendJson({ type: "error", code: "INVALID_REQUEST", message: (error as Error).message });
      return;
    }
    this.handle(connection, request);
  }

  private handle(connection: FeedConnection, request: FeedRequest): void {
    const id = request.id === undefined ? {} : { id: request.id };
    try {
      switch (request.op) {
        case "subscribe":
          this.subscribe(connection, request);
          connection.sendJson({
            type: "subscribed",
            ...id,
            channel: request.channel,
            symbols: request.symbols,
          });
          return;
        case "unsubscribe":
          this.unsubscribe(connection, request);
          connection.sendJson({
            type: "unsubscribed",
            ...id,
            channel: request.channel,
            symbols: request.symbols,
          });
          return;
        case "resync":
          this.resync(connection, request);
          return;
        case "login":
          void this.login(connection, request);
          return;
        case "ping":
          connection.sendJson({ type: "pong", ...id, ts: this.clock() });
          return;
      }
    } catch (error) {
      const code = error instanceof PatternError ? "INVALID_PATTERN" : "INVALID_REQUEST";
      connection.sendJson({ type: "error", ...id, code, message: (error as Error).message });
    }
  }

  private subscribe(connection: FeedConnection, request: SubscribeRequest): void {
    const key = channelKey(request);
    const parsed = request.symbols.map((pattern) => [pattern, parsePattern(pattern)] as const);
    const patterns = connection.subscriptions.get(key) ?? new Map<string, readonly string[]>();
    const fresh = parsed.filter(([pattern]) => !patterns.has(pattern)).length;
    if (connection.subscriptionCount() + fresh > limits.subscriptionsPerConnectionMax) {
      throw new Error(`at most ${limits.subscriptionsPerConnectionMax} subscriptions per connection`);
    }
    for (const [pattern, segments] of parsed) patterns.set(pattern, segments);
    connection.subscriptions.set(key, patterns);
    if (request.depth !== undefined) connection.bookDepth = request.depth;
    addTo(this.byChannel, key, connection);
    this.resolved.clear();
    this.sendSnapshots(
      connection,
      request,
      parsed.map(([, segments]) => segments),
    );
  }

  /** What a new subscriber starts from, for every product (or index) its patterns match now. */
  private sendSnapshots(
    connection: FeedConnection,
    request: SubscribeRequest,
    patterns: readonly (readonly string[])[],
  ) {
    const matching = (symbol: string) => patterns.some((segments) => matches(segments, symbol));
    if (request.channel === "index") {
      for (const [key, publication] of this.market.index)
        if (matching(key)) connection.sendJson(indexMessage(publication));
      return;
    }
    for (const product of this.market.products.values()) {
      if (!matching(product.spec.symbol)) continue;
      const snapshot = (body: object) =>
        connection.sendJson({ type: "snapshot", channel: request.channel, ...body });
      switch (request.channel) {
        case "book":
          if (!connection.bookSynced.has(product.spec.symbol)) this.sendBookSnapshot(connection, product);
          break;
        case "trades":
          snapshot(tradesView(product, limits.tradesSnapshotDefault));
          break;
        case "ticker":
          snapshot(tickerView(product, this.market.lastTs));
          break;
        case "candles":
          snapshot(
            candlesView(product, (request.interval ?? "1m") as CandleInterval, limits.tradesSnapshotDefault),
          );
          break;
        case "status":
          snapshot(statusView(product, this.market.settlement(product)));
          break;
      }
    }
  }

  private unsubscribe(connection: FeedConnection, request: SubscribeRequest): void {
    const key = channelKey(request);
    const patterns = connection.subscriptions.get(key);
    if (!patterns) return;
    for (const pattern of request.symbols) patterns.delete(pattern);
    if (patterns.size === 0) {
      connection.subscriptions.delete(key);
      this.byChannel.get(key)?.delete(connection);
    }
    if (key === "book") {
      // Book snapshots held for products no remaining pattern covers are forgotten.
      for (const symbol of connection.bookSynced) {
        if (![...patterns.values()].some((segments) => matches(segments, symbol)))
          connection.bookSynced.delete(symbol);
      }
    }
    this.resolved.clear();
  }

  private resync(connection: FeedConnection, request: Extract<FeedRequest, { op: "resync" }>): void {
    if (request.channel === "private") {
      if (connection.account === undefined) throw new Error("log in first");
      connection.sendJson({
        type: "snapshot",
        channel: "private",
        ...this.accounts.snapshot(connection.account),
      });
      return;
    }
    const product = request.symbol === undefined ? undefined : this.market.product(request.symbol);
    if (!product || !connection.bookSynced.has(product.spec.symbol)) {
      throw new Error(`not subscribed to the book of ${request.symbol ?? "(no symbol)"}`);
    }
    this.sendBookSnapshot(connection, product);
  }

  private async login(connection: FeedConnection, request: Extract<FeedRequest, { op: "login" }>) {
    const id = request.id === undefined ? {} : { id: request.id };
    const result = await this.verifier.verify({
      keyId: request.keyId,
      timestampMs: request.timestamp,
      nonce: request.nonce,
      signature: request.signature,
      method: "GET",
      path: this.path,
      body: "",
    });
    // The client may have gone while the signature was being checked.
    if (!this.connections.has(connection)) return;
    if (!result.ok) {
      connection.sendJson({ type: "error", ...id, code: result.code, message: result.message });
      return;
    }
    if (!hasScope(result.key, "read") && !hasScope(result.key, "trade")) {
      connection.sendJson({
        type: "error",
        ...id,
        code: "SCOPE_MISSING",
        message: "the key needs read or trade",
      });
      return;
    }
    if (connection.account !== undefined) this.leaveAccount(connection, connection.account);
    const account = result.key.accountId;
    connection.account = account;
    addTo(this.byAccount, account, connection);
    connection.sendJson({ type: "login", ...id, account });
    connection.sendJson({ type: "snapshot", channel: "private", ...this.accounts.snapshot(account) });
  }

  /** Closes every client and stops the heartbeat. */
  close(): void {
    clearInterval(this.heartbeat);
    for (const connection of this.connections) connection.ws.terminate();
    this.connections.clear();
    this.wss.close();
  }
}
