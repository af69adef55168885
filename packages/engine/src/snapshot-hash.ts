// The book hash: sha256 over a canonical encoding of a snapshot. Every number is written as a
// little-endian float64 (all fields are safe integers, so the encoding is exact and the same on
// every platform): a header [version, maxTick, maxQty, defaultCollarTicks, order count], then per
// order, in snapshot order, [orderId, accountId, stpGroup, side, price, remaining, tif, expiry,
// postOnly, stpMode, time] with side/tif/stpMode as their index in SIDES/TIFS/STP_MODES.
import { createHash } from "node:crypto";
import type { BookSnapshot } from "./types.ts";
import { SIDES, STP_MODES, TIFS } from "./validate.ts";

const HEADER_FIELDS = 5;
const ORDER_FIELDS = 11;

export function hashSnapshot(snapshot: BookSnapshot): string {
  const values = new Float64Array(HEADER_FIELDS + ORDER_FIELDS * snapshot.orders.length);
  values.set([
    snapshot.version,
    snapshot.maxTick,
    snapshot.maxQty,
    snapshot.defaultCollarTicks,
    snapshot.orders.length,
  ]);
  let offset = HEADER_FIELDS;
  for (const order of snapshot.orders) {
    values.set(
      [
        order.orderId,
        order.accountId,
        order.stpGroup,
        SIDES.indexOf(order.side),
        order.price,
        order.remaining,
        TIFS.indexOf(order.tif),
        order.expiry,
        order.postOnly ? 1 : 0,
        STP_MODES.indexOf(order.stpMode),
        order.time,
      ],
      offset,
    );
    offset += ORDER_FIELDS;
  }
  const bytes = new DataView(new ArrayBuffer(values.length * 8));
  for (let index = 0; index < values.length; index++) bytes.setFloat64(index * 8, values[index]!, true);
  return createHash("sha256").update(new Uint8Array(bytes.buffer)).digest("hex");
}
