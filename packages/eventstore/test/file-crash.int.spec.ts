// Crash test: a child process appends in a loop and reports every RESOLVED append; the parent
// SIGKILLs it at random moments, reopens the store and checks that every reported append is
// there exactly once with identical content, that no commit is partly visible, that the index
// agrees with the log, and that appending continues. Replay a failure with CRASH_SEED=<seed>.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { describe, expect, it } from "vitest";
import { type EventStore, openFileEventStore, type RecordedEvent } from "../src/index.ts";
import { collect } from "./conformance.ts";
import { crashEvents, type ResolvedAppend, seededRandom } from "./fixtures/crash-events.ts";

const crashes = 50;
const segmentBytesMax = 64 * 1024;
const child = join(import.meta.dirname, "fixtures", "append-child.ts");

interface ChildRun {
  readonly reported: ResolvedAppend[];
  readonly exited: Promise<unknown>;
  readonly process: ChildProcess;
  readonly ready: Promise<void>;
}

/** Lets a started child open the store and begin appending. */
function go(child: ChildRun): void {
  child.process.stdin!.write("go\n");
}

function startChild(directory: string, run: number, seed: number): ChildRun {
  const proc = spawn(
    process.execPath,
    ["--import", "tsx", child, directory, String(run), String(seed), String(segmentBytesMax)],
    {
      stdio: ["pipe", "pipe", "inherit"],
    },
  );
  const reported: ResolvedAppend[] = [];
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  // Only complete lines count: a line cut by the kill was never fully reported.
  createInterface({ input: proc.stdout! }).on("line", (line) => {
    if (line === "ready") markReady();
    else reported.push(JSON.parse(line) as ResolvedAppend);
  });
  const exited = new Promise((resolve) => proc.on("exit", resolve));
  return { reported, exited, process: proc, ready };
}

/**
 * Groups the whole log by commit and lists every broken rule: positions must increase, the events
 * of a commit must be adjacent, whole and identical to what the child appended. (Plain checks
 * collected into one assertion: thousands of expect() calls per reopen would dominate the run.)
 */
async function verifyLog(
  store: EventStore,
): Promise<{ commits: Map<string, RecordedEvent[]>; problems: string[] }> {
  // Asked after every item: look at the newest only (scanning them all made each reopen quadratic
  // in the log, most of this test's time).
  const items = await collect(store, {}, (seen) => seen.at(-1)?.kind === "caughtUp");
  const commits = new Map<string, RecordedEvent[]>();
  const problems: string[] = [];
  let previous: RecordedEvent | undefined;
  for (const item of items) {
    if (item.kind !== "event") continue;
    const event = item.event;
    if (previous && event.position <= previous.position)
      problems.push(`position ${event.position} not increasing`);
    const commit = commits.get(event.commitId);
    if (!commit) commits.set(event.commitId, [event]);
    else if (previous?.commitId !== event.commitId) problems.push(`commit ${event.commitId} is split`);
    else commit.push(event);
    previous = event;
  }
  for (const [commitId, events] of commits) {
    if (!commitId.startsWith("r")) continue;
    const stored = JSON.stringify(events.map((e) => ({ type: e.type, data: e.data, metadata: e.metadata })));
    if (stored !== JSON.stringify(crashEvents(commitId)))
      problems.push(`commit ${commitId} differs or is partial`);
  }
  return { commits, problems };
}

/** The per-stream index must return exactly the log's events of that stream, numbered from 0. */
async function verifyStreams(store: EventStore, commits: Map<string, RecordedEvent[]>): Promise<void> {
  const byStream = new Map<string, RecordedEvent[]>();
  for (const events of commits.values()) {
    for (const event of events) {
      const list = byStream.get(event.stream);
      if (list) list.push(event);
      else byStream.set(event.stream, [event]);
    }
  }
  for (const [stream, events] of byStream) {
    events.sort((a, b) => (a.position < b.position ? -1 : 1));
    expect(events.map((e) => e.revision)).toEqual(events.map((_, i) => BigInt(i)));
    expect(await store.readStream(stream)).toEqual(events);
  }
}

describe("file event store survives SIGKILL", () => {
  it(`keeps every resolved append exactly once across ${crashes} kills`, async () => {
    const seed = Number(process.env["CRASH_SEED"] ?? Math.floor(Math.random() * 2 ** 31));
    console.log(`file-crash seed ${seed} (replay with CRASH_SEED=${seed})`);
    const random = seededRandom(seed);
    const directory = await mkdtemp(join(tmpdir(), "ghx-crash-"));
    const reported = new Map<string, ResolvedAppend>();
    try {
      // The next child boots (about a second under load) while the parent verifies.
      let next = startChild(directory, 0, Math.floor(random() * 2 ** 31));
      for (let run = 0; run < crashes; run++) {
        const child = next;
        go(child);
        // Mostly mid-append; one run in eight dies during start-up or recovery instead.
        if (random() < 0.125) await new Promise((resolve) => setTimeout(resolve, random() * 400));
        else {
          await Promise.race([child.ready, child.exited]);
          await new Promise((resolve) => setTimeout(resolve, 5 + random() * 100));
        }
        child.process.kill("SIGKILL");
        await child.exited;
        for (const append of child.reported) reported.set(append.commitId, append);
        if (run + 1 < crashes) next = startChild(directory, run + 1, Math.floor(random() * 2 ** 31));

        const store = await openFileEventStore(directory, { segmentBytesMax });
        try {
          const { commits, problems } = await verifyLog(store);
          for (const append of reported.values()) {
            const last = commits.get(append.commitId)?.at(-1);
            const found = last && {
              stream: last.stream,
              revision: String(last.revision),
              position: String(last.position),
            };
            const wanted = { stream: append.stream, revision: append.revision, position: append.position };
            if (JSON.stringify(found) !== JSON.stringify(wanted))
              problems.push(`resolved append ${append.commitId} lost or moved`);
          }
          expect(problems, `after kill ${run}, seed ${seed}`).toEqual([]);
          await verifyStreams(store, commits);
          const last = commits.get(`parent-${run - 1}`)?.at(-1)?.revision;
          const next = await store.append("parent", [{ type: "Reopened", data: { run } }], {
            expectedRevision: last ?? "no_stream",
            commitId: `parent-${run}`,
          });
          expect(next.nextExpectedRevision).toBe(last === undefined ? 0n : last + 1n);
        } finally {
          await store.close();
        }
      }
      expect(reported.size).toBeGreaterThan(crashes);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
    // 50 child processes each pay `node --import tsx` start-up (0.3–1 s, more while the other
    // integration suites share the two cores), so the budget is generous; the checks are not timed.
  }, 300_000);
});
