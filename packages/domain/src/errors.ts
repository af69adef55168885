import type { RejectCode } from "./reject-codes.ts";

/**
 * Why a domain function refused its input. Each code maps to the stable reject code a client sees,
 * so the core can turn any DomainError into an OrderRejected without a lookup table of its own.
 */
export const domainErrorRejectCodes = {
  SYMBOL_MALFORMED: "UNKNOWN_SYMBOL_FORMAT",
  UNKNOWN_CLASS: "UNKNOWN_PRODUCT",
  UNKNOWN_ZONE: "UNKNOWN_PRODUCT",
  IMPOSSIBLE_DATE: "UNKNOWN_PRODUCT",
  PERIOD_NOT_ALIGNED: "UNKNOWN_PRODUCT",
  NOT_PHYSICAL: "INVALID_COMMAND",
  INVALID_DECIMAL: "INVALID_PRICE",
  PRICE_NOT_POSITIVE: "INVALID_PRICE",
  PRICE_TOO_MANY_DECIMALS: "INVALID_PRICE",
  PRICE_NOT_ON_TICK: "PRICE_NOT_ON_TICK",
  PRICE_OUT_OF_RANGE: "INVALID_PRICE",
  INVALID_LOTS: "INVALID_QUANTITY",
  INVALID_AMOUNT: "INVALID_AMOUNT",
  AMOUNT_TOO_MANY_DECIMALS: "INVALID_AMOUNT",
  INVALID_TICK_SIZE: "INTERNAL_ERROR",
  REFERENCE_DATA_INVALID: "INTERNAL_ERROR",
} as const satisfies Record<string, RejectCode>;

export type DomainErrorCode = keyof typeof domainErrorRejectCodes;

export class DomainError extends Error {
  override readonly name = "DomainError";
  readonly rejectCode: RejectCode;

  constructor(
    readonly code: DomainErrorCode,
    message: string,
  ) {
    super(message);
    this.rejectCode = domainErrorRejectCodes[code];
  }
}
