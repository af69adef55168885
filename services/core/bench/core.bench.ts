// `npm run bench -- core`: the core runtime end to end (sequence → apply → journal → ack).
//  1. the core alone (applyCommand over pre-generated commands, no runtime, no journal), first,
//     on a fresh heap
//  2. saturated, file journal with fdatasync group commit: commands/s
//  3. open loop at a fixed offered rate (default 100,000/s), file journal: ack latency from the
//     intended send time (so a stall counts against every command it delays); then again at half
//     the saturated rate, where the core keeps up
//  4. replay of the file journal from zero (recovery without a snapshot): commands/s
//  5. saturated, memory event store (no disk, no fsync) for reference, last: it keeps every
//     record on the heap
// Every phase also reports CPU µs per command (process.cpuUsage, all threads): on a shared box
// neighbours stretch wall time far more than CPU time, so compare runs by CPU time first.
// Commands go in through submitValid, as in both modes: they are validated once, at the trust
// boundary (the gateway in process, the bus when the core runs on its own).
// Snapshots are on, at the production cadence (every 500,000 commands or 60 s; written by the
// snapshot worker, whose replica's CPU time counts in cpu_us_per_cmd).
// Options: --seconds <s per phase> --rate <offered commands/s> --window <outstanding commands>
//          --snapshot-every <commands>
//          --only saturated|open: that phase alone (the open loop at --rate), after a 1 s saturated
//          warm-up: short runs to interleave when comparing two revisions or two sets of V8 flags
//          on a noisy box, where one run of each proves little.
//          --only apply: the core state machine alone, measured over 600,000 commands after
//          300,000 that bring the books to their steady size (no runtime, no journal, no worker).
//          --only replay [--commands <n>]: recovery from zero over a file journal of the workload's
//          setup and <n> commands (default 600,000, about what the full bench's phases journal),
//          written straight from the state machine in group commits of 8,192 (as the runtime
//          encodes them, without its queues, acks or replica); twice, the first to warm the JIT.
//          --accounts <n> --products <n>: the workload's size (default the 1,000 and 50).
//          --pending-wait-max-ms <ms>: the core's overload bound (RuntimeOptions.pendingWaitMaxMs).
//          Applying a command costs about twice as much with 1,000 accounts as with 100, the
//          same books and commands: the per-account state outgrows the CPU caches.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { applyCommand, initialState } from "@ghx/core";
import type { CoreCommand } from "@ghx/domain";
import { createMemoryEventStore, type EventStore, openFileEventStore } from "@ghx/eventstore";
import hdr from "hdr-histogram-js";
import { startCoreRuntime } from "../src/embedded.ts";
import { configureHeapForCore } from "../src/heap.ts";
import { eventsStream, journalStream, snapshotEveryCommandsDefault } from "../src/limits.ts";
import { encodeEventsRecord, eventsRecordType, journalRecord, journalRecordType } from "../src/records.ts";
import { recover } from "../src/replay.ts";
import { CoreOverloaded, type CoreRuntime } from "../src/runtime.ts";
import { mixedWorkload } from "./workload.ts";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "4" },
    rate: { type: "string", default: "100000" },
    // Deep enough to keep group commits full; much deeper only meets the core's wait bound
    // (250 ms of commands at this box's rate) and its refusals.
    window: { type: "string", default: "5000" },
    "snapshot-every": { type: "string", default: String(snapshotEveryCommandsDefault) },
    only: { type: "string" },
    accounts: { type: "string", default: "1000" },
    products: { type: "string", default: "50" },
    "pending-wait-max-ms": { type: "string" },
    commands: { type: "string", default: "600000" },
  },
});
const phaseMs = Number(values.seconds) * 1000;
const offeredRate = Number(values.rate);
const windowMax = Number(values.window);
const snapshotEveryCommands = Number(values["snapshot-every"]);
const workloadOf = () => mixedWorkload(Number(values.products), Number(values.accounts));
/** Before a phase run alone (--only): setup leaves the JIT cold and the books empty. */
const warmUpMs = 1_000;

const newHistogram = () =>
  hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 120_000_000,
    numberOfSignificantValueDigits: 3,
  });

