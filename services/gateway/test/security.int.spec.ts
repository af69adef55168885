// Refused requests: each is refused with the right status and code, and changes nothing
// (every account's balances, orders, positions, history and fills are compared before and after).
import { authHeaderNames, createRequestSigner, generateApiKeyPair } from "@ghx/auth";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  accountState,
  exchangeModes,
  futureSymbol,
  keyFor,
  limitOrder,
  listFuture,
  type SignedClient,
  startTestExchange,
  type TestExchange,
} from "./harness.ts";

describe.each(exchangeModes)("%s exchange", (mode) => {
  let ex: TestExchange;
  let alice: SignedClient;
  let aliceReadOnly: SignedClient;
  let mallory: SignedClient;
  let aliceOrderId: string;
  const accounts = ["operator", "alice", "mallory"];

  beforeAll(async () => {
    ex = await startTestExchange({}, mode);
    await listFuture(ex.operator);
    alice = await ex.trader("alice", { deposit: "100000.00" });
    mallory = await ex.trader("mallory", { deposit: "100000.00", scopes: ["trade", "read", "withdraw"] });
    aliceReadOnly = await keyForScopes("alice", ["read"]);
    const placed = await alice.json<{ orderId: string }>(
      "POST",
      "/v1/orders",
      limitOrder("a-open", "buy", "19.00"),
    );
    aliceOrderId = placed.orderId;
  });
  afterAll(() => ex?.close());

  function keyForScopes(accountId: string, scopes: string[]): Promise<SignedClient> {
    return keyFor(ex.operator, ex.app, accountId, scopes);
  }

  let before: string;
  beforeEach(async () => {
    before = await accountState(ex.port, accounts);
  });
  async function expectNothingChanged() {
    expect(await accountState(ex.port, accounts)).toBe(before);
  }

  const order = limitOrder("x1", "buy", "19.50");
  const orderBody = JSON.stringify(order);

  function inject(headers: Record<string, string>, body = orderBody, url = "/v1/orders", method = "POST") {
    return ex.app.inject({
      method: method as "POST",
      url,
      payload: body,
      headers: { "content-type": "application/json", ...headers },
    });
  }

  describe("authentication", () => {
    it("refuses an unsigned request with 401 AUTH_MISSING", async () => {
      const response = await inject({});
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ code: "AUTH_MISSING", status: 401 });
      await expectNothingChanged();
    });

    it("refuses a signature by the wrong private key with 401 INVALID_SIGNATURE", async () => {
      const forger = createRequestSigner(alice.signer.keyId, generateApiKeyPair().privateKey);
      const response = await inject(forger.headers({ method: "POST", path: "/v1/orders", body: orderBody }));
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ code: "INVALID_SIGNATURE" });
      await expectNothingChanged();
    });

    it("refuses a tampered body, path or method with 401 INVALID_SIGNATURE", async () => {
      const headers = alice.signer.headers({ method: "POST", path: "/v1/orders", body: orderBody });
      const tampered = orderBody.replace('"quantityLots":1', '"quantityLots":9');
      expect((await inject(headers, tampered)).json()).toMatchObject({ code: "INVALID_SIGNATURE" });
      expect((await inject(headers, orderBody, "/v1/orders?x=1")).json()).toMatchObject({
        code: "INVALID_SIGNATURE",
      });
      await expectNothingChanged();
    });

    it("refuses a replayed request with 401 NONCE_REPLAYED (the first one counts once)", async () => {
      const body = JSON.stringify(limitOrder("replay-1", "buy", "18.10"));
      const headers = alice.signer.headers({ method: "POST", path: "/v1/orders", body });
      expect((await inject(headers, body)).statusCode).toBe(201);
      before = await accountState(ex.port, accounts);
      const replay = await inject(headers, body);
      expect(replay.statusCode).toBe(401);
      expect(replay.json()).toMatchObject({ code: "NONCE_REPLAYED" });
      await expectNothingChanged();
    });

    it("refuses expired and future timestamps with 401 TIMESTAMP_OUT_OF_WINDOW", async () => {
      for (const skew of [-31_000, 31_000]) {
        const headers = alice.signer.headers({
          method: "POST",
          path: "/v1/orders",
          body: orderBody,
          timestampMs: Date.now() + skew,
        });
        const response = await inject(headers);
        expect(response.statusCode).toBe(401);
        expect(response.json()).toMatchObject({ code: "TIMESTAMP_OUT_OF_WINDOW" });
      }
      await expectNothingChanged();
    });

    it("refuses malformed auth headers with 401 AUTH_MALFORMED", async () => {
      const headers = alice.signer.headers({ method: "POST", path: "/v1/orders", body: orderBody });
      const response = await inject({ ...headers, [authHeaderNames.nonce]: "short" });
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ code: "AUTH_MALFORMED" });
      await expectNothingChanged();
    });

    it("refuses a revoked key with 401 UNKNOWN_API_KEY", async () => {
      const temp = await keyForScopes("alice", ["read", "trade"]);
      expect((await temp.request("GET", "/v1/balances")).statusCode).toBe(200);
      expect((await temp.request("DELETE", `/v1/api-keys/${temp.signer.keyId}`)).statusCode).toBe(200);
      before = await accountState(ex.port, accounts);
      const response = await temp.request("POST", "/v1/orders", limitOrder("revoked", "buy", "19.00"));
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ code: "UNKNOWN_API_KEY" });
      await expectNothingChanged();
    });
  });

  describe("authorisation", () => {
    it("refuses a key without the trade scope with 403 SCOPE_MISSING", async () => {
      const response = await aliceReadOnly.request("POST", "/v1/orders", order);
      expect(response.statusCode).toBe(403);
      expect(response.json()).toMatchObject({ code: "SCOPE_MISSING" });
      expect((await aliceReadOnly.request("DELETE", `/v1/orders/${aliceOrderId}`)).statusCode).toBe(403);
      expect(
        (await alice.request("POST", "/v1/withdrawals", { currency: "CNY", amount: "1.00" })).statusCode,
      ).toBe(403);
      await expectNothingChanged();
    });

    it("refuses operator routes to a trader's key", async () => {
      const deposit = await mallory.request("POST", "/v1/deposits", {
        accountId: "mallory",
        currency: "CNY",
        amount: "1.00",
      });
      expect(deposit.statusCode).toBe(403);
      const account = await mallory.request("POST", "/v1/accounts", {
        accountId: "m2",
        owner: "m",
        capabilities: ["trade"],
      });
      expect(account.statusCode).toBe(403);
      await expectNothingChanged();
    });
  });

  describe("operator reads of accounts and keys", () => {
    const operatorReads = ["/v1/accounts", "/v1/accounts/alice", "/v1/accounts/alice/api-keys"];

    it("refuses them to a trader's key with 403 SCOPE_MISSING", async () => {
      for (const path of operatorReads) {
        const response = await mallory.request("GET", path);
        expect(response.statusCode, path).toBe(403);
        expect(response.json()).toMatchObject({ code: "SCOPE_MISSING" });
      }
      await expectNothingChanged();
    });

    it("refuses them with 403 CAPABILITY_MISSING to an operate-scoped key of an account that cannot operate", async () => {
      const misissued = await keyForScopes("mallory", ["operate", "read"]);
      for (const path of operatorReads) {
        const response = await misissued.request("GET", path);
        expect(response.statusCode, path).toBe(403);
        expect(response.json()).toMatchObject({ code: "CAPABILITY_MISSING" });
      }
    });

    it("GET /v1/api-keys shows the caller's own account's keys only", async () => {
      const own = await aliceReadOnly.json<{ keyId: string; accountId: string }[]>("GET", "/v1/api-keys");
      expect(own.map((k) => k.keyId)).toEqual(
        expect.arrayContaining([alice.signer.keyId, aliceReadOnly.signer.keyId]),
      );
      expect(own).toEqual(await ex.operator.json("GET", "/v1/accounts/alice/api-keys"));
      const theirs = await mallory.json<{ keyId: string; accountId: string }[]>("GET", "/v1/api-keys");
      expect(theirs.map((k) => k.keyId)).toContain(mallory.signer.keyId);
      expect(theirs.every((k) => k.accountId === "mallory")).toBe(true);
      await expectNothingChanged();
    });
  });

  describe("isolation between accounts (invariant 8)", () => {
    it("cannot see another account's order: 404, same as an order that does not exist", async () => {
      const theirs = await mallory.request("GET", `/v1/orders/${aliceOrderId}`);
      const missing = await mallory.request("GET", "/v1/orders/999999");
      expect(theirs.statusCode).toBe(404);
      expect(missing.statusCode).toBe(404);
      expect(theirs.json().code).toBe(missing.json().code);
      expect(theirs.json().detail).toBe(missing.json().detail);
      await expectNothingChanged();
    });

    it("cannot cancel, replace or amend another account's order: 404 like a missing one", async () => {
      const cancel = await mallory.request("DELETE", `/v1/orders/${aliceOrderId}`);
      const missing = await mallory.request("DELETE", "/v1/orders/999999");
      expect(cancel.statusCode).toBe(404);
      expect({ ...cancel.json(), instance: "" }).toEqual({ ...missing.json(), instance: "" });
      const target = { symbol: futureSymbol, orderId: aliceOrderId };
      const replace = await mallory.request("POST", "/v1/orders/replace", {
        ...target,
        newClientOrderId: "steal",
        price: "19.00",
        quantityLots: 1,
      });
      expect(replace.statusCode).toBe(404);
      const amend = await mallory.request("POST", "/v1/orders/amend", { ...target, newQuantityLots: 1 });
      expect(amend.statusCode).toBe(404);
      await expectNothingChanged();
    });

    it("cannot act as another account by naming it in the body: 403", async () => {
      const response = await mallory.request("POST", "/v1/orders", { ...order, accountId: "alice" });
      expect(response.statusCode).toBe(403);
      expect(response.json()).toMatchObject({ code: "FORBIDDEN", field: "accountId" });
      const massCancel = await mallory.request("DELETE", "/v1/orders?accountId=alice");
      expect(massCancel.statusCode).toBe(400);
      await expectNothingChanged();
    });

    it("sees only its own orders, fills, balances and positions, and cannot revoke another's key", async () => {
      expect(await mallory.json("GET", "/v1/orders")).toEqual([]);
      expect(await mallory.json("GET", "/v1/fills")).toEqual([]);
      const balances = await mallory.json<{ available: string }[]>("GET", "/v1/balances");
      expect(balances).toEqual([expect.objectContaining({ available: "100000.00" })]);
      const revoke = await mallory.request("DELETE", `/v1/api-keys/${alice.signer.keyId}`);
      const missing = await mallory.request("DELETE", "/v1/api-keys/no-such-key");
      expect(revoke.statusCode).toBe(404);
      expect(revoke.json().detail).toBe(missing.json().detail);
      expect((await alice.request("GET", "/v1/balances")).statusCode).toBe(200);
      await expectNothingChanged();
    });

    it("a mass cancel by one account leaves the other's orders alone", async () => {
      await mallory.json("DELETE", "/v1/orders");
      const open = await alice.json<{ orderId: string }[]>("GET", "/v1/orders");
      expect(open.map((o) => o.orderId)).toContain(aliceOrderId);
    });
  });
});
