// Pure arithmetic of fixed- and sliding-window rate limits, shared by the Redis limiter and the
// database fallbacks that count audit rows when Redis is unavailable.

export interface RateLimitRule {
  /** What is being limited, e.g. `login:ip:203.0.113.7`; the Redis key is built from it with redisKey(). */
  key: string;
  /** Attempts allowed in one window; attempt limit+1 is refused. */
  limit: number;
  windowSeconds: number;
}

export interface RateLimitState {
  /** Attempts counted in the current window, this one included. */
  count: number;
  remaining: number;
  /** Seconds until the window resets (fixed window) or the oldest counted attempt leaves it (sliding). */
  retryAfterSeconds: number;
  exceeded: boolean;
}

export function fixedWindowState(count: number, limit: number, ttlSeconds: number): RateLimitState {
  return {
    count,
    remaining: Math.max(0, limit - count),
    retryAfterSeconds: Math.max(1, ttlSeconds),
    exceeded: count > limit,
  };
}

/**
 * Sliding window over past events (newest first or any order): with `limit` or more events in the
 * window the next attempt is refused until the limit-th newest event leaves the window.
 */
export function slidingWindowState(
  eventTimes: readonly Date[],
  limit: number,
  windowSeconds: number,
  now: Date,
): RateLimitState {
  const windowStart = now.getTime() - windowSeconds * 1000;
  const inWindow = eventTimes
    .map((t) => t.getTime())
    .filter((t) => t > windowStart && t <= now.getTime())
    .sort((a, b) => b - a);
  const count = inWindow.length + 1;
  if (inWindow.length < limit) {
    return { count, remaining: Math.max(0, limit - count), retryAfterSeconds: windowSeconds, exceeded: false };
  }
  const limiting = inWindow[limit - 1] ?? now.getTime();
  const retryAfterSeconds = Math.max(1, Math.ceil((limiting + windowSeconds * 1000 - now.getTime()) / 1000));
  return { count, remaining: 0, retryAfterSeconds, exceeded: true };
}

export function validateRule(rule: RateLimitRule): void {
  if (!rule.key) throw new TypeError('rate limit key must not be empty');
  if (!Number.isInteger(rule.limit) || rule.limit < 1) throw new TypeError('rate limit must be a positive integer');
  if (!Number.isInteger(rule.windowSeconds) || rule.windowSeconds < 1) {
    throw new TypeError('rate limit window must be a positive number of seconds');
  }
}
