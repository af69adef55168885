// The index the local adapters share: commits as columns, a bounded commitId window, and reads
// that cross the columns' growth (a stream's commits interleaved with other streams').
import { describe, expect, it } from "vitest";
import { uint32Column } from "../src/memory/columns.ts";
import { type Commit, type LoadEvents, payloadArray, StoreIndex } from "../src/memory/store-index.ts";
import type { SubscriptionItem } from "../src/port.ts";

interface Kept {
  readonly commitId: string;
  readonly values: readonly number[];
}

const load: LoadEvents<Kept> = ({ payload }) => ({
  commitId: payload.commitId,
  events: payload.values.map((value) => ({ type: "V", data: { value } })),
});

/** Appends `count` events to `stream` as one commit, planned as an adapter plans it. */
function append(index: StoreIndex<Kept>, stream: string, commitId: string, values: number[]): void {
  const planned = index.planner().plan(stream, "any", commitId, values.length);
  const commit: Commit<Kept> = { ...planned, payload: { commitId, values } };
  index.add([commit]);
}

describe("StoreIndex", () => {
  it("remembers only the last commitIdWindow commit ids, each with its own result", () => {
    const index = new StoreIndex<Kept>(payloadArray(), 4);
    for (let i = 0; i < 6; i++) append(index, "s", `c${i}`, [i, i]);
    expect(index.resultOf("c0")).toBeUndefined();
    expect(index.resultOf("c1")).toBeUndefined();
    expect(index.resultOf("c2")).toEqual({ nextExpectedRevision: 5n, position: 5n });
    expect(index.resultOf("c5")).toEqual({ nextExpectedRevision: 11n, position: 11n });
    // An id that left the window may be taken again: it is a new append.
    append(index, "s", "c0", [6]);
    expect(index.resultOf("c0")).toEqual({ nextExpectedRevision: 12n, position: 12n });
    expect(() => append(index, "s", "c5", [7])).toThrow(/added twice/);
  });

  it("retires commits only to an archive, and only commits it has", () => {
    const index = new StoreIndex<Kept>(payloadArray());
    append(index, "s", "c0", [0]);
    expect(() => index.retire(1, 0)).toThrow(/without an archive/);
    const nothing = { length: 0, streamAt: () => "", lastRevisionAt: () => -1, at: () => undefined as never };
    const archived = new StoreIndex<Kept>(payloadArray(), 4, { commits: async () => nothing });
    append(archived, "s", "c0", [0]);
    expect(() => archived.retire(2, 0)).toThrow(RangeError);
    archived.retire(1, 0);
    expect(archived.liveCommits).toBe(0);
    expect(archived.lastRevision("s")).toBe(0n);
    expect(archived.resultOf("c0")).toEqual({ nextExpectedRevision: 0n, position: 0n });
  });

  it("reads streams and the log across many commits, with each commit's id from its payload", async () => {
    const index = new StoreIndex<Kept>(payloadArray());
    const streams = ["a", "b", "c"];
    const expected = new Map<
      string,
      { revision: bigint; position: bigint; value: number; commitId: string }[]
    >(streams.map((s) => [s, []]));
    let position = 0n;
    for (let i = 0; i < 300; i++) {
      const stream = streams[(i * 7) % 3]!;
      const values = Array.from({ length: 1 + (i % 3) }, (_, j) => i * 10 + j);
      append(index, stream, `k${i}`, values);
      const events = expected.get(stream)!;
      for (const value of values)
        events.push({ revision: BigInt(events.length), position: position++, value, commitId: `k${i}` });
    }
    expect(index.headPosition()).toBe(position - 1n);
    for (const stream of streams) {
      const all = expected.get(stream)!;
      expect(index.lastRevision(stream)).toBe(all.at(-1)!.revision);
      const from = 57n;
      const read = await index.readStream(stream, { fromRevision: from, maxCount: 40 }, load);
      expect(
        read.map((e) => ({
          revision: e.revision,
          position: e.position,
          value: (e.data as { value: number }).value,
          commitId: e.commitId,
        })),
      ).toEqual(all.slice(57, 97));
      const backwards = await index.readStream(
        stream,
        { fromRevision: "end", backwards: true, maxCount: 3 },
        load,
      );
      expect(backwards.map((e) => e.revision)).toEqual(
        all
          .slice(-3)
          .reverse()
          .map((e) => e.revision),
      );
    }
    const after = 401n;
    const controller = new AbortController();
    const seen: SubscriptionItem[] = [];
    for await (const item of index.subscribe(
      { after, streamPrefixes: ["b"], signal: controller.signal },
      load,
    )) {
      seen.push(item);
      if (item.kind === "caughtUp") controller.abort();
    }
    const events = seen.flatMap((item) => (item.kind === "event" ? [item.event] : []));
    expect(events.map((e) => e.position)).toEqual(
      expected
        .get("b")!
        .filter((e) => e.position > after)
        .map((e) => e.position),
    );
    expect(seen.at(-1)).toEqual({ kind: "caughtUp", position: position - 1n });
  });
});

describe("NumberColumn", () => {
  it("keeps every value across its first chunk's doublings and into later chunks", () => {
    const column = uint32Column();
    const count = 3 * 65_536 + 17;
    for (let i = 0; i < count; i++) column.push((i * 2_654_435_761) >>> 0);
    expect(column.length).toBe(count);
    for (const i of [0, 63, 64, 65_535, 65_536, 131_071, 131_072, count - 1])
      expect(column.at(i)).toBe((i * 2_654_435_761) >>> 0);
    expect(column.last()).toBe(((count - 1) * 2_654_435_761) >>> 0);
  });

  it("lets go of whole chunks below a release point and keeps the rest, growing on as before", () => {
    const column = uint32Column();
    for (let i = 0; i < 3 * 65_536; i++) column.push(i);
    column.release(2 * 65_536 + 5);
    expect(() => column.at(65_535)).toThrow(TypeError);
    expect(column.at(2 * 65_536)).toBe(2 * 65_536);
    column.push(7);
    expect(column.last()).toBe(7);
    expect(column.length).toBe(3 * 65_536 + 1);
  });
});
