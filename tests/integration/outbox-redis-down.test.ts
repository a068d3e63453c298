import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueEmail } from '~/domain/mail/mail.server';
import type { MailTransport } from '~/domain/mail/transport.server';
import { dispatchOutboxBatch } from '~/domain/outbox/dispatcher.server';
import { outboxJobId } from '~/domain/outbox/outbox.fns';
import { closeQueues, createProducerConnection, createQueues } from '~/jobs/queues.server';
import { resetEnvForTests } from '~/utils/env.server';
import { startWorkers, type RunningWorkers } from '../../workers/index';
import { getDb, useTestDatabase } from '../setup/database';

// The outbox promise: with Redis down nothing is lost and nothing throws; once Redis is back
// every e-mail is sent, exactly once. Uses a private redis-server on a free port (the system
// Redis is never stopped).

useTestDatabase();

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitFor<T>(check: () => Promise<T | null | undefined | false>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

class PrivateRedis {
  private process: ChildProcess | null = null;
  private readonly dir = mkdtempSync(path.join(tmpdir(), 'conciliamo-redis-'));
  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const child = spawn(
      '/usr/bin/redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir, '--maxmemory-policy', 'noeviction'],
      { stdio: 'ignore' },
    );
    this.process = child;
    await waitFor(async () => {
      const probe = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      probe.on('error', () => undefined);
      try {
        await probe.connect();
        return (await probe.ping()) === 'PONG';
      } catch {
        return false;
      } finally {
        probe.disconnect();
      }
    }, 'the private redis-server to answer', 10_000);
  }

  async stop(): Promise<void> {
    const child = this.process;
    this.process = null;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }

  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const sent: string[] = [];
const recordingTransport: MailTransport = {
  name: 'recording',
  async send(mail) {
    sent.push(mail.id);
    return { messageId: `<${mail.id}@test>` };
  },
  close() {},
};

async function queueTestEmail(key: string): Promise<string> {
  const { id } = await getDb().$transaction((tx) =>
    queueEmail(tx, { to: `Lavoratore.${key}@example.it`, subject: `Prova ${key}`, text: 'Testo', dedupeKey: `test:${key}` }),
  );
  return id;
}

async function outboxRowFor(mailMessageId: string) {
  const rows = await getDb().outboxEvent.findMany({ where: { payload: { path: ['mailMessageId'], equals: mailMessageId } } });
  expect(rows).toHaveLength(1);
  return rows[0]!;
}

let redis: PrivateRedis;
let workers: RunningWorkers | undefined;

beforeAll(async () => {
  redis = new PrivateRedis(await freePort());
  process.env.REDIS_URL = redis.url;
  resetEnvForTests();
});

afterAll(async () => {
  await workers?.stop();
  await redis.destroy();
});

describe('outbox with Redis down', () => {
  let firstMailId = '';

  it('leaves the row PENDING, sends nothing and does not throw', async () => {
    // Redis has never been up: the queue's connection waits for "ready", so the add times out.
    const connection = createProducerConnection();
    const queues = createQueues(connection);
    try {
      firstMailId = await queueTestEmail('first');
      const result = await dispatchOutboxBatch({ db: getDb(), queues, addTimeoutMs: 300 });
      expect(result).toMatchObject({ claimed: 1, dispatched: 0, deferred: 1, failed: 0 });
      expect(result.redisError).toMatch(/Redis/);

      const row = await outboxRowFor(firstMailId);
      expect(row.status).toBe('PENDING');
      expect(row.attempts).toBe(1);
      expect(row.lastError).toMatch(/Redis did not answer/);
      expect(row.availableAt.getTime()).toBeGreaterThan(Date.now());

      // Backed off: an immediate second run does not claim it again.
      expect(await dispatchOutboxBatch({ db: getDb(), queues, addTimeoutMs: 300 })).toMatchObject({ claimed: 0 });
      const mail = await getDb().mailMessage.findUniqueOrThrow({ where: { id: firstMailId } });
      expect(mail.status).toBe('PENDING');
      expect(sent).toEqual([]);
    } finally {
      await closeQueues(queues);
      connection.disconnect();
    }
  });

  it('starts the workers while Redis is down, then delivers once it is back', async () => {
    workers = await startWorkers({ transport: recordingTransport, dispatchIntervalMs: 100, scheduleRepeatableJobs: false });
    await new Promise((r) => setTimeout(r, 500));
    expect(sent).toEqual([]);

    await redis.start();
    await waitFor(
      async () => (await getDb().mailMessage.findUniqueOrThrow({ where: { id: firstMailId } })).status === 'SENT',
      'the first e-mail to be sent',
    );
    expect(sent).toEqual([firstMailId]);
    const row = await outboxRowFor(firstMailId);
    expect(row.status).toBe('DISPATCHED');
    expect(row.dispatchedAt).not.toBeNull();
  });

  it('keeps new work in the outbox while Redis drops, and sends it exactly once when it returns', async () => {
    await redis.stop();
    const secondMailId = await queueTestEmail('second');
    const pending = await waitFor(async () => {
      const row = await outboxRowFor(secondMailId);
      return row.attempts >= 1 ? row : null;
    }, 'a failed dispatch attempt');
    expect(pending.status).toBe('PENDING');
    expect(pending.lastError).toMatch(/Redis/);
    expect((await getDb().mailMessage.findUniqueOrThrow({ where: { id: secondMailId } })).status).toBe('PENDING');
    expect(sent).toEqual([firstMailId]);

    await redis.start();
    const mail = await waitFor(async () => {
      const m = await getDb().mailMessage.findUniqueOrThrow({ where: { id: secondMailId } });
      return m.status === 'SENT' ? m : null;
    }, 'the second e-mail to be sent');
    expect(mail.transport).toBe('recording');
    expect(mail.attempts).toBe(1);
    await new Promise((r) => setTimeout(r, 500));
    expect(sent).toEqual([firstMailId, secondMailId]);
    expect((await outboxRowFor(secondMailId)).status).toBe('DISPATCHED');
  });

  it('does not run a job twice when a row is dispatched again (crash between add and commit)', async () => {
    const thirdMailId = await queueTestEmail('third');
    await waitFor(
      async () => (await getDb().mailMessage.findUniqueOrThrow({ where: { id: thirdMailId } })).status === 'SENT',
      'the third e-mail to be sent',
    );
    const row = await outboxRowFor(thirdMailId);
    const mailQueue = workers!.queues.get('mail')!;
    const job = await mailQueue.getJob(outboxJobId(row.id));
    expect(await job?.getState()).toBe('completed');
    const completedBefore = await mailQueue.getCompletedCount();

    // As if the commit after the add had been lost: the row is PENDING again and gets re-added.
    await getDb().outboxEvent.update({ where: { id: row.id }, data: { status: 'PENDING', dispatchedAt: null, availableAt: new Date() } });
    await waitFor(async () => (await outboxRowFor(thirdMailId)).status === 'DISPATCHED', 'the row to be dispatched again');
    await new Promise((r) => setTimeout(r, 500));

    expect(await mailQueue.getCompletedCount()).toBe(completedBefore);
    expect(await (await mailQueue.getJob(outboxJobId(row.id)))?.getState()).toBe('completed');
    expect(sent.filter((id) => id === thirdMailId)).toHaveLength(1);
  });
});
