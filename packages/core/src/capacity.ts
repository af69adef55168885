// Provider capacity: a provider's potential short in a physical product (open asks beyond its long)
// draws on the GPUs it declared for every hour of the product's delivery period. Hours are the
// unit because an hourly product and the daily block of the same day draw on the same GPUs.
import { hourMs } from "./limits.ts";
import type { Account, Position, Product } from "./state.ts";

export const capacityKeyOf = (accelerator: string, zone: string): string => `${accelerator}.${zone}`;

/** GPUs the account declared for the pool during the hour starting at `hour`. */
export function declaredGpus(account: Account, key: string, hour: number): number {
  let gpus = 0;
  for (const d of account.capacity) {
    if (d.from <= hour && hour < d.to && d.key === key) gpus += d.gpus;
  }
  return gpus;
}

/** Lots the position draws from capacity if `extraAskLots` more were offered. */
export function potentialShort(position: Position, extraAskLots: number): number {
  return Math.max(0, position.openAskLots + extraAskLots - position.qty);
}

/** True when every hour of the product can carry `delta` more committed lots. */
export function capacityAllows(account: Account, product: Product, delta: number): boolean {
  if (delta <= 0) return true;
  const committed = account.committedLots.get(product.capacityKey);
  for (let hour = product.spec.deliveryFrom; hour < product.spec.deliveryTo; hour += hourMs) {
    const used = committed?.get(hour) ?? 0;
    if (used + delta > declaredGpus(account, product.capacityKey, hour)) return false;
  }
  return true;
}

/** Recompute the position's potential short and move the committed hours by the difference. */
export function refreshCommitment(account: Account, product: Product, position: Position): void {
  const next = potentialShort(position, 0);
  const delta = next - position.potentialShortLots;
  if (delta === 0) return;
  position.potentialShortLots = next;
  let committed = account.committedLots.get(product.capacityKey);
  if (!committed) {
    committed = new Map();
    account.committedLots.set(product.capacityKey, committed);
  }
  for (let hour = product.spec.deliveryFrom; hour < product.spec.deliveryTo; hour += hourMs) {
    const lots = (committed.get(hour) ?? 0) + delta;
    if (lots === 0) committed.delete(hour);
    else committed.set(hour, lots);
  }
}
