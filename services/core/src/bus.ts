// The core over the bus (NATS mode, or in-process): commands by request/reply, outcomes as
// replies, sent only once the command is journaled; read queries by request/reply too.
import type { Bus } from "@ghx/bus";
import { requestChannel } from "@ghx/bus";
import { type CoreState, queries } from "@ghx/core";
import { coreCommandSchema, coreEventSchema, rejectCodeSchema } from "@ghx/domain";
import { z } from "zod";
import type { CoreRuntime, SubmitResult } from "./runtime.ts";

const outcomeSchema = z.discriminatedUnion("status", [
  z.object({ status: z.literal("accepted"), seq: z.number().int(), orderId: z.number().int().optional() }),
  z.object({
    status: z.literal("rejected"),
    seq: z.number().int(),
    code: rejectCodeSchema,
    message: z.string(),
  }),
]);

const submitResultSchema = z.object({
  outcome: outcomeSchema,
  events: z.array(coreEventSchema),
  duplicate: z.boolean(),
});

/** Where gateways send commands; the core serves it in the queue group "core" (one active core). */
export const coreCommandChannel = requestChannel("ghx.core.command", {
  request: coreCommandSchema,
  reply: submitResultSchema,
});

const queryNames = Object.keys(queries) as [keyof typeof queries, ...(keyof typeof queries)[]];

export const coreQueryChannel = requestChannel("ghx.core.query", {
  request: z.object({ name: z.enum(queryNames), args: z.array(z.union([z.string(), z.number()])).max(4) }),
  reply: z.object({ result: z.unknown() }),
});

/** Serves commands and queries of `runtime` on `bus` until the returned function is called. */
export function serveCore(bus: Bus, runtime: CoreRuntime): () => Promise<void> {
  // The bus validated the request against coreCommandSchema already.
  const commands = bus.serve(coreCommandChannel, (command) => runtime.submitValid(command), {
    queue: "core",
  });
  const reads = bus.serve(
    coreQueryChannel,
    ({ name, args }) => {
      const query = queries[name] as (state: CoreState, ...rest: unknown[]) => unknown;
      return { result: query(runtime.state, ...args) };
    },
    { queue: "core" },
  );
  return async () => {
    await commands.drain();
    await reads.drain();
  };
}

/** The gateway's side: submit a command to whichever core serves the bus. */
export function coreBusClient(bus: Bus, timeoutMs = 5_000) {
  return {
    submit: (command: unknown): Promise<SubmitResult> =>
      bus.request(coreCommandChannel, coreCommandSchema.parse(command), { timeoutMs }),
    query: async (name: keyof typeof queries, ...args: (string | number)[]): Promise<unknown> =>
      (await bus.request(coreQueryChannel, { name, args }, { timeoutMs })).result,
  };
}
