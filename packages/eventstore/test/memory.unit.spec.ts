import { createMemoryEventStore } from "../src/index.ts";
import { describeEventStoreConformance } from "./conformance.ts";

describeEventStoreConformance("memory", async () => ({
  // Unbounded by default; bounded here so the append-limit case runs against it too.
  store: createMemoryEventStore({ maxAppendBytes: 1_048_576 }),
  cleanup: async () => {},
}));
