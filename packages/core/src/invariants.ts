// Checks that stop the core rather than let it carry on wrong (invariants 3, 4 and 6 of DESIGN §4).
// Cheap enough to run after every command in tests and periodically in production.
import { declaredGpus } from "./capacity.ts";
import type { CoreState } from "./state.ts";

export class InvariantViolation extends Error {
  override readonly name = "InvariantViolation";
}

interface Sums {
  cash: number;
  vouchers: number;
}

/** Throws InvariantViolation on the first broken invariant. */
export function checkInvariants(state: CoreState): void {
  const sums = new Map<string, Sums>();
  for (const account of state.accountsByIdx) {
    for (const [currency, b] of account.balances) {
      const parts = [
        b.available,
        b.held,
        b.escrow,
        b.margin,
        b.bond,
        b.voucherAvailable,
        b.voucherHeld,
        b.voucherEscrow,
      ];
      for (const part of parts) {
        if (!Number.isSafeInteger(part) || part < 0) {
          throw new InvariantViolation(
            `negative or unsafe balance ${account.id} ${currency}: ${JSON.stringify(b)}`,
          );
        }
      }
      const sum = sums.get(currency) ?? { cash: 0, vouchers: 0 };
      sum.cash += b.available + b.held + b.escrow + b.margin + b.bond;
      sum.vouchers += b.voucherAvailable + b.voucherHeld + b.voucherEscrow;
      sums.set(currency, sum);
    }
  }
  for (const [currency, totals] of state.totals) {
    const sum = sums.get(currency) ?? { cash: 0, vouchers: 0 };
    if (sum.cash + totals.feeIncome !== totals.deposits - totals.withdrawals) {
      throw new InvariantViolation(
        `cash not conserved in ${currency}: balances ${sum.cash} + fees ${totals.feeIncome} ≠ deposits ${totals.deposits} − withdrawals ${totals.withdrawals}`,
      );
    }
    if (sum.vouchers !== totals.vouchersIssued) {
      throw new InvariantViolation(
        `vouchers not conserved in ${currency}: ${sum.vouchers} ≠ ${totals.vouchersIssued}`,
      );
    }
  }
  checkPositions(state);
}

function checkPositions(state: CoreState): void {
  const net = new Map<number, number>();
  for (const account of state.accountsByIdx) {
    for (const [productIdx, position] of account.positions) {
      net.set(productIdx, (net.get(productIdx) ?? 0) + position.qty);
      if (position.openBidLots < 0 || position.openAskLots < 0) {
        throw new InvariantViolation(`negative open lots for ${account.id} in product ${productIdx}`);
      }
    }
    for (const [key, hours] of account.committedLots) {
      for (const [hour, lots] of hours) {
        if (lots < 0 || lots > declaredGpus(account, key, hour)) {
          throw new InvariantViolation(`capacity exceeded: ${account.id} ${key} hour ${hour}: ${lots} lots`);
        }
      }
    }
  }
  for (const [productIdx, sum] of net) {
    if (sum !== 0) throw new InvariantViolation(`positions in product ${productIdx} sum to ${sum}, not 0`);
  }
}
