// Private nats-server processes for tests: a single JetStream node or a 3-node JetStream cluster
// on free loopback ports with temp stores. Tests never touch the system NATS on 4222.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./ports.ts";

const startTimeoutMs = 20_000;

export interface NatsNode {
  readonly name: string;
  readonly url: string;
  readonly port: number;
  readonly monitorPort: number;
  readonly storeDir: string;
  /** SIGKILL this node (crash tests). */
  kill(): Promise<void>;
  /** Start this node again on the same ports and store. */
  restart(): Promise<void>;
}

export interface NatsServers {
  readonly nodes: NatsNode[];
  /** Comma-separated client URLs of every node. */
  readonly servers: string[];
  stop(): Promise<void>;
}

/** The nats-server binary, or null when absent; with REQUIRE_NATS=1 absence is an error. */
export function natsServerBinary(): string | null {
  const found = spawnSync("sh", ["-c", "command -v nats-server"], { encoding: "utf8" });
  const path = found.status === 0 ? found.stdout.trim() : "";
  if (path) return path;
  if (process.env.REQUIRE_NATS === "1") {
    throw new Error("REQUIRE_NATS=1 but nats-server is not on PATH (apt-get install -y nats-server)");
  }
  return null;
}

/** True when the suites that need nats-server should run (see natsServerBinary). */
export const natsAvailable = (): boolean => natsServerBinary() !== null;

interface NodeSpec {
  name: string;
  port: number;
  monitorPort: number;
  clusterPort?: number;
  routes?: number[];
  storeDir: string;
  configFile: string;
  maxPayloadBytes?: number;
}

/** As infra/nats: room for the core's largest bus reply in one message. */
const maxPayloadBytesDefault = 8 * 1024 * 1024;

function configText(spec: NodeSpec): string {
  const lines = [
    `server_name: ${spec.name}`,
    `listen: 127.0.0.1:${spec.port}`,
    `http: 127.0.0.1:${spec.monitorPort}`,
    `max_payload: ${spec.maxPayloadBytes ?? maxPayloadBytesDefault}`,
    `jetstream { store_dir: "${spec.storeDir}" }`,
  ];
  if (spec.clusterPort !== undefined) {
    const routes = (spec.routes ?? []).map((p) => `nats-route://127.0.0.1:${p}`).join(", ");
    lines.push(`cluster { name: ghx-test, listen: 127.0.0.1:${spec.clusterPort}, routes: [${routes}] }`);
  }
  return `${lines.join("\n")}\n`;
}

/** A node that exited before it was ready; the start is retried on other ports. */
class NodeExited extends Error {}

async function waitReady(spec: NodeSpec, clustered: boolean, server: Launched): Promise<void> {
  const deadline = Date.now() + startTimeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    if (server.child.exitCode !== null) {
      throw new NodeExited(
        `nats-server ${spec.name} exited (${server.child.exitCode}): ${server.stderrTail()}`,
      );
    }
    try {
      const res = await fetch(`http://127.0.0.1:${spec.monitorPort}/jsz`);
      if (res.ok) {
        const jsz = (await res.json()) as { meta_cluster?: { leader?: string } };
        if (!clustered || jsz.meta_cluster?.leader) return;
        last = "no meta leader yet";
      }
    } catch (error) {
      last = String(error);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nats-server ${spec.name} not ready after ${startTimeoutMs} ms: ${last}`);
}

const stderrTailBytes = 2_048;

interface Launched {
  readonly child: ChildProcess;
  /** The end of what the server wrote to stderr: why it exited, when it did. */
  stderrTail(): string;
}

function launch(binary: string, spec: NodeSpec): Launched {
  const child = spawn(binary, ["-c", spec.configFile], { stdio: ["ignore", "ignore", "pipe"] });
  let tail = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => {
    tail = (tail + chunk).slice(-stderrTailBytes);
  });
  return { child, stderrTail: () => tail.trim() };
}

const exited = (child: ChildProcess): boolean => child.exitCode !== null || child.signalCode !== null;

async function killChild(child: ChildProcess): Promise<void> {
  // A process ended by a signal keeps exitCode null; signalCode tells it has gone.
  if (exited(child)) return;
  const gone = new Promise((r) => child.once("exit", r));
  child.kill("SIGKILL");
  await gone;
}

async function startNodes(specs: NodeSpec[], clustered: boolean): Promise<NatsServers> {
  const binary = natsServerBinary();
  if (!binary) throw new Error("nats-server is not installed");
  const removeStores = () => {
    for (const spec of specs) rmSync(join(spec.storeDir, ".."), { recursive: true, force: true });
  };
  const launched = specs.map((spec) => {
    writeFileSync(spec.configFile, configText(spec));
    return launch(binary, spec);
  });
  const nodes: NatsNode[] = specs.map((spec, i) => ({
    name: spec.name,
    url: `nats://127.0.0.1:${spec.port}`,
    port: spec.port,
    monitorPort: spec.monitorPort,
    storeDir: spec.storeDir,
    kill: () => killChild(launched[i]!.child),
    async restart() {
      await killChild(launched[i]!.child);
      launched[i] = launch(binary, spec);
      await waitReady(spec, clustered, launched[i]!);
    },
  }));
  try {
    await Promise.all(specs.map((spec, i) => waitReady(spec, clustered, launched[i]!)));
  } catch (error) {
    await Promise.all(nodes.map((n) => n.kill()));
    removeStores();
    throw error;
  }
  return {
    nodes,
    servers: nodes.map((n) => n.url),
    async stop() {
      await Promise.all(nodes.map((n) => n.kill()));
      removeStores();
    },
  };
}

/** Starts left to a node that exits at start-up: another process took one of its ports. */
const startAttempts = 3;

async function startOnFreshPorts(specs: () => Promise<NodeSpec[]>, clustered: boolean): Promise<NatsServers> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startNodes(await specs(), clustered);
    } catch (error) {
      if (!(error instanceof NodeExited) || attempt === startAttempts) throw error;
    }
  }
}

/** One JetStream node on free ports with a temp store (and a smaller max_payload, to test limits). */
export function startNatsServer(options: { maxPayloadBytes?: number } = {}): Promise<NatsServers> {
  return startOnFreshPorts(async () => {
    const dir = mkdtempSync(join(tmpdir(), "ghx-nats-"));
    return [
      {
        name: "n1",
        port: await freePort(),
        monitorPort: await freePort(),
        storeDir: join(dir, "store"),
        configFile: join(dir, "n1.conf"),
        ...options,
      },
    ];
  }, false);
}

/** A 3-node JetStream cluster (R3-capable) on free loopback ports with temp stores. */
export function startNatsCluster(size = 3): Promise<NatsServers> {
  return startOnFreshPorts(async () => {
    const clusterPorts: number[] = [];
    for (let i = 0; i < size; i++) clusterPorts.push(await freePort());
    const specs: NodeSpec[] = [];
    for (let i = 0; i < size; i++) {
      const dir = mkdtempSync(join(tmpdir(), `ghx-nats-c${i + 1}-`));
      specs.push({
        name: `c${i + 1}`,
        port: await freePort(),
        monitorPort: await freePort(),
        clusterPort: clusterPorts[i]!,
        routes: clusterPorts.filter((_, j) => j !== i),
        storeDir: join(dir, "store"),
        configFile: join(dir, `c${i + 1}.conf`),
      });
    }
    return specs;
  }, true);
}
