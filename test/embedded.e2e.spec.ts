// The embedded exchange as `npm start` runs it, in a child process, over real HTTP and WebSocket.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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

  it("keeps everything across a restart (journal replay), with the same operator key", async () => {
    const operator = Client.fromKeyFile(exchange.urls[0]!, exchange.operatorKeyFile);
    const before = await operator.ok("GET", "/v1/products");
    await exchange.stop();
    exchange = await startEmbeddedExchange(dataDir);
    const after = Client.fromKeyFile(exchange.urls[0]!, exchange.operatorKeyFile);
    expect(exchange.output.join("\n")).not.toContain("Created the operator account");
    expect(await after.ok("GET", "/v1/products")).toEqual(before);
  });
});
