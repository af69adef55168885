// npm run bench -- feed [--quick]
// Fan-out of the busiest product's book to 1,000 and to 5,000 WebSocket subscribers (client
// processes on this machine) under 20,000 book updates/s: latency from the feed's ingest of an
// event to a client's receipt (p50/p99), messages/s delivered, and RSS over time (5,000
// subscribers sustained for 60 s, growth between the first and the last ten seconds).
// The clients (feed-clients.ts) are bare-socket WebSocket clients that split frames by their
// length and read only the `ingestMs` stamp of each update, never parsing the JSON: they share
// the two cores with the feed, so what they spend is taken from it. Two processes: on this
// machine fewer processes waking per write cost less CPU per message than four.
import { type ChildProcess, fork } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { loadavg } from "node:os";
import { join } from "node:path";
import type { ProductSpec } from "@ghx/domain";
import * as hdr from "hdr-histogram-js";
import { MarketFeed } from "../src/index.ts";
import { futureSpec } from "../test/support/random-market.ts";
import { generateStream, Replay } from "./feed-load.ts";

const quick = process.argv.includes("--quick");
const updatesPerSecond = 20_000;
const flushIntervalMs = Number(process.env.FLUSH_MS ?? 10);
const symbol = "H100.WUHU.2027M01";
const clientProcesses = 2;

const spec: ProductSpec = { ...futureSpec(symbol), maxLots: 100, bandLowTicks: 5_000, bandHighTicks: 15_000 };

// Each update is stamped with the time its oldest command was due (the replay's schedule), not
// when the feed got round to it: a fan-out that holds up the event loop delays the replay timer,
// and that wait is part of the latency a client sees.
let dueMs = 0;
const feed = new MarketFeed({ ingestClock: () => dueMs, flushIntervalMs });
const server = createServer();
server.on("upgrade", (request, socket, head) => {
  if (!feed.handleUpgrade(request, socket, head)) socket.destroy();
});
server.listen(0, "127.0.0.1");
await once(server, "listening");
const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}${feed.path}`;

// Time inside flush (projection deltas → frames → every subscriber's socket), per flush.
const fanout = { flushes: 0, ms: 0, maxMs: 0 };
const flush = feed.flush.bind(feed);
feed.flush = () => {
  const started = performance.now();
  flush();
  const ms = performance.now() - started;
  fanout.flushes++;
  fanout.ms += ms;
  fanout.maxMs = Math.max(fanout.maxMs, ms);
};

// ---- the load: made before anything is timed (the real core, offline), replayed here --------
// 60,000 commands is 3 s of stream per cycle, kept small so the captured events add little live
// heap to the process under test.
const stream = generateStream(spec, quick ? 20_000 : 60_000);
const replay = new Replay(stream);
for (const command of stream.prelude) feed.ingest(command);

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
    const ts = Date.now();
    for (let i = 1; i <= due; i++) {
      dueMs = performance.timeOrigin + loadStart + ((paced + i) / updatesPerSecond) * 1000;
      feed.ingest(replay.next(ts));
    }
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
  cpuSeconds: number;
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
    cpuSeconds: reports.reduce((n, r) => n + r.cpuSeconds, 0),
    histogram,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const rssMb = () => process.memoryUsage().rss / 1024 / 1024;
const round = (x: number, places = 2) => Number(x.toFixed(places));
/** Live heap after a forced GC (the bench runs with --expose-gc). */
function liveHeapMb(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}
/** The lowest of each run of ten one-second samples: what survives the GCs of those ten seconds. */
const floorsPer10s = (xs: number[]) =>
  Array.from({ length: Math.ceil(xs.length / 10) }, (_, i) =>
    Math.round(Math.min(...xs.slice(i * 10, i * 10 + 10))),
  );

/** Subscribers connect with the load stopped (a connection storm is not what is measured). */
async function phase(subscribers: number, seconds: number) {
  const children = await startClients(subscribers);
  startLoad();
  await sleep(2_000); // warm-up: snapshots delivered, JIT settled
  // The forced GCs stop the world, so they stay outside the latency window.
  const heapBefore = liveHeapMb();
  await sleep(500);
  await collect(children);
  const cutOffsBefore = feed.stats.cutOffs;
  const producedBefore = produced;
  const cpuBefore = process.cpuUsage();
  Object.assign(fanout, { flushes: 0, ms: 0, maxMs: 0 });
  const rss: number[] = [];
  const heap: number[] = [];
  const started = performance.now();
  for (let s = 0; s < seconds; s++) {
    await sleep(1_000);
    rss.push(rssMb());
    heap.push(process.memoryUsage().heapUsed / 1024 / 1024);
  }
  const elapsed = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const flushes = { ...fanout };
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
    flushes_per_s: round(flushes.flushes / elapsed, 1),
    flush_mean_ms: round(flushes.ms / flushes.flushes),
    flush_max_ms: round(flushes.maxMs),
    cut_off: feed.stats.cutOffs - cutOffsBefore,
    closed: result.closed,
    rss_floor_first_mb: round(floor(rss.slice(0, third)), 1),
    rss_floor_last_mb: round(floor(rss.slice(-third)), 1),
    rss_growth_mb: round(floor(rss.slice(-third)) - floor(rss.slice(0, third)), 1),
    rss_max_mb: round(Math.max(...rss), 1),
    /** Live heap after a forced GC, end of the phase minus its start. */
    heap_growth_mb: round(heapAfter - heapBefore, 1),
    heap_live_start_mb: round(heapBefore, 1),
    heap_live_end_mb: round(heapAfter, 1),
    rss_floors_per_10s_mb: floorsPer10s(rss),
    heap_floors_per_10s_mb: floorsPer10s(heap),
    /** The feed process's CPU (user + system) per second of wall time: 1 = one whole core. */
    feed_cpu: round((cpu.user + cpu.system) / 1e6 / elapsed),
    /** The feed's CPU per message delivered, JS (user) and kernel (system): independent of its CPU share. */
    user_us_per_message: round(cpu.user / result.messages),
    system_us_per_message: round(cpu.system / result.messages),
    /** The client processes' CPU, all together, per second: they share the machine with the feed. */
    clients_cpu: round(result.cpuSeconds / elapsed),
    load_avg_1m: round(loadavg()[0] ?? 0),
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
    feed_cpu: small.feed_cpu,
    user_us_per_message: small.user_us_per_message,
    system_us_per_message: small.system_us_per_message,
    subs5000_feed_cpu: large.feed_cpu,
    clients_cpu: small.clients_cpu,
    load_avg_1m: large.load_avg_1m,
  }),
);
process.exit(0);
