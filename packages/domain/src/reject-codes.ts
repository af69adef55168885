import { z } from "zod";

// The stable reject codes of GHX. Clients key on the string; the number orders them by the stage
// that produces them (as in exchange-core): 1xxx validation, 2xxx risk, 3xxx matching,
// 4xxx accounts and auth, 5xxx market state, 9xxx system. Never renumber or reuse a code.

export const rejectCodes = {
  // 1xxx validation: the command is malformed or outside the product's specs.
  INVALID_COMMAND: 1001,
  INVALID_PRICE: 1002,
  INVALID_QUANTITY: 1003,
  PRICE_NOT_ON_TICK: 1004,
  QUANTITY_BELOW_MIN: 1005,
  QUANTITY_ABOVE_MAX: 1006,
  UNKNOWN_PRODUCT: 1007,
  INVALID_TIME_IN_FORCE: 1008,
  EXPIRY_IN_PAST: 1009,
  UNKNOWN_SYMBOL_FORMAT: 1010,
  INVALID_AMOUNT: 1011,

  // 2xxx risk: the account cannot afford or is not allowed this exposure.
  INSUFFICIENT_FUNDS: 2001,
  CAPACITY_EXCEEDED: 2002,
  PRICE_OUT_OF_BAND: 2003,
  ORDER_SIZE_LIMIT: 2004,
  POSITION_LIMIT: 2005,
  INSUFFICIENT_MARGIN: 2006,
  OPEN_ORDERS_LIMIT: 2007,
  VOUCHER_NOT_ALLOWED: 2008,

  // 3xxx matching: the book refuses the order as asked.
  DUPLICATE_ORDER_ID: 3001,
  DUPLICATE_CLIENT_ID: 3002,
  ORDER_NOT_FOUND: 3003,
  POST_ONLY_WOULD_TAKE: 3004,
  FOK_NOT_FILLABLE: 3005,
  NO_LIQUIDITY: 3006,
  AMEND_NOT_DOWN: 3007,
  SELF_TRADE_PREVENTED: 3008,

  // 4xxx accounts and auth.
  UNKNOWN_ACCOUNT: 4001,
  ACCOUNT_EXISTS: 4002,
  ACCOUNT_BLOCKED: 4003,
  CAPABILITY_MISSING: 4004,
  NOT_ORDER_OWNER: 4005,
  UNKNOWN_API_KEY: 4006,
  API_KEY_EXISTS: 4007,
  INSUFFICIENT_BALANCE: 4008,

  // 5xxx market state.
  MARKET_CLOSED: 5001,
  MARKET_HALTED: 5002,
  PRODUCT_EXISTS: 5003,
  INVALID_STATE_TRANSITION: 5004,

  // 9xxx system.
  DUPLICATE_COMMAND: 9001,
  INTERNAL_ERROR: 9002,
} as const;

export type RejectCode = keyof typeof rejectCodes;

export const rejectCodeList = Object.keys(rejectCodes) as RejectCode[];
export const rejectCodeSchema = z.enum(rejectCodeList);

export function isRejectCode(value: string): value is RejectCode {
  return Object.hasOwn(rejectCodes, value);
}
