// A gateway process of the distributed mode: REST + WS on GHX_PORT (default 8080, GHX_HOST
// default 127.0.0.1), commands and queries to the core over NATS (NATS_URL, comma-separated).
// Any number of gateways can run against one core. With GHX_OPERATOR_KEY_FILE set, the gateway
// makes sure the operator account and key exist and that file holds the key pair (0600).
// Prints one JSON line {"ready":true,"url":...} when serving.
import { connectNatsBus } from "@ghx/bus";
import { coreBusClient } from "@ghx/core-service";
import { buildGateway } from "./app.ts";
import { ensureOperatorKey } from "./bootstrap.ts";
import { busCorePort } from "./core-port.ts";

const natsUrl = process.env.NATS_URL;
if (!natsUrl) {
  console.error("NATS_URL is required (e.g. nats://127.0.0.1:4300)");
  process.exit(2);
}
const bus = await connectNatsBus({ servers: natsUrl.split(",") });
const core = busCorePort(coreBusClient(bus));
const operatorKeyFile = process.env.GHX_OPERATOR_KEY_FILE;
if (operatorKeyFile) await ensureOperatorKey(core, operatorKeyFile);
const gateway = await buildGateway({ core, logger: { level: process.env.GHX_LOG_LEVEL ?? "info" } });
const url = await gateway.app.listen({
  host: process.env.GHX_HOST ?? "127.0.0.1",
  port: Number(process.env.GHX_PORT ?? 8080),
});
console.log(JSON.stringify({ ready: true, url, pid: process.pid }));

async function shutdown(): Promise<void> {
  await gateway.app.close();
  await bus.drain();
  process.exit(0);
}
process.once("SIGTERM", () => void shutdown());
process.once("SIGINT", () => void shutdown());
