// The public feed over real WebSockets, driven by the real core: a client's local book agrees
// with the engine's (checksum on every message, full comparison at the end) after 100,000
// random commands; a dropped message is detected and repaired by resync; a client that stops
// reading is cut off with resync_required while another keeps receiving.
import type { Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { type BookMessage, LocalBook, MarketFeed, resyncCloseCode } from "../src/index.ts";
import { FeedClient, type Message, serveFeed } from "./support/feed-client.ts";
import { prng, RandomMarket } from "./support/random-market.ts";

const symbols = ["H100.WUHU.2027M01", "H200.WUHU.2027M01"];
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

let feed: MarketFeed | undefined;
let server: Server | undefined;
const clients: FeedClient[] = [];

afterEach(() => {
  for (const client of clients.splice(0)) client.close();
  feed?.close();
  server?.close();
});

async function start(options: ConstructorParameters<typeof MarketFeed>[0] = {}) {
  feed = new MarketFeed(options);
  const served = await serveFeed(feed);
  server = served.server;
  const market = new RandomMarket(symbols, 20, (batch) => feed!.ingest(batch));
  return { feed, market, url: served.url };
}

/** Keeps a LocalBook per symbol from book messages; records every result that was not "ok". */
function bookKeeper(dropSeq?: number) {
  const books = new Map<string, LocalBook>();
  const problems: string[] = [];
  let dropped = false;
  const onMessage = (message: Message, client: () => FeedClient) => {
    if (message.channel !== "book" || (message.type !== "snapshot" && message.type !== "update")) return;
    const book = message as unknown as BookMessage;
    if (!dropped && dropSeq !== undefined && book.type === "update" && book.seq === dropSeq) {
      dropped = true;
      return;
    }
    const local = books.get(book.symbol) ?? new LocalBook();
    books.set(book.symbol, local);
    const result = local.apply(book);
    if (result === "ok" || result === "awaiting_snapshot") return;
    problems.push(`${book.symbol} seq ${book.seq}: ${result}`);
    client().send({ op: "resync", channel: "book", symbol: book.symbol });
  };
  return { books, problems, onMessage };
}

function engineWire(market: RandomMarket, feedRef: MarketFeed, symbol: string) {
  const book = market.state.products.get(symbol)!.book;
  const format = feedRef.market.product(symbol)!.format;
  const side = (s: "buy" | "sell") =>
    book.depth(s, 10_000).map((l) => [format.price(l.price), l.qty, l.count]);
  return { bids: side("buy"), asks: side("sell") };
}

async function drive(market: RandomMarket, commands: number, seed: number) {
  const random = prng(seed);
  for (let done = 0; done < commands; ) {
    const chunk = Math.min(commands - done, 1 + Math.floor(random() * 400));
    for (let i = 0; i < chunk; i++) market.step(random);
    done += chunk;
    await turn();
  }
}

describe("public feed", () => {
  it("keeps a client's local book equal to the engine's over 100,000 random commands", async () => {
    const { feed, market, url } = await start();
    const keeper = bookKeeper();
    const client: FeedClient = await FeedClient.connect(url, (m) => keeper.onMessage(m, () => client));
    clients.push(client);
    client.send({ op: "subscribe", channel: "book", symbols: ["*.WUHU.*"], depth: 500 });
    await client.until(() => keeper.books.size === symbols.length, 5_000, "snapshots");
    await drive(market, 100_000, Number(process.env.SEED ?? 11));
    for (const symbol of symbols) {
      const seq = feed.market.product(symbol)!.bookSeq;
      await client.until(() => keeper.books.get(symbol)!.seq === seq, 20_000, `${symbol} seq ${seq}`);
      expect(keeper.books.get(symbol)!.depth(10_000)).toEqual(engineWire(market, feed, symbol));
    }
    expect(keeper.problems).toEqual([]);
    expect(feed.market.product(symbols[0]!)!.bookSeq).toBeGreaterThan(100);
  });

  it("detects a dropped update by its sequence and recovers with a resync snapshot", async () => {
    const { feed, market, url } = await start();
    const keeper = bookKeeper(20);
    const client: FeedClient = await FeedClient.connect(url, (m) => keeper.onMessage(m, () => client));
    clients.push(client);
    client.send({ op: "subscribe", channel: "book", symbols: [symbols[0]], depth: 500 });
    await client.until(() => keeper.books.size === 1, 5_000, "snapshot");
    await drive(market, 5_000, 5);
    const seq = feed.market.product(symbols[0]!)!.bookSeq;
    await client.until(() => keeper.books.get(symbols[0]!)?.seq === seq, 10_000, "catch-up");
    expect(keeper.problems).toEqual([`${symbols[0]} seq 21: gap`]);
    expect(keeper.books.get(symbols[0]!)!.depth(10_000)).toEqual(engineWire(market, feed, symbols[0]!));
  });

  it("cuts off a client that stops reading with resync_required; others keep receiving", async () => {
    const { feed, market, url } = await start({ sendQueueBytesMax: 64 * 1024, cutoffGraceMs: 30_000 });
    const fast = bookKeeper();
    const reader: FeedClient = await FeedClient.connect(url, (m) => fast.onMessage(m, () => reader));
    const slow = await FeedClient.connect(url);
    clients.push(reader, slow);
    for (const client of [reader, slow])
      client.send({ op: "subscribe", channel: "book", symbols: ["*"], depth: 500 });
    await slow.until(() => slow.messages.some((m) => m.type === "snapshot"), 5_000, "slow snapshot");
    slow.ws.pause();
    const random = prng(3);
    for (let i = 0; i < 200_000 && feed.stats.cutOffs === 0; i++) {
      market.step(random);
      if (i % 3 === 0) await turn();
    }
    expect(feed.stats.cutOffs).toBe(1);
    await drive(market, 2_000, 4);
    const seq = feed.market.product(symbols[0]!)!.bookSeq;
    await reader.until(() => fast.books.get(symbols[0]!)?.seq === seq, 10_000, "reader catch-up");
    expect(fast.problems).toEqual([]);
    slow.ws.resume();
    await slow.until(() => slow.closeCode !== undefined, 20_000, "slow close");
    expect(slow.messages.at(-1)).toMatchObject({ type: "resync_required", reason: "slow_consumer" });
    expect(slow.closeCode).toBe(resyncCloseCode);
  });

  it("sends heartbeats with the seq of every book the client holds, after that seq's update", async () => {
    const { market, url } = await start({ heartbeatIntervalMs: 20 });
    const client = await FeedClient.connect(url);
    const book = await FeedClient.connect(url);
    clients.push(client, book);
    // Two channels: its update and heartbeat may share a socket write; the plain client's not.
    client.send({ op: "subscribe", channel: "book", symbols: [symbols[0]] });
    client.send({ op: "subscribe", channel: "trades", symbols: [symbols[0]] });
    book.send({ op: "subscribe", channel: "book", symbols: [symbols[1]] });
    await drive(market, 3_000, 8);
    const heartbeats = (c: FeedClient) => c.messages.filter((m) => m.type === "heartbeat");
    await client.until(
      () => heartbeats(client).length >= 5 && heartbeats(book).length >= 5,
      5_000,
      "heartbeats",
    );
    for (const [c, symbol] of [
      [client, symbols[0]!],
      [book, symbols[1]!],
    ] as const) {
      let lastSeq: number | undefined;
      let checked = 0;
      for (const message of c.messages) {
        if (message.channel === "book") lastSeq = message.seq as number;
        if (message.type !== "heartbeat") continue;
        expect(message.seqs).toEqual({ [symbol]: lastSeq });
        checked++;
      }
      expect(checked).toBeGreaterThanOrEqual(5);
      expect(lastSeq).toBeGreaterThan(1);
    }
  });
});
