import type { Redis } from 'ioredis';
import { RateLimited, ServiceUnavailable } from '~/utils/errors.server';
import { getRedis, redisKey } from '~/utils/redis.server';
import { fixedWindowState, validateRule, type RateLimitRule, type RateLimitState } from './rate-limit.fns';

export type { RateLimitRule, RateLimitState } from './rate-limit.fns';

// Fixed-window counters in Redis, shared by every web process. Usage:
//
//   await consumeRateLimit({ key: `api-code:${organizationId}`, limit: 10, windowSeconds: 600 });
//   // throws RateLimited (429, retryAfterSeconds) on attempt 11 within the 10 minutes
//
// When Redis cannot answer, the functions throw RateLimitStoreUnavailable: each caller decides
// whether to fall back (login counts failures in PostgreSQL) or to refuse. Never fail open silently.

export class RateLimitStoreUnavailable extends ServiceUnavailable {
  constructor(cause: unknown) {
    super('Rate limit store (Redis) unavailable', { cause: cause instanceof Error ? cause.message : String(cause) });
  }
}

// INCR and the first EXPIRE in one atomic step: concurrent attempts cannot both see "first" or
// leave a counter without expiry. A counter that somehow lost its TTL gets it back.
const CONSUME_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('TTL', KEYS[1])
if ttl < 0 then
  redis.call('EXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
`;

const PEEK_SCRIPT = `
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
local ttl = redis.call('TTL', KEYS[1])
return {count, ttl}
`;

// Gives back one attempt (a successful login should not count against the IP) without creating
// a key or going below zero.
const RELEASE_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 1 then
  local count = redis.call('DECR', KEYS[1])
  if count <= 0 then redis.call('DEL', KEYS[1]) end
end
return 1
`;

/** A page must not hang on a stuck Redis: past this, the store counts as unavailable. */
const REDIS_TIMEOUT_MS = 1_000;

function storageKey(key: string): string {
  return redisKey('rate-limit', key);
}

/** A connection still being opened (first request after boot) gets this long before giving up. */
const CONNECT_GRACE_MS = 500;

// The web connection has no offline queue, so a command sent while the first connection is being
// opened fails at once; wait briefly for it instead. A connection that is down (reconnecting)
// is not waited for: the caller falls back straight away.
async function whenConnected(client: Redis): Promise<void> {
  if (client.status !== 'connecting' && client.status !== 'connect' && client.status !== 'wait') return;
  await new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      client.off('ready', done);
      resolve();
    };
    const timer = setTimeout(done, CONNECT_GRACE_MS);
    client.once('ready', done);
  });
}

async function run<T>(operation: (redis: Redis) => Promise<T>, redis?: Redis): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const client = redis ?? getRedis();
    await whenConnected(client);
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not answer within ${REDIS_TIMEOUT_MS} ms`)), REDIS_TIMEOUT_MS);
    });
    return await Promise.race([operation(client), timeout]);
  } catch (error) {
    throw new RateLimitStoreUnavailable(error);
  } finally {
    clearTimeout(timer);
  }
}

function toPair(reply: unknown): [number, number] {
  const [count, ttl] = reply as [number | string, number | string];
  return [Number(count), Number(ttl)];
}

/**
 * Counts one attempt. Returns the state when within the limit; throws RateLimited (with the
 * seconds until the window resets) from attempt limit+1 on.
 */
export async function consumeRateLimit(rule: RateLimitRule, options: { redis?: Redis } = {}): Promise<RateLimitState> {
  validateRule(rule);
  const [count, ttl] = toPair(
    await run((r) => r.eval(CONSUME_SCRIPT, 1, storageKey(rule.key), String(rule.windowSeconds)), options.redis),
  );
  const state = fixedWindowState(count, rule.limit, ttl);
  if (state.exceeded) throw new RateLimited(state.retryAfterSeconds);
  return state;
}

/** The state as if one more attempt were made, without counting it. */
export async function peekRateLimit(rule: RateLimitRule, options: { redis?: Redis } = {}): Promise<RateLimitState> {
  validateRule(rule);
  const [count, ttl] = toPair(await run((r) => r.eval(PEEK_SCRIPT, 1, storageKey(rule.key)), options.redis));
  return fixedWindowState(count + 1, rule.limit, ttl > 0 ? ttl : rule.windowSeconds);
}

/** Undoes one consumeRateLimit (e.g. the attempt turned out legitimate). */
export async function releaseRateLimit(key: string, options: { redis?: Redis } = {}): Promise<void> {
  await run((r) => r.eval(RELEASE_SCRIPT, 1, storageKey(key)), options.redis);
}

/** Forgets the counter (e.g. a successful login clears the account's failures). */
export async function resetRateLimit(key: string, options: { redis?: Redis } = {}): Promise<void> {
  await run((r) => r.del(storageKey(key)), options.redis);
}

/**
 * Marks `key` as used for `ttlSeconds`; true the first time, false while it is still marked.
 * Used to refuse a one-time code presented twice (e.g. the same TOTP code replayed).
 */
export async function claimOnce(key: string, ttlSeconds: number, options: { redis?: Redis } = {}): Promise<boolean> {
  const reply = await run((r) => r.set(redisKey('once', key), '1', 'EX', ttlSeconds, 'NX'), options.redis);
  return reply === 'OK';
}
