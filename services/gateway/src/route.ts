// One way to declare a REST route: method, path, who may call it, the zod schemas of its inputs
// and outputs, and a handler that gets validated inputs. The same declaration registers the
// fastify route and the OpenAPI operation, so the document cannot drift from the code.
import type { ApiKeyScope } from "@ghx/auth";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { z } from "zod";
import { type OpenApiBuilder, responseSerializerSchema } from "./openapi.ts";
import { parseWith } from "./order-entry.ts";

/** Who may call: anyone, or a signed request whose key has the scope. */
export type Access = "public" | ApiKeyScope;

export interface Caller {
  readonly keyId: string;
  readonly accountId: string;
  readonly scopes: readonly string[];
}

export interface RouteInput<P, Q, B> {
  readonly params: P;
  readonly query: Q;
  readonly body: B;
  /** Present on every non-public route. */
  readonly caller: Caller;
  /** The core command id for this request (from Idempotency-Key when given). */
  readonly commandId: string;
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
}

export interface RouteSpec<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  readonly method: "GET" | "POST" | "PUT" | "DELETE";
  readonly url: string;
  readonly access: Access;
  readonly summary: string;
  readonly tag: string;
  readonly params?: P;
  readonly query?: Q;
  /** The body is parsed by the handler itself when it needs the account id filled in first. */
  readonly body?: B;
  readonly bodyDoc?: z.ZodType;
  readonly success: { readonly status: number; readonly schema: z.ZodType };
  /** Extra error statuses worth documenting (400/401/403/429 are added to every route). */
  readonly errors?: readonly number[];
  readonly idempotent?: boolean;
  readonly handler: (input: RouteInput<z.infer<P>, z.infer<Q>, z.infer<B>>) => Promise<unknown>;
}

declare module "fastify" {
  interface FastifyRequest {
    caller?: Caller;
    commandId?: string;
  }
  interface FastifyContextConfig {
    access?: Access;
  }
}

export function defineRoute<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType>(
  app: FastifyInstance,
  docs: OpenApiBuilder,
  spec: RouteSpec<P, Q, B>,
): void {
  docs.add(spec);
  const response = responseSerializerSchema(spec.success.schema);
  app.route({
    method: spec.method,
    url: spec.url,
    config: { access: spec.access },
    ...(response ? { schema: { response: { [spec.success.status]: response } } } : {}),
    handler: async (request, reply) => {
      const params = spec.params ? parseWith(spec.params, request.params) : undefined;
      const query = spec.query ? parseWith(spec.query, request.query ?? {}) : undefined;
      const body = spec.body ? parseWith(spec.body, request.jsonBody) : request.jsonBody;
      const result = await spec.handler({
        params,
        query,
        body,
        caller: request.caller as Caller,
        commandId: request.commandId ?? "",
        request,
        reply,
      } as RouteInput<z.infer<P>, z.infer<Q>, z.infer<B>>);
      reply.code(spec.success.status);
      return result;
    },
  });
}

declare module "fastify" {
  interface FastifyRequest {
    /** The JSON body, parsed by the gateway (the raw text is kept for the signature). */
    jsonBody?: unknown;
    rawBody?: string;
  }
}
