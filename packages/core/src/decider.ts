// decide and evolve over the literal-type unions of @ghx/domain, and applyCommand that runs one
// sequenced command through both (with the idempotency window). The `never` defaults make the
// compiler catch a command or event type without a handler.
import type { CoreCommand, CoreEvent } from "@ghx/domain";
import {
  decideCreateAccount,
  decideDeclareCapacity,
  decideMoney,
  decideRegisterApiKey,
  decideRevokeApiKey,
  evolveAccountCreated,
  evolveApiKey,
  evolveCapacityDeclared,
  evolveMoney,
} from "./accounts.ts";
import type { Decision } from "./decision.ts";
import { InvariantViolation } from "./invariants.ts";
import {
  decideAmendOrder,
  decideCancelOrder,
  decideExpireOrders,
  decideKillSwitch,
  decideMassCancel,
  decidePlaceOrder,
  decideReplaceOrder,
} from "./orders.ts";
import {
  decideListProduct,
  decideSetTradingState,
  evolveProductListed,
  evolveTradingStateChanged,
} from "./products.ts";
import {
  evolveAccountBlockChanged,
  evolveOrderAccepted,
  evolveOrderReduced,
  evolveOrderReplaced,
} from "./settlement.ts";
import type { Applied, CoreState, Outcome, Sequenced } from "./state.ts";
import { evolveTradeExecuted } from "./trades.ts";

const assertNever = (value: never): never => {
  throw new InvariantViolation(`unhandled ${JSON.stringify(value)}`);
};

/**
 * The events a command causes, or its reject. Pure for every command that does not touch a book;
 * order commands run the product's book (the engine mutates it), which is why the journal of
 * commands, not the events, is the source of truth (see README).
 */
export function decide(state: CoreState, { command, seq, ts }: Sequenced<CoreCommand>): Decision {
  switch (command.type) {
    case "CreateAccount":
      return decideCreateAccount(state, command);
    case "RegisterApiKey":
      return decideRegisterApiKey(state, command);
    case "RevokeApiKey":
      return decideRevokeApiKey(state, command);
    case "KillSwitch":
      return decideKillSwitch(state, command, ts);
    case "Deposit":
    case "Withdraw":
    case "IssueVoucher":
    case "PostBond":
      return decideMoney(state, command);
    case "DeclareCapacity":
      return decideDeclareCapacity(state, command);
    case "ListProduct":
      return decideListProduct(state, command);
    case "SetTradingState":
      return decideSetTradingState(state, command, ts);
    case "PlaceOrder":
      return decidePlaceOrder(state, command, seq, ts);
    case "CancelOrder":
      return decideCancelOrder(state, command, ts);
    case "ReplaceOrder":
      return decideReplaceOrder(state, command, ts);
    case "AmendOrder":
      return decideAmendOrder(state, command, ts);
    case "MassCancel":
      return decideMassCancel(state, command, ts);
    case "ExpireOrders":
      return decideExpireOrders(state, ts);
    default:
      return assertNever(command);
  }
}

/** Applies one event to the state (in place: the core owns its state and never shares it). */
export function evolve(state: CoreState, event: CoreEvent, seq: number, ts: number): CoreState {
  switch (event.type) {
    case "AccountCreated":
      evolveAccountCreated(state, event);
      break;
    case "ApiKeyRegistered":
    case "ApiKeyRevoked":
      evolveApiKey(state, event);
      break;
    case "AccountBlockChanged":
      evolveAccountBlockChanged(state, event);
      break;
    case "Deposited":
    case "Withdrawn":
    case "VoucherIssued":
    case "BondPosted":
      evolveMoney(state, event);
      break;
    case "CapacityDeclared":
      evolveCapacityDeclared(state, event);
      break;
    case "ProductListed":
      evolveProductListed(state, event);
      break;
    case "TradingStateChanged":
      evolveTradingStateChanged(state, event);
      break;
    case "OrderAccepted":
      evolveOrderAccepted(state, event);
      break;
    case "TradeExecuted":
      evolveTradeExecuted(state, event, seq, ts);
      break;
    case "OrderCancelled":
    case "OrderAmended":
    case "OrderExpired":
      evolveOrderReduced(state, event, seq);
      break;
    case "OrderReplaced":
      evolveOrderReplaced(state, event);
      break;
    case "CommandRejected":
      break;
    default:
      assertNever(event);
  }
  return state;
}

/**
 * Runs one sequenced command: a command id seen within the window gets its first outcome and
 * changes nothing; otherwise decide, then evolve every event in order. Sequence numbers must
 * arrive without gaps (the journal guarantees it; anything else is a bug that must stop the core).
 */
export function applyCommand(state: CoreState, sequenced: Sequenced<CoreCommand>): Applied {
  const { command, seq, ts } = sequenced;
  if (seq !== state.lastSeq + 1) throw new InvariantViolation(`sequence ${seq} after ${state.lastSeq}`);
  state.lastSeq = seq;
  state.lastTs = ts;
  const seen = state.dedupe.get(command.commandId);
  if (seen) return { outcome: seen, events: [], duplicate: true };
  const decision = decide(state, sequenced);
  const events = decision.events;
  for (const event of events) evolve(state, event, seq, ts);
  let outcome: Outcome;
  if (decision.reject) {
    const { code, message } = decision.reject;
    const accountId = "accountId" in command ? command.accountId : undefined;
    const { commandId, type: commandType } = command;
    events.push(
      accountId === undefined
        ? { type: "CommandRejected", commandId, commandType, code, message }
        : { type: "CommandRejected", commandId, commandType, accountId, code, message },
    );
    outcome = { status: "rejected", seq, code, message };
  } else {
    outcome =
      decision.orderId === undefined
        ? { status: "accepted", seq }
        : { status: "accepted", seq, orderId: decision.orderId };
  }
  state.dedupe.remember(command.commandId, outcome);
  return { outcome, events, duplicate: false };
}
