import type { Redis } from 'ioredis';
import type { Logger } from '~/utils/logger.server';

// BullMQ keeps queues, job data and locks in Redis. Under memory pressure any policy other than
// `noeviction` may silently drop those keys (lost or duplicated jobs), so we say it loudly.

export type EvictionPolicyCheck =
  | { ok: true; policy: 'noeviction' }
  | { ok: false; policy: string | null; reason: 'evicting-policy' | 'unknown' };

/** Reads `maxmemory_policy` from the text of `INFO memory`; null when absent. */
export function parseMaxmemoryPolicy(info: string): string | null {
  const match = /^maxmemory_policy:(\S+)\s*$/m.exec(info);
  return match?.[1] ?? null;
}

type WarnLogger = Pick<Logger, 'warn' | 'info'>;

/**
 * Warns when Redis may evict keys. Uses INFO (allowed on managed services that disable CONFIG).
 * Never throws: a failed check is logged and reported as unknown.
 */
export async function checkRedisEvictionPolicy(redis: Pick<Redis, 'info'>, log: WarnLogger): Promise<EvictionPolicyCheck> {
  let policy: string | null;
  try {
    policy = parseMaxmemoryPolicy(await redis.info('memory'));
  } catch (error) {
    log.warn({ err: (error as Error).message }, 'could not read the Redis maxmemory-policy; make sure it is noeviction');
    return { ok: false, policy: null, reason: 'unknown' };
  }
  if (policy === 'noeviction') {
    log.info({ policy }, 'redis maxmemory-policy is noeviction');
    return { ok: true, policy };
  }
  if (policy === null) {
    log.warn('Redis did not report its maxmemory-policy; make sure it is noeviction, or queued jobs may be lost');
    return { ok: false, policy, reason: 'unknown' };
  }
  log.warn(
    { policy },
    `Redis maxmemory-policy is "${policy}": queued jobs may be evicted. Set maxmemory-policy to noeviction (redis.conf or CONFIG SET maxmemory-policy noeviction).`,
  );
  return { ok: false, policy, reason: 'evicting-policy' };
}
