// Public API of @ghx/engine: the order book and matching of one product.
export type { EngineEvent } from "./event-collector.ts";
export { EventCollector, nullSink } from "./event-collector.ts";
export { IdMap, mayFillHole } from "./id-map.ts";
export { OrderBook } from "./order-book.ts";
export { hashSnapshot } from "./snapshot-hash.ts";
export type {
  BookSnapshot,
  CancelReason,
  CommandKind,
  EngineCommand,
  EngineConfig,
  EngineSink,
  LevelView,
  OrderType,
  OrderView,
  PlaceOrder,
  Side,
  StpMode,
  TimeInForce,
} from "./types.ts";
