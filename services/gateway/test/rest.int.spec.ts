import { createRequestSigner, generateApiKeyPair } from "@ghx/auth";
import { BusRemoteError, connectNatsBus } from "@ghx/bus";
import { CoreOverloaded, coreBusClient } from "@ghx/core-service";
import { natsAvailable, startNatsServer } from "@ghx/testkit";
import { Validator } from "@seriousme/openapi-schema-validator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildGateway, busCorePort, gatewayLimits, problemContentType } from "../src/index.ts";
import {
  exchangeModes,
  futureSymbol,
  keyFor,
  limitOrder,
  listFuture,
  SignedClient,
  startTestExchange,
  type TestExchange,
} from "./harness.ts";

describe.each(exchangeModes)("%s exchange", (mode) => {
  let ex: TestExchange;
  let alice: SignedClient;
  let bob: SignedClient;

  beforeAll(async () => {
    ex = await startTestExchange({ rateLimits: { keyPerSecond: 1_000, keyBurst: 1_000 } }, mode);
    await listFuture(ex.operator);
    alice = await ex.trader("alice", { deposit: "100000.00" });
    bob = await ex.trader("bob", { deposit: "100000.00" });
  });
  afterAll(() => ex?.close());

  type Ack = { orderId: string; status: string; filledLots: number; remainingLots: number; seq: number };

  describe("orders over REST", () => {
    it("trades two accounts at the maker's price and reports fills, positions and balances", async () => {
      const maker = await alice.json<Ack>("POST", "/v1/orders", limitOrder("m1", "buy", "20.00", 2));
      expect(maker).toMatchObject({ status: "new", filledLots: 0, remainingLots: 2 });
      const taker = await bob.json<Ack & { fills: unknown[] }>(
        "POST",
        "/v1/orders",
        limitOrder("t1", "sell", "19.90", 1),
      );
      expect(taker).toMatchObject({ status: "filled", filledLots: 1, remainingLots: 0 });
      expect(taker.fills).toEqual([{ price: "20.00", quantityLots: 1 }]);

      const open = await alice.json<{ orderId: string; status: string; remainingLots: number }[]>(
        "GET",
        "/v1/orders",
      );
      expect(open).toEqual([
        expect.objectContaining({ orderId: maker.orderId, status: "partially_filled", remainingLots: 1 }),
      ]);
      const one = await alice.json("GET", `/v1/orders/${maker.orderId}`);
      expect(one).toMatchObject({ price: "20.00", filledLots: 1 });

      const fills = await bob.json<{ price: string; liquidity: string; fee: string }[]>("GET", "/v1/fills");
      expect(fills).toEqual([
        expect.objectContaining({ price: "20.00", liquidity: "taker", symbol: futureSymbol }),
      ]);
      expect(fills[0]?.fee).toMatch(/^\d+\.\d{2}$/);

      const positions = await alice.json<{ symbol: string; quantityLots: number }[]>("GET", "/v1/positions");
      expect(positions).toEqual([expect.objectContaining({ symbol: futureSymbol, quantityLots: 1 })]);
      const [cny] = await bob.json<{ currency: string; available: string; margin: string }[]>(
        "GET",
        "/v1/balances",
      );
      expect(cny?.currency).toBe("CNY");
      expect(Number(cny?.margin)).toBeGreaterThan(0);

      const book = await alice.json<{ bids: { price: string; quantityLots: number }[] }>(
        "GET",
        `/v1/products/${futureSymbol}/book`,
      );
      expect(book.bids[0]).toEqual({ price: "20.00", quantityLots: 1, orders: 1 });

      const cancelled = await alice.request("DELETE", `/v1/orders/${maker.orderId}`);
      expect(cancelled.statusCode).toBe(200);
      expect(await alice.json("GET", "/v1/orders")).toEqual([]);
      const history = await alice.json<{ orderId: string; status: string }[]>("GET", "/v1/orders/history");
      expect(history[0]).toMatchObject({ orderId: maker.orderId, status: "cancelled" });
    });

    it("replaces (new price, the order keeps its ids) and amends down an open order", async () => {
      const placed = await alice.json<Ack>("POST", "/v1/orders", limitOrder("r1", "buy", "19.00", 5));
      const replaced = await alice.request("POST", "/v1/orders/replace", {
        symbol: futureSymbol,
        orderId: placed.orderId,
        price: "19.10",
        quantityLots: 4,
      });
      expect(replaced.statusCode, replaced.body).toBe(200);
      const [open] = await alice.json<{ orderId: string; price: string; quantityLots: number }[]>(
        "GET",
        "/v1/orders",
      );
      expect(open).toMatchObject({
        orderId: placed.orderId,
        clientOrderId: "r1",
        price: "19.10",
        quantityLots: 4,
      });
      const amended = await alice.request("POST", "/v1/orders/amend", {
        symbol: futureSymbol,
        orderId: open?.orderId,
        newQuantityLots: 2,
      });
      expect(amended.statusCode, amended.body).toBe(200);
      const [after] = await alice.json<{ remainingLots: number }[]>("GET", "/v1/orders");
      expect(after?.remainingLots).toBe(2);
      const up = await alice.request("POST", "/v1/orders/amend", {
        symbol: futureSymbol,
        orderId: open?.orderId,
        newQuantityLots: 3,
      });
      expect(up.statusCode).toBe(422);
      expect(up.json()).toMatchObject({ code: "AMEND_NOT_DOWN" });
    });

    it("mass cancels by side and then everything", async () => {
      await alice.json("POST", "/v1/orders", limitOrder("mc-b", "buy", "18.50", 1));
      await alice.json("POST", "/v1/orders", limitOrder("mc-s", "sell", "21.50", 1));
      const sells = await alice.json<{ cancelledOrders: number }>("DELETE", "/v1/orders?side=sell");
      expect(sells.cancelledOrders).toBe(1);
      const left = await alice.json<{ side: string }[]>("GET", "/v1/orders");
      expect(left.every((o) => o.side === "buy")).toBe(true);
      const all = await alice.json<{ cancelledOrders: number }>(
        "DELETE",
        `/v1/orders?symbol=${futureSymbol}`,
      );
      expect(all.cancelledOrders).toBe(left.length);
      expect(await alice.json("GET", "/v1/orders")).toEqual([]);
    });

    it("expires a GTD order at its time with no other traffic, giving back its hold", async () => {
      type Balance = { currency: string; available: string; held: string; margin: string };
      const [before] = await alice.json<Balance[]>("GET", "/v1/balances");
      const order = {
        ...limitOrder("gtd-1", "buy", "18.00", 1),
        timeInForce: "GTD",
        expireAtMs: Date.now() + 300,
      };
      const placed = await alice.json<Ack>("POST", "/v1/orders", order);
      expect(placed.status).toBe("new");
      const [holding] = await alice.json<Balance[]>("GET", "/v1/balances");
      expect(holding?.available).not.toBe(before?.available);
      let open = await alice.json<{ orderId: string }[]>("GET", "/v1/orders");
      expect(open.map((o) => o.orderId)).toContain(placed.orderId);
      for (let i = 0; i < 100 && open.length > 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        open = await alice.json<{ orderId: string }[]>("GET", "/v1/orders");
      }
      expect(open).toEqual([]);
      const history = await alice.json<{ orderId: string; status: string }[]>("GET", "/v1/orders/history");
      expect(history).toContainEqual(expect.objectContaining({ orderId: placed.orderId, status: "expired" }));
      expect((await alice.json<Balance[]>("GET", "/v1/balances"))[0]).toEqual(before);
    });

    it("turns core rejects into problem+json with a stable code and field", async () => {
      const outOfBand = await alice.request("POST", "/v1/orders", limitOrder("band", "buy", "99.00"));
      expect(outOfBand.statusCode).toBe(422);
      expect(outOfBand.headers["content-type"]).toContain(problemContentType);
      expect(outOfBand.json()).toMatchObject({ code: "PRICE_OUT_OF_BAND", field: "price", status: 422 });
      // The band as prices, not the core's ticks.
      expect(outOfBand.json().detail).toMatch(
        /^price 99\.00 is outside the product's band \[\d+\.\d\d, \d+\.\d\d\]$/,
      );
      const offTick = await alice.request("POST", "/v1/orders", limitOrder("tick", "buy", "19.999"));
      expect(offTick.statusCode).toBe(400);
      expect(offTick.json()).toMatchObject({ code: "INVALID_PRICE", field: "price" });
      const notListed = await alice.request("POST", "/v1/orders", {
        ...limitOrder("nl", "buy", "19.00"),
        symbol: "H100.WUHU.2027M05",
      });
      expect(notListed.json()).toMatchObject({ code: "UNKNOWN_PRODUCT", field: "symbol" });
      const bad = await alice.request("POST", "/v1/orders", {
        ...limitOrder("q", "buy", "19.00"),
        quantityLots: 0,
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toMatchObject({ code: "INVALID_QUANTITY", field: "quantityLots" });
      const malformed = await alice.request("POST", "/v1/orders", "{not json");
      expect(malformed.json()).toMatchObject({ code: "MALFORMED_JSON", status: 400 });
      const tooBig = await alice.request("POST", "/v1/orders", { pad: "x".repeat(70_000) });
      expect(tooBig.statusCode).toBe(413);
      expect(tooBig.json()).toMatchObject({ code: "BODY_TOO_LARGE" });
    });
  });

  describe("batch placement", () => {
    it("places each order of a batch on its own and names the refused one's field", async () => {
      const results = await alice.json<{ ok: boolean; problem?: { code: string; field: string } }[]>(
        "POST",
        "/v1/orders/batch",
        {
          orders: [
            limitOrder("bt1", "buy", "18.00"),
            limitOrder("bt2", "buy", "18.005"),
            limitOrder("bt3", "buy", "18.01"),
          ],
        },
      );
      expect(results.map((r) => r.ok)).toEqual([true, false, true]);
      expect(results[1]?.problem).toMatchObject({ code: "INVALID_PRICE", field: "orders.1.price" });
      const tooMany = await alice.request("POST", "/v1/orders/batch", {
        orders: Array.from({ length: 101 }, (_, i) => limitOrder(`x${i}`, "buy", "18.00")),
      });
      expect(tooMany.statusCode).toBe(400);
      expect(tooMany.json()).toMatchObject({ field: "orders" });
      expect((await alice.json<unknown[]>("GET", "/v1/orders")).length).toBe(2);
      await alice.json("DELETE", "/v1/orders");
    });
  });

  describe("limits", () => {
    it(`refuses the order after ${gatewayLimits.openOrdersPerAccountMax} open ones with OPEN_ORDERS_LIMIT`, async () => {
      const dave = await ex.trader("dave", { deposit: "50000000.00" });
      const max = gatewayLimits.openOrdersPerAccountMax;
      const perBatch = gatewayLimits.batchCommandsMax;
      for (let b = 0; b < max / perBatch; b++) {
        const orders = Array.from({ length: perBatch }, (_, i) => limitOrder(`l${b}-${i}`, "buy", "18.00"));
        const results = await dave.json<{ ok: boolean }[]>("POST", "/v1/orders/batch", { orders });
        expect(results.every((r) => r.ok)).toBe(true);
      }
      const over = await dave.request("POST", "/v1/orders", limitOrder("one-more", "buy", "18.00"));
      expect(over.statusCode).toBe(422);
      expect(over.json()).toMatchObject({ code: "OPEN_ORDERS_LIMIT" });
      expect((await dave.json<{ cancelledOrders: number }>("DELETE", "/v1/orders")).cancelledOrders).toBe(
        max,
      );
    });
  });

  describe("Idempotency-Key", () => {
    it("replays the first response for the same request and refuses another request under the key", async () => {
      const order = limitOrder("idem-1", "buy", "18.00");
      const first = await alice.request("POST", "/v1/orders", order, { "idempotency-key": "k-1" });
      const again = await alice.request("POST", "/v1/orders", order, { "idempotency-key": "k-1" });
      expect(first.statusCode).toBe(201);
      expect(again.statusCode).toBe(201);
      expect(again.body).toBe(first.body);
      expect(again.headers["idempotent-replayed"]).toBe("true");
      const other = await alice.request("POST", "/v1/orders", limitOrder("idem-2", "buy", "18.00"), {
        "idempotency-key": "k-1",
      });
      expect(other.statusCode).toBe(422);
      expect(other.json()).toMatchObject({ code: "IDEMPOTENCY_KEY_REUSED" });
      const open = await alice.json<{ clientOrderId: string }[]>("GET", "/v1/orders");
      expect(open.filter((o) => o.clientOrderId.startsWith("idem-"))).toHaveLength(1);
      await alice.json("DELETE", "/v1/orders");
    });
  });

  describe("money and operator routes", () => {
    it("withdraws available cash exactly and refuses more than available", async () => {
      const carol = await ex.trader("carol", { scopes: ["read", "withdraw"], deposit: "10.05" });
      expect(
        (await carol.request("POST", "/v1/withdrawals", { currency: "CNY", amount: "0.05" })).statusCode,
      ).toBe(201);
      const [cny] = await carol.json<{ available: string }[]>("GET", "/v1/balances");
      expect(cny?.available).toBe("10.00");
      const over = await carol.request("POST", "/v1/withdrawals", { currency: "CNY", amount: "10.01" });
      expect(over.statusCode).toBe(422);
      const fine = await carol.request("POST", "/v1/withdrawals", { currency: "CNY", amount: "0.001" });
      expect(fine.json()).toMatchObject({ code: "INVALID_AMOUNT", field: "amount" });
    });

    it("lets a provider declare capacity and post a bond", async () => {
      const prov = await ex.trader("prov", { capabilities: ["trade", "provide", "read"], deposit: "500.00" });
      const from = Date.UTC(2026, 11, 1);
      const declared = await prov.request("POST", "/v1/capacity", {
        accelerator: "H100",
        zone: "WUHU",
        gpus: 8,
        fromMs: from,
        toMs: from + 24 * 3_600_000,
      });
      expect(declared.statusCode, declared.body).toBe(201);
      expect(
        (await prov.request("POST", "/v1/bonds", { currency: "CNY", amount: "100.00" })).statusCode,
      ).toBe(201);
      const [cny] = await prov.json<{ available: string; bond: string }[]>("GET", "/v1/balances");
      expect(cny).toMatchObject({ available: "400.00", bond: "100.00" });
    });
  });

  describe("accounts and keys (operator reads)", () => {
    type AccountView = { accountId: string; owner: string; capabilities: string[]; apiKeyCount: number };
    type KeyView = { keyId: string; accountId: string; publicKey: string; scopes: string[] };

    it("lists accounts in creation order, a page at a time, and shows one", async () => {
      const first = await ex.operator.json<AccountView[]>("GET", "/v1/accounts?limit=2");
      expect(first.map((a) => a.accountId)).toEqual(["operator", "alice"]);
      const next = await ex.operator.json<AccountView[]>("GET", "/v1/accounts?after=alice&limit=1");
      expect(next).toEqual([
        {
          accountId: "bob",
          owner: "owner-bob",
          capabilities: ["trade", "read"],
          blocked: false,
          stpGroup: expect.any(Number),
          apiKeyCount: 1,
        },
      ]);
      expect(await ex.operator.json("GET", "/v1/accounts/bob")).toEqual(next[0]);
    });

    it("lists an account's active keys with their public keys, without the revoked ones", async () => {
      const extra = await keyFor(ex.operator, ex.app, "alice", ["read"]);
      const keys = await ex.operator.json<KeyView[]>("GET", "/v1/accounts/alice/api-keys");
      expect(keys.map((k) => k.keyId)).toEqual([alice.signer.keyId, extra.signer.keyId]);
      expect(keys[1]).toEqual({
        keyId: extra.signer.keyId,
        accountId: "alice",
        publicKey: (await ex.port.apiKey(extra.signer.keyId))?.publicKey,
        scopes: ["read"],
      });
      expect(await extra.json("GET", "/v1/api-keys")).toEqual(keys);
      await extra.json("DELETE", `/v1/api-keys/${extra.signer.keyId}`);
      const left = await ex.operator.json<KeyView[]>("GET", "/v1/accounts/alice/api-keys");
      expect(left.map((k) => k.keyId)).toEqual([alice.signer.keyId]);
    });

    it("answers an unknown account or cursor with 404 UNKNOWN_ACCOUNT and a bad limit with 400", async () => {
      for (const [path, field] of [
        ["/v1/accounts/nobody", "accountId"],
        ["/v1/accounts/nobody/api-keys", "accountId"],
        ["/v1/accounts?after=nobody", "after"],
      ] as const) {
        const response = await ex.operator.request("GET", path);
        expect(response.statusCode, path).toBe(404);
        expect(response.headers["content-type"]).toContain(problemContentType);
        expect(response.json()).toMatchObject({ code: "UNKNOWN_ACCOUNT", field });
      }
      const bad = await ex.operator.request("GET", "/v1/accounts?limit=0");
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toMatchObject({ field: "limit" });
    });
  });

  describe("operations", () => {
    it("serves health, readiness and Prometheus metrics", async () => {
      expect((await ex.app.inject({ url: "/healthz" })).statusCode).toBe(200);
      const ready = (await ex.app.inject({ url: "/readyz" })).json();
      expect(ready).toMatchObject({ status: "ready", coreSeq: expect.any(Number) });
      expect(ready.coreSeq).toBeGreaterThan(0);
      const metrics = await ex.app.inject({ url: "/metrics" });
      // The core's own figures, whichever process it runs in.
      const seq = Number(/^ghx_core_last_seq (\d+)$/m.exec(metrics.body)?.[1]);
      expect(seq).toBeGreaterThanOrEqual(ready.coreSeq);
      expect(metrics.body).toMatch(/^ghx_core_pending_commands \d+$/m);
      expect(metrics.body).toMatch(/^ghx_core_pending_wait_ms \d+(\.\d+)?$/m);
      expect(metrics.body).toMatch(/^ghx_core_snapshot_replica_lag_records \d+$/m);
      expect(metrics.body).toMatch(/^ghx_core_snapshot_replica_lag_bytes \d+$/m);
      expect(metrics.body).toMatch(/^ghx_core_last_snapshot_seq \d+$/m);
      expect(metrics.headers["content-type"]).toContain("text/plain");
      expect(metrics.body).toMatch(
        /ghx_http_requests_total\{method="POST",route="\/v1\/orders",status="201"\} \d+/,
      );
      expect(metrics.body).toMatch(/ghx_orders_total\{command="PlaceOrder",result="accepted"\} \d+/);
      expect(metrics.body).toMatch(/ghx_rejects_total\{code="PRICE_OUT_OF_BAND"\} \d+/);
      expect(metrics.body).toContain("ghx_journal_ack_seconds_bucket");
    });

    it("answers 503 CORE_OVERLOADED with Retry-After when the core refuses a command as overloaded", async () => {
      // What reaches the gateway in this mode when the core's queues are full (the core's own
      // tests fill them: 200,000 commands behind a stalled journal).
      const refusal =
        mode === "embedded"
          ? new CoreOverloaded("journal queue full")
          : new BusRemoteError("ghx.core.command", "CORE_OVERLOADED", "journal queue full");
      const gateway = await buildGateway({ core: { ...ex.port, submit: () => Promise.reject(refusal) } });
      try {
        const client = new SignedClient(gateway.app, alice.accountId, alice.signer);
        const response = await client.request("POST", "/v1/orders", limitOrder("busy1", "buy", "20.00", 1), {
          "idempotency-key": "busy-1",
        });
        expect(response.statusCode).toBe(503);
        expect(response.headers["retry-after"]).toBe("1");
        expect(response.json()).toMatchObject({
          code: "CORE_OVERLOADED",
          detail: expect.stringMatching(/journal queue full.*nothing was applied/),
        });
      } finally {
        await gateway.app.close();
      }
    });

    it("rate limits per key with RateLimit-* and Retry-After headers", async () => {
      const limited = await startTestExchange({ rateLimits: { keyPerSecond: 1, keyBurst: 3 } });
      try {
        const responses = [];
        for (let i = 0; i < 4; i++) responses.push(await limited.operator.request("GET", "/v1/balances"));
        expect(responses.slice(0, 3).map((r) => r.statusCode)).toEqual([200, 200, 200]);
        expect(responses[2]?.headers["ratelimit-remaining"]).toBe("0");
        expect(responses[3]?.statusCode).toBe(429);
        expect(responses[3]?.headers["retry-after"]).toBe("1");
        expect(responses[3]?.json()).toMatchObject({ code: "RATE_LIMITED" });
      } finally {
        await limited.close();
      }
    });

    it("publishes a valid OpenAPI 3.1 document at /docs/json and the UI at /docs", async () => {
      const response = await ex.app.inject({ url: "/docs/json" });
      const document = response.json();
      const validator = new Validator();
      const result = await validator.validate(document);
      expect(result.errors ?? []).toEqual([]);
      expect(result.valid).toBe(true);
      expect(validator.version).toBe("3.1");
      for (const path of [
        "/v1/orders",
        "/v1/orders/{orderId}",
        "/v1/balances",
        "/v1/positions",
        "/v1/fills",
        "/v1/products",
        "/v1/accounts",
        "/v1/accounts/{accountId}",
        "/v1/accounts/{accountId}/api-keys",
        "/v1/api-keys",
      ]) {
        expect(document.paths[path], path).toBeDefined();
      }
      expect((await ex.app.inject({ url: "/docs" })).statusCode).toBeLessThan(400);
    });
  });
});

describe.skipIf(!natsAvailable())("a gateway whose core is not on the bus", () => {
  it("answers 503 CORE_UNAVAILABLE (retry later), not 500, and is not ready", async () => {
    const nats = await startNatsServer();
    const bus = await connectNatsBus({ servers: nats.servers });
    const gateway = await buildGateway({ core: busCorePort(coreBusClient(bus, 500)) });
    try {
      const signer = createRequestSigner("some-key", generateApiKeyPair().privateKey);
      const response = await gateway.app.inject({
        method: "GET",
        url: "/v1/balances",
        headers: signer.headers({ method: "GET", path: "/v1/balances", body: "" }),
      });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toMatchObject({ code: "CORE_UNAVAILABLE" });
      expect((await gateway.app.inject({ method: "GET", url: "/readyz" })).statusCode).toBe(503);
      const metrics = (await gateway.app.inject({ method: "GET", url: "/metrics" })).body;
      expect(metrics).toMatch(/^ghx_core_last_seq -1$/m);
      expect(metrics).toMatch(/^ghx_core_snapshot_replica_lag_bytes nan$/im);
    } finally {
      await gateway.app.close();
      await bus.close();
      await nats.stop();
    }
  });
});
