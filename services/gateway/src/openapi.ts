// The OpenAPI 3.1 document, built from the same route declarations and zod schemas that
// validate requests (zod 4's native JSON Schema output is draft 2020-12, OpenAPI 3.1's dialect).
import { z } from "zod";
import { problemContentType } from "./problem.ts";
import type { RouteSpec } from "./route.ts";
import { problemSchema } from "./schemas.ts";

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as JsonSchema;
  return rest;
}

/**
 * The JSON Schema fastify compiles into a response serializer (fast-json-stringify: about twice
 * as fast as JSON.stringify on an order ack). Not for unions: there fast-json-stringify picks the
 * branch by validating each value, which costs more than it saves.
 */
export function responseSerializerSchema(schema: z.ZodType): JsonSchema | undefined {
  const json = jsonSchema(schema, "output");
  const text = JSON.stringify(json);
  return text.includes('"anyOf":') || text.includes('"oneOf":') ? undefined : json;
}

/** Order bodies name the account, but a private route fills it in from the key: not required. */
function accountIdOptional(schema: JsonSchema): JsonSchema {
  const copy: JsonSchema = { ...schema };
  if (Array.isArray(copy.required)) copy.required = copy.required.filter((name) => name !== "accountId");
  for (const key of ["anyOf", "oneOf", "allOf"]) {
    const options = copy[key];
    if (Array.isArray(options)) copy[key] = options.map((o) => accountIdOptional(o as JsonSchema));
  }
  return copy;
}

const statusText: Record<number, string> = {
  200: "OK",
  201: "Created",
  400: "Invalid request (problem+json, `code` and `field` name the cause)",
  401: "Missing, malformed, expired, replayed or badly signed request",
  403: "The key lacks the scope, or the account may not do this",
  404: "Not found (also for another account's resources)",
  409: "Conflict (duplicate id, idempotency key in use)",
  413: "Body too large",
  422: "Refused by the core (risk, matching or market state), or idempotency key reused",
  429: "Rate limited (see Retry-After and RateLimit-* headers)",
  503: "The core is unavailable, or overloaded (see Retry-After)",
};

const authHeaders = ["GHX-Key", "GHX-Timestamp", "GHX-Nonce", "GHX-Signature"] as const;

export class OpenApiBuilder {
  private readonly paths: Record<string, Record<string, unknown>> = {};

  add(spec: RouteSpec<z.ZodType, z.ZodType, z.ZodType>): void {
    const path = spec.url.replace(/:([A-Za-z]+)/g, "{$1}");
    const operation: Record<string, unknown> = {
      summary: spec.summary,
      tags: [spec.tag],
      operationId: `${spec.method.toLowerCase()}${path
        .replace(/[{}]/g, "")
        .replace(/\/(\w)/g, (_, c: string) => c.toUpperCase())
        .replace(/[^A-Za-z0-9]/g, "")}`,
      parameters: [...this.parameters(spec.params, "path"), ...this.parameters(spec.query, "query")],
      responses: this.responses(spec),
    };
    if (spec.access !== "public") {
      operation.security = [Object.fromEntries(authHeaders.map((h) => [h, []]))];
      operation.description = `Signed request; the key needs the \`${spec.access}\` scope.`;
    }
    if (spec.idempotent) {
      (operation.parameters as unknown[]).push({
        name: "Idempotency-Key",
        in: "header",
        required: false,
        schema: { type: "string", pattern: "^[A-Za-z0-9_-]{1,64}$" },
        description: "Same key and same request: the first response again. Same key, other request: 422.",
      });
    }
    const body = spec.bodyDoc ?? spec.body;
    if (body) {
      const schema = jsonSchema(body, "input");
      operation.requestBody = {
        required: true,
        content: {
          "application/json": { schema: spec.access === "operate" ? schema : accountIdOptional(schema) },
        },
      };
    }
    this.paths[path] = { ...this.paths[path], [spec.method.toLowerCase()]: operation };
  }

  private parameters(schema: z.ZodType | undefined, where: "path" | "query"): unknown[] {
    if (!schema) return [];
    const json = jsonSchema(schema, "input");
    const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((json.required as string[] | undefined) ?? []);
    return Object.entries(properties).map(([name, property]) => ({
      name,
      in: where,
      required: where === "path" || required.has(name),
      schema: property,
    }));
  }

  private responses(spec: RouteSpec<z.ZodType, z.ZodType, z.ZodType>): Record<string, unknown> {
    const problem = {
      content: { [problemContentType]: { schema: { $ref: "#/components/schemas/Problem" } } },
    };
    const statuses = new Set([
      400,
      429,
      ...(spec.access === "public" ? [] : [401, 403]),
      ...(spec.errors ?? []),
    ]);
    const responses: Record<string, unknown> = {
      [spec.success.status]: {
        description: statusText[spec.success.status] ?? "OK",
        content: { "application/json": { schema: jsonSchema(spec.success.schema, "output") } },
      },
    };
    for (const status of [...statuses].sort())
      responses[status] = { description: statusText[status], ...problem };
    return responses;
  }

  document(version: string): Record<string, unknown> {
    return {
      openapi: "3.1.0",
      info: {
        title: "GHX API",
        version,
        description:
          "The GPU-hour exchange. Prices and amounts are decimal strings; private requests are signed " +
          "with Ed25519 (see the gateway README for the canonical string). Errors are RFC 9457 problem+json.",
      },
      servers: [{ url: "/" }],
      paths: this.paths,
      components: {
        schemas: { Problem: jsonSchema(problemSchema, "output") },
        securitySchemes: Object.fromEntries(
          authHeaders.map((name) => [name, { type: "apiKey", in: "header", name }]),
        ),
      },
    };
  }
}
