// What decide returns: the events to evolve, or a stable reject code (plus any events the engine
// emitted before refusing, e.g. GTD orders it expired on the way).
import type { CoreEvent, RejectCode } from "@ghx/domain";
import type { Account, CoreState } from "./state.ts";

export interface Decision {
  readonly events: CoreEvent[];
  readonly reject?: { readonly code: RejectCode; readonly message: string };
  /** The order the command created or addressed. */
  readonly orderId?: number;
}

export const accept = (events: CoreEvent[], orderId?: number): Decision =>
  orderId === undefined ? { events } : { events, orderId };

export const reject = (code: RejectCode, message: string, events: CoreEvent[] = []): Decision => ({
  events,
  reject: { code, message },
});

/** An operator command: absent operatorId is the exchange itself; otherwise it needs `operate`. */
export function operatorCheck(state: CoreState, operatorId: string | undefined): Decision | undefined {
  if (operatorId === undefined) return undefined;
  const operator = state.accounts.get(operatorId);
  if (!operator) return reject("UNKNOWN_ACCOUNT", `operator ${operatorId} does not exist`);
  if (!operator.capabilities.has("operate"))
    return reject("CAPABILITY_MISSING", `${operatorId} cannot operate`);
  return undefined;
}

export function accountOrReject(state: CoreState, accountId: string): Account | Decision {
  return state.accounts.get(accountId) ?? reject("UNKNOWN_ACCOUNT", `account ${accountId} does not exist`);
}

export const isDecision = (value: Account | Decision): value is Decision => "events" in value;
