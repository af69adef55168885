export {
  type NatsNode,
  type NatsServers,
  natsAvailable,
  natsServerBinary,
  startNatsCluster,
  startNatsServer,
} from "./nats-server.ts";
export { freePort } from "./ports.ts";
