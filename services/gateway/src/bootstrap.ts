// First start: the exchange creates its operator account and an API key with every scope, and
// writes the key pair (the only copy of the private key) to a 0600 file in the data directory.
// Later starts read the file and check the key is still registered.
import { existsSync } from "node:fs";
import { type KeyFile, newKeyFile, readKeyFile, writeKeyFile } from "@ghx/auth";
import type { CorePort } from "./core-port.ts";

export const operatorAccountId = "operator";
export const operatorKeyFileName = "operator.key.json";

const operatorScopes = ["operate", "read", "trade", "withdraw"] as const;

/** The operator's key file: the @ghx/auth format, with its account and scopes. */
export type OperatorKeyFile = KeyFile & { readonly accountId: string };

/** Returns the operator's key file, creating the account, the key and the file when missing. */
export async function ensureOperatorKey(
  core: CorePort,
  path: string,
): Promise<{ key: OperatorKeyFile; created: boolean }> {
  if (existsSync(path)) {
    const key = await readKeyFile(path);
    if (key.accountId === undefined) throw new Error(`${path}: the operator key file names no accountId`);
    if (!(await core.apiKey(key.keyId)))
      throw new Error(`${path}: key ${key.keyId} is not registered in the core`);
    return { key: { ...key, accountId: key.accountId }, created: false };
  }
  const pair = newKeyFile({ accountId: operatorAccountId });
  const key: OperatorKeyFile = {
    ...pair,
    accountId: operatorAccountId,
    keyId: `${operatorAccountId}-${pair.publicKey.slice(0, 8)}`,
    scopes: operatorScopes,
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
    scopes: [...operatorScopes],
  });
  if (registered.outcome.status === "rejected") {
    throw new Error(`registering the operator key: ${registered.outcome.code} ${registered.outcome.message}`);
  }
  writeKeyFile(path, key);
  return { key, created: true };
}
