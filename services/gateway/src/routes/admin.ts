// Operator and provider routes: accounts and API keys, deposits, withdrawals, vouchers,
// capacity and bonds, listing products and their trading state. Each change is a single core
// command; the core checks capabilities (operate, provide) and the gateway checks key scopes.
// The reads of accounts and keys are core queries.
import type { AccountView, ApiKeyView } from "@ghx/core";
import { lotsMax, parseSymbol, priceBandTicks, type Ticks } from "@ghx/domain";
import { z } from "zod";
import type { GatewayContext } from "../context.ts";
import { pageLimitDefault } from "../limits.ts";
import { ApiProblem } from "../problem.ts";
import { type Caller, defineRoute } from "../route.ts";
import {
  accountParamsSchema,
  accountsQuerySchema,
  accountViewSchema,
  apiKeyViewSchema,
  capacityBodySchema,
  commandAckSchema,
  createAccountBodySchema,
  keyParamsSchema,
  killSwitchBodySchema,
  listProductBodySchema,
  operatorMoneyBodySchema,
  ownMoneyBodySchema,
  registerKeyBodySchema,
  symbolParamsSchema,
  tradingStateBodySchema,
} from "../schemas.ts";

/** Positions are bounded by the domain's lot limit unless the operator lists a tighter one. */
const positionLimitLotsDefault = lotsMax;

// Accounts and keys field by field, so what the core adds to its views is not published unread.
const accountView = (a: AccountView) => ({
  accountId: a.id,
  owner: a.owner,
  capabilities: a.capabilities,
  blocked: a.blocked,
  stpGroup: a.stpGroup,
  apiKeyCount: a.apiKeyCount,
});

const apiKeyView = (k: ApiKeyView) => ({
  keyId: k.keyId,
  accountId: k.accountId,
  publicKey: k.publicKey,
  scopes: k.scopes,
});