async function withCore<T>(
  store: EventStore,
  dataDir: string,
  run: (core: CoreRuntime) => Promise<T>,
): Promise<T & { snapshots: number }> {
  const pendingWait = values["pending-wait-max-ms"];
  const core = await startCoreRuntime({
    dataDir,
    store,
    snapshotEveryCommands,
    ...(pendingWait === undefined ? {} : { pendingWaitMaxMs: Number(pendingWait) }),
  });
  let snapshots = 0;
  core.snapshotter?.onWritten(() => snapshots++);
  try {
    const result = await run(core);
    return { ...result, snapshots };
  } finally {
    await core.close({ snapshot: false });
  }
}

/** Acked, however long it takes: a refusal (the core's queue is full) is tried again. */
async function submitUntilAcked(core: CoreRuntime, command: CoreCommand): Promise<void> {
  for (;;) {
    try {
      await core.submitValid(command);
      return;
    } catch (error) {
      if (!(error instanceof CoreOverloaded)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

/** In groups, each acked before the next: one burst of all would outwait the core's queue bound. */
async function setup(core: CoreRuntime, commands: CoreCommand[]): Promise<void> {
  const group = 500;
  for (let i = 0; i < commands.length; i += group)
    await Promise.all(commands.slice(i, i + group).map((c) => submitUntilAcked(core, c)));
}

/** A numeric V8 flag this process was started with (.npmrc sets two; see heap.ts). */
function startFlag(name: string): number | undefined {
  const options = `${process.execArgv.join(" ")} ${process.env.NODE_OPTIONS ?? ""}`;
  const match = new RegExp(`--${name}[= ](\\d+)`).exec(options);
  return match ? Number(match[1]) : undefined;
}

/** CPU time (user + system, every thread of the process) since `since`, in µs. */
const cpuMicros = (since: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(since);
  return used.user + used.system;
};

const perCommand = (micros: number, commands: number) => Math.round((micros / commands) * 100) / 100;

/**
 * Keeps up to `windowMax` commands outstanding for `phaseMs`; commands/s acked. The core bounds
 * how long its queue waits, so a deep window meets refusals: like a client honouring the
 * push-back, the window shrinks to what was outstanding at a refusal and grows by one per ack,
 * and a refused command is sent again.
 */
async function saturate(
  core: CoreRuntime,
  next: () => CoreCommand,
  durationMs = phaseMs,
): Promise<{ opsPerS: number; acked: number; refused: number; cpuUsPerCommand: number }> {
  let acked = 0;
  let refused = 0;
  let outstanding = 0;
  let window = windowMax;
  let pumpDue = false;
  const again: CoreCommand[] = [];
  const cpu = process.cpuUsage();
  const started = performance.now();
  const deadline = started + durationMs;
  await new Promise<void>((resolve, reject) => {
    const pumpSoon = () => {
      if (pumpDue) return;
      pumpDue = true;
      setImmediate(pump);
    };
    const pump = () => {
      pumpDue = false;
      if (performance.now() >= deadline) {
        if (outstanding === 0) resolve();
        return;
      }
      while (outstanding < window) {
        outstanding++;
        const command = again.pop() ?? next();
        core.submitValid(command).then(
          () => {
            acked++;
            outstanding--;
            window = Math.min(windowMax, window + 1);
            if (outstanding <= window / 2) pumpSoon();
          },
          (error: unknown) => {
            if (!(error instanceof CoreOverloaded)) return reject(error);
            refused++;
            outstanding--;
            window = Math.max(1, Math.min(window, outstanding));
            again.push(command);
            if (outstanding === 0) pumpSoon();
          },
        );
      }
    };
    pump();
  });
  return {
    opsPerS: Math.round(acked / ((performance.now() - started) / 1000)),
    acked,
    refused,
    cpuUsPerCommand: perCommand(cpuMicros(cpu), acked),
  };
}

/** The core state machine alone over the same workload, after `warmUp` commands: wall and CPU µs per command. */
function applyOnly(commands: number, warmUp = 0): { usPerCommand: number; cpuUsPerCommand: number } {
  const workload = workloadOf();
  const state = initialState();
  let seq = 0;
  for (const command of workload.setup) applyCommand(state, { seq: ++seq, ts: 0, command });
  for (let i = 0; i < warmUp; i++) applyCommand(state, { seq: ++seq, ts: 0, command: workload.next() });
  const stream = Array.from({ length: commands }, workload.next);
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (const command of stream) applyCommand(state, { seq: ++seq, ts: 0, command });
  const wallMs = performance.now() - started;
  return {
    usPerCommand: perCommand(wallMs * 1000, commands),
    cpuUsPerCommand: perCommand(cpuMicros(cpu), commands),
  };
}

/** Open loop: arrivals on a fixed schedule regardless of acks; latency from the intended time. */
async function openLoop(core: CoreRuntime, next: () => CoreCommand, rate: number) {
  const histogram = newHistogram();
  const total = Math.round((rate * phaseMs) / 1000);
  let sent = 0;
  let done = 0;
  let overloaded = 0;
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate));
      for (; sent < due; sent++) {
        const intended = started + (sent / rate) * 1000;
        core.submitValid(next()).then(
          () => {
            histogram.recordValue(Math.max(1, Math.round((performance.now() - intended) * 1000)));
            if (++done === total) resolve();
          },
          (error: unknown) => {
            // Above capacity the journal queue fills and the core pushes back: count, not crash.
            if (!(error instanceof CoreOverloaded)) return reject(error);
            overloaded++;
            if (++done === total) resolve();
          },
        );
      }
      if (sent < total) setImmediate(tick);
    };
    tick();
  });
  const result = {
    offered_per_s: rate,
    p50_us: histogram.getValueAtPercentile(50),
    p99_us: histogram.getValueAtPercentile(99),
    p999_us: histogram.getValueAtPercentile(99.9),
    max_us: histogram.maxValue,
    overloaded,
  };
  histogram.destroy();
  return result;
}

