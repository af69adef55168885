// The embedded exchange as `npm start` runs it, in a child process, over real HTTP and WebSocket.
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { Client } from "./support/client.ts";
import { type RunningExchange, startEmbeddedExchange } from "./support/processes.ts";
import { exchangeScenario, symbol } from "./support/scenario.ts";

describe("embedded exchange (child process)", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "ghx-e2e-embedded-"));
  let exchange: RunningExchange & { output: string[] };
  beforeAll(async () => {
    exchange = await startEmbeddedExchange(dataDir);
  });
  afterAll(async () => {
    await exchange?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("prints where the operator key was written", () => {
    expect(exchange.output.join("\n")).toContain(join(dataDir, "operator.key.json"));
  });

  exchangeScenario(() => exchange);

  it("serves the market-data snapshots on the same server, built from the core's events", async () => {
    const base = exchange.urls[0]!;
    const trades = await (await fetch(`${base}/v1/trades/${symbol}`)).text();
    expect(trades).toContain('"20.10"');
    const book = await fetch(`${base}/v1/book/${symbol}`);
    expect(book.status).toBe(200);
    expect(await book.text()).toContain('"19.10"');
  });

  it("serves the live market feed on the same server: a book subscription answers with the book", async () => {
    const feed = new WebSocket(`${exchange.urls[0]!.replace("http", "ws")}/v1/ws/market`);
    const messages: string[] = [];
    const snapshot = new Promise<string>((resolve, reject) => {
      feed.on("message", (data) => {
        const text = String(data);
        messages.push(text);
        if (text.includes('"19.10"')) resolve(text);
      });
      feed.on("error", reject);
      setTimeout(() => reject(new Error(`no book from the feed; got ${messages.join(" | ")}`)), 10_000);
    });
    await once(feed, "open");
    feed.send(JSON.stringify({ op: "subscribe", channel: "book", symbols: [symbol] }));
    try {
      expect(await snapshot).toContain(symbol);
    } finally {
      feed.close();
    }
  });

  it("publishes the GHX index: a trade in an hourly product, then its gate closure", async () => {
    const base = exchange.urls[0]!;
    const operator = Client.fromKeyFile(base, exchange.operatorKeyFile);
    // An hour a day ahead: listed now, closed by the operator (no scheduler yet) as at gate closure.
    const hour = Math.floor(Date.now() / 3_600_000) * 3_600_000 + 24 * 3_600_000;
    const hourly = `H100.WUHU.${new Date(hour).toISOString().slice(0, 13).replace(/[-]/g, "")}`;
    await operator.ok("POST", "/v1/products", { symbol: hourly, referencePrice: "20.00" });
    const provider = await operator.createTrader(
      "ix-provider",
      "1000.00",
      ["trade", "read"],
      ["trade", "provide", "read"],
    );
    const buyer = await operator.createTrader("ix-buyer", "1000.00");
    await provider.ok("POST", "/v1/capacity", {
      accelerator: "H100",
      zone: "WUHU",
      gpus: 4,
      fromMs: hour,
      toMs: hour + 3_600_000,
    });
    const limit = { symbol: hourly, orderType: "limit", quantityLots: 2 };
    await provider.ok("POST", "/v1/orders", {
      ...limit,
      clientOrderId: "ix-s",
      side: "sell",
      price: "21.30",
    });
    await buyer.ok("POST", "/v1/orders", { ...limit, clientOrderId: "ix-b", side: "buy", price: "21.30" });
    const before = await (await fetch(`${base}/v1/index/H100/WUHU`)).json();
    expect(before).toEqual({ key: "H100.WUHU", values: [] });
    await operator.ok("PUT", `/v1/products/${hourly}/state`, { state: "gate_closed" });
    await expect
      .poll(async () => (await fetch(`${base}/v1/index/H100/WUHU?kind=hourly`)).json())
      .toMatchObject({
        key: "H100.WUHU",
        values: [{ periodStart: hour, value: "21.3000", method: "transactions", currency: "CNY" }],
      });
  });

  it("keeps everything across a restart (journal replay), with the same operator key", async () => {
    const operator = Client.fromKeyFile(exchange.urls[0]!, exchange.operatorKeyFile);
    const before = await operator.ok("GET", "/v1/products");
    const indexBefore = await operator.ok("GET", "/v1/index/H100/WUHU");
    // Built live from the core's records before the restart, from the stored events after it.
    const tradesBefore = await (await fetch(`${exchange.urls[0]!}/v1/trades/${symbol}`)).json();
    await exchange.stop();
    exchange = await startEmbeddedExchange(dataDir);
    const after = Client.fromKeyFile(exchange.urls[0]!, exchange.operatorKeyFile);
    expect(exchange.output.join("\n")).not.toContain("Created the operator account");
    expect(await after.ok("GET", "/v1/products")).toEqual(before);
    expect(await after.ok("GET", "/v1/index/H100/WUHU")).toEqual(indexBefore);
    expect(await (await fetch(`${exchange.urls[0]!}/v1/trades/${symbol}`)).json()).toEqual(tradesBefore);
  });
});
