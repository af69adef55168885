// The exchange as child processes: the embedded one (`npm start`'s main) or the distributed one
// (a core process and gateway processes over a private nats-server).
import { join } from "node:path";
import { type Child, freePort, type NatsServers, startChild, startNatsServer } from "@ghx/testkit";

export interface RunningExchange {
  /** Base URLs of every gateway. */
  readonly urls: string[];
  /** Where the public market data (REST snapshots and the feed) is served. */
  readonly marketDataUrl: string;
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
    // One process: the feed and its snapshots are mounted on the gateway's server.
    marketDataUrl: `http://127.0.0.1:${port}`,
    operatorKeyFile: join(dataDir, "operator.key.json"),
    output: child.lines,
    stop: () => child.stop(),
  };
}

/**
 * A core process (journal and events in JetStream), `gateways` gateway processes and a
 * market-data process following the core's events in JetStream, over a private nats-server.
 */
export async function startDistributedExchange(dataDir: string, gateways: number): Promise<RunningExchange> {
  const nats: NatsServers = await startNatsServer();
  const natsUrl = nats.servers.join(",");
  const children: Child[] = [];
  try {
    children.push(
      await startChild(
        "services/core/src/main.ts",
        ["--data", dataDir, "--nats", natsUrl, "--jetstream"],
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
    const marketDataPort = await freePort();
    children.push(
      await startChild(
        "services/market-data/src/main.ts",
        ["--nats", natsUrl, "--port", String(marketDataPort), "--data", join(dataDir, "market-data")],
        {},
        "market-data on",
      ),
    );
    return {
      urls,
      marketDataUrl: `http://127.0.0.1:${marketDataPort}`,
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
