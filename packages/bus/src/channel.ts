// Typed channels: a subject (or a subject pattern) paired with the zod schemas of what travels on
// it. Callers define channels once (the domain package) and both ends use the same definition.
import type { z } from "zod";
import { patternTokens } from "./subject.ts";

/** Request/reply: a request of type Req is answered by exactly one reply of type Rep. */
export interface RequestChannel<Req, Rep> {
  readonly kind: "request";
  /** A subject, or a pattern whose concrete subject each call names. */
  readonly subject: string;
  readonly tokens: readonly string[];
  readonly request: z.ZodType<Req>;
  readonly reply: z.ZodType<Rep>;
}

/** Publish/subscribe: messages of type Msg fan out to every subscriber (one per queue group). */
export interface EventChannel<Msg> {
  readonly kind: "event";
  readonly subject: string;
  readonly tokens: readonly string[];
  readonly message: z.ZodType<Msg>;
}

/** Defines a request channel; throws BusSubjectError on a malformed subject. */
export function requestChannel<Req, Rep>(
  subject: string,
  schemas: { readonly request: z.ZodType<Req>; readonly reply: z.ZodType<Rep> },
): RequestChannel<Req, Rep> {
  return { kind: "request", subject, tokens: patternTokens(subject), ...schemas };
}

/** Defines an event channel; throws BusSubjectError on a malformed subject. */
export function eventChannel<Msg>(subject: string, message: z.ZodType<Msg>): EventChannel<Msg> {
  return { kind: "event", subject, tokens: patternTokens(subject), message };
}
