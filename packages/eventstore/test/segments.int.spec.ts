// Segment files on a real disk: the reader keeps a bounded number of segments open, whatever
// the order and concurrency of reads across many segments; the archive keeps the few segments
// it read last loaded.
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { archivedSegmentsKept, SegmentArchive } from "../src/file/segment-archive.ts";
import { SegmentReader, SegmentWriter, segmentIndexPath, segmentPath } from "../src/file/segments.ts";
import { openFileEventStore } from "../src/index.ts";

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe("SegmentReader", () => {
  it("reads across many segments with at most openSegmentsMax of them open", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ghx-segments-"));
    dirs.push(dir);
    // Each write is over half a segment, so every write after the first starts a new segment.
    const writer = await SegmentWriter.open(dir, 100, {
      lastSegment: 0,
      lastSegmentBytes: 0,
      truncatedBytes: 0,
    });
    const written: { segment: number; offset: number; data: Buffer }[] = [];
    for (let i = 0; i < 12; i++) {
      const data = Buffer.from(`segment payload ${String(i).padStart(3, "0")} `.repeat(3));
      written.push({ ...(await writer.write(data)), data });
    }
    expect(new Set(written.map((w) => w.segment)).size).toBe(12);
    const reader = new SegmentReader(dir, (segment) => writer.committedBytes(segment), 16, 3);
    try {
      // Forward, backward, then all at once: every read sees its bytes, the open set stays bounded.
      for (const w of [...written, ...[...written].reverse()]) {
        expect((await reader.read(w.segment, w.offset, w.data.length)).equals(w.data)).toBe(true);
        expect(reader.openSegments).toBeLessThanOrEqual(3);
      }
      const all = await Promise.all(written.map((w) => reader.read(w.segment, w.offset, w.data.length)));
      for (const [i, data] of all.entries()) expect(data.equals(written[i]!.data)).toBe(true);
      expect(reader.openSegments).toBeLessThanOrEqual(3);
    } finally {
      await reader.close();
      await writer.close();
    }
  });
});

describe("SegmentArchive", () => {
  it("keeps the segments it read last loaded, least recently read dropped first", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ghx-archive-"));
    dirs.push(dir);
    const store = await openFileEventStore(dir, { segmentBytesMax: 512 });
    for (let i = 0; i < 40; i++)
      await store.append(i % 2 ? "a" : "b", [{ type: "E", data: { i, pad: "x".repeat(100) } }], {
        commitId: `c${i}`,
      });
    await store.close();
    const sealed = (await readdir(dir)).filter((name) => name.endsWith(".idx")).length;
    expect(sealed).toBeGreaterThan(archivedSegmentsKept + 1);
    const archive = new SegmentArchive(dir);
    const lengths = [];
    for (let segment = 0; segment < archivedSegmentsKept; segment++)
      lengths.push((await archive.commits(segment)).length);
    expect(lengths.every((length) => length > 0)).toBe(true);
    // Gone from disk, segment 0 is still served: it is loaded. Read again, it is the most recent.
    const forget = async (segment: number) => {
      await rm(segmentPath(dir, segment));
      await rm(segmentIndexPath(dir, segment));
    };
    await forget(0);
    expect((await archive.commits(0)).length).toBe(lengths[0]);
    // One more segment drops the least recently read, segment 1, which must now come from disk.
    await archive.commits(archivedSegmentsKept);
    await forget(1);
    await expect(archive.commits(1)).rejects.toThrow(/ENOENT/);
    expect((await archive.commits(0)).length).toBe(lengths[0]);
    const first = (await archive.commits(2)).at(0);
    expect(first.payload.segment).toBe(2);
    expect(typeof first.stream).toBe("string");
  });
});
