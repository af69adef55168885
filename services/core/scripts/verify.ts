// `npm run verify -w @ghx/core-service -- --data <dir> [--nats <urls>]`: replays the core's whole
// journal from zero, compares every events record and the latest snapshot's state hash.
import { join } from "node:path";
import { parseArgs } from "node:util";
import { type EventStore, openFileEventStore, openJetStreamEventStore } from "@ghx/eventstore";
import { SnapshotDirectory } from "../src/snapshots.ts";
import { verifyJournal } from "../src/verify.ts";

const { values } = parseArgs({ options: { data: { type: "string" }, nats: { type: "string" } } });
if (!values.data) {
  console.error("usage: verify.ts --data <dir> [--nats <url,...>]");
  process.exit(2);
}
const store: EventStore = values.nats
  ? await openJetStreamEventStore({ servers: values.nats.split(",") })
  : await openFileEventStore(join(values.data, "events"));
try {
  const result = await verifyJournal(store, new SnapshotDirectory(join(values.data, "snapshots")));
  console.log(JSON.stringify({ ok: true, ...result }));
} catch (error) {
  console.log(JSON.stringify({ ok: false, error: String(error) }));
  process.exitCode = 1;
} finally {
  await store.close();
}
