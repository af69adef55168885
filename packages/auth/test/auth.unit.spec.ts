import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type ApiKeyRecord,
  CanonicalFormError,
  canonicalString,
  createRequestSigner,
  generateApiKeyPair,
  NonceCache,
  normalizePublicKey,
  publicKeyOf,
  RequestVerifier,
} from "../src/index.ts";

const pair = generateApiKeyPair();
const key: ApiKeyRecord = {
  keyId: "k1",
  accountId: "acct-1",
  publicKey: pair.publicKey,
  scopes: ["trade", "read"],
};
const signer = createRequestSigner("k1", pair.privateKey);
const t0 = 1_790_000_000_000;

function verifierAt(nowMs: { value: number }, keys: ApiKeyRecord[] = [key]) {
  return new RequestVerifier({
    lookupKey: (keyId) => keys.find((k) => k.keyId === keyId),
    nowMs: () => nowMs.value,
  });
}

const order = { method: "POST", path: "/v1/orders?x=1", body: '{"symbol":"H100.WUHU.2027M01"}' };

describe("canonical string", () => {
  it("joins the fields in the documented order after the version", () => {
    expect(
      canonicalString({
        timestampMs: 5,
        nonce: "abcdefghijklmnop",
        method: "GET",
        path: "/v1/x?a=b",
        body: "",
      }),
    ).toBe("GHX-ED25519-V1\n5\nabcdefghijklmnop\nGET\n/v1/x?a=b\n");
  });

  it("refuses fields that could smuggle a newline", () => {
    const base = { timestampMs: 5, nonce: "abcdefghijklmnop", method: "GET", path: "/v1/x", body: "" };
    expect(() => canonicalString({ ...base, nonce: "abcdefgh\nijklmnop" })).toThrow(CanonicalFormError);
    expect(() => canonicalString({ ...base, path: "/v1/x\nGET" })).toThrow(CanonicalFormError);
    expect(() => canonicalString({ ...base, method: "get" })).toThrow(CanonicalFormError);
    expect(() => canonicalString({ ...base, timestampMs: 1.5 })).toThrow(CanonicalFormError);
  });
});

describe("keys", () => {
  it("derives the stored public key from the private seed and accepts hex spelling", () => {
    expect(publicKeyOf(pair.privateKey)).toBe(pair.publicKey);
    const hex = Buffer.from(pair.publicKey, "base64url").toString("hex");
    expect(normalizePublicKey(hex)).toBe(pair.publicKey);
    expect(() => normalizePublicKey("not-a-key")).toThrow();
  });
});

describe("RequestVerifier", () => {
  it("accepts a correctly signed request and returns the key", async () => {
    const now = { value: t0 };
    const headers = signer.headers({ ...order, timestampMs: t0 });
    const result = await verifierAt(now).verifyHeaders(headers, order.method, order.path, order.body);
    expect(result).toEqual({ ok: true, key });
  });

  it("accepts a WebSocket login for its path only", async () => {
    const login = signer.webSocketLogin("/v1/ws/orders", t0);
    const signed = {
      keyId: login.keyId,
      timestampMs: login.timestamp,
      nonce: login.nonce,
      signature: login.signature,
    };
    const request = { ...signed, method: "GET", path: "/v1/ws/orders", body: "" };
    expect(await verifierAt({ value: t0 }).verify(request)).toEqual({ ok: true, key });
    const elsewhere = await verifierAt({ value: t0 }).verify({ ...request, path: "/v1/ws/market" });
    expect(elsewhere).toMatchObject({ ok: false, code: "INVALID_SIGNATURE" });
  });

  it("refuses a replay of the same nonce inside the window", async () => {
    const now = { value: t0 };
    const verifier = verifierAt(now);
    const headers = signer.headers({ ...order, timestampMs: t0 });
    expect((await verifier.verifyHeaders(headers, order.method, order.path, order.body)).ok).toBe(true);
    now.value += 10_000;
    const again = await verifier.verifyHeaders(headers, order.method, order.path, order.body);
    expect(again).toMatchObject({ ok: false, code: "NONCE_REPLAYED" });
  });

  it("refuses timestamps outside ±30 s, so a replay after the window is refused too", async () => {
    const now = { value: t0 };
    const verifier = verifierAt(now);
    const late = signer.headers({ ...order, timestampMs: t0 - 30_001 });
    const early = signer.headers({ ...order, timestampMs: t0 + 30_001 });
    for (const headers of [late, early]) {
      const result = await verifier.verifyHeaders(headers, order.method, order.path, order.body);
      expect(result).toMatchObject({ ok: false, code: "TIMESTAMP_OUT_OF_WINDOW" });
    }
  });

  it("refuses unsigned, malformed, unknown-key and tampered requests", async () => {
    const now = { value: t0 };
    const verifier = verifierAt(now);
    const headers = signer.headers({ ...order, timestampMs: t0 });
    const check = (h: Record<string, string>, method = order.method, path = order.path, body = order.body) =>
      verifier.verifyHeaders(h, method, path, body);
    expect(await check({})).toMatchObject({ code: "AUTH_MISSING" });
    expect(await check({ ...headers, "ghx-timestamp": "soon" })).toMatchObject({ code: "AUTH_MALFORMED" });
    expect(await check({ ...headers, "ghx-key": "k2" })).toMatchObject({ code: "UNKNOWN_API_KEY" });
    expect(await check(headers, "DELETE")).toMatchObject({ code: "INVALID_SIGNATURE" });
    expect(await check(headers, order.method, "/v1/orders?x=2")).toMatchObject({ code: "INVALID_SIGNATURE" });
    expect(await check(headers, order.method, order.path, `${order.body} `)).toMatchObject({
      code: "INVALID_SIGNATURE",
    });
  });

  it("does not burn a nonce on a forged request", async () => {
    const now = { value: t0 };
    const verifier = verifierAt(now);
    const headers = signer.headers({ ...order, timestampMs: t0 });
    const forged = { ...headers, "ghx-signature": "A".repeat(86) };
    expect(await verifier.verifyHeaders(forged, order.method, order.path, order.body)).toMatchObject({
      code: "INVALID_SIGNATURE",
    });
    expect((await verifier.verifyHeaders(headers, order.method, order.path, order.body)).ok).toBe(true);
  });

  it("never accepts a signature made by another key pair (property)", async () => {
    const other = createRequestSigner("k1", generateApiKeyPair().privateKey);
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 200 }), fc.string({ maxLength: 40 }), async (body, query) => {
        const path = `/v1/orders?q=${encodeURIComponent(query)}`;
        const now = { value: t0 };
        const headers = other.headers({ method: "POST", path, body, timestampMs: t0 });
        const result = await verifierAt(now).verifyHeaders(headers, "POST", path, body);
        expect(result).toMatchObject({ ok: false, code: "INVALID_SIGNATURE" });
      }),
      { numRuns: 200 },
    );
  });
});

describe("NonceCache", () => {
  it("forgets nonces once their window has passed and refuses when full", () => {
    const cache = new NonceCache(2);
    expect(cache.remember("k", "n1", 1_500, 0)).toBe("fresh");
    expect(cache.remember("k", "n1", 1_500, 0)).toBe("replayed");
    expect(cache.remember("k", "n2", 5_000, 0)).toBe("fresh");
    expect(cache.remember("k", "n3", 5_000, 0)).toBe("full");
    expect(cache.remember("k", "n3", 5_000, 2_000)).toBe("fresh");
    expect(cache.size).toBe(2);
    expect(cache.remember("other-key", "n2", 5_000, 6_000)).toBe("fresh");
    expect(cache.size).toBe(1);
  });
});
