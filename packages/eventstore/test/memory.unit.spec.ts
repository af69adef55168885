import { createMemoryEventStore } from "../src/index.ts";
import { describeEventStoreConformance } from "./conformance.ts";

describeEventStoreConformance("memory", async () => ({
  store: createMemoryEventStore(),
  cleanup: async () => {},
}));
