// The exchange as child processes: the embedded one (`npm start`'s main) or the distributed one
// (a core process and gateway processes over a private nats-server).
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { freePort, type NatsServers, startNatsServer } from "@ghx/testkit";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

export interface Child {
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `node --import tsx <script>` and waits until a stdout line contains `readyText`. */
export async function startChild(
  script: string,
  args: string[],
  env: Record<string, string>,
  readyText: string,
) {
  const child = spawn(process.execPath, ["--import", "tsx", join(root, script), ...args], {
    cwd: root,
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
  const stopped = { value: false };
  return {
    process: child,
    lines,
    async stop() {
      if (stopped.value || child.exitCode !== null) return;
      stopped.value = true;
      child.kill("SIGTERM");
      await once(child, "exit");
    },
  };
}

export interface RunningExchange {
  /** Base URLs of every gateway. */
  readonly urls: string[];
  readonly operatorKeyFile: string;
  stop(): Promise<void>;
}

export async function startEmbeddedExchange(
  dataDir: string,
): Promise<RunningExchange & { output: string[] }> {
  const port = await freePort();
  const child = await startChild(
    "services/exchange/src/main.ts",
    [],
    { GHX_DATA_DIR: dataDir, GHX_PORT: String(port) },
    "listening on",
  );
  return {
    urls: [`http://127.0.0.1:${port}`],
    operatorKeyFile: join(dataDir, "operator.key.json"),
    output: child.lines,
    stop: () => child.stop(),
  };
}

/** A core process and `gateways` gateway processes over a private nats-server. */
export async function startDistributedExchange(dataDir: string, gateways: number): Promise<RunningExchange> {
  const nats: NatsServers = await startNatsServer();
  const natsUrl = nats.servers.join(",");
  const children: Child[] = [];
  try {
    children.push(
      await startChild(
        "services/core/src/main.ts",
        ["--data", dataDir, "--nats", natsUrl],
        {},
        '"ready":true',
      ),
    );
    const operatorKeyFile = join(dataDir, "operator.key.json");
    const urls: string[] = [];
    for (let i = 0; i < gateways; i++) {
      const port = await freePort();
      const env: Record<string, string> = { NATS_URL: natsUrl, GHX_PORT: String(port) };
      if (i === 0) env.GHX_OPERATOR_KEY_FILE = operatorKeyFile;
      children.push(await startChild("services/gateway/src/main.ts", [], env, '"ready":true'));
      urls.push(`http://127.0.0.1:${port}`);
    }
    return {
      urls,
      operatorKeyFile,
      async stop() {
        for (const child of children.reverse()) await child.stop();
        await nats.stop();
      },
    };
  } catch (error) {
    for (const child of children.reverse()) await child.stop();
    await nats.stop();
    throw error;
  }
}
