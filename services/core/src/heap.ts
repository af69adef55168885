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
import { setFlagsFromString } from "node:v8";

export function configureHeapForCore(): void {
  setFlagsFromString("--no-allocation-site-pretenuring");
}
