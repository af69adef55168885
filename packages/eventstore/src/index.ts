export { createMemoryEventStore } from "./memory/memory-event-store.ts";
export * from "./port.ts";
