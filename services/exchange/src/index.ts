export { type Exchange, type ExchangeOptions, startExchange } from "./exchange.ts";
