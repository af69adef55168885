// Evolve for TradeExecuted: the post-trade half of risk.
// Physical: the buyer pays at the trade (vouchers first); a seller closing a long is paid at once,
// a seller opening a short keeps the proceeds in escrow as pending revenue; a buyer closing a
// short gets the matching share of its pending revenue back. Futures: the filled part of the
// order's margin hold becomes position margin; closing lots release margin; Σ signed notionals
// are kept for variation margin at the daily settlement. Fees: maker/taker bps of notional.
import type { CoreEvent } from "@ghx/domain";
import { refreshCommitment } from "./capacity.ts";
import { InvariantViolation } from "./invariants.ts";
import { feeMinor, notionalMinor, proRata } from "./money.ts";
import { changeOpenLots, closeOrder } from "./settlement.ts";
import {
  type Account,
  type Balance,
  type CoreState,
  type Order,
  type Position,
  type Product,
  positionOf,
  productBalance,
  totalsOf,
} from "./state.ts";

type Trade = Extract<CoreEvent, { type: "TradeExecuted" }>;

interface Payment {
  readonly cash: number;
  readonly vouchers: number;
}

/** A physical buy pays `notional` (vouchers first) and `fee` from its hold; the rest of q lots' hold comes back. */
function payFromBuyHold(balance: Balance, order: Order, q: number, notional: number, fee: number): Payment {
  const cashBefore = order.remaining * order.holdPerLot - order.voucherHold;
  const vouchers = Math.min(order.voucherHold, notional);
  const cash = notional - vouchers;
  const remaining = order.remaining - q;
  const voucherHold = Math.min(order.voucherHold - vouchers, remaining * order.notionalPerLot);
  const cashAfter = remaining * order.holdPerLot - voucherHold;
  const cashRelease = cashBefore - cash - Math.max(fee, 0) - cashAfter;
  if (cashRelease < 0) throw new InvariantViolation(`order ${order.orderId} held too little for its fill`);
  balance.held -= cashBefore - cashAfter;
  balance.available += cashRelease + Math.max(-fee, 0);
  balance.voucherHeld -= order.voucherHold - voucherHold;
  balance.voucherAvailable += order.voucherHold - vouchers - voucherHold;
  order.voucherHold = voucherHold;
  return { cash, vouchers };
}

/** Consume q lots of a fee (+ margin) hold; returns the margin part, the fee part's rest comes back. */
function consumeHold(balance: Balance, order: Order, q: number, fee: number): number {
  const consumed = q * order.holdPerLot;
  const margin = q * order.marginPerLot;
  const feeRelease = consumed - margin - Math.max(fee, 0);
  if (feeRelease < 0) throw new InvariantViolation(`order ${order.orderId} held too little fee`);
  balance.held -= consumed;
  balance.available += feeRelease + Math.max(-fee, 0);
  return margin;
}

/** Futures: opening lots post the order's margin; closing lots release theirs and the position's share. */
function settleFuturesSide(balance: Balance, position: Position, order: Order, q: number, fee: number): void {
  const direction = order.side === "buy" ? 1 : -1;
  const closing = position.qty * direction < 0 ? Math.min(q, Math.abs(position.qty)) : 0;
  const heldMargin = consumeHold(balance, order, q, fee);
  const released = proRata(position.margin, closing, Math.abs(position.qty));
  const posted = heldMargin - closing * order.marginPerLot;
  position.margin += posted - released;
  balance.margin += posted - released;
  balance.available += closing * order.marginPerLot + released;
}

/** A physical seller closing a long is paid at once; opening a short, the proceeds are pending revenue. */
function paySeller(balance: Balance, position: Position, q: number, paid: Payment): void {
  const closing = position.qty > 0 ? Math.min(q, position.qty) : 0;
  const cashNow = proRata(paid.cash, closing, q);
  const vouchersNow = proRata(paid.vouchers, closing, q);
  balance.available += cashNow;
  balance.voucherAvailable += vouchersNow;
  balance.escrow += paid.cash - cashNow;
  balance.voucherEscrow += paid.vouchers - vouchersNow;
  position.escrowCash += paid.cash - cashNow;
  position.escrowVoucher += paid.vouchers - vouchersNow;
}

