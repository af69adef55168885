import { type FileHandle, mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { openFileEventStore } from "../src/index.ts";
import { describeEventStoreConformance } from "./conformance.ts";

describeEventStoreConformance("file", async () => {
  const directory = await mkdtemp(join(tmpdir(), "ghx-eventstore-"));
  return {
    store: await openFileEventStore(directory, { segmentBytesMax: 256 * 1024 }),
    reopen: () => openFileEventStore(directory, { segmentBytesMax: 256 * 1024 }),
    cleanup: () => rm(directory, { recursive: true, force: true }),
  };
});

// Segments of 512 bytes hold one or two commits each, so nearly every read and subscription of
// the suite reaches commits the index has retired and reads back from the segments (LiveSegments).
describeEventStoreConformance("file, commits retired from the index", async () => {
  const directory = await mkdtemp(join(tmpdir(), "ghx-eventstore-"));
  return {
    store: await openFileEventStore(directory, { segmentBytesMax: 512 }),
    reopen: () => openFileEventStore(directory, { segmentBytesMax: 512 }),
    cleanup: () => rm(directory, { recursive: true, force: true }),
  };
});

describe("file group commit", () => {
  it("appends made in one turn of the event loop share one fdatasync, however many microtasks apart", async () => {
    const directory = await mkdtemp(join(tmpdir(), "ghx-eventstore-"));
    const store = await openFileEventStore(directory);
    const probe = await open(join(directory, "probe"), "w");
    const datasync = vi.spyOn(Object.getPrototypeOf(probe) as FileHandle, "datasync");
    await probe.close();
    try {
      const event = (n: number) => [{ type: "Tested", data: { n } }];
      await store.append("first", event(0), { commitId: "first-0" });
      datasync.mockClear();
      // The core's pattern: once a record is durable it appends that batch's events record and,
      // a few promise hops later, the next batch's journal record.
      const [events, journal] = await Promise.all([
        store.append("events", event(1), { commitId: "events-1" }),
        Promise.resolve()
          .then(() => undefined)
          .then(() => store.append("journal", event(2), { commitId: "journal-2" })),
      ]);
      expect(datasync).toHaveBeenCalledTimes(1);
      expect(events.position + 1n).toBe(journal.position);
    } finally {
      datasync.mockRestore();
      await store.close();
      await rm(directory, { recursive: true, force: true });
    }
  });
});
