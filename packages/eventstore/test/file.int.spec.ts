import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
