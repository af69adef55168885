// WebSocket order entry (/v1/ws/orders): one signed login, then commands that each carry a
// correlation id and resolve to the gateway's ack or reject with a GhxApiError. A batch is one
// message of up to orderEntryBatchMax commands that the gateway journals together and answers
// in order. Dead-man's switches: cancelOnDisconnect at login, cancelAfter(ms) re-armed by the app.
import { EventEmitter } from "node:events";
import { createRequestSigner, type SigningKey } from "@ghx/auth";
import type WebSocket from "ws";
import { asProblem, GhxApiError, GhxConnectionError, unknownProblem } from "./errors.ts";
import { newClientOrderId, withClientOrderId } from "./ids.ts";
import { openSocket, parseFrame, webSocketUrl } from "./socket.ts";
import type {
  AmendOrderRequest,
  MassCancelRequest,
  OrderAck,
  OrderTarget,
  PlaceOrderRequest,
  ReplaceOrderRequest,
} from "./types.ts";

export const orderEntryPath = "/v1/ws/orders";
/** The gateway's batch limit: a larger batch is refused as a whole (one reject naming its ids). */
export const orderEntryBatchMax = 100;
export const requestTimeoutMsDefault = 10_000;

export interface OrderEntryOptions {
  readonly url: string;
  readonly key: SigningKey;
  /** The gateway cancels every open order of the account when this connection drops. */
  readonly cancelOnDisconnect?: boolean;
  /** How long a command may wait for its answer before it fails with a GhxConnectionError. */
  readonly requestTimeoutMs?: number;
}

export type OrderEntryCommand =
  | { readonly op: "place"; readonly data: PlaceOrderRequest }
  | { readonly op: "cancel"; readonly data: OrderTarget }
  | { readonly op: "replace"; readonly data: ReplaceOrderRequest }
  | { readonly op: "amend"; readonly data: AmendOrderRequest }
  | { readonly op: "mass_cancel"; readonly data: MassCancelRequest };

export type BatchResult =
  | { readonly ok: true; readonly result: OrderAck }
  | { readonly ok: false; readonly error: GhxApiError | GhxConnectionError };

export interface CancelAfterResult {
  readonly armed: boolean;
  /** ISO 8601, when armed. */
  readonly firesAt?: string;
}

export interface OrderEntryEvents {
  /** The cancel_after timer fired and the gateway cancelled the account's open orders. */
  cancel_after_fired: [ack: OrderAck];
  /** A reject the gateway could not tie to a waiting command (e.g. a message that is not JSON). */
  reject: [error: GhxApiError];
  close: [code: number, reason: string];
}

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

interface Reply {
  readonly type: "ack" | "reject" | "event";
  readonly id?: string | null;
  /** A batch refused as a whole (rate limit, size): the correlation ids of its commands. */
  readonly ids?: unknown;
  readonly result?: unknown;
  readonly problem?: unknown;
  readonly event?: string;
}

export class OrderEntryClient extends EventEmitter<OrderEntryEvents> {
  private readonly pending = new Map<string, Pending>();
  private readonly idPrefix = newClientOrderId().slice(1, 9);
  private nextId = 0;
  private accountIdValue = "";

  private constructor(
    private readonly socket: WebSocket,
    private readonly timeoutMs: number,
  ) {
    super();
    socket.on("message", (data) => this.onFrame(parseFrame(data)));
    socket.on("error", () => {});
    socket.on("close", (code, reason) => this.onClose(code, reason.toString()));
  }

  /** Connects and logs in; rejects with GhxApiError when the login is refused. */
  static async connect(options: OrderEntryOptions): Promise<OrderEntryClient> {
    const timeoutMs = options.requestTimeoutMs ?? requestTimeoutMsDefault;
    const socket = await openSocket(webSocketUrl(options.url, orderEntryPath), timeoutMs);
    const client = new OrderEntryClient(socket, timeoutMs);
    const signer = createRequestSigner(options.key.keyId, options.key.privateKey);
    const login = signer.webSocketLogin(orderEntryPath);
    try {
      const result = (await client.call("login", {
        ...login,
        cancelOnDisconnect: options.cancelOnDisconnect ?? false,
      })) as { accountId: string };
      client.accountIdValue = result.accountId;
    } catch (error) {
      socket.terminate();
      throw error;
    }
    return client;
  }

  /** The account the key acts for (from the login ack). */
  get accountId(): string {
    return this.accountIdValue;
  }

  place(order: PlaceOrderRequest): Promise<OrderAck> {
    return this.call("place", { data: withClientOrderId(order) }) as Promise<OrderAck>;
  }

