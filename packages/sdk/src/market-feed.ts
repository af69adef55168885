// The market-data feed client: subscriptions to the public channels, verified local books, and the
// signed private feed. A local book that fails a check (a seq that is not exactly +1, a checksum
// that differs, a heartbeat seq that differs) is discarded and resynced: first by asking the feed
// for a fresh snapshot, and if that fails or takes too long, by reconnecting and resubscribing
// everything. After a dropped connection the client reconnects by itself with backoff.
import { EventEmitter } from "node:events";
import { createRequestSigner, type SigningKey } from "@ghx/auth";
import type WebSocket from "ws";
import { GhxApiError, GhxConnectionError } from "./errors.ts";
import type {
  CandleInterval,
  CandlesMessage,
  FeedBookMessage,
  Heartbeat,
  IndexMessage,
  PrivateMessage,
  PrivateSnapshot,
  PublicChannel,
  StatusMessage,
  TickerMessage,
  TradesMessage,
} from "./feed-messages.ts";
import { checksumLevels, LocalBook } from "./local-book.ts";
import { openSocket, parseFrame, webSocketUrl } from "./socket.ts";

export const marketFeedPath = "/v1/ws/market";
export const feedRequestTimeoutMsDefault = 10_000;
export const resyncTimeoutMsDefault = 5_000;
export const reconnectDelayMsMin = 250;
export const reconnectDelayMsMax = 5_000;

export interface MarketFeedOptions {
  /** Base URL of the exchange (http or https); the feed is at `path` on the same host. */
  readonly url: string;
  readonly path?: string;
  /** Needed only for login() (the private feed). */
  readonly key?: SigningKey;
  /** Reconnect after a dropped connection (default true). */
  readonly reconnect?: boolean;
  readonly requestTimeoutMs?: number;
  /** A requested book snapshot that has not come within this time forces a reconnect. */
  readonly resyncTimeoutMs?: number;
}

export interface SubscribeOptions {
  /** book: levels per side in the snapshot; at least the checksum's 10. */
  readonly depth?: number;
  /** candles: the interval (default 1m). */
  readonly interval?: CandleInterval;
}

/** Why a local book was discarded. */
export type ResyncReason = "gap" | "checksum_mismatch" | "heartbeat" | "reconnect" | "slow_consumer";

export interface MarketFeedEvents {
  /** A local book was (re)built from a snapshot or moved by a verified update. */
  book: [book: LocalBook];
  /** A local book was discarded; a new snapshot is on its way. */
  resync: [event: { readonly symbol: string; readonly reason: ResyncReason }];
  trades: [message: TradesMessage];
  ticker: [message: TickerMessage];
  candles: [message: CandlesMessage];
  status: [message: StatusMessage];
  index: [message: IndexMessage];
  private: [message: PrivateMessage];
  private_snapshot: [message: PrivateSnapshot];
  heartbeat: [message: Heartbeat];
  /** An error from the feed that no request of ours was waiting for. */
  feed_error: [error: GhxApiError];
  connected: [];
  disconnected: [event: { readonly code: number; readonly reason: string }];
}

interface Subscription {
  readonly channel: PublicChannel;
  readonly pattern: string;
  readonly options: SubscribeOptions;
}

interface Pending {
  readonly resolve: (value: Record<string, unknown>) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

type Frame = Record<string, unknown> & { type?: string; channel?: string; id?: string | number };

const subscriptionKey = (s: Omit<Subscription, "options">, interval?: string) =>
  `${s.channel}${s.channel === "candles" ? `.${interval ?? "1m"}` : ""}\u0000${s.pattern}`;

const authFailureCodes = new Set([
  "AUTH_MISSING",
  "AUTH_MALFORMED",
  "TIMESTAMP_OUT_OF_WINDOW",
  "UNKNOWN_API_KEY",
  "INVALID_SIGNATURE",
  "NONCE_REPLAYED",
  "NONCE_CACHE_FULL",
]);

/** Feed errors are not HTTP responses; the status says what kind of refusal it was, as REST would. */
function feedError(code: string, message: string): GhxApiError {
  const status = authFailureCodes.has(code) ? 401 : code === "SCOPE_MISSING" ? 403 : 400;
  return new GhxApiError({ status, code, detail: message });
}

export class MarketFeedClient extends EventEmitter<MarketFeedEvents> {
  private socket: WebSocket | undefined;
  private readonly url: string;
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly books = new Map<string, LocalBook>();
  private readonly resyncTimers = new Map<string, NodeJS.Timeout>();
  private readonly pending = new Map<string, Pending>();
  private nextId = 0;
  private wantPrivate = false;
  private privateSeq: number | undefined;
  private closing = false;
  private reconnectDelayMs = reconnectDelayMsMin;
  private reconnectTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: MarketFeedOptions) {
    super();
    this.url = webSocketUrl(options.url, options.path ?? marketFeedPath);
  }

