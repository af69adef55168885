// Ed25519 key pairs as base64url strings: the public key is the raw 32-byte point (what the core
// stores through RegisterApiKey), the private key is the raw 32-byte seed (what only the client
// keeps). KeyObjects are built once per key and cached: parsing a key costs more than a signature.
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { publicKeyCacheEntriesMax } from "./limits.ts";

export interface ApiKeyPair {
  /** Raw 32-byte Ed25519 public key, base64url without padding (43 chars). */
  readonly publicKey: string;
  /** Raw 32-byte Ed25519 seed, base64url without padding (43 chars). Never leaves the client. */
  readonly privateKey: string;
}

const rawKeyPattern = /^[A-Za-z0-9_-]{43}$/;
const hexKeyPattern = /^[0-9a-fA-F]{64}$/;

export class KeyFormatError extends Error {
  override readonly name = "KeyFormatError";
}

export function generateApiKeyPair(): ApiKeyPair {
  const { privateKey } = generateKeyPairSync("ed25519");
  const jwk = privateKey.export({ format: "jwk" });
  if (!jwk.d || !jwk.x) throw new KeyFormatError("node:crypto exported an Ed25519 JWK without d/x");
  return { publicKey: jwk.x, privateKey: jwk.d };
}

/** Accepts the two spellings the domain's publicKeySchema allows (base64url or hex). */
export function normalizePublicKey(publicKey: string): string {
  if (rawKeyPattern.test(publicKey)) return publicKey;
  if (hexKeyPattern.test(publicKey)) return Buffer.from(publicKey, "hex").toString("base64url");
  throw new KeyFormatError("public key: 32 bytes as base64url (43 chars) or hex (64 chars)");
}

/** The public key that belongs to a private seed (used to check a key file is consistent). */
export function publicKeyOf(privateKey: string): string {
  const jwk = createPublicKey(privateKeyObject(privateKey)).export({ format: "jwk" });
  if (!jwk.x) throw new KeyFormatError("could not derive the public key");
  return jwk.x;
}

export function privateKeyObject(privateKey: string): KeyObject {
  if (!rawKeyPattern.test(privateKey)) {
    throw new KeyFormatError("private key: 32-byte Ed25519 seed as base64url (43 chars)");
  }
  // A JWK needs x as well as d; derive it from the PKCS#8 form of the seed.
  const pkcs8 = Buffer.concat([pkcs8Ed25519Prefix, Buffer.from(privateKey, "base64url")]);
  return createPrivateKey({ key: pkcs8, format: "der", type: "pkcs8" });
}

// RFC 8410: PKCS#8 wrapping of an Ed25519 seed is this fixed 16-byte prefix and the 32 bytes.
const pkcs8Ed25519Prefix = Buffer.from("302e020100300506032b657004220420", "hex");

const publicKeyObjects = new Map<string, KeyObject>();

/** Cached: a gateway verifies many requests per key and parsing dominates otherwise. */
export function publicKeyObject(publicKey: string): KeyObject {
  const normalized = normalizePublicKey(publicKey);
  const cached = publicKeyObjects.get(normalized);
  if (cached) return cached;
  const key = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: normalized }, format: "jwk" });
  if (publicKeyObjects.size >= publicKeyCacheEntriesMax) {
    const oldest = publicKeyObjects.keys().next();
    if (!oldest.done) publicKeyObjects.delete(oldest.value);
  }
  publicKeyObjects.set(normalized, key);
  return key;
}
