// `npm start`: the whole exchange in one process on http://127.0.0.1:8080 (GHX_PORT), data in
// ./data (GHX_DATA_DIR), log level GHX_LOG_LEVEL (default info).
import { configureHeapForCore } from "@ghx/core-service";
import { startExchange } from "./exchange.ts";

configureHeapForCore();
const exchange = await startExchange({
  dataDir: process.env.GHX_DATA_DIR ?? "data",
  port: Number(process.env.GHX_PORT ?? 8080),
  logger: { level: process.env.GHX_LOG_LEVEL ?? "info" },
});

console.log(
  exchange.operatorKeyCreated
    ? `Created the operator account; its API key pair is in ${exchange.operatorKeyFile} (mode 0600, keep it safe)`
    : `Operator API key: ${exchange.operatorKeyFile}`,
);
console.log(
  `API docs: ${exchange.url}/docs   order entry: ${exchange.url.replace(/^http/, "ws")}/v1/ws/orders`,
);
// Last: scripts and test harnesses wait for this line.
console.log(`GHX exchange listening on ${exchange.url} (data in ${exchange.dataDir})`);

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: draining the journal and stopping`);
  await exchange.close();
  process.exit(0);
}
process.on("SIGINT", () => void stop("SIGINT"));
process.on("SIGTERM", () => void stop("SIGTERM"));
