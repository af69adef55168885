// Accounts and API keys: commands and events of the core.
import { z } from "zod";
import { capabilitySchema, commandIdSchema, coreIdSchema, operatorIdSchema } from "./core-common.ts";

/** An Ed25519 public key, 32 bytes as base64url (43 chars) or hex (64 chars). */
export const publicKeySchema = z.string().regex(/^(?:[A-Za-z0-9_-]{43}|[0-9a-fA-F]{64})$/);

export const apiKeyScopeSchema = z.enum(["trade", "read", "withdraw", "operate"]);

export const createAccountSchema = z.object({
  type: z.literal("CreateAccount"),
  commandId: commandIdSchema,
  operatorId: operatorIdSchema,
  accountId: coreIdSchema,
  /** The legal party; all accounts of one owner form one self-trade-prevention group. */
  owner: coreIdSchema,
  capabilities: z.array(capabilitySchema).min(1).max(4),
});

export const registerApiKeySchema = z.object({
  type: z.literal("RegisterApiKey"),
  commandId: commandIdSchema,
  /** Keys are issued by operators; absent means the exchange itself (its first-start bootstrap). */
  operatorId: operatorIdSchema,
  accountId: coreIdSchema,
  keyId: coreIdSchema,
  publicKey: publicKeySchema,
  scopes: z.array(apiKeyScopeSchema).min(1).max(4),
});

export const revokeApiKeySchema = z.object({
  type: z.literal("RevokeApiKey"),
  commandId: commandIdSchema,
  accountId: coreIdSchema,
  keyId: coreIdSchema,
});

/** Cancel every open order of the account and block it from new orders until unblocked. */
export const killSwitchSchema = z.object({
  type: z.literal("KillSwitch"),
  commandId: commandIdSchema,
  operatorId: operatorIdSchema,
  accountId: coreIdSchema,
  /** false lifts the block (open orders stay cancelled). */
  block: z.boolean(),
});

export const accountCreatedSchema = z.object({
  type: z.literal("AccountCreated"),
  accountId: coreIdSchema,
  owner: coreIdSchema,
  capabilities: z.array(capabilitySchema),
});

export const apiKeyRegisteredSchema = z.object({
  type: z.literal("ApiKeyRegistered"),
  accountId: coreIdSchema,
  keyId: coreIdSchema,
  publicKey: publicKeySchema,
  scopes: z.array(apiKeyScopeSchema),
});

export const apiKeyRevokedSchema = z.object({
  type: z.literal("ApiKeyRevoked"),
  accountId: coreIdSchema,
  keyId: coreIdSchema,
});

export const accountBlockChangedSchema = z.object({
  type: z.literal("AccountBlockChanged"),
  accountId: coreIdSchema,
  blocked: z.boolean(),
});
