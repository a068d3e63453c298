import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { queueEmail } from '~/domain/mail/mail.server';
import type { HealthReport } from '~/domain/health/health.server';
import { loader as healthz } from '~/routes/healthz';
import { disconnectDb } from '~/utils/db.server';
import { resetEnvForTests } from '~/utils/env.server';
import { disconnectRedis } from '~/utils/redis.server';
import { getDb, useTestDatabase } from '../setup/database';

// /healthz: 200 "ok" when all is well, 200 "degraded" without Redis (pages still work), 503
// "down" without the database, and always within about a second.

const ctx = useTestDatabase();

async function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Accepts connections and never answers: a hung service. */
const silentSockets = new Set<net.Socket>();
const silentServer = net.createServer((socket) => {
  silentSockets.add(socket);
  socket.on('close', () => silentSockets.delete(socket));
});
async function silentPort(): Promise<number> {
  if (!silentServer.listening) await new Promise<void>((resolve) => silentServer.listen(0, '127.0.0.1', resolve));
  return (silentServer.address() as net.AddressInfo).port;
}

async function check(): Promise<{ status: number; body: HealthReport; ms: number; cacheControl: string | null }> {
  const started = Date.now();
  const response = await healthz();
  return {
    status: response.status,
    body: (await response.json()) as HealthReport,
    ms: Date.now() - started,
    cacheControl: response.headers.get('Cache-Control'),
  };
}

let testRedisUrl = '';

async function pointAt(env: { DATABASE_URL?: string; REDIS_URL?: string }) {
  await disconnectDb();
  await disconnectRedis();
  if (env.DATABASE_URL) process.env.DATABASE_URL = env.DATABASE_URL;
  if (env.REDIS_URL) process.env.REDIS_URL = env.REDIS_URL;
  resetEnvForTests();
}

beforeAll(() => {
  testRedisUrl = process.env.REDIS_URL!;
});

afterEach(async () => {
  await pointAt({ DATABASE_URL: ctx.databaseUrl, REDIS_URL: testRedisUrl });
});

afterAll(async () => {
  await disconnectRedis();
  for (const socket of silentSockets) socket.destroy();
  await new Promise<void>((resolve) => (silentServer.listening ? silentServer.close(() => resolve()) : resolve()));
});

describe('/healthz', () => {
  it('is ok with database and Redis up, and reports the outbox', async () => {
    const { status, body, cacheControl } = await check();
    expect(status).toBe(200);
    expect(cacheControl).toBe('no-store');
    expect(body.status).toBe('ok');
    expect(body.checks.database).toEqual({ ok: true, latencyMs: expect.any(Number) });
    expect(body.checks.redis).toEqual({ ok: true, latencyMs: expect.any(Number) });
    expect(body.checks.outbox).toEqual({ pending: 0, oldestPendingAgeSeconds: null });
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('reports the number and age of undispatched outbox events', async () => {
    const { id } = await getDb().$transaction((tx) =>
      queueEmail(tx, { to: 'salute@example.it', subject: 'x', text: 'x', dedupeKey: 'health:1' }),
    );
    await getDb().outboxEvent.updateMany({
      where: { payload: { path: ['mailMessageId'], equals: id } },
      data: { createdAt: new Date(Date.now() - 120_000) },
    });
    const { body } = await check();
    expect(body.checks.outbox.pending).toBe(1);
    expect(body.checks.outbox.oldestPendingAgeSeconds).toBeGreaterThanOrEqual(119);
    expect(body.checks.outbox.oldestPendingAgeSeconds).toBeLessThan(200);
    expect(JSON.stringify(body)).not.toContain('salute@example.it');
  });

  it('is degraded but still 200 when Redis is unreachable', async () => {
    await pointAt({ REDIS_URL: `redis://127.0.0.1:${await closedPort()}` });
    const { status, body, ms } = await check();
    expect(status).toBe(200);
    expect(body.status).toBe('degraded');
    expect(body.checks.database.ok).toBe(true);
    expect(body.checks.redis).toMatchObject({ ok: false, error: 'unreachable' });
    expect(ms).toBeLessThan(2_000);
  });

  it('is down with 503 when the database is unreachable', async () => {
    await pointAt({ DATABASE_URL: `postgresql://postgres@127.0.0.1:${await closedPort()}/conciliamo` });
    const { status, body, ms } = await check();
    expect(status).toBe(503);
    expect(body.status).toBe('down');
    expect(body.checks.database).toMatchObject({ ok: false, error: 'unreachable' });
    expect(body.checks.redis.ok).toBe(true);
    expect(body.checks.outbox).toEqual({ pending: null, oldestPendingAgeSeconds: null });
    expect(ms).toBeLessThan(2_000);
  });

  it('does not hang when the database accepts connections but never answers', async () => {
    await pointAt({ DATABASE_URL: `postgresql://postgres@127.0.0.1:${await silentPort()}/conciliamo` });
    const { status, body, ms } = await check();
    expect(status).toBe(503);
    expect(body.checks.database).toMatchObject({ ok: false, error: 'timeout' });
    expect(ms).toBeLessThan(2_000);
  });
});
