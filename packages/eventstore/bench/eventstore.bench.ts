// `npm run bench -- eventstore [target...]`: append throughput and latency per adapter.
// Workloads: one sequential appender of single events, 64 concurrent single-event appenders, and
// concurrent appenders of 100-event batches (several, so that group commit can merge them).
// Events are about 200 bytes of JSON. Latency is per append call, in microseconds.
import hdr from "hdr-histogram-js";
import type { EventData, EventStore } from "../src/index.ts";
import { type BenchTarget, fileTarget, jetstreamTarget, memoryTarget } from "./targets.ts";

const targets: BenchTarget[] = [memoryTarget, fileTarget, jetstreamTarget];

interface Workload {
  readonly name: string;
  readonly appenders: number;
  readonly eventsPerAppend: number;
}

const workloads: Workload[] = [
  { name: "single", appenders: 1, eventsPerAppend: 1 },
  { name: "concurrent64", appenders: 64, eventsPerAppend: 1 },
  { name: "batch", appenders: 32, eventsPerAppend: 100 },
];

interface Measured {
  readonly eventsPerSecond: number;
  readonly p50Us: number;
  readonly p99Us: number;
}

function sampleEvent(i: number): EventData {
  return {
    type: "OrderAccepted",
    data: {
      orderId: `o-${String(i).padStart(12, "0")}`,
      accountId: "acct-000042",
      symbol: "H100.WUHU.20261124T14",
      side: i % 2 === 0 ? "buy" : "sell",
      priceTicks: 245_000 + (i % 100),
      lots: 1 + (i % 7),
      clientOrderId: `c-${i}`,
    },
    metadata: { commandId: `cmd-${i}` },
  };
}

async function runWorkload(store: EventStore, workload: Workload, durationMs: number): Promise<Measured> {
  const events = Array.from({ length: workload.eventsPerAppend }, (_, i) => sampleEvent(i));
  const histogram = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000_000,
    numberOfSignificantValueDigits: 3,
  });
  let appended = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  const appender = async (id: number) => {
    const stream = `${workload.name}-${id}`;
    for (let n = 0; performance.now() < deadline; n++) {
      const before = performance.now();
      await store.append(stream, events, { expectedRevision: "any", commitId: `${stream}-${n}` });
      histogram.recordValue(Math.max(1, Math.round((performance.now() - before) * 1000)));
      appended += events.length;
    }
  };
  await Promise.all(Array.from({ length: workload.appenders }, (_, id) => appender(id)));
  const seconds = (performance.now() - started) / 1000;
  const measured = {
    eventsPerSecond: Math.round(appended / seconds),
    p50Us: histogram.getValueAtPercentile(50),
    p99Us: histogram.getValueAtPercentile(99),
  };
  histogram.destroy();
  return measured;
}

const only = new Set(process.argv.slice(2));
const results: Record<string, Record<string, Measured>> = {};
for (const target of targets.filter((t) => only.size === 0 || only.has(t.name))) {
  results[target.name] = {};
  for (const workload of workloads) {
    const { store, dispose } = await target.open();
    try {
      const measured = await runWorkload(store, workload, target.workloadMs);
      results[target.name]![workload.name] = measured;
      console.log(
        `${target.name.padEnd(10)} ${workload.name.padEnd(13)} ${workload.appenders} x ${workload.eventsPerAppend} events: ` +
          `${measured.eventsPerSecond.toLocaleString("en")} events/s, p50 ${measured.p50Us} us, p99 ${measured.p99Us} us`,
      );
    } finally {
      await dispose();
    }
  }
}

const summary: Record<string, number | string> = { bench: "eventstore" };
const headline = results["file"]?.["batch"];
if (headline)
  Object.assign(summary, {
    ops_per_s: headline.eventsPerSecond,
    p50_us: headline.p50Us,
    p99_us: headline.p99Us,
  });
for (const [target, byWorkload] of Object.entries(results)) {
  for (const [workload, measured] of Object.entries(byWorkload)) {
    summary[`${target}_${workload}_events_per_s`] = measured.eventsPerSecond;
    summary[`${target}_${workload}_p99_us`] = measured.p99Us;
  }
}
console.log(JSON.stringify(summary));
