// Segment files on a real disk: the reader keeps a bounded number of segments open, whatever
// the order and concurrency of reads across many segments.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { SegmentReader, SegmentWriter } from "../src/file/segments.ts";

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
