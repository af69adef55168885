export { CanonicalFormError, canonicalString, type SignedFields, signatureVersion } from "./canonical.ts";
export {
  type KeyFile,
  KeyFileError,
  newKeyFile,
  parseKeyFile,
  readKeyFile,
  type SigningKey,
  writeKeyFile,
} from "./key-file.ts";
export {
  type ApiKeyPair,
  generateApiKeyPair,
  KeyFormatError,
  normalizePublicKey,
  publicKeyOf,
} from "./keys.ts";
export * from "./limits.ts";
export { NonceCache, type NonceResult } from "./nonce-cache.ts";
export {
  type AuthHeaders,
  authHeaderNames,
  createRequestSigner,
  newNonce,
  type RequestSigner,
  type RequestToSign,
  type WebSocketLogin,
} from "./sign.ts";
export {
  type ApiKeyRecord,
  type ApiKeyScope,
  type AuthFailureCode,
  type AuthResult,
  hasScope,
  RequestVerifier,
  type SignedRequest,
  type VerifierOptions,
} from "./verify.ts";