  get connected(): boolean {
    return this.socket !== undefined && this.socket.readyState === this.socket.OPEN;
  }

  /** The local book of a product whose book channel is subscribed (undefined before its snapshot). */
  book(symbol: string): LocalBook | undefined {
    return this.books.get(symbol);
  }

  async connect(): Promise<void> {
    this.closing = false;
    const socket = await openSocket(this.url, this.requestTimeoutMs);
    this.attach(socket);
    this.emit("connected");
  }

  async subscribe(
    channel: PublicChannel,
    symbols: readonly string[],
    options: SubscribeOptions = {},
  ): Promise<void> {
    if (channel === "book" && options.depth !== undefined && options.depth < checksumLevels) {
      throw new RangeError(`book depth must be at least ${checksumLevels}, the levels the checksum covers`);
    }
    for (const pattern of symbols) {
      this.subscriptions.set(subscriptionKey({ channel, pattern }, options.interval), {
        channel,
        pattern,
        options,
      });
    }
    await this.request({ op: "subscribe", channel, symbols, ...options });
  }

  async unsubscribe(
    channel: PublicChannel,
    symbols: readonly string[],
    options: SubscribeOptions = {},
  ): Promise<void> {
    for (const pattern of symbols)
      this.subscriptions.delete(subscriptionKey({ channel, pattern }, options.interval));
    await this.request({ op: "unsubscribe", channel, symbols, ...options });
    if (channel === "book") for (const symbol of symbols) this.dropBook(symbol);
  }

  /** Signs in to the private feed with the client's key; re-done after every reconnect. */
  async login(): Promise<{ account: string }> {
    const reply = await this.request(this.loginRequest());
    this.wantPrivate = true;
    return { account: String(reply.account) };
  }

  ping(): Promise<Record<string, unknown>> {
    return this.request({ op: "ping" });
  }

  /** Closes for good: no reconnect; waiting requests fail. */
  close(): void {
    this.closing = true;
    clearTimeout(this.reconnectTimer);
    for (const timer of this.resyncTimers.values()) clearTimeout(timer);
    this.resyncTimers.clear();
    this.failPending(new GhxConnectionError("feed: closed by the client"));
    this.socket?.close(1000, "client closed");
  }

  private get requestTimeoutMs(): number {
    return this.options.requestTimeoutMs ?? feedRequestTimeoutMsDefault;
  }

  private loginRequest(): Record<string, unknown> {
    const key = this.options.key;
    if (!key) throw new Error("the private feed needs a key: create the feed client with one");
    const signer = createRequestSigner(key.keyId, key.privateKey);
    return { op: "login", ...signer.webSocketLogin(new URL(this.url).pathname) };
  }

  // ---- requests ----------------------------------------------------------------------------

