// Prices on the wire: decimal strings by the domain's exact conversion, never floats. A product's
// tick is its tickMinor minor units of its currency (tick 1 in CNY = "0.01").
import { defaultReferenceData, minorToAmount, type ProductSpec, ticksToPrice } from "@ghx/domain";

/** Distinct prices cached per product; the cache is dropped when full (prices cluster near the touch). */
const priceCacheSizeMax = 4_096;

export class PriceFormat {
  readonly tick: string;
  private readonly cache = new Map<number, string>();

  constructor(spec: Pick<ProductSpec, "tickMinor" | "currency">) {
    const currency = defaultReferenceData().currencies.get(spec.currency);
    if (!currency) throw new Error(`unknown currency ${spec.currency}`);
    this.tick = minorToAmount(BigInt(spec.tickMinor), currency.decimals);
  }

  price(ticks: number): string {
    let text = this.cache.get(ticks);
    if (text === undefined) {
      if (this.cache.size >= priceCacheSizeMax) this.cache.clear();
      text = ticksToPrice(ticks, this.tick);
      this.cache.set(ticks, text);
    }
    return text;
  }
}
