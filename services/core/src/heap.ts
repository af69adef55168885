// V8 settings for a process whose main work is the core: the core's own process (main.ts), the
// embedded exchange (`npm start`) and the core bench.
//
// Allocation-site pretenuring off. V8 allocates objects straight into the old generation from
// allocation sites whose objects mostly survived a young-generation collection. Under a burst the
// core's per-command objects do survive (events, results and commands wait for their group
// commit), so V8 pretenures their sites, and it went on doing so after the burst, when those
// objects die within milliseconds: at 45k commands/s after a saturated burst, 0.76-0.96 KB per
// command went into the old generation (0.21-0.24 KB with pretenuring off, what the core alone
// keeps: the orders, the dedupe window), and a major GC came every few seconds. Measured with
// throwaway scripts, interleaved: ack p99 at 45k/s over 9 rounds of 4 s, median 12.1 ms (9.1-31.0)
// against 79.2 ms (13.4-134.9). In the full core bench (two pairs) throughput moved within its
// noise and replay was ~3 % slower.
//
// A 64 MB young-generation semi-space (V8's default is 16 MB), set by the repository's .npmrc for
// every process npm starts (NODE_OPTIONS; V8 sizes its heap at start-up, so it cannot be set
// here). A command's objects (the command, its events and result, its promise) live until its
// group commit; with 16 MB a scavenge came every ~60 ms at 45k commands/s and copied most of
// them: 101-115 scavenges, 2.0-2.1 s of pauses in 9 s saturated. With 64 MB: 38-41, 1.1-1.3 s.
// Interleaved (throwaway script, 3 rounds, saturated 8 s): 53.8 / 50.5 / 55.3k commands/s against
// 45.6 / 44.5 / 50.5k, 34.9-37.9 CPU µs/command against 37.8-42.3; 128 MB gained less (47.7-48.4k).
// Full core bench, 2 pairs: saturated 48.2 / 48.5k against 44.3 / 35.9k; at 20k/s offered (2 more
// pairs) ack p50 2.2 / 1.8 ms against 2.3 / 2.5 ms, p99 42 / 35 ms against 101 / 27 ms (noise).
//
// V8's background thread pool sized by the machine (`--v8-pool-size=0`, also from .npmrc): Node
// then takes one thread fewer than the available parallelism (one on two cores) instead of its
// fixed 4. The pool runs the parallel scavenges' helpers and concurrent marking; on two cores the
// four helpers, this thread and the snapshot replica took turns, and a scavenge waited for helpers
// that were descheduled. Interleaved on 2026-12-07 (throwaway scripts over the bench's workload on
// the file store, a slow hour of the box): saturated, 10 pairs of 3 s, 8 won, median 38.8k against
// 35.9k commands/s; open loop at 20k/s, 5 pairs of 5 s, every one won: ack p90 10-17 ms against
// 19-42 ms, p99 30-63 ms against 81-160 ms.
import { setFlagsFromString } from "node:v8";

export function configureHeapForCore(): void {
  setFlagsFromString("--no-allocation-site-pretenuring");
}
