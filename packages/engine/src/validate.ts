// Field checks of commands, independent of book state. Each returns the reject code of the first
// problem found, or undefined. State checks (unknown or duplicate id, post-only, liquidity) are
// the book's job.
import type { RejectCode } from "@ghx/domain";
import type { PlaceOrder } from "./types.ts";

export const SIDES = ["buy", "sell"] as const;
/** A side's index in SIDES, as the order pool and the price levels store it. */
export const sideIndex = (side: (typeof SIDES)[number]): 0 | 1 => (side === "buy" ? 0 : 1);
export const TIFS = ["GTC", "GTD", "IOC", "FOK"] as const;
export const STP_MODES = ["cancel_newest", "cancel_oldest", "cancel_both", "decrement"] as const;
export const TIF_GTC = 0;
export const TIF_GTD = 1;
export const TIF_IOC = 2;
export const TIF_FOK = 3;

/** Ids, account ids, STP groups and times: non-negative safe integers. */
export function isId(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

export function checkPrice(price: unknown, maxTick: number): RejectCode | undefined {
  if (typeof price !== "number" || !Number.isFinite(price)) return "INVALID_PRICE";
  if (!Number.isInteger(price)) return "PRICE_NOT_ON_TICK";
  if (price < 1 || price > maxTick) return "INVALID_PRICE";
  return undefined;
}

export function checkQty(qty: unknown, maxQty: number): RejectCode | undefined {
  if (!Number.isSafeInteger(qty) || (qty as number) <= 0) return "INVALID_QUANTITY";
  if ((qty as number) > maxQty) return "QUANTITY_ABOVE_MAX";
  return undefined;
}

export interface Limits {
  readonly maxTick: number;
  readonly maxQty: number;
  readonly defaultCollarTicks: number;
}

/** Field checks of a place command, in a fixed order (the first failing check names the code). */
export function checkPlace(cmd: PlaceOrder, limits: Limits): RejectCode | undefined {
  if (!isId(cmd.orderId) || !isId(cmd.accountId)) return "INVALID_COMMAND";
  if (cmd.stpGroup !== undefined && !isId(cmd.stpGroup)) return "INVALID_COMMAND";
  if (cmd.side !== "buy" && cmd.side !== "sell") return "INVALID_COMMAND";
  const type = cmd.orderType ?? "limit";
  if (type !== "limit" && type !== "market") return "INVALID_COMMAND";
  if (cmd.stpMode !== undefined && !STP_MODES.includes(cmd.stpMode)) return "INVALID_COMMAND";
  if (cmd.postOnly !== undefined && typeof cmd.postOnly !== "boolean") return "INVALID_COMMAND";
  if (type === "market" && cmd.postOnly === true) return "INVALID_COMMAND";
  const tifCode = checkTif(cmd, type);
  if (tifCode !== undefined) return tifCode;
  const qtyCode = checkQty(cmd.qty, limits.maxQty);
  if (qtyCode !== undefined) return qtyCode;
  if (type === "limit") return checkPrice(cmd.price, limits.maxTick);
  if (cmd.collarTicks !== undefined && !isId(cmd.collarTicks)) return "INVALID_COMMAND";
  return undefined;
}

function checkTif(cmd: PlaceOrder, type: "limit" | "market"): RejectCode | undefined {
  const tif = cmd.tif ?? (type === "market" ? "IOC" : "GTC");
  if (!TIFS.includes(tif)) return "INVALID_TIME_IN_FORCE";
  const immediate = tif === "IOC" || tif === "FOK";
  if (type === "market" && !immediate) return "INVALID_TIME_IN_FORCE";
  if (cmd.postOnly === true && immediate) return "INVALID_TIME_IN_FORCE";
  if (tif !== "GTD") return undefined;
  if (!isId(cmd.expiry)) return "INVALID_COMMAND";
  return cmd.expiry <= cmd.time ? "EXPIRY_IN_PAST" : undefined;
}

/** Resolved numeric fields of a valid place command. */
export function tifIndex(cmd: PlaceOrder): number {
  const tif = cmd.tif ?? (cmd.orderType === "market" ? "IOC" : "GTC");
  return tif === "GTC" ? TIF_GTC : tif === "GTD" ? TIF_GTD : tif === "IOC" ? TIF_IOC : TIF_FOK;
}

export function stpIndex(cmd: PlaceOrder): number {
  const mode = cmd.stpMode;
  return mode === undefined || mode === "cancel_newest"
    ? 0
    : mode === "cancel_oldest"
      ? 1
      : mode === "cancel_both"
        ? 2
        : 3;
}
