// A service as a child process for tests: `node --import tsx <script>` started from the repo
// root, ready once a stdout line contains the given text, stopped with SIGTERM.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

/** The monorepo root: scripts are named relative to it. */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

export interface Child {
  readonly process: ChildProcess;
  /** Every stdout line so far. */
  readonly lines: string[];
  stop(): Promise<void>;
}

/** Starts `script` (relative to the repo root) and waits until a stdout line contains `readyText`. */
export async function startChild(
  script: string,
  args: string[],
  env: Record<string, string>,
  readyText: string,
): Promise<Child> {
  const child = spawn(process.execPath, ["--import", "tsx", join(repoRoot, script), ...args], {
    cwd: repoRoot,
    env: { ...process.env, GHX_LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const lines: string[] = [];
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on("line", (line) => {
      lines.push(line);
      if (line.includes(readyText)) resolve();
    });
    child.once("exit", (code) => reject(new Error(`${script} exited ${code} before ready: ${stderr}`)));
  });
  let stopped = false;
  return {
    process: child,
    lines,
    async stop() {
      if (stopped || child.exitCode !== null) return;
      stopped = true;
      child.kill("SIGTERM");
      await once(child, "exit");
    },
  };
}
