// A test client of the feed over a real WebSocket: records every message and waits for
// conditions on them.
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocket } from "ws";
import type { MarketFeed } from "../../src/index.ts";

export type Message = Record<string, unknown> & { type: string };

export async function serveFeed(feed: MarketFeed): Promise<{ server: Server; url: string }> {
  const server = createServer();
  server.on("upgrade", (request, socket, head) => {
    if (!feed.handleUpgrade(request, socket, head)) socket.destroy();
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { server, url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}${feed.path}` };
}

export class FeedClient {
  readonly messages: Message[] = [];
  private waiters: (() => void)[] = [];
  closeCode: number | undefined;

  private constructor(
    readonly ws: WebSocket,
    private readonly onMessage?: (message: Message) => void,
  ) {
    ws.on("message", (data) => {
      const message = JSON.parse(String(data)) as Message;
      if (this.onMessage) this.onMessage(message);
      else this.messages.push(message);
      this.wake();
    });
    ws.on("close", (code) => {
      this.closeCode = code;
      this.wake();
    });
  }

  static async connect(url: string, onMessage?: (message: Message) => void): Promise<FeedClient> {
    const ws = new WebSocket(url);
    await once(ws, "open");
    return new FeedClient(ws, onMessage);
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  send(request: object): void {
    this.ws.send(JSON.stringify(request));
  }

  /** Resolves when `predicate` holds (checked after every message), rejects after `timeoutMs`. */
  async until(predicate: () => boolean, timeoutMs = 10_000, what = "condition"): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.ws.terminate();
  }
}
