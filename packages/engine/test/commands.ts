// fast-check generators of engine command streams: 8 distinct prices (crossings are frequent),
// few accounts in few STP groups, order ids from a small pool (so duplicates, unknown ids and
// reused ids all happen), every command kind, and now and then an invalid field.
import fc from "fast-check";
import type { EngineCommand, OrderType, PlaceOrder, TimeInForce } from "../src/index.ts";

/** A price ladder and the book limits that go with it. */
export interface Market {
  readonly limits: { readonly maxTick: number; readonly maxQty: number; readonly defaultCollarTicks: number };
  readonly ladder: readonly number[];
}

/** Eight adjacent ticks. */
export const TINY: Market = {
  limits: { maxTick: 8, maxQty: 20, defaultCollarTicks: 1 },
  ladder: [1, 2, 3, 4, 5, 6, 7, 8],
};

/** Eight ticks on both sides of the engine's 32-tick page boundaries, up to maxTick. */
export const PAGED: Market = {
  limits: { maxTick: 97, maxQty: 20, defaultCollarTicks: 1 },
  ladder: [1, 30, 31, 32, 33, 63, 64, 97],
};

// Order ids are given out in sequence by `resolve`: a place takes a fresh id (or, 1 in 16, an old
// one: duplicates and reused ids), other commands target one of the last few ids.
const orderId = fc.nat({ max: 15 });
const accountId = fc.integer({ min: 1, max: 4 });
// Mostly valid prices (a rung 1-8 of the ladder; 9 stands for maxTick + 1) and quantities; the
// rest hit the validation paths.
const price = fc.oneof(
  { weight: 20, arbitrary: fc.integer({ min: 1, max: 8 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, 9, 2.5, Number.NaN) },
);
const qty = fc.oneof(
  { weight: 20, arbitrary: fc.integer({ min: 1, max: 6 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, -1, 1.5, 21) },
);

/** Mostly valid time in force for the order type, 2% of the time an invalid pairing. */
function pickTif(orderType: OrderType, pick: number): TimeInForce | undefined {
  if (pick < 2) return orderType === "market" ? "GTC" : undefined;
  if (orderType === "market") return pick < 50 ? "IOC" : pick < 80 ? "FOK" : undefined;
  return pick < 45 ? "GTC" : pick < 70 ? "GTD" : pick < 82 ? "IOC" : pick < 92 ? "FOK" : undefined;
}

type Timeless<T> = T extends unknown ? Omit<T, "time"> : never;
type Step = { readonly advance: number; readonly command: Timeless<EngineCommand> };

const place = fc
  .record({
    orderId,
    accountId,
    side: fc.constantFrom("buy" as const, "sell" as const),
    orderType: fc.constantFrom("limit" as const, "limit" as const, "limit" as const, "market" as const),
    price,
    qty,
    tifPick: fc.nat({ max: 99 }),
    lifetime: fc.integer({ min: -1, max: 12 }),
    postOnly: fc.boolean(),
    stpMode: fc.constantFrom("cancel_newest", "cancel_oldest", "cancel_both", "decrement", undefined),
    collarTicks: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
  })
  .map(({ lifetime, postOnly, tifPick, ...fields }) => ({
    ...fields,
    tif: pickTif(fields.orderType, tifPick),
    type: "place" as const,
    // Accounts 1-2 share STP group 1, 3 has group 2, 4 has none.
    stpGroup: fields.accountId <= 2 ? 1 : fields.accountId === 3 ? 2 : 0,
    // Post-only on an immediate order is invalid: keep that rare.
    postOnly:
      postOnly &&
      (tifPick < 2 ||
        (fields.orderType === "limit" &&
          pickTif("limit", tifPick) !== "IOC" &&
          pickTif("limit", tifPick) !== "FOK")),
    lifetime,
  }));

const step: fc.Arbitrary<Step> = fc.record({
  advance: fc.constantFrom(0, 0, 1, 1, 2, 5),
  command: fc.oneof(
    { weight: 10, arbitrary: place },
    { weight: 3, arbitrary: fc.record({ type: fc.constant("cancel" as const), orderId }) },
    { weight: 3, arbitrary: fc.record({ type: fc.constant("replace" as const), orderId, price, qty }) },
    { weight: 2, arbitrary: fc.record({ type: fc.constant("amend" as const), orderId, qty }) },
    {
      weight: 1,
      arbitrary: fc.record(
        {
          type: fc.constant("mass_cancel" as const),
          accountId,
          side: fc.constantFrom("buy" as const, "sell" as const),
        },
        { requiredKeys: ["type", "accountId"] },
      ),
    },
    { weight: 1, arbitrary: fc.record({ type: fc.constant("expire" as const) }) },
  ),
});

/** Gives every step its order id, price, time (non-decreasing, rarely invalid), GTD expiry. */
function resolve(steps: readonly Step[], market: Market): EngineCommand[] {
  let time = 1;
  let lastId = 0;
  const onLadder = (rung: number) =>
    !Number.isInteger(rung) || rung < 1
      ? rung
      : rung > 8
        ? market.limits.maxTick + 1
        : market.ladder[rung - 1]!;
  return steps.map(({ advance, command: step }) => {
    time += advance;
    const command = "price" in step ? { ...step, price: onLadder(step.price!) } : step;
    if (command.type === "mass_cancel" || command.type === "expire") return { ...command, time };
    const pick = command.orderId;
    if (command.type !== "place") return { ...command, orderId: Math.max(1, lastId - (pick % 8)), time };
    const orderId = pick === 0 && lastId > 0 ? 1 + ((lastId * 7) % lastId) : ++lastId;
    const { lifetime, type, ...order } = command as PlaceOrder & { lifetime: number; type: "place" };
    const expiry = order.tif === "GTD" ? time + lifetime : undefined;
    return { ...order, orderId, type, expiry, time: lifetime === -1 && advance === 5 ? -1 : time };
  });
}

export const commandStream = (maxLength: number, market: Market = TINY): fc.Arbitrary<EngineCommand[]> =>
  fc.array(step, { minLength: 1, maxLength, size: "max" }).map((steps) => resolve(steps, market));
