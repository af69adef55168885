import { DomainError } from "../src/index.ts";

/** The DomainError code `fn` throws, or "no error"; anything else is rethrown. */
export function errorCode(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  return "no error";
}
