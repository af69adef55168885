// Properties over random command streams (fast-check): the invariants hold after every command
// (cash and vouchers conserved per currency, no negative balance, Σ positions = 0 per product,
// capacity never exceeded), replay gives byte-identical events and the same state hash, and a
// snapshot taken midway and restored continues exactly like the uninterrupted run.
import type { CoreCommand } from "@ghx/domain";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  applyCommand,
  type CoreState,
  checkInvariants,
  encodeSnapshot,
  initialState,
  restoreState,
  snapshotState,
} from "../src/index.ts";
import { future, hourly, t0 } from "./spec.ts";

const daily = hourly({
  symbol: "H100.WUHU.20261124",
  kind: "daily",
  deliveryFrom: Date.UTC(2026, 10, 24),
  deliveryTo: Date.UTC(2026, 10, 25),
  maxLots: 20,
});
const band = { bandLowTicks: 90, bandHighTicks: 140 };
const products = [
  hourly({ maxLots: 20, makerFeeBps: -5, ...band }),
  { ...daily, ...band },
  future({ maxLots: 20, ...band }),
];
const symbols = products.map((p) => p.symbol);
// Owners: "acme" has a provider and a trader (STP must keep them apart).
const accounts: [string, string, ("trade" | "provide")[]][] = [
  ["p1", "acme", ["trade", "provide"]],
  ["t1", "acme", ["trade"]],
  ["p2", "beta", ["trade", "provide"]],
  ["t2", "gamma", ["trade"]],
  ["t3", "delta", ["trade"]],
];
const accountIds = accounts.map(([id]) => id);

function setup(): Omit<CoreCommand, "commandId">[] {
  return [
    ...products.map((product) => ({ type: "ListProduct" as const, product, open: true })),
    ...accounts.map(([accountId, owner, capabilities]) => ({
      type: "CreateAccount" as const,
      accountId,
      owner,
      capabilities,
    })),
    ...accountIds.map((accountId) => ({
      type: "Deposit" as const,
      accountId,
      currency: "CNY",
      amount: 2_000_000,
    })),
    ...["p1", "p2"].map((accountId) => ({
      type: "DeclareCapacity" as const,
      accountId,
      accelerator: "H100",
      zone: "WUHU",
      gpus: 12,
      from: Date.UTC(2026, 10, 24),
      to: Date.UTC(2026, 10, 25),
    })),
  ];
}
const setupLength = setup().length;

const accountArb = fc.constantFrom(...accountIds);
const symbolArb = fc.constantFrom(...symbols);
const clientIdArb = fc.constantFrom("a", "b", "c", "d");
const priceArb = fc.integer({ min: 90, max: 130 });
const qtyArb = fc.integer({ min: 1, max: 8 });

