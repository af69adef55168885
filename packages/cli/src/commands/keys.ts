// Keys: make a key pair locally, list an account's keys, register a public half for an account
// (operator), revoke one.
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { type ApiKey, type ApiKeyScope, newKeyFile, writeKeyFile } from "@ghx/sdk";
import type { Command } from "commander";
import { list } from "../args.ts";
import { readKeyFileArgument, userKeyPath } from "../context.ts";
import { UsageError } from "../exit-codes.ts";
import type { Kit } from "../kit.ts";
import { fields, table } from "../output.ts";

const scopes: readonly ApiKeyScope[] = ["trade", "read", "withdraw", "operate"];

export function keyCommands(program: Command, kit: Kit): void {
  program
    .command("keygen")
    .description("create an Ed25519 API key pair in a file (mode 0600) and print its public key")
    .option("-o, --out <file>", "where to write the key file (default ~/.ghx/key.json)")
    .option("--key-id <id>", "the key id to register it under (default key-<public key prefix>)")
    .option("--force", "overwrite an existing file")
    .action(
      kit.action(async (ctx, options: { out?: string; keyId?: string; force?: boolean }) => {
        const path = options.out ? resolve(ctx.environment.cwd, options.out) : userKeyPath(ctx.environment);
        mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
        const key = newKeyFile(options.keyId !== undefined ? { keyId: options.keyId } : {});
        try {
          writeKeyFile(path, key, { overwrite: options.force === true });
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === "EEXIST") {
            throw new UsageError(`${path} exists; pass --force to overwrite it or --out for another file`);
          }
          throw error;
        }
        ctx.output.result({ keyId: key.keyId, publicKey: key.publicKey, file: path }, (r) =>
          [
            r.publicKey,
            "",
            fields({ "key id": r.keyId, file: r.file }),
            "",
            `register it (operator): ghx keys register --account <account> --from ${r.file}`,
          ].join("\n"),
        );
      }),
    );

  const keys = program.command("keys").description("API keys: list (default), register (operator), revoke");
  keys
    .command("list [accountId]", { isDefault: true })
    .description("active keys of your own account, or of any account (operator): ghx keys [accountId]")
    .action(
      kit.action(async (ctx, accountId: string | undefined) => {
        const client = await ctx.client();
        const list = await ctx.output.progress(
          "loading keys",
          accountId === undefined ? client.apiKeys() : client.accountApiKeys(accountId),
        );
        ctx.output.result(list, renderKeys);
      }),
    );
  keys
    .command("register")
    .description("register a public key for an account")
    .requiredOption("--account <id>", "the account the key acts for")
    .option("--from <file>", "take key id and public key from this key file (e.g. one ghx keygen wrote)")
    .option("--key-id <id>", "the key id (with --public-key)")
    .option("--public-key <key>", "Ed25519 public key, base64url or hex")
    .option("--scopes <list>", "comma-separated: trade,read,withdraw,operate", list(scopes), [
      "trade",
      "read",
    ])
    .action(
      kit.action(
        async (
          ctx,
          options: {
            account: string;
            from?: string;
            keyId?: string;
            publicKey?: string;
            scopes: ApiKeyScope[];
          },
        ) => {
          const { keyId, publicKey } = await keyToRegister(ctx.environment.cwd, options);
          const client = await ctx.client();
          const ack = await ctx.output.progress(
            "registering the key",
            client.registerApiKey(options.account, { keyId, publicKey, scopes: options.scopes }),
          );
          const result = { accountId: options.account, keyId, scopes: options.scopes, seq: ack.seq };
          ctx.output.result(
            result,
            (r) => `registered ${r.keyId} for ${r.accountId} (${r.scopes.join(",")})`,
          );
        },
      ),
    );
  keys
    .command("revoke <keyId>")
    .description("revoke an API key (your own; operators: any)")
    .action(
      kit.action(async (ctx, keyId: string) => {
        const ack = await (await ctx.client()).revokeApiKey(keyId);
        ctx.output.result({ keyId, seq: ack.seq }, (r) => `revoked ${r.keyId}`);
      }),
    );
}

function renderKeys(list: readonly ApiKey[]): string {
  return table(
    ["key", "account", "scopes", "public key"],
    list.map((k) => [k.keyId, k.accountId, k.scopes.join(","), k.publicKey]),
  );
}

async function keyToRegister(
  cwd: string,
  options: { from?: string; keyId?: string; publicKey?: string },
): Promise<{ keyId: string; publicKey: string }> {
  if (options.from !== undefined) {
    const file = await readKeyFileArgument(cwd, options.from, "--from");
    return { keyId: options.keyId ?? file.keyId, publicKey: file.publicKey };
  }
  if (options.keyId === undefined || options.publicKey === undefined) {
    throw new UsageError("keys register: give --from <key file>, or both --key-id and --public-key");
  }
  return { keyId: options.keyId, publicKey: options.publicKey };
}
