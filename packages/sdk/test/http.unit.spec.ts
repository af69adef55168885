import { type ApiKeyRecord, generateApiKeyPair, RequestVerifier } from "@ghx/auth";
import { describe, expect, it } from "vitest";
import {
  errorFromResponse,
  GhxApiError,
  GhxClient,
  GhxConnectionError,
  requestTarget,
} from "../src/index.ts";

interface Sent {
  readonly url: string;
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

type Answer = Response | Error;

/** A fetch that records what it was sent and answers from a script (the last answer repeats). */
function scriptedFetch(answers: Answer[]) {
  const sent: Sent[] = [];
  const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    sent.push({
      url: String(input),
      method: init?.method ?? "GET",
      headers: { ...(init?.headers as Record<string, string>) },
      body: typeof init?.body === "string" ? init.body : "",
    });
    const answer = answers[Math.min(sent.length - 1, answers.length - 1)] as Answer;
    if (answer instanceof Error) throw answer;
    return answer.clone();
  };
  return { sent, fetch: fetch as typeof globalThis.fetch };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
const problem = (
  status: number,
  code: string,
  detail: string,
  field?: string,
  headers?: Record<string, string>,
) =>
  new Response(JSON.stringify({ type: "about:blank", title: code, status, code, detail, field }), {
    status,
    headers: { "content-type": "application/problem+json", ...headers },
  });
const refused = () => Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNREFUSED" } });

const pair = generateApiKeyPair();
const key = { keyId: "alice-1", privateKey: pair.privateKey };
const record: ApiKeyRecord = {
  keyId: "alice-1",
  accountId: "alice",
  publicKey: pair.publicKey,
  scopes: ["trade", "read"],
};
const client = (fetch: typeof globalThis.fetch, retries = 2) =>
  new GhxClient({ url: "http://127.0.0.1:9/", key, fetch, retries, retryDelayMs: 1 });

async function verify(request: Sent) {
  const verifier = new RequestVerifier({ lookupKey: (id) => (id === record.keyId ? record : undefined) });
  const path = request.url.slice("http://127.0.0.1:9".length);
  return verifier.verifyHeaders(request.headers, request.method, path, request.body);
}

describe("signing", () => {
  it("a POST's headers verify with @ghx/auth over the exact path and body sent", async () => {
    const { sent, fetch } = scriptedFetch([json(201, { seq: 7, orderId: "3" })]);
    const ack = await client(fetch).placeOrder({
      symbol: "H100.WUHU.2027M01",
      side: "buy",
      orderType: "limit",
      price: "19.50",
      quantityLots: 2,
    });
    expect(ack).toEqual({ seq: 7, orderId: "3" });
    const request = sent[0] as Sent;
    expect(request.url).toBe("http://127.0.0.1:9/v1/orders");
    expect(request.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(request.body)).toMatchObject({
      price: "19.50",
      clientOrderId: expect.stringMatching(/^c[0-9a-f]{20}$/),
    });
    const result = await verify(request);
    expect(result.ok && result.key.accountId).toBe("alice");
  });

  it("a GET with a query string is signed over path and query", async () => {
    const { sent, fetch } = scriptedFetch([json(200, [])]);
    await client(fetch).orderHistory({ symbol: "H100.WUHU.2027M01", limit: 5 });
    const request = sent[0] as Sent;
    expect(request.url).toBe("http://127.0.0.1:9/v1/orders/history?symbol=H100.WUHU.2027M01&limit=5");
    expect((await verify(request)).ok).toBe(true);
    // A tampered query fails verification: the signature covers it.
    expect((await verify({ ...request, url: request.url.replace("limit=5", "limit=6") })).ok).toBe(false);
  });

  it("public requests carry no auth headers, and a keyless client refuses private calls", async () => {
    const { sent, fetch } = scriptedFetch([json(200, [])]);
    await new GhxClient({ url: "http://127.0.0.1:9", fetch }).products();
    expect(Object.keys((sent[0] as Sent).headers).filter((h) => h.startsWith("ghx-"))).toEqual([]);
    await expect(new GhxClient({ url: "http://127.0.0.1:9", fetch }).balances()).rejects.toThrow(/key/);
  });

  it("builds the request target the server sees, skipping undefined parameters", () => {
    expect(requestTarget("/v1/fills", { symbol: undefined, limit: 10 })).toBe("/v1/fills?limit=10");
    expect(requestTarget("/v1/fills", {})).toBe("/v1/fills");
  });
});

describe("errors", () => {
  it("a problem+json answer becomes a GhxApiError with status, code, field and detail", async () => {
    const { fetch } = scriptedFetch([problem(422, "PRICE_OUT_OF_BAND", "price outside the band", "price")]);
    const error = await client(fetch)
      .placeOrder({
        symbol: "H100.WUHU.2027M01",
        side: "buy",
        orderType: "limit",
        price: "99.00",
        quantityLots: 1,
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GhxApiError);
    expect(error).toMatchObject({
      status: 422,
      code: "PRICE_OUT_OF_BAND",
      field: "price",
      detail: "price outside the band",
    });
    expect((error as GhxApiError).message).toBe("PRICE_OUT_OF_BAND (price): price outside the band");
  });

  it("a non-problem body keeps its status and text", () => {
    const error = errorFromResponse(502, "<html>bad gateway</html>", null);
    expect(error).toMatchObject({ status: 502, code: "HTTP_502", detail: "<html>bad gateway</html>" });
    expect(errorFromResponse(429, "{}", "3").retryAfterSeconds).toBe(3);
    expect(errorFromResponse(429, "{}", "soon").retryAfterSeconds).toBeUndefined();
  });

  it("market-data's plain errors ({code, message}) map too", () => {
    const error = errorFromResponse(
      404,
      JSON.stringify({ code: "UNKNOWN_PRODUCT", message: "X is not listed" }),
      null,
    );
    expect(error).toMatchObject({ status: 404, code: "UNKNOWN_PRODUCT", detail: "X is not listed" });
  });

  it("an unreachable server is a GhxConnectionError naming the cause", async () => {
    const { fetch } = scriptedFetch([refused()]);
    const error = await client(fetch, 0)
      .products()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GhxConnectionError);
    expect((error as Error).message).toBe("cannot reach http://127.0.0.1:9: ECONNREFUSED");
  });
});

describe("retries", () => {
  it("retries a GET after connection errors and 503, signing each attempt afresh", async () => {
    const { sent, fetch } = scriptedFetch([
      refused(),
      problem(503, "CORE_UNAVAILABLE", "down"),
      json(200, []),
    ]);
    expect(await client(fetch).balances()).toEqual([]);
    expect(sent).toHaveLength(3);
    const nonces = new Set(sent.map((s) => s.headers["ghx-nonce"]));
    expect(nonces.size).toBe(3);
  });

  it("retries a POST with the same Idempotency-Key, and gives up after the retries", async () => {
    const { sent, fetch } = scriptedFetch([problem(503, "CORE_UNAVAILABLE", "down")]);
    const error = await client(fetch, 2)
      .deposit({ accountId: "alice", currency: "CNY", amount: "10" }, { idempotencyKey: "dep-1" })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "CORE_UNAVAILABLE" });
    expect(sent.map((s) => s.headers["idempotency-key"])).toEqual(["dep-1", "dep-1", "dep-1"]);
  });