  private request(message: Record<string, unknown>): Promise<Record<string, unknown>> {
    const socket = this.socket;
    if (!socket || socket.readyState !== socket.OPEN) {
      return Promise.reject(new GhxConnectionError("feed: not connected"));
    }
    const id = `r${(this.nextId++).toString(36)}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(
          new GhxConnectionError(
            `feed: no answer to ${String(message.op)} within ${this.requestTimeoutMs} ms`,
          ),
        );
      }, this.requestTimeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      socket.send(JSON.stringify({ ...message, id }));
    });
  }

  private settle(frame: Frame): boolean {
    const id = frame.id === undefined ? undefined : String(frame.id);
    const pending = id === undefined ? undefined : this.pending.get(id);
    if (!pending || id === undefined) return false;
    clearTimeout(pending.timer);
    this.pending.delete(id);
    if (frame.type === "error") pending.reject(feedError(String(frame.code), String(frame.message)));
    else pending.resolve(frame);
    return true;
  }

  private failPending(error: Error): void {
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      this.pending.delete(id);
      pending.reject(error);
    }
  }

  // ---- incoming ----------------------------------------------------------------------------

  private attach(socket: WebSocket): void {
    this.socket = socket;
    this.reconnectDelayMs = reconnectDelayMsMin;
    socket.on("message", (data) => this.onFrame(parseFrame(data) as Frame | undefined));
    socket.on("error", () => {});
    socket.on("close", (code, reason) => this.onClose(socket, code, reason.toString()));
  }

  private onFrame(frame: Frame | undefined): void {
    if (typeof frame !== "object" || frame === null) return;
    if (this.settle(frame)) return;
    switch (frame.channel) {
      case "book":
        this.onBook(frame as unknown as FeedBookMessage);
        return;
      case "private":
        this.onPrivate(frame);
        return;
      case "trades":
      case "ticker":
      case "candles":
      case "status":
      case "index":
        this.emit(frame.channel, frame as never);
        return;
    }
    if (frame.type === "heartbeat") this.onHeartbeat(frame as unknown as Heartbeat);
    else if (frame.type === "resync_required") this.discardBooks("slow_consumer");
    else if (frame.type === "error")
      this.emit("feed_error", feedError(String(frame.code), String(frame.message)));
  }

  private onBook(message: FeedBookMessage): void {
    let book = this.books.get(message.symbol);
    if (!book) {
      book = new LocalBook(message.symbol);
      this.books.set(message.symbol, book);
    }
    const result = book.apply(message);
    if (result === "ok") {
      clearTimeout(this.resyncTimers.get(message.symbol));
      this.resyncTimers.delete(message.symbol);
      this.emit("book", book);
    } else if (result === "gap" || result === "checksum_mismatch") {
      this.resync(message.symbol, result);
    }
  }

  private onHeartbeat(heartbeat: Heartbeat): void {
    for (const [symbol, seq] of Object.entries(heartbeat.seqs)) {
      const book = this.books.get(symbol);
      // The feed writes in order: a heartbeat follows every update it counts, so any difference
      // means an update was lost (or a phantom one applied).
      if (book?.synced && book.seq !== seq) this.resync(symbol, "heartbeat");
    }
    if (
      heartbeat.privateSeq !== undefined &&
      this.privateSeq !== undefined &&
      heartbeat.privateSeq !== this.privateSeq
    ) {
      this.resyncPrivate();
    }
    this.emit("heartbeat", heartbeat);
  }

  private onPrivate(frame: Frame): void {
    if (frame.type === "snapshot") {
      this.privateSeq = Number(frame.seq);
      this.emit("private_snapshot", frame as unknown as PrivateSnapshot);
      return;
    }
    const message = frame as unknown as PrivateMessage;
    if (this.privateSeq === undefined) return;
    if (message.seq <= this.privateSeq) return;
    if (message.seq !== this.privateSeq + 1) {
      this.resyncPrivate();
      return;
    }
    this.privateSeq = message.seq;
    this.emit("private", message);
  }

  // ---- resync ------------------------------------------------------------------------------

  /** Discards the local book and asks for a snapshot; a refusal or a timeout reconnects. */
  private resync(symbol: string, reason: ResyncReason): void {
    this.books.get(symbol)?.invalidate();
    this.emit("resync", { symbol, reason });
    if (this.resyncTimers.has(symbol)) return;
    const timer = setTimeout(() => this.reconnectNow(`no book snapshot for ${symbol}`), this.resyncTimeoutMs);
    this.resyncTimers.set(symbol, timer);
    this.request({ op: "resync", channel: "book", symbol }).catch(() =>
      this.reconnectNow(`resync of ${symbol}`),
    );
  }

  private get resyncTimeoutMs(): number {
    return this.options.resyncTimeoutMs ?? resyncTimeoutMsDefault;
  }

  private resyncPrivate(): void {
    this.privateSeq = undefined;
    this.request({ op: "resync", channel: "private" }).catch(() => this.reconnectNow("private resync"));
  }

  private discardBooks(reason: ResyncReason): void {
    for (const [symbol, book] of this.books) {
      if (!book.synced) continue;
      book.invalidate();
      this.emit("resync", { symbol, reason });
    }
  }

  private dropBook(symbol: string): void {
    this.books.delete(symbol);
    clearTimeout(this.resyncTimers.get(symbol));
    this.resyncTimers.delete(symbol);
  }

  // ---- connection --------------------------------------------------------------------------

  /** Drops the connection on purpose; onClose reconnects and resubscribes. */
  private reconnectNow(why: string): void {
    if (this.closing) return;
    this.socket?.close(4000, why.slice(0, 100));
  }

  private onClose(socket: WebSocket, code: number, reason: string): void {
    if (socket !== this.socket) return;
    this.socket = undefined;
    for (const timer of this.resyncTimers.values()) clearTimeout(timer);
    this.resyncTimers.clear();
    this.privateSeq = undefined;
    this.failPending(
      new GhxConnectionError(`feed: the connection closed (${code}${reason ? ` ${reason}` : ""})`),
    );
    this.discardBooks("reconnect");
    this.emit("disconnected", { code, reason });
    if (!this.closing && this.options.reconnect !== false) this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    const delay = this.reconnectDelayMs;
    this.reconnectDelayMs = Math.min(delay * 2, reconnectDelayMsMax);
    this.reconnectTimer = setTimeout(() => {
      this.reopen().catch(() => {
        // Failed to open: try again later. Opened but could not restore: drop it, onClose retries.
        if (this.socket) this.reconnectNow("restoring subscriptions failed");
        else if (!this.closing) this.scheduleReconnect();
      });
    }, delay);
  }

  /** A new socket with every subscription (and the private login) restored. */
  private async reopen(): Promise<void> {
    const socket = await openSocket(this.url, this.requestTimeoutMs);
    if (this.closing) {
      socket.close(1000, "client closed");
      return;
    }
    this.attach(socket);
    this.emit("connected");
    if (this.wantPrivate) await this.request(this.loginRequest());
    for (const { channel, pattern, options } of this.subscriptions.values()) {
      await this.request({ op: "subscribe", channel, symbols: [pattern], ...options });
    }
  }
}
