// Fuzz: malformed REST bodies, queries, auth headers and WebSocket messages. Properties: never a
// 5xx, every refusal is problem+json and changes no account's state, the process keeps serving.
// FUZZ_RUNS overrides the number of cases per property (default 10,000).
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { problemContentType } from "../src/index.ts";
import {
  accountState,
  exchangeModes,
  futureSymbol,
  limitOrder,
  listFuture,
  type SignedClient,
  startTestExchange,
  type TestExchange,
} from "./harness.ts";
import { OrderSocket } from "./ws-client.ts";

const runs = Number(process.env.FUZZ_RUNS ?? 10_000);
describe.each(exchangeModes)("%s exchange", (mode) => {
  let ex: TestExchange;
  let fuzzer: SignedClient;
  let url: string;
  const accounts = ["fuzzer", "victim"];

  beforeAll(async () => {
    ex = await startTestExchange({ rateLimits: { keyPerSecond: 1_000_000, keyBurst: 1_000_000 } }, mode);
    url = await ex.app.listen({ host: "127.0.0.1", port: 0 });
    await listFuture(ex.operator);
    // Small balance: an order that happens to be valid is still refused by risk, not filled.
    fuzzer = await ex.trader("fuzzer", { deposit: "1.00" });
    const victim = await ex.trader("victim", { deposit: "100000.00" });
    await victim.json("POST", "/v1/orders", limitOrder("v1", "buy", "19.00"));
  });
  afterAll(() => ex?.close());

  const validOrder = limitOrder("f1", "buy", "19.50") as Record<string, unknown>;
  const orderFields = [
    ...Object.keys(validOrder),
    "accountId",
    "timeInForce",
    "expireAtMs",
    "postOnly",
    "collarPrice",
    "extra",
  ];

  const nastyString = fc.oneof(
    fc.string(),
    fc.constantFrom(
      "",
      "-1",
      "1e3",
      "0x10",
      "NaN",
      "Infinity",
      "19.5.0",
      " 19.50",
      "١٩",
      "19,50",
      "__proto__",
      "constructor",
    ),
    fc.string({ unit: "binary", maxLength: 40 }),
  );
  const anyValue = fc.oneof(fc.jsonValue({ maxDepth: 3 }), nastyString, fc.integer(), fc.double());

  /** A valid order with 1-3 fields replaced, removed or added. */
  const mutatedOrder = fc
    .array(
      fc.record({ field: fc.constantFrom(...orderFields), value: fc.option(anyValue, { nil: undefined }) }),
      {
        minLength: 1,
        maxLength: 3,
      },
    )
    .map((mutations) => {
      const order: Record<string, unknown> = { ...validOrder };
      for (const { field, value } of mutations) {
        if (value === undefined) delete order[field];
        else order[field] = value;
      }
      return JSON.stringify(order);
    });

  const body = fc.oneof(
    mutatedOrder,
    fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
    fc.string({ maxLength: 200 }),
    fc.constantFrom(
      "{",
      "[",
      "null",
      '{"symbol":',
      '{"__proto__":{"polluted":1}}',
      "\u0000",
      "[]".repeat(500),
    ),
  );

  const target = fc.constantFrom(
    ["POST", "/v1/orders"],
    ["POST", "/v1/orders/replace"],
    ["POST", "/v1/orders/amend"],
    ["POST", "/v1/bonds"],
    ["POST", "/v1/capacity"],
    ["POST", "/v1/withdrawals"],
    ["DELETE", "/v1/orders/0"],
    ["GET", "/v1/orders/abc"],
  ) as fc.Arbitrary<[string, string]>;

  const query = fc.dictionary(fc.constantFrom("symbol", "side", "limit", "accountId", "x"), nastyString, {
    maxKeys: 3,
  });

  type AuthMode = "signed" | "unsigned" | "garbled";

  describe("REST fuzz", () => {
    it(`never answers 5xx and never changes state on a refusal (${runs} cases)`, async () => {
      let before = await accountState(ex.port, accounts);
      let accepted = 0;
      await fc.assert(
        fc.asyncProperty(
          target,
          body,
          query,
          fc.constantFrom<AuthMode>("signed", "signed", "signed", "unsigned", "garbled"),
          fc.string({ maxLength: 30 }),
          async ([method, path], text, params, auth, garbage) => {
            const search = new URLSearchParams(params).toString();
            const url = method === "DELETE" && search ? `/v1/orders?${search}` : path;
            const headers =
              auth === "signed"
                ? fuzzer.signer.headers({ method, path: url, body: method === "GET" ? "" : text })
                : auth === "garbled"
                  ? {
                      "ghx-key": garbage,
                      "ghx-timestamp": garbage,
                      "ghx-nonce": garbage,
                      "ghx-signature": garbage,
                    }
                  : {};
            const response = await ex.app.inject({
              method: method as "POST",
              url,
              ...(method === "GET" ? {} : { payload: text }),
              headers: { "content-type": "application/json", ...headers },
            });
            expect(response.statusCode, response.body).toBeLessThan(500);
            const after = await accountState(ex.port, accounts);
            if (response.statusCode >= 400) {
              expect(response.headers["content-type"]).toContain(problemContentType);
              expect(response.json().code).toMatch(/^[A-Z_]+$/);
              expect(after).toBe(before);
            } else {
              accepted++;
              before = after;
            }
          },
        ),
        { numRuns: runs },
      );
      // Almost every case is malformed; the few valid ones (e.g. a bond of a valid amount) may act.
      expect(accepted).toBeLessThan(runs / 10);
      expect((await ex.app.inject({ url: "/healthz" })).statusCode).toBe(200);
    });
  });

  describe("WebSocket fuzz", () => {
    it(`answers every malformed message with a reject, stays connected, changes nothing (${runs} cases)`, async () => {
      const socket = await OrderSocket.open(url);
      expect(await socket.login(fuzzer.signer)).toMatchObject({ type: "ack" });
      const before = await accountState(ex.port, accounts);
      const wsCommand = fc.record({
        op: fc.oneof(
          fc.constantFrom("place", "cancel", "replace", "amend", "mass_cancel", "cancel_after", "ping"),
          nastyString,
        ),
        id: fc.oneof(fc.string({ minLength: 1, maxLength: 10 }), anyValue),
        data: fc.oneof(
          mutatedOrder.map((t) => JSON.parse(t) as unknown),
          anyValue,
        ),
        timeoutMs: fc.option(fc.oneof(fc.integer({ min: -5, max: 999 }), fc.double(), nastyString), {
          nil: undefined,
        }),
      });
      const message = fc.oneof(
        wsCommand.map((c) => JSON.stringify(c)),
        fc.array(wsCommand, { minLength: 1, maxLength: 5 }).map((cs) => JSON.stringify(cs)),
        fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
        fc.string({ maxLength: 100 }),
      );
      let refusedOnly = true;
      await fc.assert(
        fc.asyncProperty(message, async (text) => {
          const reply = await socket.send<unknown>(text);
          const replies = (Array.isArray(reply) ? reply : [reply]) as { type: string; op?: string }[];
          for (const r of replies) {
            expect(["ack", "reject"]).toContain(r.type);
            // A command that happens to be valid: ping, a disarming cancel_after, an empty mass cancel.
            if (r.type === "ack" && !["ping", "cancel_after", "mass_cancel"].includes(r.op ?? ""))
              refusedOnly = false;
          }
        }),
        { numRuns: runs },
      );
      expect(socket.socket.readyState).toBe(socket.socket.OPEN);
      if (refusedOnly) expect(await accountState(ex.port, accounts)).toBe(before);
      const ping = await socket.send<{ type: string }>({ op: "ping", id: "alive" });
      expect(ping.type).toBe("ack");
      await socket.close();
      const still = await fuzzer.request("GET", `/v1/orders?symbol=${futureSymbol}`);
      expect(still.statusCode).toBe(200);
    });
  });

  describe("WebSocket login fuzz", () => {
    it("refuses every malformed or forged login and closes that socket only", async () => {
      const login = fc.record({
        op: fc.oneof(fc.constant("login"), nastyString),
        id: anyValue,
        keyId: fc.oneof(fc.constant(fuzzer.signer.keyId), nastyString),
        timestamp: fc.oneof(fc.constant(Date.now()), fc.integer(), fc.double(), nastyString),
        nonce: nastyString,
        signature: fc.oneof(nastyString, fc.constant("A".repeat(86))),
        cancelOnDisconnect: fc.option(anyValue, { nil: undefined }),
      });
      const message = fc.oneof(
        login.map((l) => JSON.stringify(l)),
        fc.string({ maxLength: 60 }),
      );
      await fc.assert(
        fc.asyncProperty(message, async (text) => {
          const socket = await OrderSocket.open(url);
          const reply = await socket.send<{ type: string; problem: { code: string } }>(text);
          expect(reply.type).toBe("reject");
          expect(await socket.closed()).toBe(1008);
        }),
        { numRuns: Math.min(runs, 500) },
      );
      const ok = await OrderSocket.open(url);
      expect(await ok.login(fuzzer.signer)).toMatchObject({ type: "ack" });
      await ok.close();
    });
  });
});
