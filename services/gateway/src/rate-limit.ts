// Token buckets, one per API key and one per client IP: `rate` tokens per second refill up to
// `burst`. Buckets are kept in a bounded map (least recently used dropped first: a dropped
// bucket comes back full, which only ever errs towards admitting a quiet client).
export interface RateDecision {
  readonly allowed: boolean;
  readonly limit: number;
  readonly remaining: number;
  /** Seconds until one token is back (Retry-After when refused). */
  readonly resetSeconds: number;
}

interface Bucket {
  tokens: number;
  updatedMs: number;
}

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly bucketsMax: number,
  ) {
    if (!(ratePerSecond > 0 && burst >= 1 && bucketsMax >= 1))
      throw new RangeError("TokenBuckets: bad limits");
  }

  take(key: string, nowMs: number, cost = 1): RateDecision {
    let bucket = this.buckets.get(key);
    if (bucket) {
      this.buckets.delete(key);
      bucket.tokens = Math.min(
        this.burst,
        bucket.tokens + ((nowMs - bucket.updatedMs) * this.ratePerSecond) / 1000,
      );
      bucket.updatedMs = nowMs;
    } else {
      if (this.buckets.size >= this.bucketsMax) {
        const oldest = this.buckets.keys().next();
        if (!oldest.done) this.buckets.delete(oldest.value);
      }
      bucket = { tokens: this.burst, updatedMs: nowMs };
    }
    this.buckets.set(key, bucket);
    const allowed = bucket.tokens >= cost;
    if (allowed) bucket.tokens -= cost;
    const missing = allowed ? 0 : cost - bucket.tokens;
    return {
      allowed,
      limit: this.burst,
      remaining: Math.floor(bucket.tokens),
      resetSeconds: Math.max(allowed ? 0 : 1, Math.ceil(missing / this.ratePerSecond)),
    };
  }
}
