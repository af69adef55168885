// `npm run bench -- gateway [--seconds N]`: the embedded exchange (core + gateway, file journal)
// runs in a child process; this process drives it over loopback with signed requests.
//   REST   closed loop, 256 keep-alive connections, one order per signed request (signatures made
//          before timing, each with its own nonce); then the same with /v1/orders/batch (100).
//   WS     8 logged-in sockets, batches of 100 orders per message, 8 batches in flight each.
//   p99    open loop at 5,000 orders/s offered (and at 1,000/s), latency from the scheduled send time.
// Each connection trades a pair of accounts: a GTC order by the maker, then an IOC order on the
// other side by the taker at the same price, the sides swapping every round, so every order is
// matched for real while open orders and positions stay bounded.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequestSigner, generateApiKeyPair, newNonce, type RequestSigner } from "@ghx/auth";
import { freePort } from "@ghx/testkit";
import * as hdr from "hdr-histogram-js";
import { Client } from "undici";
import WebSocket from "ws";

const symbol = "H100.WUHU.2027M01";
// Acks wait for the journal (group commit + fsync), so throughput needs many requests in flight.
const restConnections = 256;
const wsPairs = 4;
const wsBatch = 100;
const wsBatchesInFlight = 8;
const offeredRate = 5_000;
const lightRate = 1_000;
/** USER_HZ of /proc/<pid>/stat times (100 on Linux). */
const clockTicksPerS = 100;
const seconds = Number(argument("--seconds")) || 3;

interface Pair {
  readonly maker: RequestSigner;
  readonly taker: RequestSigner;
}

async function startExchange(dataDir: string, port: number) {
  const child = spawn(process.execPath, ["--import", "tsx", "services/exchange/src/main.ts"], {
    env: { ...process.env, GHX_DATA_DIR: dataDir, GHX_PORT: String(port), GHX_LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  // Also when this process dies of an error: an orphaned exchange would keep the port and the CPU.
  process.once("exit", () => child.kill("SIGTERM"));
  await new Promise<void>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`exchange exited with ${code}`)));
    child.stdout.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("listening")) resolve();
    });
  });
  return child;
}

class Api {
  private readonly client: Client;
  constructor(readonly origin: string) {
    this.client = new Client(origin, { pipelining: 1 });
  }

  async call(signer: RequestSigner, method: string, path: string, body?: unknown): Promise<unknown> {
    const text = body === undefined ? "" : JSON.stringify(body);
    const response = await this.client.request({
      method: method as "POST",
      path,
      body: text || undefined,
      headers: { "content-type": "application/json", ...signer.headers({ method, path, body: text }) },
    });
    const answer = await response.body.text();
    if (response.statusCode >= 300) throw new Error(`${method} ${path}: ${response.statusCode} ${answer}`);
    return JSON.parse(answer);
  }

  close() {
    return this.client.close();
  }
}

async function setUp(api: Api, operator: RequestSigner, pairs: number): Promise<Pair[]> {
  await api.call(operator, "POST", "/v1/products", { symbol, referencePrice: "20.00" });
  const trader = async (accountId: string) => {
    await api.call(operator, "POST", "/v1/accounts", {
      accountId,
      owner: accountId,
      capabilities: ["trade", "read"],
    });
    const pair = generateApiKeyPair();
    const keyId = `${accountId}-key`;
    await api.call(operator, "POST", `/v1/accounts/${accountId}/api-keys`, {
      keyId,
      publicKey: pair.publicKey,
      scopes: ["trade", "read"],
    });
    await api.call(operator, "POST", "/v1/deposits", { accountId, currency: "CNY", amount: "10000000.00" });
    return createRequestSigner(keyId, pair.privateKey);
  };
  const result: Pair[] = [];
  for (let i = 0; i < pairs; i++) result.push({ maker: await trader(`m${i}`), taker: await trader(`t${i}`) });
  return result;
}

let orderCounter = 0;
function order(side: "buy" | "sell", maker: boolean) {
  orderCounter++;
  return {
    symbol,
    clientOrderId: `o${orderCounter}`,
    side,
    orderType: "limit",
    price: "20.00",
    quantityLots: 1,
    timeInForce: maker ? "GTC" : "IOC",
  };
}

/** Step i of a pair's cycle: maker buy, taker sell, maker sell, taker buy. */
function step(i: number): { maker: boolean; side: "buy" | "sell" } {
  const maker = i % 2 === 0;
  const makerSide = Math.floor(i / 2) % 2 === 0 ? "buy" : "sell";
  const side = maker ? makerSide : makerSide === "buy" ? "sell" : "buy";
  return { maker, side };
}

