// Decimal strings at the edge, integers inside: every conversion between the wire and the core
// goes through here, exactly, with the domain's decimal.js helpers (never a float).
import {
  amountToMinor,
  DomainError,
  minorToAmount,
  parseSymbol,
  priceToTicks,
  type ReferenceData,
  type ResolvedProductSpec,
  resolveProductSpec,
  ticksToPrice,
} from "@ghx/domain";
import { ApiProblem } from "./problem.ts";

/** Product specs resolved from reference data, per symbol (bounded: symbols come from clients). */
const specCacheEntriesMax = 10_000;
/** Conversions remembered per tick size (bounded: prices come from clients). */
const conversionCacheEntriesMax = 65_536;

/**
 * Remembers an exact conversion's results: orders cluster on few price levels, and the decimal
 * arithmetic behind each conversion cost ~2 µs and ~1 KB of garbage per order. Refusals are
 * not remembered (they throw).
 */
class ConversionCache<K, V> {
  private readonly byTick = new Map<string, Map<K, V>>();

  get(tick: string, key: K, convert: () => V): V {
    let values = this.byTick.get(tick);
    if (values === undefined) {
      values = new Map();
      this.byTick.set(tick, values);
    }
    let value = values.get(key);
    if (value === undefined) {
      value = convert();
      if (values.size >= conversionCacheEntriesMax) values.clear();
      values.set(key, value);
    }
    return value;
  }
}

export class Market {
  private readonly specs = new Map<string, ResolvedProductSpec>();
  private readonly ticksOfPrice = new ConversionCache<string, number>();
  private readonly priceOfTicks = new ConversionCache<number, string>();

  constructor(readonly referenceData: ReferenceData) {}

  /**
   * The product's spec from the symbol grammar and reference data; UNKNOWN_PRODUCT otherwise.
   * `prefix` locates the command in a batch (`3.data.`); field names are built only on refusal.
   */
  spec(symbol: string, field = "symbol", prefix = ""): ResolvedProductSpec {
    const cached = this.specs.get(symbol);
    if (cached) return cached;
    let spec: ResolvedProductSpec;
    try {
      spec = resolveProductSpec(parseSymbol(symbol, this.referenceData), this.referenceData);
    } catch (error) {
      throw asProblem(error, `${prefix}${field}`);
    }
    if (this.specs.size >= specCacheEntriesMax) this.specs.clear();
    this.specs.set(symbol, spec);
    return spec;
  }

  priceToTicks(symbol: string, price: string, field = "price", prefix = ""): number {
    const { tick } = this.spec(symbol, "symbol", prefix);
    try {
      return this.ticksOfPrice.get(tick, price, () => priceToTicks(price, tick));
    } catch (error) {
      throw asProblem(error, `${prefix}${field}`);
    }
  }

  ticksToPrice(symbol: string, ticks: number): string {
    const { tick } = this.spec(symbol);
    return this.priceOfTicks.get(tick, ticks, () => ticksToPrice(ticks, tick));
  }

  currencyDecimals(currency: string, field = "currency"): number {
    const known = this.referenceData.currencies.get(currency);
    if (!known) throw new ApiProblem("INVALID_AMOUNT", `unknown currency ${currency}`, field);
    return known.decimals;
  }

  /** A positive amount in minor units that the core accepts (a safe integer). */
  amountToMinor(currency: string, amount: string, field = "amount"): number {
    let minor: bigint;
    try {
      minor = amountToMinor(amount, this.currencyDecimals(currency));
    } catch (error) {
      throw asProblem(error, field);
    }
    if (minor <= 0n || minor > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new ApiProblem(
        "INVALID_AMOUNT",
        `amount ${amount} must be above zero and below 2^53 minor units`,
        field,
      );
    }
    return Number(minor);
  }

  minorToAmount(currency: string, minor: number): string {
    const known = this.referenceData.currencies.get(currency);
    return minorToAmount(BigInt(minor), known?.decimals ?? 0);
  }
}

function asProblem(error: unknown, field: string): Error {
  if (error instanceof ApiProblem) return error;
  if (error instanceof DomainError) return new ApiProblem(error.rejectCode, error.message, field);
  return error as Error;
}