/** How fast this machine is right now (shared CI boxes vary ~10×): JSON round trip in MB/s. */
function machineJsonMbPerS(): number {
  const sample = JSON.stringify(Array.from({ length: 20_000 }, () => mixedWorkload(1, 1).next()));
  const started = performance.now();
  for (let i = 0; i < 5; i++) JSON.parse(JSON.stringify(JSON.parse(sample)));
  return Math.round((sample.length * 10) / ((performance.now() - started) / 1000) / 1e6);
}

/** Writes the workload's setup and `commands` more to `store` as the core journals them: its records and their events. */
async function writeJournal(store: EventStore, commands: number): Promise<number> {
  const workload = workloadOf();
  const state = initialState();
  const groupCommit = 8_192;
  const ts = 1_765_000_000_000;
  const total = workload.setup.length + commands;
  let fromSetup = 0;
  const nextCommand = () =>
    fromSetup < workload.setup.length ? workload.setup[fromSetup++]! : workload.next();
  for (let revision = 0; state.lastSeq < total; revision++) {
    const batch = Array.from({ length: Math.min(groupCommit, total - state.lastSeq) }, nextCommand);
    const first = state.lastSeq + 1;
    const times = batch.map((_, i) => ts + Math.floor((first + i) / 100));
    const events = batch.map(
      (command, i) => applyCommand(state, { seq: first + i, ts: times[i]!, command }).events,
    );
    const expectedRevision = revision === 0 ? ("no_stream" as const) : BigInt(revision - 1);
    await store.append(
      journalStream,
      [{ type: journalRecordType, data: journalRecord(first, times, batch) }],
      {
        expectedRevision,
        commitId: `journal-${first}`,
      },
    );
    const [eventsRecord] = encodeEventsRecord({ first, ts: times, events }, Number.POSITIVE_INFINITY)!;
    await store.append(eventsStream, [{ type: eventsRecordType, data: eventsRecord! }], {
      expectedRevision,
      commitId: `events-${first}`,
    });
  }
  return total;
}

