// Pre-trade risk: what an order must hold and whether the account may take the exposure.
import type { RejectCode, Side } from "@ghx/domain";
import { capacityAllows, potentialShort } from "./capacity.ts";
import { feeMinor, marginMinor, notionalMinor } from "./money.ts";
import type { Account, Position, Product } from "./state.ts";

export interface Hold {
  /** Cash and vouchers per open lot (notional or margin, plus the maximum fee). */
  readonly holdPerLot: number;
  /** Notional per lot at the limit: the most vouchers a lot may use (physical buys). */
  readonly notionalPerLot: number;
  readonly marginPerLot: number;
}

/**
 * Per-lot hold. A buy fills at or below its limit, so notional and fee at the limit bound it; a
 * sell fills at or above its limit, so its fee (and futures margin) is bounded at the band's top.
 */
export function holdFor(product: Product, side: Side, price: number): Hold {
  const { spec } = product;
  const boundPrice = side === "buy" ? price : spec.bandHighTicks;
  const lotNotional = notionalMinor(boundPrice, product.lotTickMinor, 1);
  const feePerLot = Math.max(0, feeMinor(lotNotional, Math.max(spec.makerFeeBps, spec.takerFeeBps)));
  if (!product.physical) {
    const marginPerLot = marginMinor(lotNotional, spec.marginBps);
    return { holdPerLot: marginPerLot + feePerLot, notionalPerLot: 0, marginPerLot };
  }
  if (side === "sell") return { holdPerLot: feePerLot, notionalPerLot: 0, marginPerLot: 0 };
  return { holdPerLot: lotNotional + feePerLot, notionalPerLot: lotNotional, marginPerLot: 0 };
}

/** Worst-case position if every open order on `side` (plus `extra` lots) filled. */
export function positionLimitBreached(
  product: Product,
  position: Position,
  side: Side,
  extra: number,
): boolean {
  const worst =
    side === "buy"
      ? position.qty + position.openBidLots + extra
      : -position.qty + position.openAskLots + extra;
  return worst > product.spec.positionLimitLots;
}

/** Physical sells may not draw more from declared capacity than the provider declared. */
export function capacityBreached(
  account: Account,
  product: Product,
  position: Position,
  extraAsks: number,
): boolean {
  if (!product.physical) return false;
  const delta = potentialShort(position, extraAsks) - position.potentialShortLots;
  return !capacityAllows(account, product, delta);
}

/**
 * The cash and vouchers `lots` at `hold` take from the account. Vouchers pay first, only for
 * physical notional. Returns the reject code when the account cannot afford it.
 */
export function fundHold(
  available: number,
  voucherAvailable: number,
  hold: Hold,
  lots: number,
  physical: boolean,
): { cash: number; vouchers: number } | RejectCode {
  // Safe: ListProduct admits only products whose largest order notional (×2) is a safe integer.
  const total = hold.holdPerLot * lots;
  const vouchers = physical ? Math.min(voucherAvailable, hold.notionalPerLot * lots) : 0;
  const cash = total - vouchers;
  if (cash > available) return physical ? "INSUFFICIENT_FUNDS" : "INSUFFICIENT_MARGIN";
  return { cash, vouchers };
}
