// @ghx/core: the exchange core as a deterministic state machine.
//
//   sequenced command ──► applyCommand
//     1. dedupe      command id seen in the window → first outcome, nothing changes
//     2. decide      validation + pre-trade risk (trading state, band, size, position limit,
//                    capacity, cash / voucher / margin hold) — pure, may reject with a stable code
//     3. match       order commands run the product's engine book; its calls become events
//     4. evolve      each event in order: take the hold, settle fills (fees, escrow, margin,
//                    positions), release what is no longer needed
//   → { outcome, events }   the runtime (@ghx/core-service) journals before and publishes after.
export { CoreSink, type MatchingBook } from "./book.ts";
export { applyCommand, decide, evolve } from "./decider.ts";
export type { Decision } from "./decision.ts";
export type { FillRecord, OrderRecord } from "./history.ts";
export { checkInvariants, InvariantViolation } from "./invariants.ts";
export * as limits from "./limits.ts";
export { feeMinor, notionalMinor } from "./money.ts";
export { nextLiveExpiry } from "./orders.ts";
export type { AccountView, ApiKeyView, OpenOrderView, ProductView } from "./queries.ts";
export * as queries from "./queries.ts";
export {
  type CoreSnapshot,
  coreSnapshotVersion,
  encodeSnapshot,
  restoreState,
  snapshotState,
  stateHash,
} from "./snapshot.ts";
export {
  type Account,
  type Applied,
  type Balance,
  type CoreState,
  initialState,
  type Order,
  type Outcome,
  type Position,
  type Sequenced,
} from "./state.ts";