/** A physical buyer closing a short gets back that share of its pending revenue. */
function releaseShortEscrow(balance: Balance, position: Position, q: number): void {
  if (position.qty >= 0) return;
  const closing = Math.min(q, -position.qty);
  const cash = proRata(position.escrowCash, closing, -position.qty);
  const vouchers = proRata(position.escrowVoucher, closing, -position.qty);
  position.escrowCash -= cash;
  position.escrowVoucher -= vouchers;
  balance.escrow -= cash;
  balance.available += cash;
  balance.voucherEscrow -= vouchers;
  balance.voucherAvailable += vouchers;
}

function recordFill(
  account: Account,
  order: Order,
  product: Product,
  trade: Trade,
  fee: number,
  seq: number,
  ts: number,
) {
  const liquidity = trade.takerOrderId === order.orderId ? "taker" : "maker";
  account.fills.add(
    order.orderId,
    product.spec.symbol,
    order.side,
    trade.price,
    trade.qty,
    fee,
    liquidity,
    seq,
    ts,
  );
}

/** One side's order after a fill: open lots, capacity commitment, fill record, closed when done. */
function fillOrder(
  state: CoreState,
  account: Account,
  order: Order,
  position: Position,
  product: Product,
  trade: Trade,
  fee: number,
  seq: number,
  ts: number,
): void {
  order.remaining -= trade.qty;
  order.filled += trade.qty;
  changeOpenLots(position, order, -trade.qty);
  if (product.physical) refreshCommitment(account, product, position);
  recordFill(account, order, product, trade, fee, seq, ts);
  if (order.remaining === 0) closeOrder(state, account, order, "filled", seq);
}

export function evolveTradeExecuted(state: CoreState, trade: Trade, seq: number, ts: number): void {
  const maker = state.orders.get(trade.makerOrderId)!;
  const taker = state.orders.get(trade.takerOrderId)!;
  const takerBuys = trade.takerSide === "buy";
  const buyOrder = takerBuys ? taker : maker;
  const sellOrder = takerBuys ? maker : taker;
  const buyer = state.accountsByIdx[buyOrder.accountIdx]!;
  const seller = state.accountsByIdx[sellOrder.accountIdx]!;
  // Vouchers are held before the counterparty is known; STP by owner makes this unreachable.
  if (buyer.owner === seller.owner) throw new InvariantViolation(`trade inside owner ${buyer.owner}`);
  const product = state.productsByIdx[maker.productIdx]!;
  const { spec } = product;
  const q = trade.qty;
  const notional = notionalMinor(trade.price, product.lotTickMinor, q);
  const makerFee = feeMinor(notional, spec.makerFeeBps);
  const takerFee = feeMinor(notional, spec.takerFeeBps);
  const buyFee = takerBuys ? takerFee : makerFee;
  const sellFee = takerBuys ? makerFee : takerFee;
  const buyBalance = productBalance(state, buyer, product);
  const sellBalance = productBalance(state, seller, product);
  const buyPosition = positionOf(buyer, product.idx);
  const sellPosition = positionOf(seller, product.idx);
  if (product.physical) {
    const paid = payFromBuyHold(buyBalance, buyOrder, q, notional, buyFee);
    consumeHold(sellBalance, sellOrder, q, sellFee);
    paySeller(sellBalance, sellPosition, q, paid);
    releaseShortEscrow(buyBalance, buyPosition, q);
  } else {
    settleFuturesSide(buyBalance, buyPosition, buyOrder, q, buyFee);
    settleFuturesSide(sellBalance, sellPosition, sellOrder, q, sellFee);
    buyPosition.openNotional += notional;
    sellPosition.openNotional -= notional;
  }
  totalsOf(state, spec.currency).feeIncome += makerFee + takerFee;
  buyPosition.qty += q;
  sellPosition.qty -= q;
  fillOrder(state, buyer, buyOrder, buyPosition, product, trade, buyFee, seq, ts);
  fillOrder(state, seller, sellOrder, sellPosition, product, trade, sellFee, seq, ts);
}
