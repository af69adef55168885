// The book checksum (README, "Checksum"): CRC32 (IEEE, node:zlib) of the top `checksumLevels`
// levels, interleaved best bid, best ask, second bid, second ask, ...: each present level adds
// "price:qty" (price as its wire decimal string, qty in lots) and the parts are joined with ":".
// An empty book is the CRC32 of the empty string, 0.
import { crc32 } from "node:zlib";
import { checksumLevels } from "../limits.ts";

/** A level as it goes on the wire: [price, qty, orders]. */
export type WireLevel = readonly [price: string, qty: number, count: number];

export function checksumText(bids: readonly WireLevel[], asks: readonly WireLevel[]): string {
  const parts: string[] = [];
  for (let i = 0; i < checksumLevels; i++) {
    const bid = bids[i];
    const ask = asks[i];
    if (bid) parts.push(bid[0], String(bid[1]));
    if (ask) parts.push(ask[0], String(ask[1]));
  }
  return parts.join(":");
}

export function bookChecksum(bids: readonly WireLevel[], asks: readonly WireLevel[]): number {
  return crc32(checksumText(bids, asks));
}
