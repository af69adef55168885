// The glue between commander and the commands: each action gets a Context built from the global
// options (--url, --key, --json) and the positional arguments and options commander parsed.
import type { Command } from "commander";
import { Context, type Environment, type GlobalOptions } from "./context.ts";
import { createOutput, type Streams } from "./output.ts";

export interface Kit {
  readonly streams: Streams;
  readonly environment: Environment;
  /** Wraps a command's action: `(ctx, ...arguments, options)`. */
  action<A extends unknown[]>(
    fn: (ctx: Context, ...args: A) => Promise<void>,
  ): (...args: unknown[]) => Promise<void>;
}

export function createKit(streams: Streams, environment: Environment): Kit {
  return {
    streams,
    environment,
    action(fn) {
      return async (...args: unknown[]) => {
        const command = args[args.length - 1] as Command;
        const globals = command.optsWithGlobals<GlobalOptions>();
        const ctx = new Context(globals, createOutput(globals.json === true, streams), environment);
        await fn(ctx, ...(args.slice(0, -1) as never));
      };
    },
  };
}
