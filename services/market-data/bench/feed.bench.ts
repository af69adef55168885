// npm run bench -- feed [--quick]
// Fan-out of the busiest product's book to 1,000 and to 5,000 WebSocket subscribers (client
// processes on this machine) under 20,000 book updates/s: latency from the feed's ingest of an
// event to a client's receipt (p50/p99), messages/s delivered, and RSS over time (5,000
// subscribers sustained for 60 s, growth between the first and the last ten seconds).
import { type ChildProcess, fork } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { applyCommand, initialState } from "@ghx/core";
import type { CoreCommand, ProductSpec } from "@ghx/domain";
import * as hdr from "hdr-histogram-js";
import { MarketFeed } from "../src/index.ts";
import { futureSpec } from "../test/support/random-market.ts";

const quick = process.argv.includes("--quick");
const updatesPerSecond = 20_000;
const flushIntervalMs = Number(process.env.FLUSH_MS ?? 10);
const symbol = "H100.WUHU.2027M01";
const clientProcesses = 4;

const spec: ProductSpec = { ...futureSpec(symbol), maxLots: 100, bandLowTicks: 5_000, bandHighTicks: 15_000 };

const feed = new MarketFeed({ stampIngestTime: true, flushIntervalMs });
const server = createServer();
server.on("upgrade", (request, socket, head) => {
  if (!feed.handleUpgrade(request, socket, head)) socket.destroy();
});
server.listen(0, "127.0.0.1");
await once(server, "listening");
const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}${feed.path}`;

// ---- the load: the real core, resting orders added and cancelled on both sides, never crossing -
const core = initialState();
let seq = 0;
type NoId<C> = C extends CoreCommand ? Omit<C, "commandId"> : never;
const run = (command: NoId<CoreCommand>) => {
  seq++;
  const ts = Date.now();
  const applied = applyCommand(core, {
    seq,
    ts,
    command: { commandId: `b${seq}`, ...command } as CoreCommand,
  });
  if (applied.outcome.status === "rejected") throw new Error(`${command.type}: ${applied.outcome.message}`);
  feed.ingest({ seq, ts, events: applied.events });
  return applied;
};
run({ type: "ListProduct", product: spec, open: true });
run({ type: "CreateAccount", accountId: "mm", owner: "mm", capabilities: ["trade"] });
run({ type: "Deposit", accountId: "mm", currency: "CNY", amount: 1e14 });
const open: number[] = [];

function oneUpdate(): void {
  if (open.length < 400 || Math.random() < 0.5) {
    const side = Math.random() < 0.5 ? "buy" : "sell";
    const price =
      side === "buy" ? 9_900 + Math.floor(Math.random() * 100) : 10_001 + Math.floor(Math.random() * 100);
    const qty = 1 + Math.floor(Math.random() * 10);
    const order = {
      accountId: "mm",
      clientOrderId: `c${seq}`,
      symbol,
      side,
      orderType: "limit",
      tif: "GTC",
    } as const;
    const applied = run({ type: "PlaceOrder", ...order, price, qty });
    open.push(applied.outcome.status === "accepted" ? (applied.outcome.orderId ?? 0) : 0);
    return;
  }
  const index = Math.floor(Math.random() * open.length);
  const orderId = open[index]!;
  open[index] = open[open.length - 1]!;
  open.pop();
  run({ type: "CancelOrder", accountId: "mm", orderId });
}

// Paced from a start time: a late timer catches up, so the rate holds as long as the CPU does.
let produced = 0;
let paced = 0;
let loadStart = 0;
let load: NodeJS.Timeout | undefined;
function startLoad(): void {
  loadStart = performance.now();
  paced = 0;
  load = setInterval(() => {
    const due = Math.floor(((performance.now() - loadStart) / 1000) * updatesPerSecond) - paced;
    for (let i = 0; i < due; i++) oneUpdate();
    paced += due;
    produced += due;
  }, 1);
}
const stopLoad = () => clearInterval(load);

// ---- clients ---------------------------------------------------------------------------------
async function startClients(subscribers: number): Promise<ChildProcess[]> {
  const children: ChildProcess[] = [];
  for (let i = 0; i < clientProcesses; i++) {
    const n = Math.floor(subscribers / clientProcesses) + (i < subscribers % clientProcesses ? 1 : 0);
    const child = fork(join(import.meta.dirname, "feed-clients.ts"), [url, String(n), symbol], {
      execArgv: ["--import", "tsx"],
    });
    children.push(child);
  }
  await Promise.all(children.map((c) => once(c, "message")));
  return children;
}

interface Report {
  messages: number;
  closed: number;
  histogram: string;
}

async function collect(children: ChildProcess[]) {
  const reports = await Promise.all(
    children.map(async (child) => {
      const reply = once(child, "message") as Promise<[Report]>;
      child.send({ type: "report" });
      return (await reply)[0];
    }),
  );
  const histogram = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000_000,
    numberOfSignificantValueDigits: 3,
  });
  for (const r of reports) histogram.add(hdr.decodeFromCompressedBase64(r.histogram));
  return {
    messages: reports.reduce((n, r) => n + r.messages, 0),
    closed: reports.reduce((n, r) => n + r.closed, 0),
    histogram,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const rssMb = () => process.memoryUsage().rss / 1024 / 1024;
const round = (x: number, places = 2) => Number(x.toFixed(places));

/** Subscribers connect with the load stopped (a connection storm is not what is measured). */
async function phase(subscribers: number, seconds: number) {
  const children = await startClients(subscribers);
  startLoad();
  await sleep(2_000); // warm-up: snapshots delivered, JIT settled
  await collect(children);
  const cutOffsBefore = feed.stats.cutOffs;
  const producedBefore = produced;
  const liveHeapMb = () => {
    (globalThis as { gc?: () => void }).gc?.();
    return process.memoryUsage().heapUsed / 1024 / 1024;
  };
  const heapBefore = liveHeapMb();
  const rss: number[] = [];
  const started = performance.now();
  for (let s = 0; s < seconds; s++) {
    await sleep(1_000);
    rss.push(rssMb());
  }
  const elapsed = (performance.now() - started) / 1000;
  const result = await collect(children);
  const heapAfter = liveHeapMb();
  stopLoad();
  for (const child of children) child.kill();
  await Promise.all(children.map((c) => once(c, "exit")));
  // RSS saws up and down with each major GC; growth is judged on the floor (the post-GC minimum)
  // of the first and the last third of the samples, which a leak would raise.
  const third = Math.max(1, Math.floor(rss.length / 3));
  const floor = (xs: number[]) => Math.min(...xs);
  const stats = {
    subscribers,
    seconds: round(elapsed, 1),
    updates_per_s: Math.round((produced - producedBefore) / elapsed),
    p50_ms: round(result.histogram.getValueAtPercentile(50) / 1000),
    p99_ms: round(result.histogram.getValueAtPercentile(99) / 1000),
    max_ms: round(result.histogram.maxValue / 1000),
    messages_per_s: Math.round(result.messages / elapsed),
    frames_per_s_per_subscriber: round(result.messages / elapsed / subscribers, 1),
    cut_off: feed.stats.cutOffs - cutOffsBefore,
    closed: result.closed,
    rss_floor_first_mb: round(floor(rss.slice(0, third)), 1),
    rss_floor_last_mb: round(floor(rss.slice(-third)), 1),
    rss_growth_mb: round(floor(rss.slice(-third)) - floor(rss.slice(0, third)), 1),
    rss_max_mb: round(Math.max(...rss), 1),
    /** Live heap after a forced GC, end of the phase minus its start. */
    heap_growth_mb: round(heapAfter - heapBefore, 1),
    rss_samples_mb: rss.map((x) => Math.round(x)),
  };
  console.log(JSON.stringify(stats));
  await sleep(1_000); // let the server drop the closed sockets
  return stats;
}

const small = await phase(1_000, quick ? 8 : 30);
const large = await phase(5_000, quick ? 10 : 60);
feed.close();
server.close();
console.log(
  JSON.stringify({
    bench: "feed",
    quick,
    updates_per_s: small.updates_per_s,
    flush_interval_ms: flushIntervalMs,
    p50_ms: small.p50_ms,
    p99_ms: small.p99_ms,
    messages_per_s: small.messages_per_s,
    subs5000_p50_ms: large.p50_ms,
    subs5000_p99_ms: large.p99_ms,
    subs5000_messages_per_s: large.messages_per_s,
    subs5000_cut_off: large.cut_off,
    rss_growth_mb: large.rss_growth_mb,
    rss_max_mb: large.rss_max_mb,
    subs5000_heap_growth_mb: large.heap_growth_mb,
  }),
);
process.exit(0);
