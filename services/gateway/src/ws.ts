// WebSocket order entry at /v1/ws/orders. One signed login per connection (the same canonical
// string as REST: GET, the WS path, empty body), then commands with correlation ids, singly or in
// batches of up to batchCommandsMax. A batch is submitted in order within one tick, so the core
// journals it in one group commit, and answered with one array in the same order.
// The dead-man's switches live here, never in the core: cancel-on-disconnect and cancel_after
// submit a MassCancel through the core like any client would.
import type { RequestVerifier } from "@ghx/auth";
import { zodErrorToProblem } from "@ghx/domain";
import type { FastifyInstance } from "fastify";
import type { WebSocket } from "ws";
import type { GatewayContext } from "./context.ts";
import {
  batchCommandsMax,
  cancelAfterMsMin,
  wsConnectionsPerKeyMax,
  wsLoginTimeoutMsMax,
  wsSendQueueBytesMax,
} from "./limits.ts";
import type { OrderAck } from "./order-entry.ts";
import { ApiProblem, type Problem } from "./problem.ts";
import type { TokenBuckets } from "./rate-limit.ts";
import type { Caller } from "./route.ts";
import { type WsCommand, wsCommandSchema, wsLoginSchema } from "./schemas.ts";

export const orderEntryPath = "/v1/ws/orders";

export interface OrderEntrySocketDeps extends GatewayContext {
  readonly verifier: RequestVerifier;
  readonly keyBuckets: TokenBuckets;
  readonly nowMs: () => number;
  readonly nextCommandId: () => string;
}

type Reply =
  | { type: "ack"; id: string; op: string; result: OrderAck | Record<string, unknown> }
  | {
      type: "reject";
      id: string | null;
      op: string | null;
      problem: Problem;
      /** A batch refused as a whole: the correlation ids of its commands. */
      ids?: string[];
    };

const close = { policy: 1008, tooBig: 1009, overloaded: 1013 } as const;

export function orderEntrySocket(app: FastifyInstance, deps: OrderEntrySocketDeps): void {
  const connectionsPerKey = new Map<string, number>();
  app.get(orderEntryPath, { websocket: true, config: { access: "public" } }, (socket) => {
    new OrderSession(socket, deps, connectionsPerKey);
  });
}

class OrderSession {
  private caller: Caller | undefined;
  /** The login being verified: messages sent right behind it wait for it instead of failing. */
  private loggingIn: Promise<void> | undefined;
  private cancelOnDisconnect = false;
  private deadMan: NodeJS.Timeout | undefined;
  private readonly loginTimer: NodeJS.Timeout;

  constructor(
    private readonly socket: WebSocket,
    private readonly deps: OrderEntrySocketDeps,
    private readonly connectionsPerKey: Map<string, number>,
  ) {
    deps.metrics.wsConnections.inc();
    this.loginTimer = setTimeout(() => socket.close(close.policy, "login timeout"), wsLoginTimeoutMsMax);
    socket.on("message", (data, isBinary) => {
      this.onMessage(isBinary ? "" : data.toString()).catch((error: unknown) => {
        deps.app.log.error({ err: error }, "ws message failed");
        socket.close(1011, "internal error");
      });
    });
    socket.on("close", () => this.onClose());
    socket.on("error", () => socket.terminate());
  }

