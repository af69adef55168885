// A signed HTTP client (fetch) and a WebSocket order-entry client, written against the documented
// API only (services/gateway/README.md), as any outside client would.
import { readFileSync } from "node:fs";
import { createRequestSigner, generateApiKeyPair, parseKeyFile, type RequestSigner } from "@ghx/auth";
import WebSocket from "ws";

export interface Response<T = unknown> {
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
}

export class Client {
  constructor(
    readonly baseUrl: string,
    readonly accountId: string,
    readonly signer: RequestSigner,
  ) {}

  static fromKeyFile(baseUrl: string, path: string): Client {
    const key = parseKeyFile(readFileSync(path, "utf8"), path);
    return new Client(baseUrl, key.accountId ?? "", createRequestSigner(key.keyId, key.privateKey));
  }

  /** The same key against another gateway. */
  at(baseUrl: string): Client {
    return new Client(baseUrl, this.accountId, this.signer);
  }

  async request<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) {
    const text = body === undefined ? "" : JSON.stringify(body);
    return this.send<T>(method, path, text, {
      ...this.signer.headers({ method, path, body: text }),
      ...headers,
    });
  }

  /** Sends exactly these headers (for replays and forgeries). */
  async send<T = unknown>(method: string, path: string, text: string, headers: Record<string, string>) {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { ...(text ? { "content-type": "application/json" } : {}), ...headers },
      ...(text ? { body: text } : {}),
    });
    const raw = await response.text();
    return {
      status: response.status,
      body: (raw ? JSON.parse(raw) : undefined) as T,
      headers: response.headers,
    };
  }

  async ok<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.request<T>(method, path, body);
    if (response.status >= 300)
      throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body;
  }

  /** Operator: a new account with a fresh key pair (the private key never leaves this process). */
  async createTrader(
    accountId: string,
    deposit: string,
    scopes = ["trade", "read"],
    capabilities = ["trade", "read"],
  ): Promise<Client> {
    await this.ok("POST", "/v1/accounts", { accountId, owner: accountId, capabilities });
    const pair = generateApiKeyPair();
    const keyId = `${accountId}-key`;
    await this.ok("POST", `/v1/accounts/${accountId}/api-keys`, { keyId, publicKey: pair.publicKey, scopes });
    await this.ok("POST", "/v1/deposits", { accountId, currency: "CNY", amount: deposit });
    return new Client(this.baseUrl, accountId, createRequestSigner(keyId, pair.privateKey));
  }
}

export class OrderSocket {
  private readonly pending: ((message: unknown) => void)[] = [];

  private constructor(readonly socket: WebSocket) {
    socket.on("message", (data) => this.pending.shift()?.(JSON.parse(data.toString())));
  }

  static async login(client: Client, cancelOnDisconnect = false): Promise<OrderSocket> {
    const socket = new WebSocket(`${client.baseUrl.replace(/^http/, "ws")}/v1/ws/orders`);
    await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
    const orderSocket = new OrderSocket(socket);
    const reply = await orderSocket.send<{ type: string }>({
      op: "login",
      id: "login",
      ...client.signer.webSocketLogin("/v1/ws/orders"),
      cancelOnDisconnect,
    });
    if (reply.type !== "ack") throw new Error(`login refused: ${JSON.stringify(reply)}`);
    return orderSocket;
  }

  send<T = unknown>(message: unknown): Promise<T> {
    const reply = new Promise<T>((resolve) => this.pending.push(resolve as (m: unknown) => void));
    this.socket.send(JSON.stringify(message));
    return reply;
  }

  close(): void {
    this.socket.close();
  }
}
