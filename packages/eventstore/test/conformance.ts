// The one conformance suite every EventStore adapter runs (memory, file, jetstream, kurrentdb).
// It is the executable definition of the port's semantics; see the package README for the
// decisions it encodes. `open` must return an EMPTY store each time; `reopen`, when given, closes
// nothing itself: it is called after `store.close()` and must return the same data reopened.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type AppendResult,
  EncodedJson,
  type EventData,
  type EventStore,
  InvalidAppend,
  type RecordedEvent,
  StreamNotFound,
  type SubscribeToAllOptions,
  type SubscriptionItem,
  WrongExpectedRevision,
} from "../src/index.ts";

export interface ConformanceTarget {
  store: EventStore;
  cleanup(): Promise<void>;
  /** Reopen the same data after `store.close()`; persistent adapters provide it. */
  reopen?(): Promise<EventStore>;
}

const waitMs = 10_000;

let commitCounter = 0;
/** A fresh commit id; the suite never relies on its format. */
export function newCommitId(): string {
  commitCounter += 1;
  return `c-${process.pid}-${Date.now().toString(36)}-${commitCounter}`;
}

function event(type: string, data: unknown, metadata?: Record<string, unknown>): EventData {
  return metadata ? { type, data, metadata } : { type, data };
}

function numbered(count: number, tag: string): EventData[] {
  return Array.from({ length: count }, (_, i) => event("Numbered", { tag, i }));
}

async function expectRejection<E extends Error>(
  promise: Promise<unknown>,
  errorClass: new (...args: never[]) => E,
): Promise<E> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(errorClass);
  return error as E;
}

/**
 * Runs a subscription until `done` says so (checked after every item), then aborts it and
 * checks that the iteration ends. Fails instead of hanging.
 */
export async function collect(
  store: EventStore,
  options: Omit<SubscribeToAllOptions, "signal">,
  done: (items: readonly SubscriptionItem[]) => boolean,
  duringLive?: () => Promise<void>,
): Promise<SubscriptionItem[]> {
  const controller = new AbortController();
  const items: SubscriptionItem[] = [];
  const timer = setTimeout(() => controller.abort(new Error("collect timed out")), waitMs);
  try {
    for await (const item of store.subscribeToAll({ ...options, signal: controller.signal })) {
      items.push(item);
      if (item.kind === "caughtUp" && duringLive) await duringLive();
      if (done(items)) controller.abort();
    }
  } finally {
    clearTimeout(timer);
  }
  if (!done(items)) throw new Error(`subscription ended early after ${items.length} items`);
  return items;
}

function eventsOf(items: readonly SubscriptionItem[]): RecordedEvent[] {
  return items.flatMap((item) => (item.kind === "event" ? [item.event] : []));
}

function caughtUpIndex(items: readonly SubscriptionItem[]): number {
  return items.findIndex((item) => item.kind === "caughtUp");
}

