// The core's reject messages speak its integers (price ticks, minor units); a client sent decimal
// strings and reads them back. This turns the numbers in the messages that carry any into the
// product's prices and the currency's amounts. A message of another shape (or one that cannot be
// converted) gets a plain sentence for its code, so integers never reach clients as prices.
import type { Market } from "./market.ts";

/** Throws when it cannot convert (no product named, unknown product or currency). */
type Render = (parts: readonly string[], market: Market, symbol: string | undefined) => string;

function productOf(symbol: string | undefined): string {
  if (symbol === undefined) throw new Error("no product to convert in");
  return symbol;
}

interface Rewrite {
  readonly pattern: RegExp;
  readonly render: Render;
  readonly fallback: string;
}

const cashPerLot =
  (what: string): Render =>
  ([perLot = "", lots], market, symbol) => {
    const { currency } = market.spec(productOf(symbol));
    return `cannot hold ${market.minorToAmount(currency, Number(perLot))} ${currency}${what} per lot for ${lots} lots`;
  };

const rewrites: Partial<Record<string, Rewrite>> = {
  PRICE_OUT_OF_BAND: {
    pattern: /^price (\d+) outside \[(\d+), (\d+)\]$/,
    render: (ticks, market, symbol) => {
      const [at, low, high] = ticks.map((t) => market.ticksToPrice(productOf(symbol), Number(t)));
      return `price ${at} is outside the product's band [${low}, ${high}]`;
    },
    fallback: "the price is outside the product's band",
  },
  INSUFFICIENT_FUNDS: {
    pattern: /^cannot hold (\d+) × (\d+)$/,
    render: cashPerLot(""),
    fallback: "not enough available cash to hold for the order",
  },
  INSUFFICIENT_MARGIN: {
    pattern: /^cannot hold (\d+) × (\d+)$/,
    render: cashPerLot(" of margin"),
    fallback: "not enough available cash for the order's margin",
  },
  INSUFFICIENT_BALANCE: {
    pattern: /^(\d+) ([A-Z]{3}) available$/,
    render: ([available = "", currency = ""], market) => {
      market.currencyDecimals(currency);
      return `only ${market.minorToAmount(currency, Number(available))} ${currency} available`;
    },
    fallback: "not enough available cash",
  },
};

/**
 * The detail a client reads for a core reject: `message` as the core wrote it, with prices and
 * amounts of `symbol`'s product in decimals.
 */
export function rejectDetail(code: string, message: string, market: Market, symbol?: string): string {
  const rewrite = rewrites[code];
  if (!rewrite) return message;
  const match = rewrite.pattern.exec(message);
  if (!match) return rewrite.fallback;
  try {
    return rewrite.render(match.slice(1), market, symbol);
  } catch {
    return rewrite.fallback;
  }
}
