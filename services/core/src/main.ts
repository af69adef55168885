// The core as its own process (distributed mode): commands arrive by bus request/reply from any
// number of gateways, land on the journal, and are answered once durable.
//   node --import tsx services/core/src/main.ts --data <dir> --nats <url,...> [--jetstream]
//        [--snapshot-every <commands>] [--pending-wait-max-ms <ms>]
// --jetstream keeps the journal and events in NATS JetStream (production); without it the file
// event store under <dir>/events. Snapshots always go to <dir>/snapshots.
// Prints one JSON line {"ready":true,...} when serving; exits non-zero if the core fails.
import { join } from "node:path";
import { parseArgs } from "node:util";
import { connectNatsBus } from "@ghx/bus";
import { type EventStore, openFileEventStore, openJetStreamEventStore } from "@ghx/eventstore";
import { serveCore } from "./bus.ts";
import { startCoreRuntime } from "./embedded.ts";
import { configureHeapForCore } from "./heap.ts";

const { values } = parseArgs({
  options: {
    data: { type: "string" },
    nats: { type: "string" },
    jetstream: { type: "boolean", default: false },
    "snapshot-every": { type: "string" },
    "pending-wait-max-ms": { type: "string" },
  },
});
if (!values.data || !values.nats) {
  console.error(
    "usage: main.ts --data <dir> --nats <url,...> [--jetstream] [--snapshot-every <commands>] [--pending-wait-max-ms <ms>]",
  );
  process.exit(2);
}
configureHeapForCore();
const servers = values.nats.split(",");
const store: EventStore = values.jetstream
  ? await openJetStreamEventStore({ servers })
  : await openFileEventStore(join(values.data, "events"));
const runtime = await startCoreRuntime({
  dataDir: values.data,
  store,
  ...(values["snapshot-every"] ? { snapshotEveryCommands: Number(values["snapshot-every"]) } : {}),
  ...(values["pending-wait-max-ms"] ? { pendingWaitMaxMs: Number(values["pending-wait-max-ms"]) } : {}),
  onFailure: (error) => {
    // Stop rather than carry on wrong: whatever is not journaled was never acknowledged.
    console.error(`core stopped: ${error.stack ?? error.message}`);
    process.exit(1);
  },
});
const bus = await connectNatsBus({ servers });
const stopServing = serveCore(bus, runtime);
await bus.flush();
console.log(JSON.stringify({ ready: true, pid: process.pid, seq: runtime.state.lastSeq }));

async function shutdown(): Promise<void> {
  await stopServing();
  await runtime.close();
  await bus.drain();
  await store.close();
  process.exit(0);
}
process.once("SIGTERM", () => void shutdown());
process.once("SIGINT", () => void shutdown());
