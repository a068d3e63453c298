import { Redis, type RedisOptions } from 'ioredis';
import { getEnv } from './env.server';
import { logger } from './logger.server';

// Two kinds of connection: the web app's fails fast (a page must not hang because Redis is down),
// the workers' waits forever (BullMQ needs maxRetriesPerRequest: null).
export function createRedis(kind: 'web' | 'worker', extra: RedisOptions = {}): Redis {
  const env = getEnv();
  const redis = new Redis(env.REDIS_URL, {
    lazyConnect: false,
    connectTimeout: 2_000,
    enableOfflineQueue: kind === 'worker',
    maxRetriesPerRequest: kind === 'worker' ? null : 1,
    retryStrategy: (times) => Math.min(times * 200, 5_000),
    ...extra,
  });
  let lastLogged = 0;
  redis.on('error', (error) => {
    // ioredis reconnects by itself; one line every 30 s is enough.
    if (Date.now() - lastLogged > 30_000) {
      lastLogged = Date.now();
      logger.warn({ err: error.message, kind }, 'redis connection error');
    }
  });
  return redis;
}

const globalForRedis = globalThis as unknown as { __conciliamoRedis?: Redis };

/** The web process's shared connection (rate limits, health checks, enqueueing). */
export function getRedis(): Redis {
  globalForRedis.__conciliamoRedis ??= createRedis('web');
  return globalForRedis.__conciliamoRedis;
}

/** Every key the app writes starts with this, so one Redis can serve several deployments and tests. */
export function redisKey(...parts: string[]): string {
  return [getEnv().REDIS_KEY_PREFIX, ...parts].join(':');
}

export async function disconnectRedis(): Promise<void> {
  const redis = globalForRedis.__conciliamoRedis;
  globalForRedis.__conciliamoRedis = undefined;
  redis?.disconnect();
}
