// `npm run bench -- eventstore-log [--records N]`: the file store over a long log of small
// appends, the core's pattern at low load (one group commit per few commands). Appends N
// one-event records of ~200 bytes (default 2,000,000: about eight 64 MiB segments) in waves of
// 2,000, and reports
//   - the store's memory (heap + array buffers after forced GCs) at every 500,000 appends: it is
//     bounded by the last two segments' index columns, not by the log;
//   - opening the store, 3 times: records indexed per second (ops_per_s), median and slowest open;
//   - the first read of the log's oldest records, which loads a retired segment's index file.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { type EventStore, openFileEventStore } from "../src/index.ts";

const { values } = parseArgs({ options: { records: { type: "string", default: "2000000" } } });
const records = Number(values.records);
const wave = 2_000;
const checkpointEvery = 500_000;

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with --expose-gc (npm run bench does)");
const storeMemoryMb = () => {
  gc();
  gc();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return Math.round((heapUsed + arrayBuffers) / 1e5) / 10;
};
const elapsedMs = (since: number) => Math.round(performance.now() - since);

const directory = await mkdtemp(join(tmpdir(), "ghx-file-log-"));
try {
  const data = { accountId: "acct-000123", amountMinor: 123_456, note: "x".repeat(60) };
  const memoryMb: Record<string, number> = { "0": storeMemoryMb() };
  let store: EventStore = await openFileEventStore(directory);
  const appendStarted = performance.now();
  for (let done = 0; done < records; ) {
    const count = Math.min(wave, records - done);
    const appends: Promise<unknown>[] = [];
    for (let i = done; i < done + count; i++) {
      const stream = i % 2 === 0 ? "core-journal" : "core-events";
      appends.push(store.append(stream, [{ type: "Recorded", data }], { commitId: `log-${i}` }));
    }
    await Promise.all(appends);
    done += count;
    if (done % checkpointEvery === 0 || done === records) memoryMb[String(done)] = storeMemoryMb();
  }
  const appendsPerS = Math.round(records / ((performance.now() - appendStarted) / 1000));
  console.log(`appended ${records.toLocaleString("en")} records: ${appendsPerS.toLocaleString("en")}/s`);
  console.log(`store memory (heap + array buffers, MB) by appends: ${JSON.stringify(memoryMb)}`);
  await store.close();

  const opensMs: number[] = [];
  let retiredReadMs = 0;
  for (let round = 0; round < 3; round++) {
    const started = performance.now();
    store = await openFileEventStore(directory);
    opensMs.push(elapsedMs(started));
    if (round === 0) {
      const readStarted = performance.now();
      await store.readStream("core-journal", { fromRevision: 10n, maxCount: 5 });
      retiredReadMs = elapsedMs(readStarted);
    }
    await store.close();
  }
  const sorted = [...opensMs].sort((a, b) => a - b);
  console.log(`open: ${opensMs.join(", ")} ms; first read of the oldest records: ${retiredReadMs} ms`);
  console.log(
    JSON.stringify({
      bench: "eventstore-log",
      ops_per_s: Math.round(records / (sorted[1]! / 1000)),
      p50_us: sorted[1]! * 1000,
      p99_us: sorted[2]! * 1000,
      records,
      appends_per_s: appendsPerS,
      open_ms: opensMs,
      retired_read_ms: retiredReadMs,
      memory_mb_by_appends: memoryMb,
    }),
  );
} finally {
  await rm(directory, { recursive: true, force: true });
}
