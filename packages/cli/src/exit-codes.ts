// The exit codes scripts can rely on.
export const exitCodes = {
  ok: 0,
  /** The exchange refused: a reject, a validation error, an auth failure. */
  apiError: 1,
  /** The command line itself was wrong: unknown command, bad argument, no key file. */
  usage: 2,
  /** The exchange could not be reached or the connection dropped. */
  connection: 3,
} as const;

/** A mistake in how ghx was called; printed with the usage exit code. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}
