// Given/When/Then over applyCommand (Emmett-style, no store): given a history of commands, when
// one more arrives, then these events (or this reject). Invariants are checked after every command.
import type { CoreCommand, CoreEvent, ProductSpec, RejectCode } from "@ghx/domain";
import { expect } from "vitest";
import { type Applied, applyCommand, type CoreState, checkInvariants, initialState } from "../src/index.ts";

export const t0 = Date.UTC(2026, 10, 24, 10);
const hour = 3_600_000;

let commandCounter = 0;
let clientCounter = 0;
const nextId = () => `c${++commandCounter}`;

type NoId<C> = C extends CoreCommand ? Omit<C, "commandId"> & { commandId?: string } : never;
export type Given = NoId<CoreCommand>;

export function run(state: CoreState, command: Given, ts = t0): Applied {
  const applied = applyCommand(state, {
    seq: state.lastSeq + 1,
    ts,
    command: { commandId: nextId(), ...command } as CoreCommand,
  });
  checkInvariants(state);
  return applied;
}

export function given(...history: Given[]) {
  const state = initialState();
  for (const command of history) {
    const applied = run(state, command);
    if (applied.outcome.status === "rejected") {
      throw new Error(
        `given ${command.type} was rejected: ${applied.outcome.code} ${applied.outcome.message}`,
      );
    }
  }
  return {
    state,
    when(command: Given, ts = t0) {
      const applied = run(state, command, ts);
      return {
        applied,
        state,
        thenEvents(expected: Partial<CoreEvent>[]) {
          expect(applied.outcome.status).toBe("accepted");
          expect(applied.events).toHaveLength(expected.length);
          for (const [i, event] of applied.events.entries()) expect(event).toMatchObject(expected[i]!);
          return this;
        },
        thenRejects(code: RejectCode) {
          expect(applied.outcome).toMatchObject({ status: "rejected", code });
          expect(applied.events.at(-1)).toMatchObject({ type: "CommandRejected", code });
          return this;
        },
      };
    },
  };
}

// ---- fixtures -------------------------------------------------------------------------------------

export const hourly = (overrides: Partial<ProductSpec> = {}): ProductSpec => ({
  symbol: "H100.WUHU.20261124T14",
  kind: "hourly",
  accelerator: "H100",
  zone: "WUHU",
  currency: "CNY",
  tickMinor: 1,
  hoursPerLot: 1,
  minLots: 1,
  maxLots: 100,
  bandLowTicks: 100,
  bandHighTicks: 10_000,
  makerFeeBps: 10,
  takerFeeBps: 20,
  marginBps: 0,
  positionLimitLots: 1_000,
  deliveryFrom: Date.UTC(2026, 10, 24, 14),
  deliveryTo: Date.UTC(2026, 10, 24, 15),
  ...overrides,
});

export const future = (overrides: Partial<ProductSpec> = {}): ProductSpec =>
  hourly({
    symbol: "H100.WUHU.2027M01",
    kind: "future",
    hoursPerLot: 744,
    marginBps: 1_000,
    deliveryFrom: Date.UTC(2027, 0, 1),
    deliveryTo: Date.UTC(2027, 1, 1),
    ...overrides,
  });

export const listed = (product: ProductSpec = hourly()): Given => ({
  type: "ListProduct",
  product,
  open: true,
});

export const account = (accountId: string, owner = accountId, capabilities = ["trade"] as const): Given => ({
  type: "CreateAccount",
  accountId,
  owner,
  capabilities: [...capabilities],
});

export const provider = (accountId: string, owner = accountId): Given => ({
  type: "CreateAccount",
  accountId,
  owner,
  capabilities: ["trade", "provide"],
});

export const deposit = (accountId: string, amount: number, currency = "CNY"): Given => ({
  type: "Deposit",
  accountId,
  currency,
  amount,
});

export const capacity = (
  accountId: string,
  gpus: number,
  from = Date.UTC(2026, 10, 24),
  hours = 24,
): Given => ({
  type: "DeclareCapacity",
  accountId,
  accelerator: "H100",
  zone: "WUHU",
  gpus,
  from,
  to: from + hours * hour,
});

export const limit = (
  accountId: string,
  side: "buy" | "sell",
  price: number,
  qty: number,
  extra: Partial<Extract<CoreCommand, { type: "PlaceOrder" }>> = {},
): Given => ({
  type: "PlaceOrder",
  accountId,
  clientOrderId: extra.clientOrderId ?? `${accountId}-${++clientCounter}`,
  symbol: hourly().symbol,
  side,
  orderType: "limit",
  price,
  qty,
  tif: "GTC",
  ...extra,
});

/** A listed hourly product, a provider p with 10 GPUs and 10,000 fen, a buyer b with 100,000. */
export const market: Given[] = [
  listed(),
  provider("p"),
  capacity("p", 10),
  deposit("p", 10_000),
  account("b"),
  deposit("b", 100_000),
];
