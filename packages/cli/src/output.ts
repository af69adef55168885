// Everything ghx prints: tables and key/value lists for people, JSON for machines (--json), and
// errors with the problem's code, field and detail. Progress spinners appear only on a terminal,
// never with --json, and always on stderr so stdout stays clean for pipes.
import { GhxApiError, GhxConnectionError, KeyFileError } from "@ghx/sdk";
import { CommanderError } from "commander";
import { createSpinner } from "nanospinner";
import { exitCodes, UsageError } from "./exit-codes.ts";

export interface Output {
  readonly json: boolean;
  /** A result: JSON with --json, else rendered by `human`. */
  result<T>(value: T, human: (value: T) => string): void;
  /** Runs a long operation with a spinner on interactive terminals. */
  progress<T>(label: string, operation: Promise<T>): Promise<T>;
}

export interface Streams {
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
}

export function createOutput(json: boolean, streams: Streams = process): Output {
  const interactive = !json && streams.stdout.isTTY === true && streams.stderr.isTTY === true;
  return {
    json,
    result(value, human) {
      streams.stdout.write(json ? `${JSON.stringify(value)}\n` : `${human(value)}\n`);
    },
    async progress(label, operation) {
      if (!interactive) return operation;
      const spinner = createSpinner(label, { stream: streams.stderr }).start();
      try {
        const value = await operation;
        spinner.clear();
        return value;
      } catch (error) {
        spinner.error({ text: label });
        throw error;
      }
    },
  };
}

/** Prints an error the way --json or a person wants it and returns the exit code. */
export function reportError(error: unknown, json: boolean, streams: Streams = process): number {
  const { code, body, text } = describeError(error);
  if (json) streams.stdout.write(`${JSON.stringify({ error: body })}\n`);
  else streams.stderr.write(`ghx: ${text}\n`);
  return code;
}

function describeError(error: unknown): { code: number; body: Record<string, unknown>; text: string } {
  if (error instanceof GhxApiError) {
    const field = error.field ? ` field=${error.field}` : "";
    return {
      code: exitCodes.apiError,
      body: { status: error.status, code: error.code, field: error.field, detail: error.detail },
      text: `${error.code} (HTTP ${error.status})${field}: ${error.detail}`,
    };
  }
  if (error instanceof GhxConnectionError) {
    return {
      code: exitCodes.connection,
      body: { code: "CONNECTION", detail: error.message },
      text: error.message,
    };
  }
  if (error instanceof UsageError || error instanceof KeyFileError || error instanceof CommanderError) {
    const detail = error.message.replace(/^error: /, "");
    return { code: exitCodes.usage, body: { code: "USAGE", detail }, text: detail };
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return { code: exitCodes.apiError, body: { code: "INTERNAL", detail }, text: detail };
}

/** Left-aligned text, right-aligned numbers, two spaces between columns. */
export function table(
  headers: readonly string[],
  rows: readonly (readonly (string | number | null | undefined)[])[],
) {
  if (rows.length === 0) return "(none)";
  const cells = [
    headers,
    ...rows.map((row) => row.map((cell) => (cell === null || cell === undefined ? "-" : String(cell)))),
  ];
  const numeric = headers.map((_, column) =>
    rows.every((row) => typeof row[column] === "number" || /^-?\d/.test(String(row[column] ?? "0"))),
  );
  const widths = headers.map((_, column) => Math.max(...cells.map((row) => (row[column] ?? "").length)));
  return cells
    .map((row) =>
      row
        .map((cell, column) =>
          numeric[column] ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0),
        )
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/** "key  value" lines, keys aligned. */
export function fields(record: Readonly<Record<string, unknown>>): string {
  const entries = Object.entries(record).filter(([, value]) => value !== undefined);
  const width = Math.max(...entries.map(([key]) => key.length));
  return entries
    .map(
      ([key, value]) =>
        `${key.padEnd(width)}  ${typeof value === "object" ? JSON.stringify(value) : String(value)}`,
    )
    .join("\n");
}
