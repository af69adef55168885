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
  process: ChildProcess;
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

async function waitReady(spec: NodeSpec, clustered: boolean, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + startTimeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`nats-server ${spec.name} exited: ${last}`);
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

function launch(binary: string, spec: NodeSpec): ChildProcess {
  const child = spawn(binary, ["-c", spec.configFile], { stdio: ["ignore", "ignore", "pipe"] });
  child.stderr?.resume();
  return child;
}

async function startNodes(specs: NodeSpec[], clustered: boolean): Promise<NatsServers> {
  const binary = natsServerBinary();
  if (!binary) throw new Error("nats-server is not installed");
  const nodes: NatsNode[] = specs.map((spec) => {
    writeFileSync(spec.configFile, configText(spec));
    const node: NatsNode = {
      name: spec.name,
      url: `nats://127.0.0.1:${spec.port}`,
      port: spec.port,
      monitorPort: spec.monitorPort,
      storeDir: spec.storeDir,
      process: launch(binary, spec),
      async kill() {
        // A process ended by a signal keeps exitCode null; signalCode tells it has gone.
        if (node.process.exitCode !== null || node.process.signalCode !== null) return;
        const exited = new Promise((r) => node.process.once("exit", r));
        node.process.kill("SIGKILL");
        await exited;
      },
      async restart() {
        await node.kill();
        node.process = launch(binary, spec);
        await waitReady(spec, clustered, node.process);
      },
    };
    return node;
  });
  await Promise.all(nodes.map((node, i) => waitReady(specs[i]!, clustered, node.process)));
  return {
    nodes,
    servers: nodes.map((n) => n.url),
    async stop() {
      await Promise.all(nodes.map((n) => n.kill()));
      for (const spec of specs) rmSync(join(spec.storeDir, ".."), { recursive: true, force: true });
    },
  };
}

/** One JetStream node on free ports with a temp store (and a smaller max_payload, to test limits). */
export async function startNatsServer(options: { maxPayloadBytes?: number } = {}): Promise<NatsServers> {
  const dir = mkdtempSync(join(tmpdir(), "ghx-nats-"));
  return startNodes(
    [
      {
        name: "n1",
        port: await freePort(),
        monitorPort: await freePort(),
        storeDir: join(dir, "store"),
        configFile: join(dir, "n1.conf"),
        ...options,
      },
    ],
    false,
  );
}

/** A 3-node JetStream cluster (R3-capable) on free loopback ports with temp stores. */
export async function startNatsCluster(size = 3): Promise<NatsServers> {
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
  return startNodes(specs, true);
}
