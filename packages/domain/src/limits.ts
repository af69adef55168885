// Every bound of the domain in one place (TigerBeetle style: a limit on everything, units last).

/** Largest price in ticks. With tick 0.01 that is 10^10 per GPU-hour: far above any real price,
 * and small enough that ticks × tickMinorUnits stays a safe integer before the bigint notional. */
export const priceTicksMax = 1_000_000_000_000;

/** Largest quantity of one order or position in lots (GPUs). Product specs must stay below it. */
export const lotsMax = 1_000_000_000;

/** Decimal strings at the edges: at most this many digits before and after the point. */
export const decimalIntegerDigitsMax = 18;
export const decimalFractionDigitsMax = 18;

/** Identifiers (accounts, orders, client order ids, commands): length bound. */
export const idLengthMax = 64;

/** Fee rates are basis points; a fee outside this range is a data error, not a business choice. */
export const feeBpsMin = -100;
export const feeBpsMax = 1_000;

/** Cached tick sizes: the reference data has a handful; the bound keeps a misuse from leaking. */
export const tickCacheSizeMax = 64;
