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

export class Market {
  private readonly specs = new Map<string, ResolvedProductSpec>();

  constructor(readonly referenceData: ReferenceData) {}

  /** The product's spec from the symbol grammar and reference data; UNKNOWN_PRODUCT otherwise. */
  spec(symbol: string, field = "symbol"): ResolvedProductSpec {
    const cached = this.specs.get(symbol);
    if (cached) return cached;
    let spec: ResolvedProductSpec;
    try {
      spec = resolveProductSpec(parseSymbol(symbol, this.referenceData), this.referenceData);
    } catch (error) {
      throw asProblem(error, field);
    }
    if (this.specs.size >= specCacheEntriesMax) this.specs.clear();
    this.specs.set(symbol, spec);
    return spec;
  }

  priceToTicks(symbol: string, price: string, field = "price"): number {
    const spec = this.spec(symbol);
    try {
      return priceToTicks(price, spec.tick);
    } catch (error) {
      throw asProblem(error, field);
    }
  }

  ticksToPrice(symbol: string, ticks: number): string {
    return ticksToPrice(ticks, this.spec(symbol).tick);
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