export function describeEventStoreConformance(name: string, open: () => Promise<ConformanceTarget>): void {
  describe(`EventStore conformance: ${name}`, () => {
    let target: ConformanceTarget;
    let store: EventStore;

    beforeEach(async () => {
      target = await open();
      store = target.store;
    });
    afterEach(async () => {
      await store.close();
      await target.cleanup();
    });

    describe("append and readStream", () => {
      it("numbers revisions from 0, orders positions, and round-trips type, data, metadata, commitId", async () => {
        const first = await store.append("order-1", [event("A", { n: 1 }, { by: "test" })], {
          commitId: "k1",
        });
        const second = await store.append("order-1", [event("B", { n: 2, s: "ü€" })], { commitId: "k2" });
        expect(first.nextExpectedRevision).toBe(0n);
        expect(second.nextExpectedRevision).toBe(1n);
        expect(second.position > first.position).toBe(true);

        const read = await store.readStream("order-1");
        expect(read.map((e) => [e.stream, e.revision, e.type, e.data, e.commitId])).toEqual([
          ["order-1", 0n, "A", { n: 1 }, "k1"],
          ["order-1", 1n, "B", { n: 2, s: "ü€" }, "k2"],
        ]);
        expect(read[0]?.metadata).toEqual({ by: "test" });
        expect(read.map((e) => e.position)).toEqual([first.position, second.position]);
      });

      it("writes all events of one append contiguously under one commitId", async () => {
        const other = Array.from({ length: 10 }, (_, i) =>
          store.append(`noise-${i}`, numbered(3, `noise-${i}`), { commitId: newCommitId() }),
        );
        const result = await store.append("batch", numbered(7, "batch"), { commitId: "batch-1" });
        await Promise.all(other);
        expect(result.nextExpectedRevision).toBe(6n);
        const read = await store.readStream("batch");
        expect(read.map((e) => e.revision)).toEqual([0n, 1n, 2n, 3n, 4n, 5n, 6n]);
        expect(new Set(read.map((e) => e.commitId))).toEqual(new Set(["batch-1"]));
        expect(read.at(-1)?.position).toBe(result.position);

        // In the global order no other event sits between events of one commit.
        const all = eventsOf(await collect(store, {}, (items) => caughtUpIndex(items) >= 0));
        for (const commit of new Set(all.map((e) => e.commitId))) {
          const indexes = all.flatMap((e, i) => (e.commitId === commit ? [i] : []));
          expect(indexes.at(-1)! - indexes[0]! + 1).toBe(indexes.length);
        }
      });

      it("rejects invalid appends with InvalidAppend and writes nothing", async () => {
        const empty = await expectRejection(store.append("s", [], { commitId: "e1" }), InvalidAppend);
        expect(empty.reason).toBe("no_events");
        const noStream = await expectRejection(
          store.append("", numbered(1, "x"), { commitId: "e2" }),
          InvalidAppend,
        );
        expect(noStream.reason).toBe("empty_stream");
        const noCommit = await expectRejection(
          store.append("s", numbered(1, "x"), { commitId: "" }),
          InvalidAppend,
        );
        expect(noCommit.reason).toBe("empty_commit_id");
        await expectRejection(store.readStream("s"), StreamNotFound);
        // The rejected commit ids were not claimed.
        const ok = await store.append("s", numbered(1, "x"), { commitId: "e1" });
        expect(ok.nextExpectedRevision).toBe(0n);
      });

      it("refuses an append over maxAppendBytes with too_large and writes nothing; one at the limit fits", async () => {
        // The events' JSON is [{"type":"big","data":"<text>"}]: 28 bytes around the text.
        const text = (bytes: number) => "x".repeat(bytes - '[{"type":"big","data":""}]'.length);
        const over = await expectRejection(
          store.append("big", [{ type: "big", data: text(store.maxAppendBytes + 1) }], { commitId: "b1" }),
          InvalidAppend,
        );
        expect(over.reason).toBe("too_large");
        await expectRejection(store.readStream("big"), StreamNotFound);
        const fits = await store.append("big", [{ type: "big", data: text(store.maxAppendBytes) }], {
          commitId: "b2",
        });
        expect(fits.nextExpectedRevision).toBe(0n);
      });

      it("stores pre-encoded data (EncodedJson) as the value it encodes, beside plain data", async () => {
        const value = { first: 7, ts: [1, 2], commands: [[0, "c\u00e9", null], { type: "X" }] };
        await store.append(
          "pre",
          [
            { type: "encoded", data: new EncodedJson(JSON.stringify(value)), metadata: { m: 1 } },
            { type: "plain", data: value },
            { type: "encoded-no-metadata", data: new EncodedJson("[]") },
          ],
          { commitId: newCommitId() },
        );
        const read = await store.readStream("pre");
        expect(read.map((e) => [e.type, e.data, e.metadata])).toEqual([
          ["encoded", value, { m: 1 }],
          ["plain", value, undefined],
          ["encoded-no-metadata", [], undefined],
        ]);
        const size = store.maxAppendBytes;
        if (size > 64 * 1024 * 1024) return; // unbounded (memory): nothing to refuse
        const over = new EncodedJson(JSON.stringify("x".repeat(size)));
        const refused = await expectRejection(
          store.append("pre-big", [{ type: "big", data: over }], { commitId: newCommitId() }),
          InvalidAppend,
        );
        expect(refused.reason).toBe("too_large");
      });

      it("throws StreamNotFound for a stream without events", async () => {
        const error = await expectRejection(store.readStream("nothing-here"), StreamNotFound);
        expect(error.stream).toBe("nothing-here");
        await expectRejection(store.readStream("nothing-here", { backwards: true }), StreamNotFound);
      });

      it("reads ranges forwards and backwards with fromRevision and maxCount", async () => {
        await store.append("r", numbered(5, "a"), { commitId: "r1" });
        await store.append("r", numbered(5, "b"), { commitId: "r2" });
        const revisions = async (options: Parameters<EventStore["readStream"]>[1]) =>
          (await store.readStream("r", options)).map((e) => Number(e.revision));

        expect(await revisions({})).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        expect(await revisions({ fromRevision: 3n, maxCount: 4 })).toEqual([3, 4, 5, 6]);
        expect(await revisions({ fromRevision: "start", maxCount: 2 })).toEqual([0, 1]);
        expect(await revisions({ fromRevision: 8n, maxCount: 100 })).toEqual([8, 9]);
        expect(await revisions({ fromRevision: 10n })).toEqual([]);
        expect(await revisions({ fromRevision: "end" })).toEqual([]);
        expect(await revisions({ maxCount: 0 })).toEqual([]);
        expect(await revisions({ backwards: true })).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
        expect(await revisions({ backwards: true, maxCount: 1 })).toEqual([9]);
        expect(await revisions({ backwards: true, fromRevision: 5n, maxCount: 3 })).toEqual([5, 4, 3]);
        expect(await revisions({ backwards: true, fromRevision: "start" })).toEqual([0]);
        expect(await revisions({ backwards: true, fromRevision: 50n, maxCount: 2 })).toEqual([9, 8]);
        const tail = await store.readStream("r", { fromRevision: 4n, maxCount: 2 });
        expect(tail.map((e) => e.data)).toEqual([
          { tag: "a", i: 4 },
          { tag: "b", i: 0 },
        ]);
      });
    });

    describe("expected revision", () => {
      it('"no_stream" succeeds only on a new stream', async () => {
        await store.append("n", numbered(2, "n"), { expectedRevision: "no_stream", commitId: "n1" });
        const error = await expectRejection(
          store.append("n", numbered(1, "n"), { expectedRevision: "no_stream", commitId: "n2" }),
          WrongExpectedRevision,
        );
        expect([error.stream, error.expected, error.actual]).toEqual(["n", "no_stream", 1n]);
      });

      it('"stream_exists" succeeds only on an existing stream', async () => {
        const error = await expectRejection(
          store.append("x", numbered(1, "x"), { expectedRevision: "stream_exists", commitId: "x1" }),
          WrongExpectedRevision,
        );
        expect([error.expected, error.actual]).toEqual(["stream_exists", "no_stream"]);
        await store.append("x", numbered(1, "x"), { commitId: "x2" });
        const ok = await store.append("x", numbered(1, "x"), {
          expectedRevision: "stream_exists",
          commitId: "x3",
        });
        expect(ok.nextExpectedRevision).toBe(1n);
      });

      it('"any" (the default) always succeeds', async () => {
        await store.append("y", numbered(1, "y"), { expectedRevision: "any", commitId: "y1" });
        const ok = await store.append("y", numbered(1, "y"), { commitId: "y2" });
        expect(ok.nextExpectedRevision).toBe(1n);
      });

      it("an exact revision must equal the stream's last revision", async () => {
        const onMissing = await expectRejection(
          store.append("z", numbered(1, "z"), { expectedRevision: 0n, commitId: "z0" }),
          WrongExpectedRevision,
        );
        expect([onMissing.expected, onMissing.actual]).toEqual([0n, "no_stream"]);
        await store.append("z", numbered(3, "z"), { expectedRevision: "no_stream", commitId: "z1" });
        const stale = await expectRejection(
          store.append("z", numbered(1, "z"), { expectedRevision: 1n, commitId: "z2" }),
          WrongExpectedRevision,
        );
        expect([stale.expected, stale.actual]).toEqual([1n, 2n]);
        const ok = await store.append("z", numbered(1, "z"), { expectedRevision: 2n, commitId: "z3" });
        expect(ok.nextExpectedRevision).toBe(3n);
        expect((await store.readStream("z")).length).toBe(4);
      });

      it("of N concurrent appends with the same expected revision exactly one wins", async () => {
        await store.append("race", numbered(1, "seed"), { commitId: "race-seed" });
        const contenders = 16;
        const outcomes = await Promise.allSettled(
          Array.from({ length: contenders }, (_, i) =>
            store.append("race", numbered(2, `c${i}`), { expectedRevision: 0n, commitId: `race-${i}` }),
          ),
        );
        const winners = outcomes.filter((o) => o.status === "fulfilled");
        expect(winners.length).toBe(1);
        for (const outcome of outcomes) {
          if (outcome.status === "rejected") {
            expect(outcome.reason).toBeInstanceOf(WrongExpectedRevision);
            expect((outcome.reason as WrongExpectedRevision).actual).toBe(2n);
          }
        }
        const read = await store.readStream("race");
        expect(read.map((e) => e.revision)).toEqual([0n, 1n, 2n]);
        expect(new Set(read.slice(1).map((e) => e.commitId)).size).toBe(1);
      });

      it('of N concurrent "no_stream" appends exactly one creates the stream', async () => {
        const outcomes = await Promise.allSettled(
          Array.from({ length: 8 }, (_, i) =>
            store.append("born", numbered(1, `b${i}`), {
              expectedRevision: "no_stream",
              commitId: `born-${i}`,
            }),
          ),
        );
        expect(outcomes.filter((o) => o.status === "fulfilled").length).toBe(1);
        expect((await store.readStream("born")).length).toBe(1);
      });
    });

    describe("idempotency by commitId", () => {
      it("a retry returns the first result and writes nothing, even after other appends", async () => {
        const first = await store.append("idem", numbered(3, "first"), { commitId: "same" });
        await store.append("idem", numbered(1, "later"), { commitId: "other" });
        const retry = await store.append("idem", numbered(3, "first"), {
          expectedRevision: "no_stream",
          commitId: "same",
        });
        expect(retry).toEqual(first);
        expect((await store.readStream("idem")).length).toBe(4);
      });

      it("a retry with another stream or other events still returns the first result", async () => {
        const first = await store.append("idem-a", numbered(2, "a"), { commitId: "shared" });
        const retry = await store.append("idem-b", numbered(5, "b"), { commitId: "shared" });
        expect(retry).toEqual(first);
        await expectRejection(store.readStream("idem-b"), StreamNotFound);
        expect((await store.readStream("idem-a")).map((e) => e.data)).toEqual([
          { tag: "a", i: 0 },
          { tag: "a", i: 1 },
        ]);
      });

      it("concurrent duplicates write once and agree on the result", async () => {
        const results = await Promise.all(
          Array.from({ length: 6 }, () => store.append("dup", numbered(2, "d"), { commitId: "dup-1" })),
        );
        for (const result of results) expect(result).toEqual(results[0]);
        expect((await store.readStream("dup")).length).toBe(2);
      });

      it("a rejected append does not claim its commitId", async () => {
        await expectRejection(
          store.append("claim", numbered(1, "x"), { expectedRevision: 5n, commitId: "claim-1" }),
          WrongExpectedRevision,
        );
        const ok = await store.append("claim", numbered(1, "x"), {
          expectedRevision: "no_stream",
          commitId: "claim-1",
        });
        expect(ok.nextExpectedRevision).toBe(0n);
      });
    });

    describe("subscribeToAll", () => {
      it("on an empty store yields caughtUp with an undefined position, then goes live", async () => {
        const items = await collect(
          store,
          {},
          (seen) => seen.length === 2,
          async () => {
            await store.append("late", numbered(1, "late"), { commitId: "late-1" });
          },
        );
        expect(items[0]).toEqual({ kind: "caughtUp", position: undefined });
        expect(eventsOf(items).map((e) => e.stream)).toEqual(["late"]);
      });

      it("catches up in position order, marks caughtUp once at the head, then delivers live appends", async () => {
        let last: AppendResult | undefined;
        for (let i = 0; i < 5; i++) {
          last = await store.append(`sub-${i % 2}`, numbered(2, `h${i}`), { commitId: `h${i}` });
        }
        const items = await collect(
          store,
          {},
          (seen) => eventsOf(seen).length === 13,
          async () => {
            await store.append("sub-0", numbered(2, "live-a"), { commitId: "live-a" });
            await store.append("sub-9", numbered(1, "live-b"), { commitId: "live-b" });
          },
        );
        const marker = caughtUpIndex(items);
        expect(marker).toBe(10);
        expect(items[marker]).toEqual({ kind: "caughtUp", position: last?.position });
        expect(items.filter((item) => item.kind === "caughtUp").length).toBe(1);
        const events = eventsOf(items);
        for (let i = 1; i < events.length; i++)
          expect(events[i]!.position > events[i - 1]!.position).toBe(true);
        expect(events.slice(10).map((e) => e.commitId)).toEqual(["live-a", "live-a", "live-b"]);
        expect(events.slice(10).map((e) => e.revision)).toEqual([6n, 7n, 0n]);
      });

      it("resumes strictly after a position", async () => {
        const results: AppendResult[] = [];
        for (let i = 0; i < 4; i++)
          results.push(await store.append("resume", numbered(2, `r${i}`), { commitId: `r${i}` }));
        const after = results[1]!.position;
        const items = await collect(store, { after }, (seen) => caughtUpIndex(seen) >= 0);
        const events = eventsOf(items);
        expect(events.map((e) => e.revision)).toEqual([4n, 5n, 6n, 7n]);
        expect(events.every((e) => e.position > after)).toBe(true);
        expect(items.at(-1)).toEqual({ kind: "caughtUp", position: results[3]!.position });

        const fromHead = await collect(
          store,
          { after: results[3]!.position },
          (seen) => caughtUpIndex(seen) >= 0,
        );
        expect(fromHead).toEqual([{ kind: "caughtUp", position: results[3]!.position }]);
      });

      it("filters by stream prefix in catch-up and live, and reports the head position when caught up", async () => {
        await store.append("order-1", numbered(1, "o1"), { commitId: "p1" });
        await store.append("trade-1", numbered(1, "t1"), { commitId: "p2" });
        await store.append("account-1", numbered(1, "a1"), { commitId: "p3" });
        const head = await store.append("misc-1", numbered(1, "m1"), { commitId: "p4" });
        const items = await collect(
          store,
          { streamPrefixes: ["order-", "account-"] },
          (seen) => eventsOf(seen).length === 3,
          async () => {
            await store.append("trade-2", numbered(1, "t2"), { commitId: "p5" });
            await store.append("order-2", numbered(1, "o2"), { commitId: "p6" });
          },
        );
        expect(items.map((item) => (item.kind === "event" ? item.event.stream : "caughtUp"))).toEqual([
          "order-1",
          "account-1",
          "caughtUp",
          "order-2",
        ]);
        expect(items[2]).toEqual({ kind: "caughtUp", position: head.position });
      });

      it("stops when its signal aborts while waiting live, and when the consumer breaks", async () => {
        await store.append("stop", numbered(1, "s"), { commitId: "stop-1" });
        const controller = new AbortController();
        const seen: SubscriptionItem[] = [];
        const done = (async () => {
          for await (const item of store.subscribeToAll({ signal: controller.signal })) seen.push(item);
        })();
        await new Promise((resolve) => setTimeout(resolve, 50));
        controller.abort();
        await done;
        expect(seen.map((item) => item.kind)).toEqual(["event", "caughtUp"]);

        const alreadyAborted = AbortSignal.abort();
        const none: SubscriptionItem[] = [];
        for await (const item of store.subscribeToAll({ signal: alreadyAborted })) none.push(item);
        expect(none).toEqual([]);

        let count = 0;
        for await (const _ of store.subscribeToAll()) {
          count += 1;
          break;
        }
        expect(count).toBe(1);
      });
    });

    describe("scale", () => {
      it("stores and delivers events of about 1 MB", async () => {
        const big = {
          blob: "x".repeat(1_000_000),
          nested: { list: Array.from({ length: 1000 }, (_, i) => i) },
        };
        const result = await store.append("big", [event("Big", big), event("Small", { ok: true })], {
          commitId: "big-1",
        });
        expect(result.nextExpectedRevision).toBe(1n);
        const [read] = await store.readStream("big", { maxCount: 1 });
        expect(read?.data).toEqual(big);
        const items = await collect(store, {}, (seen) => caughtUpIndex(seen) >= 0);
        expect(eventsOf(items).map((e) => e.type)).toEqual(["Big", "Small"]);
      });

      it("handles 2,000 streams", async () => {
        const streams = Array.from({ length: 2000 }, (_, i) => `many-${i}`);
        for (let start = 0; start < streams.length; start += 200) {
          await Promise.all(
            streams.slice(start, start + 200).map((stream) =>
              store.append(stream, numbered(2, stream), {
                expectedRevision: "no_stream",
                commitId: `m-${stream}`,
              }),
            ),
          );
        }
        for (const stream of [streams[0]!, streams[999]!, streams[1999]!]) {
          expect((await store.readStream(stream)).map((e) => e.data)).toEqual([
            { tag: stream, i: 0 },
            { tag: stream, i: 1 },
          ]);
        }
        const items = await collect(store, { streamPrefixes: ["many-"] }, (seen) => caughtUpIndex(seen) >= 0);
        const events = eventsOf(items);
        expect(events.length).toBe(4000);
        expect(new Set(events.map((e) => e.stream)).size).toBe(2000);
        const next = await store.append("many-1234", numbered(1, "again"), {
          expectedRevision: 1n,
          commitId: "again",
        });
        expect(next.nextExpectedRevision).toBe(2n);
      });
    });

    describe("durability", () => {
      it("everything survives close and reopen (persistent adapters)", async (context) => {
        if (!target.reopen) {
          context.skip();
          return;
        }
        await store.append("keep", numbered(3, "k"), { commitId: "keep-1" });
        await store.append("keep-2", [event("Meta", { v: 1 }, { m: "x" })], { commitId: "keep-2" });
        const before = eventsOf(await collect(store, {}, (seen) => caughtUpIndex(seen) >= 0));
        await store.close();
        store = await target.reopen();
        const after = eventsOf(await collect(store, {}, (seen) => caughtUpIndex(seen) >= 0));
        expect(after).toEqual(before);
        const retry = await store.append("keep", numbered(1, "other"), { commitId: "keep-1" });
        expect(retry.nextExpectedRevision).toBe(2n);
        const next = await store.append("keep", numbered(1, "k"), {
          expectedRevision: 2n,
          commitId: "keep-3",
        });
        expect(next.nextExpectedRevision).toBe(3n);
        expect(next.position > before.at(-1)!.position).toBe(true);
      });
    });
  });
}