  it("waits for a 409 IDEMPOTENCY_IN_PROGRESS and then gets the first answer", async () => {
    const { sent, fetch } = scriptedFetch([
      problem(409, "IDEMPOTENCY_IN_PROGRESS", "running"),
      json(201, { seq: 4 }),
    ]);
    expect(
      await client(fetch).createAccount({ accountId: "bob", owner: "bob", capabilities: ["trade"] }),
    ).toEqual({
      seq: 4,
    });
    expect(sent).toHaveLength(2);
    expect(sent[0]?.headers["idempotency-key"]).toBe(sent[1]?.headers["idempotency-key"]);
  });

  it("never retries a DELETE or a reject", async () => {
    const cancel = scriptedFetch([problem(503, "CORE_UNAVAILABLE", "down"), json(200, { seq: 1 })]);
    await expect(client(cancel.fetch).cancelOrder("12")).rejects.toMatchObject({ code: "CORE_UNAVAILABLE" });
    expect(cancel.sent).toHaveLength(1);
    const reject = scriptedFetch([problem(422, "INSUFFICIENT_FUNDS", "no cash"), json(201, { seq: 1 })]);
    await expect(
      client(reject.fetch).placeOrder({
        symbol: "H100.WUHU.2027M01",
        side: "buy",
        orderType: "market",
        quantityLots: 1,
      }),
    ).rejects.toMatchObject({ code: "INSUFFICIENT_FUNDS" });
    expect(reject.sent).toHaveLength(1);
  });
});