export function adminRoutes(ctx: GatewayContext): void {
  const { app, docs, submitter, market, core } = ctx;
  const created = { status: 201, schema: commandAckSchema };
  const done = async (promise: ReturnType<typeof submitter.submit>) => ({ seq: (await promise).outcome.seq });

  defineRoute(app, docs, {
    method: "POST",
    url: "/v1/accounts",
    access: "operate",
    tag: "operator",
    summary: "Create an account",
    body: createAccountBodySchema,
    success: created,
    errors: [409, 422],
    idempotent: true,
    handler: ({ caller, body, commandId }) =>
      done(submitter.submit({ type: "CreateAccount", commandId, operatorId: caller.accountId, ...body })),
  });

  defineRoute(app, docs, {
    method: "POST",
    url: "/v1/accounts/:accountId/api-keys",
    access: "operate",
    tag: "operator",
    summary: "Register an API key (public key only) for an account",
    params: accountParamsSchema,
    body: registerKeyBodySchema,
    success: created,
    errors: [404, 409, 422],
    idempotent: true,
    handler: ({ caller, params, body, commandId }) =>
      done(
        submitter.submit({
          type: "RegisterApiKey",
          commandId,
          operatorId: caller.accountId,
          accountId: params.accountId,
          ...body,
        }),
      ),
  });

  /**
   * An operator's read of an account's data. Reads have no core command to check the caller's
   * capability, so the gateway checks it: an operate-scoped key of an account that cannot
   * operate sees no other account. `read` runs only then; undefined means no such account.
   */
  async function operatorRead<T>(
    caller: Caller,
    read: () => Promise<T | undefined>,
    accountId: string | undefined,
    field: string,
  ): Promise<T> {
    if (!(await core.account(caller.accountId))?.capabilities.includes("operate"))
      throw new ApiProblem("CAPABILITY_MISSING", `${caller.accountId} cannot operate`);
    const found = await read();
    if (found === undefined)
      throw new ApiProblem("UNKNOWN_ACCOUNT", `account ${accountId} does not exist`, field);
    return found;
  }

  defineRoute(app, docs, {
    method: "GET",
    url: "/v1/accounts",
    access: "operate",
    tag: "operator",
    summary: `Accounts in creation order, up to limit (default ${pageLimitDefault}) after the account named by after`,
    query: accountsQuerySchema,
    success: { status: 200, schema: z.array(accountViewSchema) },
    errors: [404],
    handler: async ({ caller, query: { limit, after } }) =>
      (await operatorRead(caller, () => core.accounts(limit ?? pageLimitDefault, after), after, "after")).map(
        accountView,
      ),
  });

  defineRoute(app, docs, {
    method: "GET",
    url: "/v1/accounts/:accountId",
    access: "operate",
    tag: "operator",
    summary: "One account: owner, capabilities, blocked, self-trade-prevention group, key count",
    params: accountParamsSchema,
    success: { status: 200, schema: accountViewSchema },
    errors: [404],
    handler: async ({ caller, params: { accountId } }) =>
      accountView(await operatorRead(caller, () => core.account(accountId), accountId, "accountId")),
  });

  defineRoute(app, docs, {
    method: "GET",
    url: "/v1/accounts/:accountId/api-keys",
    access: "operate",
    tag: "operator",
    summary: "An account's active API keys (public keys and scopes)",
    params: accountParamsSchema,
    success: { status: 200, schema: z.array(apiKeyViewSchema) },
    errors: [404],
    handler: async ({ caller, params: { accountId } }) =>
      (await operatorRead(caller, () => core.apiKeys(accountId), accountId, "accountId")).map(apiKeyView),
  });

  defineRoute(app, docs, {
    method: "GET",
    url: "/v1/api-keys",
    access: "read",
    tag: "account",
    summary: "The active API keys of the caller's own account (public keys and scopes)",
    success: { status: 200, schema: z.array(apiKeyViewSchema) },
    handler: async ({ caller }) => ((await core.apiKeys(caller.accountId)) ?? []).map(apiKeyView),
  });

  defineRoute(app, docs, {
    method: "DELETE",
    url: "/v1/api-keys/:keyId",
    access: "read",
    tag: "account",
    summary: "Revoke an API key: the key itself, any key of its account (trade scope), any key (operate)",
    params: keyParamsSchema,
    success: { status: 200, schema: commandAckSchema },
    errors: [404],
    handler: async ({ caller, params, commandId }) => {
      const key = await core.apiKey(params.keyId);
      // A leaked read-only key may destroy itself but not lock its account's trading keys out.
      const allowed =
        key &&
        (params.keyId === caller.keyId ||
          (key.accountId === caller.accountId && caller.scopes.includes("trade")) ||
          caller.scopes.includes("operate"));
      if (!key || !allowed) throw new ApiProblem("NOT_FOUND", "no such API key", "keyId");
      return done(
        submitter.submit({ type: "RevokeApiKey", commandId, accountId: key.accountId, keyId: params.keyId }),
      );
    },
  });

  defineRoute(app, docs, {
    method: "POST",
    url: "/v1/accounts/:accountId/kill-switch",
    access: "operate",
    tag: "operator",
    summary: "Cancel every open order of an account and block (or unblock) it",
    params: accountParamsSchema,
    body: killSwitchBodySchema,
    success: { status: 200, schema: commandAckSchema },
    errors: [404],
    handler: ({ caller, params, body, commandId }) =>
      done(
        submitter.submit({
          type: "KillSwitch",
          commandId,
          operatorId: caller.accountId,
          accountId: params.accountId,
          block: body.block,
        }),
      ),
  });

  for (const [url, type, summary] of [
    ["/v1/deposits", "Deposit", "Credit a confirmed deposit to an account"],
    ["/v1/vouchers", "IssueVoucher", "Issue compute vouchers (physical delivery only, never withdrawable)"],
  ] as const) {
    defineRoute(app, docs, {
      method: "POST",
      url,
      access: "operate",
      tag: "operator",
      summary,
      body: operatorMoneyBodySchema,
      success: created,
      errors: [404, 422],
      idempotent: true,
      handler: ({ caller, body, commandId }) =>
        done(
          submitter.submit({
            type,
            commandId,
            operatorId: caller.accountId,
            accountId: body.accountId,
            currency: body.currency,
            amount: market.amountToMinor(body.currency, body.amount),
          }),
        ),
    });
  }

  for (const [url, type, access, summary] of [
    ["/v1/withdrawals", "Withdraw", "withdraw", "Withdraw available cash"],
    ["/v1/bonds", "PostBond", "trade", "Move available cash into the provider bond"],
  ] as const) {
    defineRoute(app, docs, {
      method: "POST",
      url,
      access,
      tag: "account",
      summary,
      body: ownMoneyBodySchema,
      success: created,
      errors: [422],
      idempotent: true,
      handler: ({ caller, body, commandId }) =>
        done(
          submitter.submit({
            type,
            commandId,
            accountId: caller.accountId,
            currency: body.currency,
            amount: market.amountToMinor(body.currency, body.amount),
          }),
        ),
    });
  }

  defineRoute(app, docs, {
    method: "POST",
    url: "/v1/capacity",
    access: "trade",
    tag: "provider",
    summary: "Declare GPU capacity for a period (whole UTC hours); providers only",
    body: capacityBodySchema,
    success: created,
    errors: [422],
    idempotent: true,
    handler: ({ caller, body, commandId }) => {
      if (body.toMs <= body.fromMs)
        throw new ApiProblem("INVALID_COMMAND", "toMs must be after fromMs", "toMs");
      return done(
        submitter.submit({
          type: "DeclareCapacity",
          commandId,
          accountId: caller.accountId,
          accelerator: body.accelerator,
          zone: body.zone,
          gpus: body.gpus,
          from: body.fromMs,
          to: body.toMs,
        }),
      );
    },
  });

  defineRoute(app, docs, {
    method: "POST",
    url: "/v1/products",
    access: "operate",
    tag: "operator",
    summary: "List a product of the grid with a price band around a reference price",
    body: listProductBodySchema,
    success: created,
    errors: [409, 422],
    idempotent: true,
    handler: ({ caller, body, commandId }) => {
      const spec = market.spec(body.symbol);
      const product = parseSymbol(body.symbol, market.referenceData);
      const reference = market.priceToTicks(body.symbol, body.referencePrice, "referencePrice") as Ticks;
      const band = priceBandTicks(reference, spec.priceBand);
      return done(
        submitter.submit({
          type: "ListProduct",
          commandId,
          operatorId: caller.accountId,
          open: body.open,
          product: {
            symbol: body.symbol,
            kind: spec.kind,
            accelerator: product.classCode,
            zone: product.zoneCode,
            currency: spec.currency,
            tickMinor: spec.tickMinorUnits,
            hoursPerLot: spec.hours,
            minLots: spec.minLots,
            maxLots: spec.maxLots,
            bandLowTicks: band.minTicks,
            bandHighTicks: band.maxTicks,
            makerFeeBps: spec.makerFeeBps,
            takerFeeBps: spec.takerFeeBps,
            marginBps: spec.initialMarginBps ?? 0,
            positionLimitLots: body.positionLimitLots ?? positionLimitLotsDefault,
            deliveryFrom: spec.periodStartMs,
            deliveryTo: spec.periodEndMs,
          },
        }),
      );
    },
  });

  defineRoute(app, docs, {
    method: "PUT",
    url: "/v1/products/:symbol/state",
    access: "operate",
    tag: "operator",
    summary: "Move a product to another trading state (open, halted, closed, ...)",
    params: symbolParamsSchema,
    body: tradingStateBodySchema,
    success: { status: 200, schema: commandAckSchema },
    errors: [404, 422],
    handler: ({ caller, params, body, commandId }) =>
      done(
        submitter.submit({
          type: "SetTradingState",
          commandId,
          operatorId: caller.accountId,
          symbol: params.symbol,
          state: body.state,
        }),
      ),
  });
}
