// First start: the exchange creates its operator account and an API key with every scope, and
// writes the key pair (the only copy of the private key) to a 0600 file in the data directory.
// Later starts read the file and check the key is still registered.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { generateApiKeyPair, publicKeyOf } from "@ghx/auth";
import { z } from "zod";
import type { CorePort } from "./core-port.ts";

export const operatorAccountId = "operator";
export const operatorKeyFileName = "operator.key.json";

export const keyFileSchema = z.object({
  accountId: z.string(),
  keyId: z.string(),
  publicKey: z.string(),
  privateKey: z.string(),
  scopes: z.array(z.string()),
});
export type KeyFile = z.infer<typeof keyFileSchema>;

export function readKeyFile(path: string): KeyFile {
  const file = keyFileSchema.parse(JSON.parse(readFileSync(path, "utf8")));
  if (publicKeyOf(file.privateKey) !== file.publicKey)
    throw new Error(`${path}: private and public key differ`);
  return file;
}

/** Returns the operator's key file, creating the account, the key and the file when missing. */
export async function ensureOperatorKey(
  core: CorePort,
  path: string,
): Promise<{ key: KeyFile; created: boolean }> {
  if (existsSync(path)) {
    const key = readKeyFile(path);
    if (!(await core.apiKey(key.keyId)))
      throw new Error(`${path}: key ${key.keyId} is not registered in the core`);
    return { key, created: false };
  }
  const pair = generateApiKeyPair();
  const key: KeyFile = {
    accountId: operatorAccountId,
    keyId: `${operatorAccountId}-${pair.publicKey.slice(0, 8)}`,
    ...pair,
    scopes: ["operate", "read", "trade", "withdraw"],
  };
  const created = await core.submit({
    type: "CreateAccount",
    commandId: "bootstrap-operator-account",
    accountId: operatorAccountId,
    owner: "ghx",
    capabilities: ["operate", "read", "trade"],
  });
  // A restart after the account was made but before the file was written: the account exists.
  if (created.outcome.status === "rejected" && created.outcome.code !== "ACCOUNT_EXISTS") {
    throw new Error(`creating the operator account: ${created.outcome.code} ${created.outcome.message}`);
  }
  const registered = await core.submit({
    type: "RegisterApiKey",
    commandId: `bootstrap-${key.keyId}`,
    accountId: operatorAccountId,
    keyId: key.keyId,
    publicKey: key.publicKey,
    scopes: ["operate", "read", "trade", "withdraw"],
  });
  if (registered.outcome.status === "rejected") {
    throw new Error(`registering the operator key: ${registered.outcome.code} ${registered.outcome.message}`);
  }
  writeFileSync(path, `${JSON.stringify(key, null, 2)}\n`, { mode: 0o600, flag: "wx" });
  return { key, created: true };
}
