// Process entry: run the command line, exit with its code (0 ok, 1 API error, 2 usage, 3 connection).
import { run } from "./run.ts";

process.exitCode = await run(process.argv.slice(2));