  private send(message: Reply | Reply[] | Record<string, unknown>): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    if (this.socket.bufferedAmount > wsSendQueueBytesMax) {
      this.socket.close(close.overloaded, "slow consumer");
      return;
    }
    this.socket.send(JSON.stringify(message));
  }

  private async onMessage(text: string): Promise<void> {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      const error = new ApiProblem("MALFORMED_JSON", "message is not valid JSON");
      if (this.caller) this.send(reject(null, null, error));
      else this.refuseLogin(null, error);
      return;
    }
    if (!this.caller && this.loggingIn) await this.loggingIn;
    if (!this.caller) {
      if (this.loggingIn) return; // the login failed and the socket is closing
      this.loggingIn = this.login(message);
      await this.loggingIn;
      return;
    }
    if (Array.isArray(message)) {
      if (message.length === 0 || message.length > batchCommandsMax) {
        const detail = `a batch holds 1 to ${batchCommandsMax} commands`;
        this.refuseMessage(message, new ApiProblem("BATCH_TOO_LARGE", detail));
        return;
      }
      if (!this.takeTokens(message)) return;
      this.send(await Promise.all(message.map((command, i) => this.run(command, `${i}.`))));
      return;
    }
    if (!this.takeTokens(message)) return;
    this.send(await this.run(message, ""));
  }

  /** One token per command of the message; refuses the whole message when the key is out. */
  private takeTokens(message: unknown): boolean {
    const caller = this.caller as Caller;
    const count = Array.isArray(message) ? message.length : 1;
    const decision = this.deps.keyBuckets.take(caller.keyId, this.deps.nowMs(), count);
    if (decision.allowed) return true;
    const detail = `rate limit exceeded; retry in ${decision.resetSeconds} s`;
    this.refuseMessage(message, new ApiProblem("RATE_LIMITED", detail));
    return false;
  }

  /**
   * A message refused before any of it ran still names its commands, so the client can fail the
   * right requests: a single command gets its own reject, a batch one reject listing its ids.
   */
  private refuseMessage(message: unknown, error: ApiProblem): void {
    if (!Array.isArray(message)) {
      this.send(reject(idOf(message), opOf(message), error));
      return;
    }
    const ids = message.map(idOf).filter((id): id is string => id !== null);
    this.send({ ...reject(null, null, error), ids });
  }

  private async login(message: unknown): Promise<void> {
    const parsed = wsLoginSchema.safeParse(message);
    if (!parsed.success) {
      const issue = zodErrorToProblem(parsed.error);
      const detail = `log in first: ${issue.message}`;
      this.refuseLogin(idOf(message), new ApiProblem("NOT_LOGGED_IN", detail, issue.field));
      return;
    }
    const login = parsed.data;
    const auth = await this.deps.verifier.verify({
      keyId: login.keyId,
      timestampMs: login.timestamp,
      nonce: login.nonce,
      signature: login.signature,
      method: "GET",
      path: orderEntryPath,
      body: "",
    });
    if (!auth.ok) return this.refuseLogin(login.id, new ApiProblem(auth.code, auth.message));
    if (!auth.key.scopes.includes("trade")) {
      return this.refuseLogin(login.id, new ApiProblem("SCOPE_MISSING", "order entry needs the trade scope"));
    }
    const open = this.connectionsPerKey.get(login.keyId) ?? 0;
    if (open >= wsConnectionsPerKeyMax) {
      const detail = `at most ${wsConnectionsPerKeyMax} connections per key`;
      return this.refuseLogin(login.id, new ApiProblem("RATE_LIMITED", detail));
    }
    this.connectionsPerKey.set(login.keyId, open + 1);
    clearTimeout(this.loginTimer);
    this.caller = { keyId: auth.key.keyId, accountId: auth.key.accountId, scopes: auth.key.scopes };
    this.cancelOnDisconnect = login.cancelOnDisconnect;
    const result = { accountId: auth.key.accountId, cancelOnDisconnect: login.cancelOnDisconnect };
    this.send({ type: "ack", id: login.id, op: "login", result });
  }

  private refuseLogin(id: string | null, error: ApiProblem): void {
    this.send(reject(id, "login", error));
    this.socket.close(close.policy, error.problem.code);
  }

  /** One command; never throws: every failure is a reject with the command's correlation id. */
  private async run(input: unknown, prefix: string): Promise<Reply> {
    const parsed = wsCommandSchema.safeParse(input);
    if (!parsed.success) {
      const issue = zodErrorToProblem(parsed.error);
      return reject(
        idOf(input),
        opOf(input),
        new ApiProblem(issue.code, issue.message, `${prefix}${issue.field}`),
      );
    }
    const command = parsed.data;
    try {
      return {
        type: "ack",
        id: command.id,
        op: command.op,
        result: await this.execute(command, `${prefix}data.`),
      };
    } catch (error) {
      if (error instanceof ApiProblem) return reject(command.id, command.op, error);
      throw error;
    }
  }

  private execute(command: WsCommand, prefix: string): Promise<OrderAck | Record<string, unknown>> {
    const { orders, nextCommandId } = this.deps;
    const accountId = (this.caller as Caller).accountId;
    switch (command.op) {
      case "place":
        return orders.place(accountId, command.data, nextCommandId(), prefix);
      case "cancel":
        return orders.cancelFromWire(accountId, command.data, nextCommandId(), prefix);
      case "replace":
        return orders.replace(accountId, command.data, nextCommandId(), prefix);
      case "amend":
        return orders.amend(accountId, command.data, nextCommandId(), prefix);
      case "mass_cancel":
        return orders.massCancel(accountId, command.data, nextCommandId(), prefix);
      case "cancel_after":
        return Promise.resolve(this.armDeadMan(command.timeoutMs));
      case "ping":
        return Promise.resolve({ time: this.deps.nowMs() });
    }
  }

  /** cancel_after: every call re-arms; 0 disarms. Fires a MassCancel of all the account's orders. */
  private armDeadMan(timeoutMs: number): Record<string, unknown> {
    clearTimeout(this.deadMan);
    this.deadMan = undefined;
    if (timeoutMs === 0) return { armed: false };
    if (timeoutMs < cancelAfterMsMin) {
      throw new ApiProblem("INVALID_COMMAND", `timeoutMs: 0 or at least ${cancelAfterMsMin}`, "timeoutMs");
    }
    const firesAtMs = this.deps.nowMs() + timeoutMs;
    this.deadMan = setTimeout(() => {
      this.deadMan = undefined;
      this.cancelAll("cancel_after").then(
        (ack) => this.send({ type: "event", event: "cancel_after_fired", result: ack }),
        (error: unknown) => this.deps.app.log.error({ err: error }, "cancel_after failed"),
      );
    }, timeoutMs);
    return { armed: true, firesAt: new Date(firesAtMs).toISOString() };
  }

  private cancelAll(reason: string): Promise<OrderAck> {
    const accountId = (this.caller as Caller).accountId;
    this.deps.app.log.info({ accountId, reason }, "dead-man's switch: cancelling all open orders");
    return this.deps.orders.massCancel(accountId, {}, this.deps.nextCommandId());
  }

  private onClose(): void {
    clearTimeout(this.loginTimer);
    clearTimeout(this.deadMan);
    this.deps.metrics.wsConnections.dec();
    if (!this.caller) return;
    const open = this.connectionsPerKey.get(this.caller.keyId) ?? 1;
    if (open <= 1) this.connectionsPerKey.delete(this.caller.keyId);
    else this.connectionsPerKey.set(this.caller.keyId, open - 1);
    if (this.cancelOnDisconnect) {
      this.cancelAll("cancel_on_disconnect").catch((error: unknown) =>
        this.deps.app.log.error({ err: error }, "cancel-on-disconnect failed"),
      );
    }
  }
}

function reject(id: string | null, op: string | null, error: ApiProblem): Reply {
  return { type: "reject", id, op, problem: error.problem };
}

function idOf(message: unknown): string | null {
  const id = (message as { id?: unknown } | null)?.id;
  return typeof id === "string" ? id.slice(0, 64) : null;
}

function opOf(message: unknown): string | null {
  const op = (message as { op?: unknown } | null)?.op;
  return typeof op === "string" ? op.slice(0, 32) : null;
}
