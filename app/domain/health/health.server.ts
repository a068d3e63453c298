import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { TimeoutError, withTimeout } from '~/jobs/with-timeout';
import { getDb, type Db } from '~/utils/db.server';
import { logger } from '~/utils/logger.server';
import { getRedis } from '~/utils/redis.server';
import { overallStatus, type HealthReport, type OutboxCheck, type ServiceCheck } from './health.fns';

export type { HealthReport } from './health.fns';
export { httpStatusFor } from './health.fns';

// Every check has a short timeout and all run in parallel, so /healthz answers within about a
// second even when a service hangs. The report holds counts and timings only, no personal data.

export const HEALTH_CHECK_TIMEOUT_MS = 1_000;

let cachedVersion: string | undefined;

/** The package version (the app always runs from the checkout root). */
export function appVersion(): string {
  if (cachedVersion === undefined) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(process.cwd(), 'package.json'), 'utf8')) as { version?: unknown };
      cachedVersion = typeof pkg.version === 'string' ? pkg.version : 'unknown';
    } catch {
      cachedVersion = 'unknown';
    }
  }
  return cachedVersion;
}

async function timed(name: string, run: () => Promise<unknown>, timeoutMs: number): Promise<ServiceCheck> {
  const started = performance.now();
  try {
    await withTimeout(run(), timeoutMs, `${name} did not answer within ${timeoutMs} ms`);
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    const timedOut = error instanceof TimeoutError;
    logger.warn({ check: name, err: (error as Error).message }, 'health check failed');
    return { ok: false, latencyMs: Math.round(performance.now() - started), error: timedOut ? 'timeout' : 'unreachable' };
  }
}

async function outboxCheck(db: Db, timeoutMs: number): Promise<OutboxCheck> {
  try {
    const [row] = await withTimeout(
      db.$queryRaw<Array<{ pending: number; oldest: number | null }>>`
        SELECT count(*)::integer AS "pending",
               floor(extract(epoch FROM now() - min("createdAt")))::integer AS "oldest"
        FROM "OutboxEvent" WHERE "status" = 'PENDING'`,
      timeoutMs,
      `outbox query did not answer within ${timeoutMs} ms`,
    );
    return { pending: row?.pending ?? 0, oldestPendingAgeSeconds: row?.oldest ?? null };
  } catch (error) {
    logger.warn({ check: 'outbox', err: (error as Error).message }, 'health check failed');
    return { pending: null, oldestPendingAgeSeconds: null, error: error instanceof TimeoutError ? 'timeout' : 'unreachable' };
  }
}

/**
 * PING that copes with a connection still being set up: the web connection refuses commands until
 * it is ready (no offline queue), so a first health check right after boot waits for "ready"
 * (bounded by the caller's timeout) instead of reporting Redis down. A connection already known
 * to be broken (reconnecting, closed) fails at once.
 */
export async function pingRedis(redis: Pick<Redis, 'ping' | 'status' | 'once' | 'off' | 'connect'>): Promise<void> {
  if (redis.status === 'wait') await redis.connect();
  if (redis.status === 'connecting' || redis.status === 'connect') {
    await new Promise<void>((resolve, reject) => {
      const onReady = () => {
        redis.off('error', onError);
        resolve();
      };
      const onError = (error: Error) => {
        redis.off('ready', onReady);
        reject(error);
      };
      redis.once('ready', onReady);
      redis.once('error', onError);
    });
  }
  if (redis.status !== 'ready') throw new Error(`Redis connection is ${redis.status}`);
  await redis.ping();
}

export async function getHealth(
  options: { db?: Db; redis?: Redis; timeoutMs?: number } = {},
): Promise<HealthReport> {
  const timeoutMs = options.timeoutMs ?? HEALTH_CHECK_TIMEOUT_MS;
  const db = options.db ?? getDb();
  const redis = options.redis ?? getRedis();
  const [database, redisCheck, outbox] = await Promise.all([
    timed('database', () => db.$queryRaw`SELECT 1`, timeoutMs),
    timed('redis', () => pingRedis(redis), timeoutMs),
    outboxCheck(db, timeoutMs),
  ]);
  const checks = {
    database,
    redis: redisCheck,
    // Without the database the outbox numbers are unknown, not an extra problem.
    outbox: database.ok ? outbox : { pending: null, oldestPendingAgeSeconds: null },
  };
  return { status: overallStatus(checks), checks, version: appVersion() };
}