const commandArb: fc.Arbitrary<Omit<CoreCommand, "commandId">> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .record({
        type: fc.constant("PlaceOrder" as const),
        accountId: accountArb,
        clientOrderId: clientIdArb,
        symbol: symbolArb,
        side: fc.constantFrom("buy" as const, "sell" as const),
        orderType: fc.constantFrom("limit" as const, "limit" as const, "market" as const),
        price: priceArb,
        qty: qtyArb,
        tif: fc.constantFrom("GTC" as const, "GTD" as const, "IOC" as const, "FOK" as const),
        expiryOffsetMs: fc.integer({ min: 1, max: 60_000 }),
        stpMode: fc.constantFrom(
          "cancel_newest" as const,
          "cancel_oldest" as const,
          "cancel_both" as const,
          "decrement" as const,
        ),
      })
      .map(({ expiryOffsetMs, ...c }) => {
        if (c.orderType === "market") {
          const tif = c.tif === "FOK" ? c.tif : ("IOC" as const);
          return { ...c, price: undefined, tif };
        }
        // GTD expiries land inside the stream's time span: some expire, some are already past.
        return c.tif === "GTD" ? { ...c, expiry: t0 + expiryOffsetMs } : c;
      }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant("CancelOrder" as const),
      accountId: accountArb,
      clientOrderId: clientIdArb,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant("AmendOrder" as const),
      accountId: accountArb,
      clientOrderId: clientIdArb,
      qty: qtyArb,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant("ReplaceOrder" as const),
      accountId: accountArb,
      clientOrderId: clientIdArb,
      price: priceArb,
      qty: qtyArb,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant("Deposit" as const),
      accountId: accountArb,
      currency: fc.constant("CNY"),
      amount: fc.integer({ min: 1, max: 200_000_000 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant("Withdraw" as const),
      accountId: accountArb,
      currency: fc.constant("CNY"),
      amount: fc.integer({ min: 1, max: 50_000_000 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant("IssueVoucher" as const),
      accountId: accountArb,
      currency: fc.constant("CNY"),
      amount: fc.integer({ min: 1, max: 5_000 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant("PostBond" as const),
      accountId: accountArb,
      currency: fc.constant("CNY"),
      amount: fc.integer({ min: 1, max: 1_000 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant("DeclareCapacity" as const),
      accountId: accountArb,
      accelerator: fc.constant("H100"),
      zone: fc.constant("WUHU"),
      gpus: fc.integer({ min: 1, max: 6 }),
      from: fc.constant(Date.UTC(2026, 10, 24)),
      to: fc.constant(Date.UTC(2026, 10, 25)),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record(
      {
        type: fc.constant("MassCancel" as const),
        accountId: accountArb,
        side: fc.constantFrom("buy", "sell"),
      },
      { requiredKeys: ["type", "accountId"] },
    ),
  },
  { weight: 1, arbitrary: fc.record({ type: fc.constant("ExpireOrders" as const) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant("KillSwitch" as const),
      accountId: accountArb,
      block: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant("SetTradingState" as const),
      symbol: symbolArb,
      state: fc.constantFrom("halted" as const, "open" as const, "open" as const, "closed" as const),
    }),
  },
);

function stamp(
  commands: Omit<CoreCommand, "commandId">[],
  retryEvery: number,
): { seq: number; ts: number; command: CoreCommand }[] {
  return commands.map((command, i) => ({
    seq: i + 1,
    ts: t0 + i * 250,
    // Every retryEvery-th command reuses an earlier command id: it must change nothing.
    command: {
      ...command,
      commandId: i > setupLength && i % retryEvery === 0 ? `c${i - 1}` : `c${i}`,
    } as CoreCommand,
  }));
}

function runAll(state: CoreState, stream: ReturnType<typeof stamp>, check: boolean): string[] {
  return stream.map((sequenced) => {
    const applied = applyCommand(state, sequenced);
    if (check) checkInvariants(state);
    return JSON.stringify(applied);
  });
}

const streamArb = fc.tuple(
  fc.array(commandArb, { minLength: 60, maxLength: 250 }),
  fc.integer({ min: 3, max: 40 }),
);

describe("random command streams", () => {
  it("keep every invariant after every command", () => {
    fc.assert(
      fc.property(streamArb, ([commands, retryEvery]) => {
        runAll(initialState(), stamp([...setup(), ...commands], retryEvery), true);
      }),
      { numRuns: 200 },
    );
  });

  it("replay to identical event bytes and state hash", () => {
    fc.assert(
      fc.property(streamArb, ([commands, retryEvery]) => {
        const stream = stamp([...setup(), ...commands], retryEvery);
        const first = initialState();
        const second = initialState();
        expect(runAll(second, stream, false)).toEqual(runAll(first, stream, false));
        expect(encodeSnapshot(second).hash).toBe(encodeSnapshot(first).hash);
      }),
      { numRuns: 60 },
    );
  });

  it("continue after snapshot + restore exactly like the uninterrupted run", () => {
    fc.assert(
      fc.property(streamArb, fc.nat(), ([commands, retryEvery], cut) => {
        const stream = stamp([...setup(), ...commands], retryEvery);
        const at = cut % stream.length;
        const straight = initialState();
        const straightEvents = runAll(straight, stream, false);
        const before = initialState();
        const head = runAll(before, stream.slice(0, at), false);
        const restored = restoreState(JSON.parse(JSON.stringify(snapshotState(before))));
        expect(encodeSnapshot(restored).hash).toBe(encodeSnapshot(before).hash);
        const tail = runAll(restored, stream.slice(at), false);
        expect([...head, ...tail]).toEqual(straightEvents);
        expect(encodeSnapshot(restored).hash).toBe(encodeSnapshot(straight).hash);
      }),
      { numRuns: 60 },
    );
  });

  it("exercise matching, expiry and replaces, not only rejects", () => {
    const outputs = fc
      .sample(streamArb, { numRuns: 20, seed: 7 })
      .map(([commands, retryEvery]) =>
        runAll(initialState(), stamp([...setup(), ...commands], retryEvery), false).join("\n"),
      );
    const streamsWith = (type: string) =>
      outputs.filter((output) => output.includes(`"type":"${type}"`)).length;
    expect(streamsWith("TradeExecuted")).toBeGreaterThanOrEqual(10);
    expect(streamsWith("OrderExpired")).toBeGreaterThanOrEqual(1);
    expect(streamsWith("OrderReplaced")).toBeGreaterThanOrEqual(5);
  });
});
