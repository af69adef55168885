// What every command gets: the exchange URL, the signing key (found lazily, only for commands
// that sign), SDK clients, and the output. The key is looked up in this order: --key, the
// embedded exchange's operator key (GHX_DATA_DIR or ./data), then ~/.ghx/key.json.
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { defaultUrl, GhxClient, type KeyFile, readKeyFile } from "@ghx/sdk";
import { UsageError } from "./exit-codes.ts";
import type { Output } from "./output.ts";

export const operatorKeyFileName = "operator.key.json";

export interface GlobalOptions {
  readonly url?: string;
  readonly key?: string;
  readonly json?: boolean;
}

export interface Environment {
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly home: string;
}

export const processEnvironment = (): Environment => ({
  env: process.env,
  cwd: process.cwd(),
  home: homedir(),
});

/** Where ghx keeps a user's own key by default (ghx keygen writes it there). */
export const userKeyPath = (environment: Environment) => join(environment.home, ".ghx", "key.json");

/** The key files tried when --key is not given, in order. */
export function defaultKeyPaths(environment: Environment): string[] {
  const dataDir = resolve(environment.cwd, environment.env.GHX_DATA_DIR ?? "data");
  return [join(dataDir, operatorKeyFileName), userKeyPath(environment)];
}

export class Context {
  readonly url: string;
  private key: Promise<KeyFile> | undefined;

  constructor(
    private readonly options: GlobalOptions,
    readonly output: Output,
    readonly environment: Environment,
  ) {
    this.url = options.url ?? environment.env.GHX_URL ?? defaultUrl;
  }

  keyFile(): Promise<KeyFile> {
    this.key ??= this.findKey();
    return this.key;
  }

  /** A client that signs with the key. */
  async client(): Promise<GhxClient> {
    return new GhxClient({ url: this.url, key: await this.keyFile() });
  }

  /** A client for public market data: no key needed. */
  publicClient(): GhxClient {
    return new GhxClient({ url: this.url });
  }

  private async findKey(): Promise<KeyFile> {
    if (this.options.key !== undefined)
      return readKeyFileArgument(this.environment.cwd, this.options.key, "--key");
    const candidates = defaultKeyPaths(this.environment);
    const found = candidates.find((path) => existsSync(path));
    if (!found) {
      throw new UsageError(
        `no API key: pass --key <file>, or create one with \`ghx keygen\` (looked in ${candidates.join(", ")})`,
      );
    }
    return readKeyFile(found);
  }
}

/** A key file named on the command line: a missing file is a usage error, not a crash. */
export function readKeyFileArgument(cwd: string, file: string, option: string): Promise<KeyFile> {
  const path = resolve(cwd, file);
  if (!existsSync(path)) throw new UsageError(`${option} ${file}: no such file`);
  return readKeyFile(path);
}