interface Signed {
  readonly path: string;
  readonly body: string;
  readonly headers: Record<string, string>;
}

/** Signs ahead of time, with timestamps a little in the future so they stay valid while used. */
function preSign(pair: Pair, count: number, timestampMs: number, batch = 0): Signed[] {
  const requests: Signed[] = [];
  for (let i = 0; i < count; i++) {
    const { maker, side } = step(i);
    const signer = maker ? pair.maker : pair.taker;
    const path = batch ? "/v1/orders/batch" : "/v1/orders";
    const body = JSON.stringify(
      batch ? { orders: Array.from({ length: batch }, () => order(side, maker)) } : order(side, maker),
    );
    const headers = signer.headers({ method: "POST", path, body, timestampMs, nonce: newNonce() });
    requests.push({ path, body, headers: { "content-type": "application/json", ...headers } });
  }
  return requests;
}

async function send(client: Client, request: Signed): Promise<number> {
  const response = await client.request({
    method: "POST",
    path: request.path,
    body: request.body,
    headers: request.headers,
  });
  await response.body.text();
  return response.statusCode;
}

/** Closed loop: every connection sends its next request when the previous one is answered. */
async function restThroughput(origin: string, work: readonly Signed[][], ordersPerRequest: number) {
  const clients = work.map(() => new Client(origin, { pipelining: 1 }));
  let failures = 0;
  const started = performance.now();
  await Promise.all(
    clients.map(async (client, c) => {
      for (const request of work[c]!) if ((await send(client, request)) >= 300) failures++;
    }),
  );
  const elapsedS = (performance.now() - started) / 1000;
  await Promise.all(clients.map((c) => c.close()));
  const orders = work.reduce((sum, requests) => sum + requests.length, 0) * ordersPerRequest;
  return { ordersPerS: Math.round(orders / elapsedS), orders, failures };
}

/** Every pair's requests, signed before the phase so signing is not charged to the load it measures. */
function preSignAll(pairs: readonly Pair[], perConnection: number, batch = 0): Signed[][] {
  const timestampMs = Date.now() + 20_000;
  return pairs.map((pair) => preSign(pair, perConnection, timestampMs, batch));
}

/** Open loop at `rate` requests/s: latency counts from when the request was due, not sent. */
async function restLatencyAt(origin: string, pairs: Pair[], rate: number, durationS: number) {
  const total = Math.round(rate * durationS);
  const perPair = Math.ceil(total / pairs.length);
  const timestampMs = Date.now() + 20_000;
  const work = pairs.map((pair) => preSign(pair, perPair, timestampMs));
  const clients = pairs.map(() => new Client(origin, { pipelining: 1 }));
  const histogram = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000_000,
    numberOfSignificantValueDigits: 3,
  });
  const intervalMs = 1000 / rate;
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  let failures = 0;
  for (let i = 0; i < total; i++) {
    const dueMs = started + i * intervalMs;
    const wait = dueMs - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const c = i % pairs.length;
    const request = work[c]![Math.floor(i / pairs.length)]!;
    // A request up to 1 ms ahead of its time is sent at once (timers are no finer): it counts
    // from when it was sent, so a quick answer cannot come out negative.
    const fromMs = Math.min(dueMs, performance.now());
    inFlight.push(
      send(clients[c]!, request).then((status) => {
        if (status >= 300) failures++;
        histogram.recordValue(Math.round((performance.now() - fromMs) * 1000));
      }),
    );
  }
  await Promise.all(inFlight);
  await Promise.all(clients.map((c) => c.close()));
  return {
    p50Ms: histogram.getValueAtPercentile(50) / 1000,
    p99Ms: histogram.getValueAtPercentile(99) / 1000,
    failures,
  };
}

async function openSocket(origin: string, signer: RequestSigner): Promise<WebSocket> {
  const socket = new WebSocket(`${origin.replace(/^http/, "ws")}/v1/ws/orders`);
  await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
  socket.send(JSON.stringify({ op: "login", id: "l", ...signer.webSocketLogin("/v1/ws/orders") }));
  const reply = JSON.parse((await nextMessage(socket)).toString()) as { type: string };
  if (reply.type !== "ack") throw new Error(`login refused: ${JSON.stringify(reply)}`);
  return socket;
}

function nextMessage(socket: WebSocket): Promise<WebSocket.RawData> {
  return new Promise((resolve) => socket.once("message", resolve));
}

