// Distributed mode: market-data as its own process over the JetStream event store: core-events
// for the market and private feeds, the index's journal (ghx-index, written by
// services/index/src/main.ts) for the index channel and the futures' settlement prices.
//   node --import tsx services/market-data/src/main.ts --nats nats://127.0.0.1:4300 --port 8091 --data ./data/md
import { parseArgs } from "node:util";
import { openJetStreamEventStore } from "@ghx/eventstore";
import { startMarketDataService } from "./service.ts";

const { values } = parseArgs({
  options: {
    nats: { type: "string", default: process.env.GHX_NATS_SERVERS ?? "nats://127.0.0.1:4300" },
    host: { type: "string", default: process.env.GHX_MARKET_DATA_HOST ?? "127.0.0.1" },
    port: { type: "string", default: process.env.GHX_MARKET_DATA_PORT ?? "8091" },
    data: { type: "string", default: process.env.GHX_MARKET_DATA_DIR ?? "./data/market-data" },
  },
});

const store = await openJetStreamEventStore({ servers: values.nats.split(",") });
const service = await startMarketDataService({
  store,
  dataDir: values.data,
  host: values.host,
  port: Number(values.port),
});
console.log(`market-data on ${service.url} (feed ${service.feed.path}), following ${values.nats}`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, async () => {
    await service.close();
    await store.close();
    process.exit(0);
  });
}
