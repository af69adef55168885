// Typed bus failures. Every error a caller can meet is one of these classes, so callers branch on
// `instanceof` (or `name`) instead of parsing messages.

/** Where a payload failed its schema: which payload, on which side of the wire. */
export type ValidationStage =
  | "request:send"
  | "request:receive"
  | "reply:send"
  | "reply:receive"
  | "message:send"
  | "message:receive";

/** One schema violation: the dotted path of the field ("" for the payload itself) and why. */
export interface ValidationIssue {
  readonly path: string;
  readonly message: string;
}

export class BusError extends Error {
  override readonly name: string = "BusError";
}

export class BusValidationError extends BusError {
  override readonly name = "BusValidationError";
  /** Path of the first offending field, "" when the payload as a whole is wrong. */
  readonly field: string;
  constructor(
    readonly subject: string,
    readonly stage: ValidationStage,
    readonly issues: readonly ValidationIssue[],
  ) {
    const first = issues[0] ?? { path: "", message: "invalid payload" };
    super(`invalid payload on ${subject} (${stage}): ${first.path || "(payload)"}: ${first.message}`);
    this.field = first.path;
  }
}

export class BusTimeoutError extends BusError {
  override readonly name = "BusTimeoutError";
  constructor(
    readonly subject: string,
    readonly timeoutMs: number,
  ) {
    super(`request on ${subject} timed out after ${timeoutMs} ms`);
  }
}

export class BusNoResponderError extends BusError {
  override readonly name = "BusNoResponderError";
  constructor(readonly subject: string) {
    super(`no responder for ${subject}`);
  }
}

/** The request handler threw: its error's `code` (or "INTERNAL") and message, carried back. */
export class BusRemoteError extends BusError {
  override readonly name = "BusRemoteError";
  constructor(
    readonly subject: string,
    readonly code: string,
    readonly remoteMessage: string,
  ) {
    super(`remote ${code} on ${subject}: ${remoteMessage}`);
  }
}

export class BusSubjectError extends BusError {
  override readonly name = "BusSubjectError";
  constructor(
    readonly subject: string,
    readonly reason: string,
  ) {
    super(`bad subject "${subject}": ${reason}`);
  }
}

export class BusClosedError extends BusError {
  override readonly name = "BusClosedError";
  constructor() {
    super("bus is closed");
  }
}

/** A subscriber callback threw or rejected; reported through `onError`, the loop carries on. */
export class BusSubscriberError extends BusError {
  override readonly name = "BusSubscriberError";
  constructor(
    readonly subject: string,
    options: ErrorOptions,
  ) {
    super(
      `subscriber on ${subject} failed: ${String((options.cause as Error)?.message ?? options.cause)}`,
      options,
    );
  }
}

/** An iterable subscription's buffer was full; the message was dropped (NATS slow-consumer rule). */
export class BusSlowConsumerError extends BusError {
  override readonly name = "BusSlowConsumerError";
  constructor(
    readonly subject: string,
    readonly pendingMax: number,
  ) {
    super(`slow consumer on ${subject}: ${pendingMax} messages pending, dropped one`);
  }
}
