// The services script against real binaries: with CONCILIAMO_SERVICES=local it must start its own
// PostgreSQL and Redis under a fresh checkout directory, reuse them on a second call, and stop
// them. On this machine and in CI it runs as root, so PostgreSQL goes through `runuser postgres`.
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureServices, LOCAL_POSTGRES_FIRST_PORT, LOCAL_REDIS_FIRST_PORT, stopLocalServices, type ServicesHandle } from '../../scripts/services.mjs';
import { isListening } from '../../scripts/lib/net.mjs';
import { pidAlive, waitFor } from '../../scripts/lib/proc.mjs';

const LONG = 180_000;

async function selectOne(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    const { rows } = await client.query<{ one: number }>('SELECT 1 AS one');
    return rows[0]?.one ?? 0;
  } finally {
    await client.end();
  }
}

async function withRedis<T>(url: string, fn: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  await redis.connect();
  try {
    return await fn(redis);
  } finally {
    redis.disconnect();
  }
}

describe('ensureServices with CONCILIAMO_SERVICES=local', () => {
  let rootDir = '';
  const lines: string[] = [];
  const log = (line: string) => lines.push(line);
  const saved = { mode: process.env.CONCILIAMO_SERVICES };
  let first: ServicesHandle | undefined;
  let second: ServicesHandle | undefined;

  beforeAll(() => {
    process.env.CONCILIAMO_SERVICES = 'local';
    rootDir = mkdtempSync(path.join(os.tmpdir(), 'conciliamo-services-'));
    // mkdtemp makes the directory 0700; the postgres system user must be able to enter it.
    chmodSync(rootDir, 0o755);
  });

  afterAll(async () => {
    // Whatever happened above, leave no server behind.
    await second?.stop().catch(() => undefined);
    await first?.stop().catch(() => undefined);
    if (saved.mode === undefined) delete process.env.CONCILIAMO_SERVICES;
    else process.env.CONCILIAMO_SERVICES = saved.mode;
    rmSync(rootDir, { recursive: true, force: true });
  }, LONG);

  it(
    'starts project-local PostgreSQL and Redis that answer',
    async () => {
      first = await ensureServices({ purpose: 'test', rootDir, log });
      expect(first.started).toEqual(['postgres', 'redis']);
      expect(first.postgres.source).toBe('local');
      expect(first.redis.source).toBe('local');

      const dbUrl = new URL(first.databaseUrl);
      expect(dbUrl.hostname).toBe('127.0.0.1');
      expect(Number(dbUrl.port)).toBeGreaterThanOrEqual(LOCAL_POSTGRES_FIRST_PORT);
      expect(dbUrl.pathname).toBe('/conciliamo_test');
      expect(Number(new URL(first.redisUrl).port)).toBeGreaterThanOrEqual(LOCAL_REDIS_FIRST_PORT);

      expect(await selectOne(first.databaseUrl)).toBe(1);
      await withRedis(first.redisUrl, async (redis) => {
        expect(await redis.ping()).toBe('PONG');
        expect(await redis.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
        expect(await redis.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
      });

      // Data lives in the checkout, the cluster belongs to the postgres user (root cannot run it).
      expect(existsSync(path.join(rootDir, '.data/postgres/PG_VERSION'))).toBe(true);
      expect(existsSync(path.join(rootDir, '.data/redis/redis.pid'))).toBe(true);
      const state = JSON.parse(readFileSync(path.join(rootDir, '.data/services.json'), 'utf8'));
      expect(state.postgres.port).toBe(first.postgres.port);
      expect(state.redis.port).toBe(first.redis.port);
      if (process.getuid?.() === 0) expect(state.postgres.runAs).toBe('postgres');
      expect(pidAlive(first.postgres.pid)).toBe(true);
      expect(pidAlive(first.redis.pid)).toBe(true);
    },
    LONG,
  );

  it(
    'starts nothing the second time and reuses the same servers',
    async () => {
      if (!first) throw new Error('the first call did not complete');
      second = await ensureServices({ purpose: 'app', rootDir, log });
      expect(second.started).toEqual([]);
      expect(second.postgres.port).toBe(first.postgres.port);
      expect(second.postgres.pid).toBe(first.postgres.pid);
      expect(second.redis.port).toBe(first.redis.port);
      expect(second.redis.pid).toBe(first.redis.pid);
      // The app's database was created on the same server.
      expect(new URL(second.databaseUrl).pathname).toBe('/conciliamo');
      expect(await selectOne(second.databaseUrl)).toBe(1);
      expect(lines.some((l) => l.includes('reusing the project-local server'))).toBe(true);
    },
    LONG,
  );

  it(
    'keeps the servers up while another run uses them; the last one out stops them',
    async () => {
      if (!first || !second) throw new Error('the earlier calls did not complete');
      const pgPort = first.postgres.port ?? 0;
      const redisPort = first.redis.port ?? 0;

      await first.stop();
      expect(await isListening(pgPort)).toBe(true);
      expect(await isListening(redisPort)).toBe(true);
      expect(lines.some((l) => l.includes('leaving project-local PostgreSQL running'))).toBe(true);
      expect(await selectOne(second.databaseUrl)).toBe(1);

      await second.stop();
      expect(await waitFor(async () => !(await isListening(pgPort)), { timeoutMs: 10_000 })).toBe(true);
      expect(await waitFor(async () => !(await isListening(redisPort)), { timeoutMs: 10_000 })).toBe(true);
      expect(pidAlive(first.postgres.pid)).toBe(false);
      expect(pidAlive(first.redis.pid)).toBe(false);
    },
    LONG,
  );

  it(
    'restarts the stopped cluster with its data; stop() stops what it started',
    async () => {
      const third = await ensureServices({ purpose: 'test', rootDir, log });
      expect(third.started).toEqual(['postgres', 'redis']);
      // The existing cluster is started again, not created anew.
      expect(lines.filter((l) => l.includes('creating a project-local PostgreSQL cluster'))).toHaveLength(1);
      expect(await selectOne(third.databaseUrl)).toBe(1);
      const pgPort = third.postgres.port ?? 0;
      const redisPort = third.redis.port ?? 0;

      await third.stop();
      expect(await isListening(pgPort)).toBe(false);
      expect(await isListening(redisPort)).toBe(false);
      expect(pidAlive(third.postgres.pid)).toBe(false);
      expect(pidAlive(third.redis.pid)).toBe(false);
    },
    LONG,
  );

  it(
    'leaves servers started by `services start` (release) running until `services stop`',
    async () => {
      const cli = await ensureServices({ purpose: 'app', rootDir, log });
      expect(cli.started).toEqual(['postgres', 'redis']);
      await cli.release();

      const user = await ensureServices({ purpose: 'app', rootDir, log });
      expect(user.started).toEqual([]);
      await user.stop();
      expect(await isListening(cli.postgres.port ?? 0)).toBe(true);
      expect(await isListening(cli.redis.port ?? 0)).toBe(true);

      const stopped = await stopLocalServices({ rootDir, log: { info: log, warn: log, error: log } });
      expect(stopped.sort()).toEqual(['postgres', 'redis']);
      expect(await isListening(cli.postgres.port ?? 0)).toBe(false);
      expect(await isListening(cli.redis.port ?? 0)).toBe(false);
    },
    LONG,
  );
});
