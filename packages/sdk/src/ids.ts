// Ids the SDK makes up on the client's behalf: client order ids and Idempotency-Keys. Random, so
// several processes sharing a key never collide, and of the characters both the domain's id
// grammar and the gateway's Idempotency-Key grammar accept.
import { randomBytes } from "node:crypto";

/** "c" and 20 hex digits: a valid domain id, unique without coordination. */
export function newClientOrderId(): string {
  return `c${randomBytes(10).toString("hex")}`;
}

export function newIdempotencyKey(): string {
  return randomBytes(16).toString("hex");
}

/** Fills in the client order id of a new order when the caller left it out. */
export function withClientOrderId<T extends { readonly clientOrderId?: string }>(
  order: T,
): T & { clientOrderId: string } {
  return { ...order, clientOrderId: order.clientOrderId ?? newClientOrderId() };
}
