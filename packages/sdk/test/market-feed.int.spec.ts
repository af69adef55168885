// The feed client's resync logic over real WebSockets. First against a scripted feed that can
// lie (skip a seq, send a wrong checksum, report a different seq in a heartbeat, refuse a resync),
// then against market-data's real feed driven by the real core.
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { bookView } from "@ghx/market-data";
import { afterEach, describe, expect, it } from "vitest";
import { type WebSocket, WebSocketServer } from "ws";
import { type BookLevel, bookChecksum, MarketFeedClient, type ResyncReason } from "../src/index.ts";
import { serveCoreFeed } from "../testing/core-feed.ts";
import { until } from "./support/until.ts";

const symbol = "H100.WUHU.2027M01";

/** A feed whose every frame the test writes; it answers subscribe and resync with a snapshot. */
class ScriptedFeed {
  readonly requests: Record<string, unknown>[] = [];
  readonly sockets: WebSocket[] = [];
  bids: BookLevel[] = [["19.50", 3, 1]];
  asks: BookLevel[] = [["20.10", 2, 1]];
  seq = 5;
  refuseResync = false;
  private constructor(readonly server: WebSocketServer) {
    server.on("connection", (socket) => {
      this.sockets.push(socket);
      socket.on("message", (data) => this.onRequest(socket, JSON.parse(String(data))));
    });
  }

  static async start(): Promise<ScriptedFeed> {
    const server = new WebSocketServer({ host: "127.0.0.1", port: 0, path: "/v1/ws/market" });
    await once(server, "listening");
    return new ScriptedFeed(server);
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  get socket(): WebSocket {
    return this.sockets[this.sockets.length - 1] as WebSocket;
  }

  send(message: object): void {
    this.socket.send(JSON.stringify(message));
  }

  snapshot(socket = this.socket): void {
    const checksum = bookChecksum(this.bids, this.asks);
    const body = {
      type: "snapshot",
      channel: "book",
      symbol,
      seq: this.seq,
      ts: 1,
      bids: this.bids,
      asks: this.asks,
    };
    socket.send(JSON.stringify({ ...body, checksum }));
  }

  /** Moves the best bid and sends the update (with a chosen seq and checksum when lying). */
  update(qty: number, lie: { seq?: number; checksum?: number } = {}): void {
    this.seq = lie.seq ?? this.seq + 1;
    this.bids = [["19.50", qty, 1]];
    const checksum = lie.checksum ?? bookChecksum(this.bids, this.asks);
    this.send({
      type: "update",
      channel: "book",
      symbol,
      seq: this.seq,
      bids: this.bids,
      asks: [],
      checksum,
    });
  }

  private onRequest(socket: WebSocket, request: Record<string, unknown>): void {
    this.requests.push(request);
    if (request.op === "subscribe") {
      socket.send(JSON.stringify({ type: "subscribed", id: request.id, channel: request.channel }));
      if (request.channel === "book") this.snapshot(socket);
    } else if (request.op === "resync" && this.refuseResync) {
      socket.send(JSON.stringify({ type: "error", id: request.id, code: "INVALID_REQUEST", message: "no" }));
    } else if (request.op === "resync") {
      this.snapshot(socket);
    }
  }

  close(): void {
    for (const socket of this.sockets) socket.terminate();
    this.server.close();
  }
}

let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const fn of cleanup) fn();
  cleanup = [];
});

async function watched(feedServer: ScriptedFeed) {
  const client = new MarketFeedClient({ url: feedServer.url, resyncTimeoutMs: 2_000 });
  cleanup.push(() => client.close());
  const resyncs: ResyncReason[] = [];
  client.on("resync", (event) => resyncs.push(event.reason));
  await client.connect();
  await client.subscribe("book", [symbol]);
  await until(() => client.book(symbol)?.seq === feedServer.seq, "the first snapshot");
  return { client, resyncs };
}

