// An exchange for gateway tests: a core in a temp directory, the gateway on top (driven with
// fastify.inject, or listening on a loopback port), and signed clients for its accounts. Two
// modes, so the security and fuzz suites run against both: "embedded" (the core in this process,
// file journal, as `npm start`) and "distributed" (the core as its own process with its journal
// in JetStream, reached over a private nats-server by the gateway's bus port, as a gateway
// process of the distributed mode is).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequestSigner, generateApiKeyPair, type RequestSigner } from "@ghx/auth";
import { connectNatsBus } from "@ghx/bus";
import { coreBusClient, startEmbeddedCore } from "@ghx/core-service";
import { type Child, natsAvailable, startChild, startNatsServer } from "@ghx/testkit";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import {
  buildGateway,
  busCorePort,
  type CorePort,
  embeddedCorePort,
  ensureOperatorKey,
  type Gateway,
  type GatewayOptions,
  operatorKeyFileName,
} from "../src/index.ts";

export type ExchangeMode = "embedded" | "distributed";

/** Both modes where nats-server is installed (REQUIRE_NATS=1 makes its absence an error). */
export const exchangeModes: ExchangeMode[] = natsAvailable() ? ["embedded", "distributed"] : ["embedded"];

export const futureSymbol = "H100.WUHU.2027M01";
export const hourlySymbol = "H100.WUHU.20261124T14";

export class SignedClient {
  constructor(
    private readonly app: FastifyInstance,
    readonly accountId: string,
    readonly signer: RequestSigner,
  ) {}

  request(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<LightMyRequestResponse> {
    const text = body === undefined ? "" : typeof body === "string" ? body : JSON.stringify(body);
    const signed = this.signer.headers({ method, path, body: text });
    return this.app.inject({
      method: method as "GET",
      url: path,
      ...(text ? { payload: text } : {}),
      headers: { ...(text ? { "content-type": "application/json" } : {}), ...signed, ...headers },
    });
  }

  async json<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.request(method, path, body);
    if (response.statusCode >= 300)
      throw new Error(`${method} ${path}: ${response.statusCode} ${response.body}`);
    return response.json() as T;
  }
}

export interface TestExchange {
  readonly dir: string;
  readonly port: CorePort;
  readonly gateway: Gateway;
  readonly app: FastifyInstance;
  readonly operator: SignedClient;
  trader(accountId: string, options?: TraderOptions): Promise<SignedClient>;
  close(): Promise<void>;
}

export interface TraderOptions {
  readonly capabilities?: string[];
  readonly scopes?: string[];
  /** CNY to deposit, as a decimal string. */
  readonly deposit?: string;
}

/** The core side of a test exchange: the gateway's port to it, and how to stop it. */
interface TestCore {
  readonly port: CorePort;
  close(): Promise<void>;
}

async function startEmbedded(dir: string): Promise<TestCore> {
  const core = await startEmbeddedCore({ dataDir: dir });
  return { port: embeddedCorePort(core), close: () => core.close() };
}

async function startDistributed(dir: string): Promise<TestCore> {
  const nats = await startNatsServer();
  let core: Child | undefined;
  try {
    const servers = nats.servers;
    core = await startChild(
      "services/core/src/main.ts",
      ["--data", dir, "--nats", servers.join(","), "--jetstream"],
      {},
      '"ready":true',
    );
    const bus = await connectNatsBus({ servers });
    const started = core;
    return {
      port: busCorePort(coreBusClient(bus)),
      async close() {
        await bus.drain();
        await started.stop();
        await nats.stop();
      },
    };
  } catch (error) {
    await core?.stop();
    await nats.stop();
    throw error;
  }
}

export async function startTestExchange(
  options: Partial<GatewayOptions> = {},
  mode: ExchangeMode = "embedded",
): Promise<TestExchange> {
  const dir = mkdtempSync(join(tmpdir(), "ghx-gateway-"));
  const core = mode === "embedded" ? await startEmbedded(dir) : await startDistributed(dir);
  const { port } = core;
  const { key } = await ensureOperatorKey(port, join(dir, operatorKeyFileName));
  const gateway = await buildGateway({ core: port, ...options });
  const { app } = gateway;
  await app.ready();
  const operator = new SignedClient(app, key.accountId, createRequestSigner(key.keyId, key.privateKey));
  return {
    dir,
    port,
    gateway,
    app,
    operator,
    async trader(accountId, { capabilities = ["trade", "read"], scopes = ["trade", "read"], deposit } = {}) {
      await operator.json("POST", "/v1/accounts", { accountId, owner: `owner-${accountId}`, capabilities });
      return keyFor(operator, app, accountId, scopes, deposit);
    },
    async close() {
      await app.close();
      await core.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let keyCounter = 0;

export async function keyFor(
  operator: SignedClient,
  app: FastifyInstance,
  accountId: string,
  scopes: string[],
  deposit?: string,
): Promise<SignedClient> {
  const pair = generateApiKeyPair();
  const keyId = `${accountId}-k${++keyCounter}`;
  await operator.json("POST", `/v1/accounts/${accountId}/api-keys`, {
    keyId,
    publicKey: pair.publicKey,
    scopes,
  });
  if (deposit) await operator.json("POST", "/v1/deposits", { accountId, currency: "CNY", amount: deposit });
  return new SignedClient(app, accountId, createRequestSigner(keyId, pair.privateKey));
}

export async function listFuture(operator: SignedClient, symbol = futureSymbol, referencePrice = "20.00") {
  return operator.json("POST", "/v1/products", { symbol, referencePrice });
}

export const limitOrder = (clientOrderId: string, side: "buy" | "sell", price: string, quantityLots = 1) => ({
  symbol: futureSymbol,
  clientOrderId,
  side,
  orderType: "limit",
  price,
  quantityLots,
});

/** A snapshot of everything the given accounts can see, to prove a refused request changed nothing. */
export async function accountState(port: CorePort, accountIds: readonly string[]): Promise<string> {
  // Queried concurrently: over the bus each read is a round trip, and the fuzz takes one per case.
  const views = await Promise.all(
    accountIds.map(async (id) => {
      const [balances, open, positions, history, fills] = await Promise.all([
        port.balances(id),
        port.openOrders(id),
        port.positions(id),
        port.orderHistory(id),
        port.fills(id),
      ]);
      return [id, { balances, open, positions, history, fills }] as const;
    }),
  );
  return JSON.stringify(Object.fromEntries(views));
}
