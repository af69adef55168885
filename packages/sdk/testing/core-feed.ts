// market-data's real feed served over HTTP on a free loopback port, driven by the real core's
// state machine: one open future and three funded accounts placing seeded random limit orders
// and cancels. Test support for feed clients, exported as `@ghx/sdk/testing` (the SDK's feed
// tests, the CLI's `ghx watch` test); it needs @ghx/core and @ghx/market-data, which the
// importing package declares as dev dependencies.
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { applyCommand, type CoreState, initialState } from "@ghx/core";
import type { CoreCommand } from "@ghx/domain";
import { type CommandEvents, MarketFeed } from "@ghx/market-data";

export const feedSymbol = "H100.WUHU.2027M01";

export interface ServedCoreFeed {
  readonly feed: MarketFeed;
  readonly core: CoreDriver;
  /** http://127.0.0.1:port (the feed is at /v1/ws/market). */
  readonly url: string;
  close(): void;
}

export async function serveCoreFeed(): Promise<ServedCoreFeed> {
  const feed = new MarketFeed();
  const http = createServer();
  http.on("upgrade", (request, socket, head) => {
    if (!feed.handleUpgrade(request, socket, head)) socket.destroy();
  });
  http.listen(0, "127.0.0.1");
  await once(http, "listening");
  const core = new CoreDriver((batch) => feed.ingest(batch));
  return {
    feed,
    core,
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    close() {
      feed.close();
      http.close();
    },
  };
}

const accounts = ["a", "b", "c"] as const;

export class CoreDriver {
  private readonly state: CoreState = initialState();
  private counter = 0;
  private random = 0x9e3779b9;

  constructor(private readonly onEvents: (batch: CommandEvents) => void) {
    this.run({ type: "ListProduct", open: true, product: futureProduct });
    for (const accountId of accounts) {
      this.run({ type: "CreateAccount", accountId, owner: accountId, capabilities: ["trade"] });
      this.run({ type: "Deposit", accountId, currency: "CNY", amount: 1e12 });
    }
  }

  run(command: Record<string, unknown>): void {
    const seq = this.state.lastSeq + 1;
    const ts = Date.UTC(2026, 10, 24, 10) + seq;
    const full = { commandId: `c${++this.counter}`, ...command } as CoreCommand;
    const applied = applyCommand(this.state, { seq, ts, command: full });
    this.onEvents({ seq, ts, events: applied.events });
  }

  /** A limit order at `ticks` (price × 100) for account "a". */
  placeLimit(side: "buy" | "sell", ticks: number, qty: number): void {
    const clientOrderId = `l${this.counter}`;
    this.run({
      type: "PlaceOrder",
      accountId: "a",
      clientOrderId,
      symbol: feedSymbol,
      side,
      orderType: "limit",
      price: ticks,
      qty,
      tif: "GTC",
    });
  }

  /** One seeded random command: a limit order near 20.00, or (a quarter of the time) a cancel. */
  randomOrder(i: number): void {
    const accountId = accounts[i % accounts.length] as string;
    const side = this.next() < 0.5 ? "buy" : "sell";
    const price = 2_000 + Math.floor(this.next() * 60) - 30 + (side === "buy" ? -8 : 8);
    const open = [...(this.state.accounts.get(accountId)?.openClientIds.values() ?? [])];
    if (open.length > 0 && this.next() < 0.25) {
      this.run({ type: "CancelOrder", accountId, orderId: open[Math.floor(this.next() * open.length)] });
      return;
    }
    const qty = 1 + Math.floor(this.next() * 10);
    const clientOrderId = `o${i}`;
    this.run({
      type: "PlaceOrder",
      accountId,
      clientOrderId,
      symbol: feedSymbol,
      side,
      orderType: "limit",
      price,
      qty,
      tif: "GTC",
    });
  }

  private next(): number {
    // xorshift32: reproducible without a dependency.
    this.random ^= this.random << 13;
    this.random ^= this.random >>> 17;
    this.random ^= this.random << 5;
    return (this.random >>> 0) / 4_294_967_296;
  }
}

const futureProduct = {
  symbol: feedSymbol,
  kind: "future",
  accelerator: "H100",
  zone: "WUHU",
  currency: "CNY",
  tickMinor: 1,
  hoursPerLot: 1,
  minLots: 1,
  maxLots: 50,
  bandLowTicks: 1_800,
  bandHighTicks: 2_200,
  makerFeeBps: 1,
  takerFeeBps: 2,
  marginBps: 1_000,
  positionLimitLots: 1_000_000,
  deliveryFrom: Date.UTC(2027, 0, 1),
  deliveryTo: Date.UTC(2027, 1, 1),
};
