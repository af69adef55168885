export {
  type Bus,
  type BusOptions,
  type BusSubscription,
  createBus,
  type Delivery,
  type MessageContext,
  type MessageHandler,
  type MessageStream,
  type PublishOptions,
  type RequestHandler,
  type RequestOptions,
  type StreamOptions,
  type SubscribeOptions,
} from "./bus.ts";
export { type EventChannel, eventChannel, type RequestChannel, requestChannel } from "./channel.ts";
export { decode, encode } from "./codec.ts";
export {
  BusClosedError,
  BusError,
  BusNoResponderError,
  BusRemoteError,
  BusSlowConsumerError,
  BusSubjectError,
  BusSubscriberError,
  BusTimeoutError,
  BusValidationError,
  type ValidationIssue,
  type ValidationStage,
} from "./errors.ts";
export { createInProcessBus, InProcessBroker, InProcessTransport } from "./in-process.ts";
export * as limits from "./limits.ts";
export { connectNatsBus, createNatsBus, NatsTransport } from "./nats.ts";
export { patternCovers, patternMatches, patternTokens, subjectTokens } from "./subject.ts";
export type { Transport, TransportMessage, TransportSubscription } from "./transport.ts";