describe("MarketFeedClient against a scripted feed", () => {
  it("follows in-order updates and ignores a duplicate", async () => {
    const feedServer = await ScriptedFeed.start();
    cleanup.push(() => feedServer.close());
    const { client, resyncs } = await watched(feedServer);
    feedServer.update(7);
    feedServer.send({
      type: "update",
      channel: "book",
      symbol,
      seq: feedServer.seq,
      bids: [["19.50", 1, 1]],
      asks: [],
      checksum: 0,
    });
    feedServer.update(8);
    await until(() => client.book(symbol)?.seq === 7, "two updates");
    expect(client.book(symbol)?.bids()).toEqual([["19.50", 8, 1]]);
    expect(resyncs).toEqual([]);
  });

  it("a gap discards the book and a resync request brings a snapshot", async () => {
    const feedServer = await ScriptedFeed.start();
    cleanup.push(() => feedServer.close());
    const { client, resyncs } = await watched(feedServer);
    feedServer.update(4, { seq: feedServer.seq + 2 });
    await until(
      () => resyncs.length === 1 && client.book(symbol)?.seq === feedServer.seq,
      "the resync snapshot",
    );
    expect(resyncs).toEqual(["gap"]);
    expect(feedServer.requests.filter((r) => r.op === "resync")).toEqual([
      expect.objectContaining({ channel: "book", symbol }),
    ]);
    expect(client.book(symbol)?.bids()).toEqual([["19.50", 4, 1]]);
  });

  it("a wrong checksum discards the book and resyncs it", async () => {
    const feedServer = await ScriptedFeed.start();
    cleanup.push(() => feedServer.close());
    const { client, resyncs } = await watched(feedServer);
    feedServer.update(6, { checksum: 12345 });
    await until(() => resyncs.length === 1 && client.book(symbol)?.synced === true, "the resync snapshot");
    expect(resyncs).toEqual(["checksum_mismatch"]);
  });

  it("a heartbeat with another seq means a lost update: resync", async () => {
    const feedServer = await ScriptedFeed.start();
    cleanup.push(() => feedServer.close());
    const { client, resyncs } = await watched(feedServer);
    feedServer.send({ type: "heartbeat", ts: 1, seqs: { [symbol]: feedServer.seq } });
    feedServer.send({ type: "heartbeat", ts: 2, seqs: { [symbol]: feedServer.seq + 1 } });
    await until(() => resyncs.length === 1 && client.book(symbol)?.synced === true, "the resync snapshot");
    expect(resyncs).toEqual(["heartbeat"]);
  });

  it("a refused resync reconnects and resubscribes", async () => {
    const feedServer = await ScriptedFeed.start();
    cleanup.push(() => feedServer.close());
    const { client, resyncs } = await watched(feedServer);
    feedServer.refuseResync = true;
    feedServer.update(2, { seq: feedServer.seq + 5 });
    await until(
      () => feedServer.sockets.length === 2 && client.book(symbol)?.synced === true,
      "a new connection",
    );
    expect(resyncs).toEqual(["gap"]);
    const subscribes = feedServer.requests.filter((r) => r.op === "subscribe");
    expect(subscribes.map((r) => r.symbols)).toEqual([[symbol], [symbol]]);
  });

  it("after the server drops the connection it reconnects and rebuilds the book", async () => {
    const feedServer = await ScriptedFeed.start();
    cleanup.push(() => feedServer.close());
    const { client, resyncs } = await watched(feedServer);
    feedServer.socket.terminate();
    await until(
      () => feedServer.sockets.length === 2 && client.book(symbol)?.synced === true,
      "the reconnect",
    );
    expect(resyncs).toEqual(["reconnect"]);
  });

  it("refuses a book depth below the checksum's levels", async () => {
    const client = new MarketFeedClient({ url: "http://127.0.0.1:9" });
    await expect(client.subscribe("book", [symbol], { depth: 5 })).rejects.toThrow(/at least 10/);
  });
});

describe("MarketFeedClient against market-data's feed and the real core", () => {
  it("keeps a local book equal to the feed's through hundreds of random orders", async () => {
    const served = await serveCoreFeed();
    cleanup.push(() => served.close());
    const { feed, core } = served;
    const client = new MarketFeedClient({ url: served.url });
    cleanup.push(() => client.close());
    const resyncs: string[] = [];
    client.on("resync", (event) => resyncs.push(event.reason));
    await client.connect();
    await client.subscribe("book", [symbol], { depth: 500 });
    for (let i = 0; i < 600; i++) {
      core.randomOrder(i);
      if (i % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    const product = feed.market.product(symbol);
    if (!product) throw new Error("product not listed");
    await until(() => client.book(symbol)?.seq === product.bookSeq, "the last update");
    const truth = bookView(product, 500);
    expect(client.book(symbol)?.bids()).toEqual(truth.bids);
    expect(client.book(symbol)?.asks()).toEqual(truth.asks);
    expect(truth.bids.length + truth.asks.length).toBeGreaterThan(10);
    expect(resyncs).toEqual([]);
  });
});