async function wsThroughput(origin: string, pairs: Pair[], durationS: number) {
  const signers = pairs.flatMap((pair) => [pair.maker, pair.taker]);
  const sockets = await Promise.all(signers.map((signer) => openSocket(origin, signer)));
  let acked = 0;
  /** Rejects by problem code: the workload should have none. */
  const rejected: Record<string, number> = {};
  const batchOf = (i: number) => {
    const { maker, side } = step(i);
    const commands = Array.from({ length: wsBatch }, (_, n) => ({
      op: "place",
      id: String(n),
      data: order(side, maker),
    }));
    return JSON.stringify(commands);
  };
  const started = performance.now();
  const deadline = started + durationS * 1000;
  // Socket k is a maker (even k) or a taker (odd k); each keeps wsBatchesInFlight batches going.
  await Promise.all(
    sockets.map(
      (socket, k) =>
        new Promise<void>((resolve) => {
          let round = k % 2;
          let outstanding = 0;
          const sendNext = () => {
            outstanding++;
            socket.send(batchOf(round));
            round += 2;
          };
          socket.on("message", (data) => {
            outstanding--;
            for (const r of JSON.parse(data.toString()) as { type: string; problem?: { code: string } }[]) {
              if (r.type === "ack") acked++;
              else {
                const code = r.problem?.code ?? r.type;
                rejected[code] = (rejected[code] ?? 0) + 1;
              }
            }
            if (performance.now() < deadline) sendNext();
            else if (outstanding === 0) resolve();
          });
          for (let i = 0; i < wsBatchesInFlight; i++) sendNext();
        }),
    ),
  );
  const elapsedS = (performance.now() - started) / 1000;
  for (const socket of sockets) socket.close();
  // A reject costs the exchange about as much as an ack: CPU per order counts every answer.
  const answered = acked + Object.values(rejected).reduce((sum, n) => sum + n, 0);
  return { ordersPerS: Math.round(acked / elapsedS), orders: answered, rejected };
}

/**
 * CPU seconds (user + system) the exchange process has used, from /proc: the machine is shared,
 * so orders per CPU-second of the exchange say more about its cost than orders per wall second.
 * `thread` reads one thread (the main thread's id is the pid): the event loop's share, without
 * the libuv pool that verifies signatures.
 */
