// Accounts, API keys, funds and capacity: decide (pure) and evolve for the non-order commands.
import type { CoreCommand, CoreEvent } from "@ghx/domain";
import { capacityKeyOf } from "./capacity.ts";
import { accept, accountOrReject, type Decision, isDecision, operatorCheck, reject } from "./decision.ts";
import {
  apiKeysPerAccountMax,
  capacityDeclarationsPerAccountMax,
  capacityPeriodHoursMax,
  hourMs,
} from "./limits.ts";
import { balanceOf, type CoreState, denseIndex, newAccount, totalsOf } from "./state.ts";

type Cmd<T extends CoreCommand["type"]> = Extract<CoreCommand, { type: T }>;
type Evt<T extends CoreEvent["type"]> = Extract<CoreEvent, { type: T }>;

export function decideCreateAccount(state: CoreState, cmd: Cmd<"CreateAccount">): Decision {
  const denied = operatorCheck(state, cmd.operatorId);
  if (denied) return denied;
  if (state.accounts.has(cmd.accountId)) return reject("ACCOUNT_EXISTS", `account ${cmd.accountId} exists`);
  const capabilities = [...new Set(cmd.capabilities)];
  return accept([{ type: "AccountCreated", accountId: cmd.accountId, owner: cmd.owner, capabilities }]);
}

export function decideRegisterApiKey(state: CoreState, cmd: Cmd<"RegisterApiKey">): Decision {
  const denied = operatorCheck(state, cmd.operatorId);
  if (denied) return denied;
  const account = accountOrReject(state, cmd.accountId);
  if (isDecision(account)) return account;
  if (state.apiKeys.has(cmd.keyId)) return reject("API_KEY_EXISTS", `key ${cmd.keyId} exists`);
  if (account.apiKeyIds.length >= apiKeysPerAccountMax) {
    return reject("INVALID_COMMAND", `at most ${apiKeysPerAccountMax} keys per account`);
  }
  const { accountId, keyId, publicKey } = cmd;
  return accept([
    { type: "ApiKeyRegistered", accountId, keyId, publicKey, scopes: [...new Set(cmd.scopes)] },
  ]);
}

export function decideRevokeApiKey(state: CoreState, cmd: Cmd<"RevokeApiKey">): Decision {
  const key = state.apiKeys.get(cmd.keyId);
  // Another account's key is reported as unknown: its existence is none of the caller's business.
  if (!key || key.accountId !== cmd.accountId) return reject("UNKNOWN_API_KEY", `no key ${cmd.keyId}`);
  return accept([{ type: "ApiKeyRevoked", accountId: cmd.accountId, keyId: cmd.keyId }]);
}

export function decideMoney(
  state: CoreState,
  cmd: Cmd<"Deposit" | "Withdraw" | "IssueVoucher" | "PostBond">,
): Decision {
  if (cmd.type === "Deposit" || cmd.type === "IssueVoucher") {
    const denied = operatorCheck(state, cmd.operatorId);
    if (denied) return denied;
  }
  const account = accountOrReject(state, cmd.accountId);
  if (isDecision(account)) return account;
  const { accountId, currency, amount } = cmd;
  const available = account.balances.get(currency)?.available ?? 0;
  const totals = state.totals.get(currency);
  switch (cmd.type) {
    case "Deposit":
      // Every sum the core keeps is bounded by the currency's deposits: keep those exact.
      if (!Number.isSafeInteger((totals?.deposits ?? 0) + amount))
        return reject("INVALID_AMOUNT", "deposits too large");
      return accept([{ type: "Deposited", accountId, currency, amount }]);
    case "IssueVoucher":
      if (!Number.isSafeInteger((totals?.vouchersIssued ?? 0) + amount)) {
        return reject("INVALID_AMOUNT", "vouchers too large");
      }
      return accept([{ type: "VoucherIssued", accountId, currency, amount }]);
    case "Withdraw":
      if (available < amount) return reject("INSUFFICIENT_BALANCE", `${available} ${currency} available`);
      return accept([{ type: "Withdrawn", accountId, currency, amount }]);
    case "PostBond":
      if (!account.capabilities.has("provide"))
        return reject("CAPABILITY_MISSING", `${accountId} cannot provide`);
      if (available < amount) return reject("INSUFFICIENT_BALANCE", `${available} ${currency} available`);
      return accept([{ type: "BondPosted", accountId, currency, amount }]);
  }
}

export function decideDeclareCapacity(state: CoreState, cmd: Cmd<"DeclareCapacity">): Decision {
  const account = accountOrReject(state, cmd.accountId);
  if (isDecision(account)) return account;
  if (!account.capabilities.has("provide"))
    return reject("CAPABILITY_MISSING", `${cmd.accountId} cannot provide`);
  if (cmd.to <= cmd.from || cmd.to - cmd.from > capacityPeriodHoursMax * hourMs) {
    return reject("INVALID_COMMAND", `capacity period must be 1..${capacityPeriodHoursMax} hours`);
  }
  if (account.capacity.length >= capacityDeclarationsPerAccountMax) {
    return reject("INVALID_COMMAND", `at most ${capacityDeclarationsPerAccountMax} declarations per account`);
  }
  const { accountId, accelerator, zone, gpus, from, to } = cmd;
  return accept([{ type: "CapacityDeclared", accountId, accelerator, zone, gpus, from, to }]);
}

export function evolveAccountCreated(state: CoreState, event: Evt<"AccountCreated">): void {
  denseIndex(state.owners, event.owner);
  newAccount(state, event.accountId, event.owner, event.capabilities);
}

export function evolveApiKey(state: CoreState, event: Evt<"ApiKeyRegistered" | "ApiKeyRevoked">): void {
  const account = state.accounts.get(event.accountId)!;
  if (event.type === "ApiKeyRegistered") {
    state.apiKeys.set(event.keyId, {
      accountId: event.accountId,
      publicKey: event.publicKey,
      scopes: event.scopes,
    });
    account.apiKeyIds.push(event.keyId);
  } else {
    state.apiKeys.delete(event.keyId);
    account.apiKeyIds.splice(account.apiKeyIds.indexOf(event.keyId), 1);
  }
}

export function evolveMoney(
  state: CoreState,
  event: Evt<"Deposited" | "Withdrawn" | "VoucherIssued" | "BondPosted">,
): void {
  const balance = balanceOf(state, state.accounts.get(event.accountId)!, event.currency);
  const totals = totalsOf(state, event.currency);
  switch (event.type) {
    case "Deposited":
      balance.available += event.amount;
      totals.deposits += event.amount;
      return;
    case "Withdrawn":
      balance.available -= event.amount;
      totals.withdrawals += event.amount;
      return;
    case "VoucherIssued":
      balance.voucherAvailable += event.amount;
      totals.vouchersIssued += event.amount;
      return;
    case "BondPosted":
      balance.available -= event.amount;
      balance.bond += event.amount;
      return;
  }
}

export function evolveCapacityDeclared(state: CoreState, event: Evt<"CapacityDeclared">): void {
  const { accelerator, zone, gpus, from, to } = event;
  state.accounts
    .get(event.accountId)!
    .capacity.push({ key: capacityKeyOf(accelerator, zone), gpus, from, to });
}
