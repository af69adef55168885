// Distributed mode: the index as its own process over the JetStream event store. It replays
// core-events from the start (the projection keeps no checkpoint), appends new publications to
// `ghx-index` (market-data can follow that stream for its `index` channel) and serves the history.
//   node --import tsx services/index/src/main.ts --nats nats://127.0.0.1:4300 --port 8092
import { parseArgs } from "node:util";
import { openJetStreamEventStore } from "@ghx/eventstore";
import { followCoreEvents } from "@ghx/market-data";
import Fastify from "fastify";
import { IndexJournal } from "./journal.ts";
import { IndexProjection } from "./projection.ts";
import { indexPlugin } from "./routes.ts";

const { values } = parseArgs({
  options: {
    nats: { type: "string", default: process.env.GHX_NATS_SERVERS ?? "nats://127.0.0.1:4300" },
    host: { type: "string", default: process.env.GHX_INDEX_HOST ?? "127.0.0.1" },
    port: { type: "string", default: process.env.GHX_INDEX_PORT ?? "8092" },
  },
});

const store = await openJetStreamEventStore({ servers: values.nats.split(",") });
const index = new IndexProjection();
const journal = await IndexJournal.open(store, (error) => {
  console.error(`index: a publication could not be journaled, stopping: ${error.message}`);
  process.exit(1);
});
const abort = new AbortController();
const following = followCoreEvents(store, {
  signal: abort.signal,
  onCommand: (command) => journal.append(index.apply(command)),
});
const app = Fastify();
await app.register(indexPlugin, { index });
const url = await app.listen({ host: values.host, port: Number(values.port) });
console.log(`index on ${url}/v1/index/:class/:zone, following ${values.nats}`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, async () => {
    abort.abort();
    await following.catch(() => undefined);
    await journal.flushed();
    await app.close();
    await store.close();
    process.exit(0);
  });
}
