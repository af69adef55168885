// A core process as the crash tests run it: `node --import tsx services/core/src/main.ts ...`.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const main = join(dirname(fileURLToPath(import.meta.url)), "..", "src", "main.ts");

export interface CoreChild {
  readonly process: ChildProcess;
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

export async function startCoreChild(args: string[]): Promise<CoreChild> {
  const child = spawn(process.execPath, ["--import", "tsx", main, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const lines = createInterface({ input: child.stdout! });
  await new Promise<void>((resolve, reject) => {
    lines.on("line", (line) => {
      if (line.includes('"ready":true')) resolve();
    });
    child.once("exit", (code) => reject(new Error(`core exited ${code} before ready: ${stderr}`)));
  });
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  return {
    process: child,
    async kill9() {
      if (exited()) return;
      child.kill("SIGKILL");
      await once(child, "exit");
    },
    async stop() {
      if (exited()) return;
      child.kill("SIGTERM");
      await once(child, "exit");
    },
  };
}
