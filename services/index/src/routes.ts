// REST history of the index: GET /v1/index/:class/:zone?from&to&kind (class H100EQ = composite).
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { IndexProjection } from "./projection.ts";

const params = z.object({
  class: z.string().regex(/^[A-Z0-9]{2,16}$/),
  zone: z.string().regex(/^[A-Z0-9]{2,16}$/),
});
const query = z.object({
  from: z.coerce.number().int().nonnegative().optional(),
  to: z.coerce.number().int().nonnegative().optional(),
  kind: z.enum(["hourly", "daily", "monthly"]).optional(),
});

export async function indexPlugin(
  app: FastifyInstance,
  { index }: { index: IndexProjection },
): Promise<void> {
  app.get("/v1/index/:class/:zone", async (request, reply) => {
    const p = params.safeParse(request.params);
    const q = query.safeParse(request.query);
    if (!p.success || !q.success) {
      const issue = (p.error ?? q.error)?.issues[0];
      return reply
        .code(400)
        .send({ code: "INVALID_REQUEST", field: issue?.path.join("."), message: issue?.message });
    }
    const key = `${p.data.class}.${p.data.zone}`;
    return { key, values: index.query(key, q.data.from, q.data.to, q.data.kind) };
  });
}
