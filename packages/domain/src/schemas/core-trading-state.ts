// Trading states of a product and the command that moves between them.
import { z } from "zod";
import { commandIdSchema, operatorIdSchema, symbolSchema } from "./core-common.ts";

export const tradingStateSchema = z.enum(["pre_open", "open", "halted", "closed", "gate_closed", "settled"]);
export type TradingState = z.infer<typeof tradingStateSchema>;

/**
 * The allowed moves. Leaving open/halted for closed or gate_closed cancels every open order of
 * the product (holds are released); halted keeps orders resting but nothing trades or enters.
 */
export const tradingStateTransitions: Readonly<Record<TradingState, readonly TradingState[]>> = {
  pre_open: ["open", "closed"],
  open: ["halted", "closed", "gate_closed"],
  halted: ["open", "closed", "gate_closed"],
  closed: ["settled"],
  gate_closed: ["settled"],
  settled: [],
};

export const setTradingStateSchema = z.object({
  type: z.literal("SetTradingState"),
  commandId: commandIdSchema,
  operatorId: operatorIdSchema,
  symbol: symbolSchema,
  state: tradingStateSchema,
});

export const tradingStateChangedSchema = z.object({
  type: z.literal("TradingStateChanged"),
  symbol: symbolSchema,
  from: tradingStateSchema,
  to: tradingStateSchema,
});
