// The embedded exchange, wired in one place: the core (file event store in dataDir) and the
// gateway over it, in one process. First start creates the operator account and its key file.
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { type CoreClient, startEmbeddedCore } from "@ghx/core-service";
import {
  buildGateway,
  embeddedCorePort,
  ensureOperatorKey,
  type Gateway,
  type GatewayOptions,
  operatorKeyFileName,
} from "@ghx/gateway";

export interface ExchangeOptions {
  readonly dataDir: string;
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly logger?: GatewayOptions["logger"];
}

export interface Exchange {
  readonly url: string;
  readonly dataDir: string;
  readonly operatorKeyFile: string;
  readonly operatorKeyCreated: boolean;
  readonly core: CoreClient;
  readonly gateway: Gateway;
  close(): Promise<void>;
}

export async function startExchange(options: ExchangeOptions): Promise<Exchange> {
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const core = await startEmbeddedCore({ dataDir });
  try {
    const corePort = embeddedCorePort(core);
    const operatorKeyFile = join(dataDir, operatorKeyFileName);
    const { created } = await ensureOperatorKey(corePort, operatorKeyFile);
    const gateway = await buildGateway({ core: corePort, logger: options.logger ?? false });
    const url = await gateway.app.listen({ host: options.host ?? "127.0.0.1", port: options.port });
    return {
      url,
      dataDir,
      operatorKeyFile,
      operatorKeyCreated: created,
      core,
      gateway,
      async close() {
        await gateway.app.close();
        await core.close();
      },
    };
  } catch (error) {
    await core.close();
    throw error;
  }
}