function cpuSeconds(pid: number | undefined, thread?: number): number {
  if (pid === undefined) return Number.NaN;
  const file = thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`;
  const fields = readFileSync(file, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / clockTicksPerS;
}

interface CpuCost {
  readonly ordersPerCpuS: number;
  readonly exchangeCpuUsPerOrder: number;
  readonly exchangeMainThreadCpuUsPerOrder: number;
  readonly clientCpuUsPerOrder: number;
}

/**
 * Runs a phase and adds the CPU µs per order of the exchange process and of this load generator
 * (which shares the two cores: if it is near a core of its own, it sets the pace, not the gateway).
 */
async function perCpu<R extends { orders: number }>(
  pid: number | undefined,
  phase: () => Promise<R>,
): Promise<R & CpuCost> {
  const before = cpuSeconds(pid);
  const mainBefore = cpuSeconds(pid, pid);
  const clientBefore = process.cpuUsage();
  const result = await phase();
  const used = cpuSeconds(pid) - before;
  const usedMain = cpuSeconds(pid, pid) - mainBefore;
  const client = process.cpuUsage(clientBefore);
  const usPerOrder = (cpuS: number) => Math.round((cpuS * 1e6 * 10) / result.orders) / 10;
  return {
    ...result,
    ordersPerCpuS: Math.round(result.orders / used),
    exchangeCpuUsPerOrder: usPerOrder(used),
    exchangeMainThreadCpuUsPerOrder: usPerOrder(usedMain),
    clientCpuUsPerOrder: usPerOrder((client.user + client.system) / 1e6),
  };
}

/** Mean time from submit to the core's durable ack, from the exchange's own /metrics. */
async function meanJournalAckMs(origin: string): Promise<number> {
  const text = await (await fetch(`${origin}/metrics`)).text();
  const value = (name: string) => Number(text.match(new RegExp(`^${name} (\\S+)$`, "m"))?.[1] ?? Number.NaN);
  const mean = value("ghx_journal_ack_seconds_sum") / value("ghx_journal_ack_seconds_count");
  return Math.round(mean * 1e6) / 1e3;
}

/**
 * `--url <base> --data <dir> [--pid <exchange pid>]` benches an exchange that is already running
 * (e.g. under --cpu-prof); `--only rest,batch,latency,ws` runs some phases only.
 */
function argument(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

const phases = new Set((argument("--only") ?? "rest,batch,latency,ws").split(","));

type Throughput = Awaited<ReturnType<typeof restThroughput>> & CpuCost;

function report(label: string, r: { ordersPerS: number } & CpuCost) {
  console.log(
    `${label}: ${r.ordersPerS} orders/s; CPU µs per order: exchange ${r.exchangeCpuUsPerOrder} (main thread ${r.exchangeMainThreadCpuUsPerOrder}), load generator ${r.clientCpuUsPerOrder}`,
  );
}

async function main() {
  const external = argument("--url");
  const dataDir = argument("--data") ?? mkdtempSync(join(tmpdir(), "ghx-gateway-bench-"));
  const port = external ? 0 : await freePort();
  const child = external ? undefined : await startExchange(dataDir, port);
  const origin = external ?? `http://127.0.0.1:${port}`;
  const pid = child?.pid ?? (argument("--pid") ? Number(argument("--pid")) : undefined);
  try {
    const key = JSON.parse(readFileSync(join(dataDir, "operator.key.json"), "utf8")) as Record<
      string,
      string
    >;
    const operator = createRequestSigner(key.keyId!, key.privateKey!);
    const api = new Api(origin);
    const pairs = await setUp(api, operator, restConnections);
    await api.close();

    await restThroughput(origin, preSignAll(pairs.slice(0, 8), 200), 1); // warm-up
    let rest: Throughput | undefined;
    if (phases.has("rest")) {
      const work = preSignAll(pairs, Math.round((6_000 * seconds) / restConnections));
      rest = await perCpu(pid, () => restThroughput(origin, work, 1));
      report(`REST single orders (${rest.failures} non-2xx)`, rest);
    }
    let batch: typeof rest;
    if (phases.has("batch")) {
      const work = preSignAll(pairs.slice(0, 16), Math.max(4, Math.round(seconds * 20)), 100);
      batch = await perCpu(pid, () => restThroughput(origin, work, 100));
      report(`REST batches of 100 (${batch.failures} non-2xx)`, batch);
    }
    let latency: Awaited<ReturnType<typeof restLatencyAt>> | undefined;
    let light: typeof latency;
    if (phases.has("latency")) {
      latency = await restLatencyAt(origin, pairs, offeredRate, seconds);
      console.log(
        `REST at ${offeredRate}/s offered: p50 ${latency.p50Ms} ms, p99 ${latency.p99Ms} ms (${latency.failures} non-2xx)`,
      );
      // The same below saturation, so the figure above can be told apart from queueing.
      light = await restLatencyAt(origin, pairs, lightRate, seconds);
      console.log(
        `REST at ${lightRate}/s offered: p50 ${light.p50Ms} ms, p99 ${light.p99Ms} ms (${light.failures} non-2xx)`,
      );
    }
    let ws: (Awaited<ReturnType<typeof wsThroughput>> & CpuCost) | undefined;
    if (phases.has("ws")) {
      ws = await perCpu(pid, () => wsThroughput(origin, pairs.slice(0, wsPairs), seconds));
      report(`WS batches of ${wsBatch} (rejected: ${JSON.stringify(ws.rejected)})`, ws);
    }
    const journalAckMs = await meanJournalAckMs(origin);
    console.log(`journal ack (submit → durable) mean over the run: ${journalAckMs} ms`);
    console.log(
      JSON.stringify({
        bench: "gateway",
        rest_orders_per_s: rest?.ordersPerS ?? null,
        rest_batch_orders_per_s: batch?.ordersPerS ?? null,
        ws_orders_per_s: ws?.ordersPerS ?? null,
        rest_exchange_cpu_us_per_order: rest?.exchangeCpuUsPerOrder ?? null,
        rest_batch_exchange_cpu_us_per_order: batch?.exchangeCpuUsPerOrder ?? null,
        ws_exchange_cpu_us_per_order: ws?.exchangeCpuUsPerOrder ?? null,
        rest_exchange_main_thread_cpu_us_per_order: rest?.exchangeMainThreadCpuUsPerOrder ?? null,
        ws_exchange_main_thread_cpu_us_per_order: ws?.exchangeMainThreadCpuUsPerOrder ?? null,
        rest_client_cpu_us_per_order: rest?.clientCpuUsPerOrder ?? null,
        ws_client_cpu_us_per_order: ws?.clientCpuUsPerOrder ?? null,
        rest_p50_ms_at_5k: latency?.p50Ms ?? null,
        rest_p99_ms_at_5k: latency?.p99Ms ?? null,
        rest_p50_ms_at_1k: light?.p50Ms ?? null,
        rest_p99_ms_at_1k: light?.p99Ms ?? null,
        journal_ack_mean_ms: journalAckMs,
        ops_per_s: rest?.ordersPerS ?? null,
      }),
    );
  } finally {
    if (child) {
      child.kill("SIGTERM");
      await new Promise((resolve) => child.once("exit", resolve));
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
}

await main();
