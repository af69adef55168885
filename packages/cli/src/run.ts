// The ghx program: global options, every command, and the mapping of failures to exit codes.
import { Command, CommanderError } from "commander";
import { accountCommands } from "./commands/account.ts";
import { keyCommands } from "./commands/keys.ts";
import { marketCommands } from "./commands/market.ts";
import { tradingCommands } from "./commands/trading.ts";
import { watchCommand } from "./commands/watch.ts";
import { type Environment, processEnvironment } from "./context.ts";
import { exitCodes } from "./exit-codes.ts";
import { createKit } from "./kit.ts";
import { reportError, type Streams } from "./output.ts";

export function buildProgram(streams: Streams, environment: Environment): Command {
  const program = new Command("ghx")
    .description("GHX, the GPU-hour exchange, from the command line")
    .option("--url <url>", "exchange URL (env GHX_URL)", environment.env.GHX_URL ?? "http://127.0.0.1:8080")
    .option(
      "--key <file>",
      "API key file (default: $GHX_DATA_DIR or ./data operator.key.json, then ~/.ghx/key.json)",
    )
    .option("--json", "machine-readable output: one JSON value per result")
    .showHelpAfterError("(ghx --help lists the commands)")
    .exitOverride()
    .configureOutput({
      writeOut: (text) => streams.stdout.write(text),
      writeErr: (text) => streams.stderr.write(text),
    });
  const kit = createKit(streams, environment);
  keyCommands(program, kit);
  marketCommands(program, kit);
  tradingCommands(program, kit);
  accountCommands(program, kit);
  watchCommand(program, kit);
  // Subcommands report their own usage errors through the same override.
  for (const command of program.commands) command.exitOverride();
  return program;
}

/** Runs ghx with these arguments (without "node ghx"); resolves to the exit code. */
export async function run(
  argv: readonly string[],
  streams: Streams = process,
  environment: Environment = processEnvironment(),
): Promise<number> {
  const program = buildProgram(streams, environment);
  try {
    await program.parseAsync([...argv], { from: "user" });
    return exitCodes.ok;
  } catch (error) {
    // Commander printed its own message already (usage, --help, --version).
    if (error instanceof CommanderError) return error.exitCode === 0 ? exitCodes.ok : exitCodes.usage;
    return reportError(error, argv.includes("--json"), streams);
  }
}
