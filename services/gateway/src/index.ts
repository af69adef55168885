// @ghx/gateway: REST + WebSocket order entry over a CorePort (embedded or over the bus).
export { buildGateway, commandIdSource, type Gateway, type GatewayOptions, type RateLimits } from "./app.ts";
export {
  ensureOperatorKey,
  type OperatorKeyFile,
  operatorAccountId,
  operatorKeyFileName,
} from "./bootstrap.ts";
export {
  type BookLevel,
  busCorePort,
  busKeyCacheMs,
  type CorePort,
  embeddedCorePort,
  type StoredApiKey,
} from "./core-port.ts";
export * as gatewayLimits from "./limits.ts";
export { type Problem, type ProblemCode, problemContentType } from "./problem.ts";
export { orderEntryPath } from "./ws.ts";
