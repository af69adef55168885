// Every bound of request signing in one place (units last).

/** A request is accepted only if its timestamp is within this distance of the verifier's clock. */
export const timestampSkewMsMax = 30_000;

/**
 * Nonces remembered at once. A nonce must be remembered only while its timestamp is inside the
 * window, so this bounds the signed requests per 2 × window the verifier accepts; when it is full
 * the verifier refuses (fails closed) rather than forget a nonce that could then be replayed.
 * 2,000,000 covers 2 × 30 s at over 30,000 requests per second.
 */
export const nonceCacheEntriesMax = 2_000_000;

/** Nonces: 16 to 64 characters of base64url alphabet (16 random bytes encode to 22). */
export const nonceLengthMin = 16;
export const nonceLengthMax = 64;

/** Key ids share the domain's id bound. */
export const keyIdLengthMax = 64;

/** Parsed public keys kept (one per active API key; parsing costs more than verifying). */
export const publicKeyCacheEntriesMax = 100_000;
