// OrderEntryClient against a scripted gateway that refuses whole messages the way the real one
// does (services/gateway/src/ws.ts): a single command gets a reject under its id, a batch one
// reject listing its ids, an unparseable message a reject with no id.
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { generateApiKeyPair } from "@ghx/auth";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import { GhxApiError, OrderEntryClient } from "../src/index.ts";

const problem = { type: "about:blank", title: "Too Many Requests", status: 429, code: "RATE_LIMITED" };
type Command = { op: string; id: string };

/** Acks the login, then refuses every message as a whole. */
async function refusingGateway() {
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0, path: "/v1/ws/orders" });
  await once(server, "listening");
  server.on("connection", (socket) => {
    socket.on("message", (data) => {
      const message = JSON.parse(String(data)) as Command | Command[];
      if (!Array.isArray(message) && message.op === "login") {
        socket.send(JSON.stringify({ type: "ack", id: message.id, op: "login", result: { accountId: "a" } }));
      } else if (Array.isArray(message)) {
        socket.send(
          JSON.stringify({ type: "reject", id: null, op: null, ids: message.map((c) => c.id), problem }),
        );
      } else if (message.op === "ping") {
        socket.send(JSON.stringify({ type: "reject", id: message.id, op: message.op, problem }));
      } else {
        socket.send(
          JSON.stringify({
            type: "reject",
            id: null,
            op: null,
            problem: { ...problem, code: "MALFORMED_JSON" },
          }),
        );
      }
    });
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, close: () => new Promise((resolve) => server.close(resolve)) };
}

describe("OrderEntryClient: messages refused as a whole", () => {
  let stop: (() => Promise<unknown>) | undefined;
  afterEach(async () => {
    await stop?.();
  });

  it("fails the named command, every command of a refused batch, and reports untied rejects", async () => {
    const gateway = await refusingGateway();
    const pair = generateApiKeyPair();
    const client = await OrderEntryClient.connect({
      url: gateway.url,
      key: { keyId: "k", privateKey: pair.privateKey },
      requestTimeoutMs: 500,
    });
    stop = async () => {
      await client.close();
      await gateway.close();
    };
    await expect(client.ping()).rejects.toMatchObject({ code: "RATE_LIMITED", status: 429 });
    const symbol = "H100.WUHU.2027M01";
    const results = await client.batch([
      { op: "cancel", data: { symbol, orderId: "1" } },
      { op: "cancel", data: { symbol, orderId: "2" } },
    ]);
    expect(results.map((r) => !r.ok && r.error instanceof GhxApiError && r.error.code)).toEqual([
      "RATE_LIMITED",
      "RATE_LIMITED",
    ]);
    const untied = once(client, "reject");
    const mass = client.massCancel();
    const [error] = (await untied) as [GhxApiError];
    expect(error.code).toBe("MALFORMED_JSON");
    await expect(mass).rejects.toMatchObject({ name: "GhxConnectionError" });
  });
});
