export { freePort } from "./ports.ts";
export {
  type NatsNode,
  type NatsServers,
  natsAvailable,
  natsServerBinary,
  startNatsCluster,
  startNatsServer,
} from "./nats-server.ts";