/** Recovery from zero over a journal of `commands` workload commands: commands/s and CPU µs per command. */
async function replayOnly(commands: number) {
  const dir = await mkdtemp(join(tmpdir(), "ghx-core-replay-"));
  try {
    const writer = await openFileEventStore(join(dir, "events"));
    const journaled = await writeJournal(writer, commands);
    await writer.close();
    const store = await openFileEventStore(join(dir, "events"));
    const runs: { opsPerS: number; cpuUsPerCommand: number }[] = [];
    for (let run = 0; run < 2; run++) {
      const cpu = process.cpuUsage();
      const started = performance.now();
      const recovered = await recover(store, undefined);
      const seconds = (performance.now() - started) / 1000;
      if (recovered.replayedCommands !== journaled) throw new Error("replay did not see every command");
      runs.push({
        opsPerS: Math.round(journaled / seconds),
        cpuUsPerCommand: perCommand(cpuMicros(cpu), journaled),
      });
    }
    await store.close();
    return { journaled, first: runs[0]!, second: runs[1]! };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** One phase alone after a warm-up (--only); its JSON line is the last line. */
async function onePhase(phase: string): Promise<void> {
  if (phase === "replay") {
    configureHeapForCore();
    const { journaled, first, second } = await replayOnly(Number(values.commands));
    console.log(
      JSON.stringify({
        bench: "core-replay",
        ops_per_s: second.opsPerS,
        p50_us: null,
        p99_us: null,
        cpu_us_per_cmd: second.cpuUsPerCommand,
        first_run_ops_per_s: first.opsPerS,
        commands: journaled,
        accounts: Number(values.accounts),
        products: Number(values.products),
      }),
    );
    return;
  }
  if (phase === "apply") {
    const { usPerCommand, cpuUsPerCommand } = applyOnly(600_000, 300_000);
    console.log(
      JSON.stringify({
        bench: "core-apply",
        ops_per_s: Math.round(1e6 / usPerCommand),
        p50_us: null,
        p99_us: null,
        us_per_cmd: usPerCommand,
        cpu_us_per_cmd: cpuUsPerCommand,
        accounts: Number(values.accounts),
        products: Number(values.products),
      }),
    );
    return;
  }
  if (phase !== "saturated" && phase !== "open")
    throw new Error(`--only: apply, saturated, open or replay, not ${phase}`);
  configureHeapForCore();
  const workload = workloadOf();
  const dir = await mkdtemp(join(tmpdir(), "ghx-core-bench-"));
  try {
    const store = await openFileEventStore(join(dir, "events"));
    const result = await withCore(store, dir, async (core) => {
      await setup(core, workload.setup);
      await saturate(core, workload.next, warmUpMs);
      if (phase === "open") {
        const { offered_per_s, p50_us, p99_us, p999_us, max_us, overloaded } = await openLoop(
          core,
          workload.next,
          offeredRate,
        );
        return {
          bench: "core-open-loop",
          ops_per_s: offered_per_s,
          p50_us,
          p99_us,
          p999_us,
          max_us,
          overloaded,
        };
      }
      const saturated = await saturate(core, workload.next);
      return {
        bench: "core-saturated",
        ops_per_s: saturated.opsPerS,
        p50_us: null,
        p99_us: null,
        cpu_us_per_cmd: saturated.cpuUsPerCommand,
        refused: saturated.refused,
      };
    });
    await store.close();
    const { snapshots: _, ...line } = result;
    console.log(
      JSON.stringify({
        ...line,
        seconds: phaseMs / 1000,
        semi_space_mb: startFlag("max-semi-space-size") ?? "default",
        v8_pool_size: startFlag("v8-pool-size") ?? "default",
      }),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  // As the core's own process and the embedded exchange run.
  configureHeapForCore();
  const calibration = machineJsonMbPerS();
  console.log(`machine: JSON round trip ${calibration} MB/s`);
  // First, on a fresh heap: the phases after it leave garbage and retained records behind.
  const alone = applyOnly(300_000);
  console.log(`core alone (applyCommand): ${alone.usPerCommand} µs/command, ${alone.cpuUsPerCommand} CPU µs`);
  const workload = workloadOf();
  const fileDir = await mkdtemp(join(tmpdir(), "ghx-core-bench-"));
  const memoryDir = await mkdtemp(join(tmpdir(), "ghx-core-bench-mem-"));
  try {
    const fileStore = await openFileEventStore(join(fileDir, "events"));
    const { saturated, latency, atHalf, commands, snapshots } = await withCore(
      fileStore,
      fileDir,
      async (core) => {
        await setup(core, workload.setup);
        const saturated = await saturate(core, workload.next);
        console.log(
          `file journal (fdatasync), saturated: ${saturated.opsPerS} commands/s (${saturated.refused} refused and sent again), ${saturated.cpuUsPerCommand} CPU µs/command; snapshot replica behind by ${core.status().snapshotReplicaLagRecords} journal records (${(core.status().snapshotReplicaLagBytes / 1e6).toFixed(1)} MB of JSON)`,
        );
        const latency = await openLoop(core, workload.next, offeredRate);
        console.log(`file journal, open loop ${offeredRate}/s: ${JSON.stringify(latency)}`);
        // Latency where the core keeps up: half of what it sustained saturated.
        const halfRate = Math.max(1_000, Math.round(saturated.opsPerS / 2 / 1_000) * 1_000);
        const atHalf = await openLoop(core, workload.next, halfRate);
        console.log(`file journal, open loop ${halfRate}/s: ${JSON.stringify(atHalf)}`);
        return { saturated, latency, atHalf, commands: core.state.lastSeq };
      },
    );
    await fileStore.close();
    console.log(
      `snapshots written by the snapshot worker meanwhile: ${snapshots} (every ${snapshotEveryCommands} commands)`,
    );

    const replayStore = await openFileEventStore(join(fileDir, "events"));
    const replayCpu = process.cpuUsage();
    const replayStarted = performance.now();
    const recovered = await recover(replayStore, undefined);
    const replaySeconds = (performance.now() - replayStarted) / 1000;
    const replayCpuUs = perCommand(cpuMicros(replayCpu), recovered.replayedCommands);
    await replayStore.close();
    const replayPerS = Math.round(recovered.replayedCommands / replaySeconds);
    console.log(
      `replay from zero: ${recovered.replayedCommands} commands in ${replaySeconds.toFixed(2)} s, ${replayCpuUs} CPU µs/command`,
    );
    if (recovered.replayedCommands !== commands) throw new Error("replay did not see every command");
    // Last: the memory store keeps every record on the heap, which slows whatever runs after it.
    const memoryStore = createMemoryEventStore();
    const memoryWorkload = workloadOf();
    const memory = await withCore(memoryStore, memoryDir, async (core) => {
      await setup(core, memoryWorkload.setup);
      return saturate(core, memoryWorkload.next);
    });
    console.log(`memory journal (no disk), saturated: ${memory.opsPerS} commands/s`);
    await memoryStore.close();

    console.log(
      JSON.stringify({
        bench: "core",
        ops_per_s: saturated.opsPerS,
        saturated_refused: saturated.refused,
        cpu_us_per_cmd: saturated.cpuUsPerCommand,
        p50_us: latency.p50_us,
        p99_us: latency.p99_us,
        p999_us: latency.p999_us,
        offered_per_s: offeredRate,
        overloaded_at_offered: latency.overloaded,
        half_load_per_s: atHalf.offered_per_s,
        half_load_p50_us: atHalf.p50_us,
        half_load_p99_us: atHalf.p99_us,
        half_load_p999_us: atHalf.p999_us,
        snapshot_every_commands: snapshotEveryCommands,
        snapshots_written: snapshots,
        nofsync_ops_per_s: memory.opsPerS,
        replay_cmds_per_s: replayPerS,
        replay_cpu_us_per_cmd: replayCpuUs,
        core_apply_us_per_cmd: alone.usPerCommand,
        core_apply_cpu_us_per_cmd: alone.cpuUsPerCommand,
        semi_space_mb: startFlag("max-semi-space-size") ?? "default",
        v8_pool_size: startFlag("v8-pool-size") ?? "default",
        products: Number(values.products),
        accounts: Number(values.accounts),
        machine_json_mb_per_s: calibration,
      }),
    );
  } finally {
    await rm(fileDir, { recursive: true, force: true });
    await rm(memoryDir, { recursive: true, force: true });
  }
}

await (values.only === undefined ? main() : onePhase(values.only));
