import { createRequestSigner, generateApiKeyPair } from "@ghx/auth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gatewayLimits } from "../src/index.ts";
import {
  exchangeModes,
  futureSymbol,
  keyFor,
  listFuture,
  type SignedClient,
  startTestExchange,
  type TestExchange,
} from "./harness.ts";
import { OrderSocket } from "./ws-client.ts";

describe.each(exchangeModes)("%s exchange", (mode) => {
  let ex: TestExchange;
  let url: string;
  let alice: SignedClient;
  const sockets: OrderSocket[] = [];

  beforeAll(async () => {
    ex = await startTestExchange({}, mode);
    url = await ex.app.listen({ host: "127.0.0.1", port: 0 });
    await listFuture(ex.operator);
    alice = await ex.trader("alice", { deposit: "1000000.00" });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.socket.terminate();
    await ex?.close();
  });

  async function open(): Promise<OrderSocket> {
    const socket = await OrderSocket.open(url);
    sockets.push(socket);
    return socket;
  }

  const place = (id: string, price: string, side: "buy" | "sell" = "buy") => ({
    op: "place",
    id,
    data: { symbol: futureSymbol, clientOrderId: id, side, orderType: "limit", price, quantityLots: 1 },
  });

  type Reply = {
    type: string;
    id: string | null;
    op: string;
    result?: Record<string, unknown>;
    problem?: Record<string, unknown>;
  };

  describe("WebSocket order entry", () => {
    it("logs in with a signature and acks a placed order with its correlation id", async () => {
      const socket = await open();
      expect(await socket.login(alice.signer)).toMatchObject({ type: "ack", result: { accountId: "alice" } });
      const ack = await socket.send<Reply>(place("w1", "19.00"));
      expect(ack).toMatchObject({
        type: "ack",
        id: "w1",
        op: "place",
        result: { status: "new", symbol: futureSymbol },
      });
      const cancel = await socket.send<Reply>({
        op: "cancel",
        id: "c1",
        data: { symbol: futureSymbol, orderId: ack.result?.orderId },
      });
      expect(cancel).toMatchObject({ type: "ack", id: "c1", result: { cancelledOrders: 1 } });
      await socket.close();
    });

    it("answers a batch of 100 in order, with a reject in place for a bad command", async () => {
      const socket = await open();
      await socket.login(alice.signer);
      const batch: unknown[] = Array.from({ length: 100 }, (_, i) => place(`b${i}`, "18.00"));
      batch[42] = { ...place("b42", "18.001") };
      const unknownZone = place("b7", "18.00");
      batch[7] = { ...unknownZone, data: { ...unknownZone.data, symbol: "H100.NOWHERE.2027M01" } };
      const replies = await socket.send<Reply[]>(batch);
      expect(replies).toHaveLength(100);
      expect(replies.map((r) => r.id)).toEqual(Array.from({ length: 100 }, (_, i) => `b${i}`));
      expect(replies[42]).toMatchObject({
        type: "reject",
        problem: { code: "INVALID_PRICE", field: "42.data.price" },
      });
      expect(replies[7]).toMatchObject({
        type: "reject",
        problem: { code: "UNKNOWN_PRODUCT", field: "7.data.symbol" },
      });
      expect(replies.filter((r) => r.type === "ack")).toHaveLength(98);
      const tooMany = await socket.send<Reply>(
        Array.from({ length: 101 }, (_, i) => place(`x${i}`, "18.00")),
      );
      expect(tooMany).toMatchObject({
        type: "reject",
        id: null,
        ids: Array.from({ length: 101 }, (_, i) => `x${i}`),
        problem: { code: "BATCH_TOO_LARGE" },
      });
      const massCancel = await socket.send<Reply>({ op: "mass_cancel", id: "mc", data: {} });
      expect(massCancel.result?.cancelledOrders).toBe(98);
      await socket.close();
    });

    it("replaces and amends by client order id", async () => {
      const socket = await open();
      await socket.login(alice.signer);
      await socket.send(place("ra1", "18.50"));
      const replaced = await socket.send<Reply>({
        op: "replace",
        id: "r",
        data: {
          symbol: futureSymbol,
          clientOrderId: "ra1",
          newClientOrderId: "ra1",
          price: "18.60",
          quantityLots: 3,
        },
      });
      expect(replaced.type, JSON.stringify(replaced)).toBe("ack");
      const rekey = await socket.send<Reply>({
        op: "replace",
        id: "r2",
        data: {
          symbol: futureSymbol,
          clientOrderId: "ra1",
          newClientOrderId: "ra2",
          price: "18.60",
          quantityLots: 3,
        },
      });
      expect(rekey).toMatchObject({
        type: "reject",
        problem: { code: "INVALID_COMMAND", field: "data.newClientOrderId" },
      });
      const amended = await socket.send<Reply>({
        op: "amend",
        id: "a",
        data: { symbol: futureSymbol, clientOrderId: "ra1", newQuantityLots: 1 },
      });
      expect(amended.type, JSON.stringify(amended)).toBe("ack");
      const resting = await alice.json<{ clientOrderId: string; price: string; remainingLots: number }[]>(
        "GET",
        "/v1/orders",
      );
      expect(resting).toEqual([
        expect.objectContaining({ clientOrderId: "ra1", price: "18.60", remainingLots: 1 }),
      ]);
      await socket.send({ op: "mass_cancel", id: "mc", data: {} });
      await socket.close();
    });

    it("refuses commands before login and a badly signed login, then closes", async () => {
      const socket = await open();
      const early = await socket.send<Reply>(place("early", "19.00"));
      expect(early).toMatchObject({ type: "reject", problem: { code: "NOT_LOGGED_IN" } });
      expect(await socket.closed()).toBe(1008);
      const forged = await open();
      const forger = createRequestSigner(alice.signer.keyId, generateApiKeyPair().privateKey);
      expect(await forged.login(forger)).toMatchObject({
        type: "reject",
        problem: { code: "INVALID_SIGNATURE" },
      });
      expect(await forged.closed()).toBe(1008);
      const expired = await open();
      const stale = await expired.login(alice.signer, { timestampMs: Date.now() - 60_000 });
      expect(stale).toMatchObject({ problem: { code: "TIMESTAMP_OUT_OF_WINDOW" } });
      expect(await alice.json("GET", "/v1/orders")).toEqual([]);
    });

    it("holds a command sent right behind the login until the login is verified", async () => {
      const socket = await open();
      const login = socket.login(alice.signer);
      const placed = socket.send<Reply>(place("behind-login", "18.70"));
      expect(await login).toMatchObject({ type: "ack" });
      expect(await placed).toMatchObject({ type: "ack", id: "behind-login", result: { status: "new" } });
      await socket.send({ op: "mass_cancel", id: "mc", data: {} });
      await socket.close();
    });

    it("refuses a login by a key without the trade scope", async () => {
      const reader = await keyFor(ex.operator, ex.app, "alice", ["read"]);
      const socket = await open();
      expect(await socket.login(reader.signer)).toMatchObject({ problem: { code: "SCOPE_MISSING" } });
    });

    it("cancels every open order when a cancel-on-disconnect connection drops", async () => {
      const socket = await open();
      await socket.login(alice.signer, { cancelOnDisconnect: true });
      await socket.send(place("cod1", "18.20"));
      await socket.send(place("cod2", "18.30"));
      expect(await alice.json<unknown[]>("GET", "/v1/orders")).toHaveLength(2);
      socket.socket.terminate();
      await expect.poll(() => alice.json<unknown[]>("GET", "/v1/orders"), { timeout: 5_000 }).toEqual([]);
    });

    it("keeps orders when cancel-on-disconnect is off", async () => {
      const socket = await open();
      await socket.login(alice.signer);
      await socket.send(place("keep", "18.20"));
      await socket.close();
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await alice.json<unknown[]>("GET", "/v1/orders")).toHaveLength(1);
      await alice.json("DELETE", "/v1/orders");
    });

    it("fires cancel_after unless re-armed, and can be disarmed", async () => {
      const socket = await open();
      await socket.login(alice.signer);
      await socket.send(place("dm1", "18.40"));
      const tooShort = await socket.send<Reply>({ op: "cancel_after", id: "d0", timeoutMs: 10 });
      expect(tooShort).toMatchObject({ type: "reject", problem: { code: "INVALID_COMMAND" } });
      const armed = await socket.send<Reply>({
        op: "cancel_after",
        id: "d1",
        timeoutMs: gatewayLimits.cancelAfterMsMin,
      });
      expect(armed).toMatchObject({ type: "ack", result: { armed: true } });
      await expect.poll(() => socket.events.length, { timeout: 5_000 }).toBe(1);
      expect(socket.events[0]).toMatchObject({ event: "cancel_after_fired", result: { cancelledOrders: 1 } });
      expect(await alice.json("GET", "/v1/orders")).toEqual([]);

      await socket.send(place("dm2", "18.40"));
      await socket.send({ op: "cancel_after", id: "d2", timeoutMs: gatewayLimits.cancelAfterMsMin });
      expect(await socket.send<Reply>({ op: "cancel_after", id: "d3", timeoutMs: 0 })).toMatchObject({
        result: { armed: false },
      });
      await new Promise((resolve) => setTimeout(resolve, gatewayLimits.cancelAfterMsMin + 300));
      expect(await alice.json<unknown[]>("GET", "/v1/orders")).toHaveLength(1);
      await socket.close();
      await alice.json("DELETE", "/v1/orders");
    });

    it("rate limits a whole message, naming its correlation ids", async () => {
      const limited = await startTestExchange({ rateLimits: { keyPerSecond: 1, keyBurst: 3 } });
      try {
        const limitedUrl = await limited.app.listen({ host: "127.0.0.1", port: 0 });
        const socket = await OrderSocket.open(limitedUrl);
        sockets.push(socket);
        await socket.login(limited.operator.signer);
        const pings = [1, 2].map((i) => ({ op: "ping", id: `p${i}` }));
        expect((await socket.send<Reply[]>(pings)).map((r) => r.type)).toEqual(["ack", "ack"]);
        expect(await socket.send<Reply>(pings)).toMatchObject({
          type: "reject",
          id: null,
          ids: ["p1", "p2"],
          problem: { code: "RATE_LIMITED" },
        });
        await socket.send({ op: "ping", id: "p3" });
        expect(await socket.send<Reply>({ op: "ping", id: "p4" })).toMatchObject({
          type: "reject",
          id: "p4",
          op: "ping",
          problem: { code: "RATE_LIMITED" },
        });
        await socket.close();
      } finally {
        await limited.close();
      }
    });

    it("rejects malformed messages with the correlation id and stays connected", async () => {
      const socket = await open();
      await socket.login(alice.signer);
      expect(await socket.send<Reply>("{oops")).toMatchObject({
        type: "reject",
        problem: { code: "MALFORMED_JSON" },
      });
      expect(await socket.send<Reply>({ op: "nope", id: "n1" })).toMatchObject({ type: "reject", id: "n1" });
      const withAccount = await socket.send<Reply>({
        ...place("acct", "19.00"),
        data: { ...place("acct", "19.00").data, accountId: "bob" },
      });
      expect(withAccount).toMatchObject({
        type: "reject",
        problem: { code: "FORBIDDEN", field: "data.accountId" },
      });
      expect(await socket.send<Reply>({ op: "ping", id: "p" })).toMatchObject({ type: "ack", id: "p" });
      await socket.close();
    });
  });
});
