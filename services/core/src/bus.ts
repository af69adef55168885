// The core over the bus (NATS mode, or in-process): commands by request/reply, outcomes as
// replies, sent only once the command is journaled; read queries by request/reply too.
import type { Bus } from "@ghx/bus";
import { eventChannel, requestChannel } from "@ghx/bus";
import { type CoreState, queries } from "@ghx/core";
import { coreCommandSchema, coreEventSchema, rejectCodeSchema } from "@ghx/domain";
import { z } from "zod";
import type { CoreRuntime, CoreStatus, SubmitResult } from "./runtime.ts";

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
  // Optional: a query that finds nothing answers undefined, which JSON leaves out.
  reply: z.object({ result: z.unknown().optional() }),
});

/** The core's status (its queues), for the gateways' /metrics and /readyz. */
export const coreStatusChannel = requestChannel("ghx.core.status", {
  request: z.object({}),
  reply: z.object({
    lastSeq: z.number().int(),
    pendingCommands: z.number().int(),
    pendingWaitMs: z.number().nonnegative(),
    snapshotReplicaLagRecords: z.number().int(),
    snapshotReplicaLagBytes: z.number().int(),
    lastSnapshotSeq: z.number().int(),
  }) satisfies z.ZodType<CoreStatus>,
});

/**
 * Told to every gateway when a key is revoked, so none keeps trusting it from its key cache.
 * Sent before the reply to the revoking command (NATS keeps one publisher's order); at most once,
 * so a gateway that misses it still drops the key when its cache entry expires.
 */
export const apiKeyRevokedChannel = eventChannel("ghx.core.api-key-revoked", z.object({ keyId: z.string() }));

/** Serves commands and queries of `runtime` on `bus` until the returned function is called. */
export function serveCore(bus: Bus, runtime: CoreRuntime): () => Promise<void> {
  // The bus validated the request against coreCommandSchema already.
  const commands = bus.serve(
    coreCommandChannel,
    async (command) => {
      const result = await runtime.submitValid(command);
      if (command.type === "RevokeApiKey" && result.outcome.status === "accepted")
        bus.publish(apiKeyRevokedChannel, { keyId: command.keyId });
      return result;
    },
    { queue: "core" },
  );
  const reads = bus.serve(
    coreQueryChannel,
    ({ name, args }) => {
      const query = queries[name] as (state: CoreState, ...rest: unknown[]) => unknown;
      return { result: query(runtime.state, ...args) };
    },
    { queue: "core" },
  );
  const status = bus.serve(coreStatusChannel, () => runtime.status(), { queue: "core" });
  return async () => {
    await commands.drain();
    await reads.drain();
    await status.drain();
  };
}

/** The gateway's side: submit a command to whichever core serves the bus. */
export function coreBusClient(bus: Bus, timeoutMs = 5_000) {
  return {
    submit: (command: unknown): Promise<SubmitResult> =>
      bus.request(coreCommandChannel, coreCommandSchema.parse(command), { timeoutMs }),
    query: async (name: keyof typeof queries, ...args: (string | number)[]): Promise<unknown> =>
      (await bus.request(coreQueryChannel, { name, args }, { timeoutMs })).result,
    status: (): Promise<CoreStatus> => bus.request(coreStatusChannel, {}, { timeoutMs }),
    /** Calls `handler` with the id of every key revoked from now on; returns the unsubscribe. */
    onApiKeyRevoked(handler: (keyId: string) => void): () => void {
      const subscription = bus.subscribe(apiKeyRevokedChannel, ({ keyId }) => handler(keyId));
      return () => subscription.unsubscribe();
    },
  };
}
