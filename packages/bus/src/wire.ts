// Payload checks and the reply envelope, shared by requester and responder. A reply travels as
// {"ok":true,"value":...} or {"ok":false,"error":{code,message[,stage,issues]}}: an error with a
// stage is a schema failure on the responder's side, any other is the handler's own failure.
import { z } from "zod";
import { decode, encode } from "./codec.ts";
import { BusRemoteError, BusValidationError, type ValidationIssue, type ValidationStage } from "./errors.ts";

const validationStages = [
  "request:send",
  "request:receive",
  "reply:send",
  "reply:receive",
  "message:send",
  "message:receive",
] as const satisfies readonly ValidationStage[];

const replyEnvelope = z.discriminatedUnion("ok", [
  z.object({ ok: z.literal(true), value: z.unknown().optional() }),
  z.object({
    ok: z.literal(false),
    error: z.object({
      code: z.string(),
      message: z.string(),
      stage: z.enum(validationStages).optional(),
      issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    }),
  }),
]);

/** The schema's output for `value`, or BusValidationError naming the fields at fault. */
export function validate<T>(
  schema: z.ZodType<T>,
  value: unknown,
  subject: string,
  stage: ValidationStage,
): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues: ValidationIssue[] = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join("."),
    message: issue.message,
  }));
  throw new BusValidationError(subject, stage, issues);
}

/** Decodes then validates a received payload; text that is not JSON is a validation failure too. */
export function decodeValid<T>(
  schema: z.ZodType<T>,
  payload: string,
  subject: string,
  stage: ValidationStage,
): T {
  let value: unknown;
  try {
    value = decode(payload);
  } catch {
    throw new BusValidationError(subject, stage, [{ path: "", message: "payload is not valid JSON" }]);
  }
  return validate(schema, value, subject, stage);
}

export const encodeReply = (value: unknown): string => encode({ ok: true, value });

/** A schema failure detected by the responder, sent back so the requester rethrows it as such. */
export function encodeValidationFailure(error: BusValidationError): string {
  const { message, stage, issues } = error;
  return encode({ ok: false, error: { code: "BUS_VALIDATION", message, stage, issues } });
}

/** The handler's failure: its own string `code` when it has one, else INTERNAL. */
export function encodeRemoteFailure(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return encode({ ok: false, error: { code: typeof code === "string" ? code : "INTERNAL", message } });
}

/** The reply's value, or the responder's failure rethrown as BusValidationError / BusRemoteError. */
export function openReply(payload: string, subject: string): unknown {
  const envelope = decodeValid(replyEnvelope, payload, subject, "reply:receive");
  if (envelope.ok) return envelope.value;
  const { code, message, stage, issues } = envelope.error;
  if (stage) throw new BusValidationError(subject, stage, issues ?? []);
  throw new BusRemoteError(subject, code, message);
}
