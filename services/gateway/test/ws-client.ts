// A WebSocket order-entry client for tests and the bench: signed login, then request/response by
// correlation id (single commands or batches).
import type { RequestSigner } from "@ghx/auth";
import WebSocket from "ws";
import { orderEntryPath } from "../src/index.ts";

export class OrderSocket {
  private readonly waiting: ((message: unknown) => void)[] = [];
  readonly events: unknown[] = [];

  private closeCode: number | undefined;
  private readonly closeWaiters: ((code: number) => void)[] = [];

  private constructor(readonly socket: WebSocket) {
    socket.on("close", (code) => {
      this.closeCode = code;
      for (const resolve of this.closeWaiters) resolve(code);
    });
    socket.on("message", (data) => {
      const message = JSON.parse(data.toString()) as { type?: string };
      if (!Array.isArray(message) && message.type === "event") this.events.push(message);
      else this.waiting.shift()?.(message);
    });
  }

  static async open(baseUrl: string): Promise<OrderSocket> {
    const socket = new WebSocket(`${baseUrl.replace(/^http/, "ws")}${orderEntryPath}`);
    await new Promise<void>((resolve, reject) => {
      socket.once("open", () => resolve());
      socket.once("error", reject);
    });
    return new OrderSocket(socket);
  }

  /** Sends one message (object, array, or raw text) and resolves with the next reply. */
  send<T = unknown>(message: unknown): Promise<T> {
    const reply = new Promise<T>((resolve) => this.waiting.push(resolve as (m: unknown) => void));
    this.socket.send(typeof message === "string" ? message : JSON.stringify(message));
    return reply;
  }

  login(signer: RequestSigner, options: { cancelOnDisconnect?: boolean; timestampMs?: number } = {}) {
    return this.send<{ type: string; result?: unknown; problem?: { code: string } }>({
      op: "login",
      id: "login",
      ...signer.webSocketLogin(orderEntryPath, options.timestampMs),
      cancelOnDisconnect: options.cancelOnDisconnect ?? false,
    });
  }

  closed(): Promise<number> {
    if (this.closeCode !== undefined) return Promise.resolve(this.closeCode);
    return new Promise((resolve) => this.closeWaiters.push(resolve));
  }

  close(): Promise<number> {
    const closed = this.closed();
    this.socket.close();
    return closed;
  }
}
