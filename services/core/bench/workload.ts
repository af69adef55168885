// A deterministic mixed workload: 50 products, 1,000 accounts (providers and buyers), orders
// around a mid price with cancels, amends and replaces. Seeded, so runs are comparable.
// Books stay at a steady size, as on a live market where makers refresh their quotes: cancels
// name the oldest order not yet cancelled (one already filled is refused with ORDER_NOT_FOUND,
// as a late cancel is), and a place that would leave more than `quoteLifetime` orders uncancelled
// becomes such a cancel instead, so at most that many orders rest however long the bench runs.
// Without it the books grew by ~45 % of all commands, without end.
import type { CoreCommand } from "@ghx/domain";

const hourMs = 3_600_000;
const deliveryBase = Date.UTC(2026, 10, 25);

export interface Workload {
  readonly setup: CoreCommand[];
  next(): CoreCommand;
}

/** xorshift32: a seeded generator (benchmarks must not vary by Math.random). */
function random(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4_294_967_296;
  };
}

/** Orders placed between an order and its cancel; bounds the resting orders of the workload. */
const quoteLifetime = 32_768;

export function mixedWorkload(products = 50, accounts = 1_000, seed = 42): Workload {
  const symbols = Array.from({ length: products }, (_, i) => `H100.WUHU.BENCH${i}`);
  const setup: CoreCommand[] = symbols.map((symbol, i) => ({
    type: "ListProduct",
    commandId: `list-${symbol}`,
    open: true,
    product: {
      symbol,
      kind: "hourly",
      accelerator: "H100",
      zone: "WUHU",
      currency: "CNY",
      tickMinor: 1,
      hoursPerLot: 1,
      minLots: 1,
      maxLots: 1_000,
      bandLowTicks: 1_000,
      bandHighTicks: 3_000,
      makerFeeBps: 5,
      takerFeeBps: 10,
      marginBps: 0,
      positionLimitLots: 100_000_000,
      deliveryFrom: deliveryBase + i * hourMs,
      deliveryTo: deliveryBase + (i + 1) * hourMs,
    },
  }));
  for (let a = 0; a < accounts; a++) {
    const accountId = `acct${a}`;
    setup.push({
      type: "CreateAccount",
      commandId: `create-${a}`,
      accountId,
      owner: `owner${a}`,
      capabilities: ["trade", "provide"],
    });
    setup.push({ type: "Deposit", commandId: `deposit-${a}`, accountId, currency: "CNY", amount: 1e11 });
    setup.push({
      type: "DeclareCapacity",
      commandId: `capacity-${a}`,
      accountId,
      accelerator: "H100",
      zone: "WUHU",
      gpus: 10_000_000,
      from: deliveryBase,
      to: deliveryBase + products * hourMs,
    });
  }
  const rnd = random(seed);
  // Orders placed and not yet named by a cancel, oldest first (a ring of quoteLifetime).
  const queue: { accountId: string; clientOrderId: string }[] = [];
  let oldest = 0;
  let placedCount = 0;
  let n = 0;
  const next = (): CoreCommand => {
    n++;
    const roll = rnd();
    const queued = placedCount - oldest;
    if (queued >= quoteLifetime || (queued > 0 && roll < 0.2)) {
      const target = queue[oldest++ % quoteLifetime]!;
      return { type: "CancelOrder", commandId: `x${n}`, ...target };
    }
    const target = queued > 0 ? queue[(oldest + Math.floor(rnd() * queued)) % quoteLifetime] : undefined;
    if (target && roll < 0.25) {
      return { type: "AmendOrder", commandId: `x${n}`, ...target, qty: 1 };
    }
    if (target && roll < 0.3) {
      return {
        type: "ReplaceOrder",
        commandId: `x${n}`,
        ...target,
        price: 1_900 + Math.floor(rnd() * 200),
        qty: 2,
      };
    }
    const accountId = `acct${Math.floor(rnd() * accounts)}`;
    const side = rnd() < 0.5 ? "buy" : "sell";
    const clientOrderId = `o${n}`;
    queue[placedCount++ % quoteLifetime] = { accountId, clientOrderId };
    return {
      type: "PlaceOrder",
      commandId: `x${n}`,
      accountId,
      clientOrderId,
      symbol: symbols[Math.floor(rnd() * products)]!,
      side,
      orderType: "limit",
      price: 1_950 + Math.floor(rnd() * 100) + (side === "buy" ? -20 : 20),
      qty: 1 + Math.floor(rnd() * 10),
      tif: rnd() < 0.1 ? "IOC" : "GTC",
    };
  };
  return { setup, next };
}
