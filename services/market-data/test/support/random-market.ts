// A seeded random market on the real core: accounts with cash, one open product, and a stream
// of random order commands (limit, market, IOC/FOK, post-only, cancel, replace, amend, mass
// cancel). Every command goes through applyCommand; its events are what market-data consumes.
import { type Applied, applyCommand, type CoreState, initialState } from "@ghx/core";
import type { CoreCommand, ProductSpec } from "@ghx/domain";
import type { CommandEvents } from "../../src/index.ts";

export const t0 = Date.UTC(2026, 10, 24, 10);

export const futureSpec = (symbol = "H100.WUHU.2027M01"): ProductSpec => ({
  symbol,
  kind: "future",
  accelerator: symbol.split(".")[0]!,
  zone: symbol.split(".")[1]!,
  currency: "CNY",
  tickMinor: 1,
  hoursPerLot: 1,
  minLots: 1,
  maxLots: 50,
  bandLowTicks: 9_000,
  bandHighTicks: 11_000,
  makerFeeBps: 1,
  takerFeeBps: 2,
  marginBps: 1_000,
  positionLimitLots: 1_000_000,
  deliveryFrom: Date.UTC(2027, 0, 1),
  deliveryTo: Date.UTC(2027, 1, 1),
});

/** mulberry32: small, fast, reproducible from a 32-bit seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

type NoId<C> = C extends CoreCommand ? Omit<C, "commandId"> : never;

export class RandomMarket {
  readonly state: CoreState = initialState();
  readonly accounts: string[] = [];
  private counter = 0;
  ts = t0;

  constructor(
    readonly symbols: readonly string[],
    accounts = 20,
    private readonly onEvents: (batch: CommandEvents) => void = () => {},
  ) {
    for (const symbol of symbols) this.run({ type: "ListProduct", product: futureSpec(symbol), open: true });
    for (let i = 0; i < accounts; i++) {
      const id = `acct${i}`;
      this.accounts.push(id);
      this.run({ type: "CreateAccount", accountId: id, owner: id, capabilities: ["trade"] });
      this.run({ type: "Deposit", accountId: id, currency: "CNY", amount: 1e13 });
    }
  }

  run(command: NoId<CoreCommand>): Applied {
    this.ts += 1;
    const seq = this.state.lastSeq + 1;
    const full = { commandId: `c${++this.counter}`, ...command } as CoreCommand;
    const applied = applyCommand(this.state, { seq, ts: this.ts, command: full });
    this.onEvents({ seq, ts: this.ts, events: applied.events });
    return applied;
  }

  /** One random command: mostly limits near the middle of the band, then the other kinds. */
  step(random: () => number): Applied {
    const account = this.accounts[Math.floor(random() * this.accounts.length)]!;
    const symbol = this.symbols[Math.floor(random() * this.symbols.length)]!;
    const side = random() < 0.5 ? "buy" : "sell";
    const price = 10_000 + Math.floor(random() * 41) - 20 + (side === "buy" ? -5 : 5);
    const qty = 1 + Math.floor(random() * 20);
    const open = [...(this.state.accounts.get(account)?.openClientIds.values() ?? [])];
    const orderId = open.length > 0 ? open[Math.floor(random() * open.length)] : undefined;
    const r = random();
    const order = { accountId: account, clientOrderId: `o${this.counter}`, symbol, side } as const;
    if (r < 0.55 || orderId === undefined) {
      const tif = random() < 0.1 ? "IOC" : random() < 0.05 ? "FOK" : "GTC";
      const postOnly = tif === "GTC" && random() < 0.1;
      return this.run({ type: "PlaceOrder", ...order, orderType: "limit", price, qty, tif, postOnly });
    }
    if (r < 0.6) return this.run({ type: "PlaceOrder", ...order, orderType: "market", qty, tif: "IOC" });
    if (r < 0.82) return this.run({ type: "CancelOrder", accountId: account, orderId });
    if (r < 0.9) return this.run({ type: "ReplaceOrder", accountId: account, orderId, price, qty });
    if (r < 0.99) {
      const remaining = this.state.orders.get(orderId)?.remaining ?? 1;
      return this.run({ type: "AmendOrder", accountId: account, orderId, qty: Math.max(1, remaining - 1) });
    }
    return this.run({ type: "MassCancel", accountId: account });
  }
}
