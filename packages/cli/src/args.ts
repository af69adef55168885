// Parsing command-line values into what the SDK takes; every bad value is a UsageError (exit 2)
// that names the argument, before anything is sent.
import { isDecimalString } from "@ghx/sdk";
import { InvalidArgumentError } from "commander";
import { UsageError } from "./exit-codes.ts";

export function positiveInteger(value: string): number {
  if (!/^[1-9]\d*$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new InvalidArgumentError("expected a positive whole number");
  }
  return Number(value);
}

export function decimal(value: string): string {
  if (!isDecimalString(value)) throw new InvalidArgumentError("expected a decimal number like 19.50");
  return value;
}

export function oneOf<T extends string>(choices: readonly T[]) {
  return (value: string): T => {
    const match = choices.find((choice) => choice.toLowerCase() === value.toLowerCase());
    if (!match) throw new InvalidArgumentError(`expected one of ${choices.join(", ")}`);
    return match;
  };
}

export function list<T extends string>(choices: readonly T[]) {
  const one = oneOf(choices);
  return (value: string): T[] => value.split(",").map((item) => one(item.trim()));
}

/** An instant as epoch ms: digits are milliseconds, anything else is parsed as ISO 8601. */
export function instant(value: string): number {
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isSafeInteger(ms)) {
    throw new InvalidArgumentError("expected epoch milliseconds or an ISO 8601 time like 2026-11-24T14:00Z");
  }
  return ms;
}

/** A positional argument through one of the parsers above, failing as a usage error that names it. */
export function parse<T>(parser: (value: string) => T, value: string, name: string): T {
  try {
    return parser(value);
  } catch (error) {
    throw new UsageError(`${name} '${value}': ${(error as Error).message}`);
  }
}