  cancel(target: OrderTarget): Promise<OrderAck> {
    return this.call("cancel", { data: target }) as Promise<OrderAck>;
  }

  replace(request: ReplaceOrderRequest): Promise<OrderAck> {
    return this.call("replace", { data: request }) as Promise<OrderAck>;
  }

  amend(request: AmendOrderRequest): Promise<OrderAck> {
    return this.call("amend", { data: request }) as Promise<OrderAck>;
  }

  massCancel(filter: MassCancelRequest = {}): Promise<OrderAck> {
    return this.call("mass_cancel", { data: filter }) as Promise<OrderAck>;
  }

  /** Arms (or re-arms) the dead-man's switch; 0 disarms. */
  cancelAfter(timeoutMs: number): Promise<CancelAfterResult> {
    return this.call("cancel_after", { timeoutMs }) as Promise<CancelAfterResult>;
  }

  ping(): Promise<{ time: number }> {
    return this.call("ping", {}) as Promise<{ time: number }>;
  }

  /** Sends the commands as one message; each settles on its own, in the order given. */
  async batch(commands: readonly OrderEntryCommand[]): Promise<BatchResult[]> {
    if (commands.length === 0 || commands.length > orderEntryBatchMax) {
      throw new RangeError(`a batch holds 1 to ${orderEntryBatchMax} commands, not ${commands.length}`);
    }
    const messages = commands.map((command) => ({
      op: command.op,
      id: this.newId(),
      data: prepared(command),
    }));
    const replies = messages.map((message) => this.expect(message.id, message.op));
    this.send(messages);
    const settled = await Promise.allSettled(replies);
    return settled.map((outcome) =>
      outcome.status === "fulfilled"
        ? { ok: true as const, result: outcome.value as OrderAck }
        : { ok: false as const, error: outcome.reason as GhxApiError | GhxConnectionError },
    );
  }

  /** Closes the socket; commands still waiting fail with a GhxConnectionError. */
  close(): Promise<void> {
    if (this.socket.readyState === this.socket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once("close", () => resolve());
      this.socket.close(1000, "client closed");
    });
  }

  private newId(): string {
    return `${this.idPrefix}-${(this.nextId++).toString(36)}`;
  }

  private call(op: string, fields: Record<string, unknown>): Promise<unknown> {
    const id = this.newId();
    const reply = this.expect(id, op);
    this.send({ op, id, ...fields });
    return reply;
  }

  private expect(id: string, op: string): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new GhxConnectionError(`order entry: no answer to ${op} ${id} within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
    });
  }

  private send(message: unknown): void {
    if (this.socket.readyState !== this.socket.OPEN) {
      this.failAll(new GhxConnectionError("order entry: the connection is closed"));
      return;
    }
    this.socket.send(JSON.stringify(message));
  }

  private onFrame(frame: unknown): void {
    for (const reply of (Array.isArray(frame) ? frame : [frame]) as Reply[]) {
      if (typeof reply !== "object" || reply === null) continue;
      if (reply.type === "event" && reply.event === "cancel_after_fired") {
        this.emit("cancel_after_fired", reply.result as OrderAck);
        continue;
      }
      if (reply.type === "reject") {
        this.onReject(reply);
        continue;
      }
      const pending = typeof reply.id === "string" ? this.pending.get(reply.id) : undefined;
      if (reply.type === "ack" && pending) {
        this.settle(reply.id as string, pending, () => pending.resolve(reply.result));
      }
    }
  }

  /** Fails every waiting command the reject names (its id, or a refused batch's ids). */
  private onReject(reply: Reply): void {
    const error = new GhxApiError(asProblem(reply.problem) ?? unknownProblem);
    const ids = Array.isArray(reply.ids) ? reply.ids : [reply.id];
    let matched = false;
    for (const id of ids) {
      const pending = typeof id === "string" ? this.pending.get(id) : undefined;
      if (!pending) continue;
      matched = true;
      this.settle(id as string, pending, () => pending.reject(error));
    }
    if (!matched) this.emit("reject", error);
  }

  private settle(id: string, pending: Pending, action: () => void): void {
    clearTimeout(pending.timer);
    this.pending.delete(id);
    action();
  }

  private failAll(error: Error): void {
    for (const [id, pending] of this.pending) this.settle(id, pending, () => pending.reject(error));
  }

  private onClose(code: number, reason: string): void {
    const why = reason ? `${code} ${reason}` : String(code);
    this.failAll(new GhxConnectionError(`order entry: the connection closed (${why})`));
    this.emit("close", code, reason);
  }
}

function prepared(command: OrderEntryCommand): unknown {
  return command.op === "place" ? withClientOrderId(command.data) : command.data;
}
