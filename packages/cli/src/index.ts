// @ghx/cli: the `ghx` command line over @ghx/sdk. `run(argv)` is the whole program (for embedding
// and tests); bin/ghx.js runs it as a process.
export { defaultKeyPaths, type Environment, operatorKeyFileName } from "./context.ts";
export { exitCodes, UsageError } from "./exit-codes.ts";
export { buildProgram, run } from "./run.ts";
