// API key files, the one format for all of GHX: what the exchange writes for its operator
// (data/operator.key.json, read back by the gateway at start), what `ghx keygen` writes and what
// the SDK signs with. The private key never leaves this file and the process that signs with it;
// files are created with mode 0600.
import { chmodSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { generateApiKeyPair, KeyFormatError, publicKeyOf } from "./keys.ts";

/** What a client needs to sign requests. */
export interface SigningKey {
  readonly keyId: string;
  /** Ed25519 seed, base64url (43 chars). */
  readonly privateKey: string;
}

export interface KeyFile extends SigningKey {
  readonly publicKey: string;
  /** Known once the key is registered for an account. */
  readonly accountId?: string;
  readonly scopes?: readonly string[];
}

export class KeyFileError extends Error {
  override readonly name = "KeyFileError";
}

const text = (value: unknown): value is string => typeof value === "string" && value.length > 0;

/** Parses and checks a key file: fields present and the public key belongs to the private key. */
export function parseKeyFile(json: string, source = "key file"): KeyFile {
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(json) as Record<string, unknown>;
  } catch (error) {
    throw new KeyFileError(`${source}: not JSON (${(error as Error).message})`);
  }
  if (typeof value !== "object" || value === null) throw new KeyFileError(`${source}: not a JSON object`);
  const { keyId, privateKey, publicKey, accountId, scopes } = value;
  if (!text(keyId) || !text(privateKey) || !text(publicKey)) {
    throw new KeyFileError(`${source}: needs keyId, publicKey and privateKey`);
  }
  let derived: string;
  try {
    derived = publicKeyOf(privateKey);
  } catch (error) {
    if (error instanceof KeyFormatError) throw new KeyFileError(`${source}: ${error.message}`);
    throw error;
  }
  if (derived !== publicKey) throw new KeyFileError(`${source}: publicKey does not belong to privateKey`);
  return {
    keyId,
    privateKey,
    publicKey,
    ...(text(accountId) ? { accountId } : {}),
    ...(Array.isArray(scopes) ? { scopes: scopes.filter(text) } : {}),
  };
}

export async function readKeyFile(path: string): Promise<KeyFile> {
  return parseKeyFile(await readFile(path, "utf8"), path);
}

/** A new key pair with its id; `keyId` defaults to "key-" and the public key's first 12 chars. */
export function newKeyFile(options: { keyId?: string; accountId?: string } = {}): KeyFile {
  const pair = generateApiKeyPair();
  return {
    keyId: options.keyId ?? `key-${pair.publicKey.slice(0, 12).replace(/[_-]/g, "0")}`,
    ...pair,
    ...(options.accountId !== undefined ? { accountId: options.accountId } : {}),
  };
}

/** Writes a new file readable by its owner only; refuses to overwrite unless `overwrite`. */
export function writeKeyFile(path: string, key: KeyFile, options: { overwrite?: boolean } = {}): void {
  writeFileSync(path, `${JSON.stringify(key, null, 2)}\n`, {
    mode: 0o600,
    flag: options.overwrite ? "w" : "wx",
  });
  // The mode above applies only when the file is created; an overwritten file is narrowed too.
  chmodSync(path, 0o600);
}
