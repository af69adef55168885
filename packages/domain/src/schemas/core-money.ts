// Cash, vouchers and bonds: commands and events of the core. Amounts are minor units.
import { z } from "zod";
import {
  commandIdSchema,
  coreIdSchema,
  currencySchema,
  minorAmountSchema,
  operatorIdSchema,
} from "./core-common.ts";

const moneyFields = {
  commandId: commandIdSchema,
  accountId: coreIdSchema,
  currency: currencySchema,
  amount: minorAmountSchema,
};

/** Money arrived from the payment rails (an operator or the exchange confirms it). */
export const depositSchema = z.object({
  type: z.literal("Deposit"),
  operatorId: operatorIdSchema,
  ...moneyFields,
});
/** The account asks for available cash to leave the exchange. */
export const withdrawSchema = z.object({ type: z.literal("Withdraw"), ...moneyFields });
/** A compute voucher (subsidy): spendable only on physical products, never withdrawable. */
export const issueVoucherSchema = z.object({
  type: z.literal("IssueVoucher"),
  operatorId: operatorIdSchema,
  ...moneyFields,
});
/** A provider moves available cash into its bond, which backs delivery penalties. */
export const postBondSchema = z.object({ type: z.literal("PostBond"), ...moneyFields });

const movedFields = { accountId: coreIdSchema, currency: currencySchema, amount: minorAmountSchema };

export const depositedSchema = z.object({ type: z.literal("Deposited"), ...movedFields });
export const withdrawnSchema = z.object({ type: z.literal("Withdrawn"), ...movedFields });
export const voucherIssuedSchema = z.object({ type: z.literal("VoucherIssued"), ...movedFields });
export const bondPostedSchema = z.object({ type: z.literal("BondPosted"), ...movedFields });
