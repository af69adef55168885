export { type Child, repoRoot, startChild } from "./child.ts";
export {
  type NatsNode,
  type NatsServers,
  natsAvailable,
  natsServerBinary,
  startNatsCluster,
  startNatsServer,
} from "./nats-server.ts";
export { freePort } from "./ports.ts";
