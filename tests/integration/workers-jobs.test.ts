import { Queue, QueueEvents, UnrecoverableError } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import type { MailTransport } from '~/domain/mail/transport.server';
import { dispatchOutboxBatch } from '~/domain/outbox/dispatcher.server';
import { enqueueJob, enqueueOutbox } from '~/domain/outbox/outbox.server';
import { runJob, type JobContext, type JobHandle } from '~/jobs/processors.server';
import { queuePrefix } from '~/jobs/queues.server';
import { jobs } from '~/jobs/registry';
import { logger } from '~/utils/logger.server';
import { startWorkers, type RunningWorkers } from '../../workers/index';
import { getDb, useTestDatabase } from '../setup/database';

// Jobs that can never succeed fail at once and visibly; maintenance jobs delete only what they
// should; the workers schedule the repeatable jobs.

useTestDatabase();

const transport: MailTransport = {
  name: 'recording',
  async send(mail) {
    return { messageId: `<${mail.id}@test>` };
  },
  close() {},
};

function handle(queueName: string, name: string, data: unknown): JobHandle {
  return { id: 'test', queueName, name, data, attemptsMade: 0, opts: { attempts: 5 }, updateProgress: async () => undefined };
}

function context(): JobContext {
  return { db: getDb(), transport, logger };
}

async function waitFor<T>(check: () => Promise<T | null | undefined | false>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

let workers: RunningWorkers | undefined;
afterAll(async () => {
  await workers?.stop();
});

describe('bad payloads and unknown jobs', () => {
  it('rejects a bad payload or an unknown job with UnrecoverableError', async () => {
    for (const data of [{ mailMessageId: 'not-a-uuid' }, {}, null, { mailMessageId: '4f1c2b1e-7a59-4c3e-9d61-2a6f0b1c9e01', to: 'x@y.it' }]) {
      const error = await runJob(handle('mail', 'send-email', data), context()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnrecoverableError);
      expect((error as Error).message).toMatch(/Invalid payload for mail:send-email/);
    }
    await expect(runJob(handle('mail', 'no-such-job', {}), context())).rejects.toThrow(UnrecoverableError);
    await expect(runJob(handle('nope', 'send-email', {}), context())).rejects.toThrow(/Unknown job "nope:send-email"/);
  });

  it('fails a bad job in BullMQ once, without retries', async () => {
    workers = await startWorkers({ transport, dispatchIntervalMs: 100 });
    const connection = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: null });
    const queue = new Queue('mail', { connection, prefix: queuePrefix() });
    const events = new QueueEvents('mail', { connection: connection.duplicate(), prefix: queuePrefix() });
    try {
      await events.waitUntilReady();
      const job = await queue.add('send-email', { mailMessageId: 42 }, { ...jobs.sendEmail.options, jobId: 'bad-payload' });
      await expect(job.waitUntilFinished(events, 10_000)).rejects.toThrow(/Invalid payload/);
      const failed = await queue.getJob('bad-payload');
      expect(await failed?.getState()).toBe('failed');
      expect(failed?.attemptsMade).toBe(1);
    } finally {
      await events.close();
      await queue.close();
      connection.disconnect();
    }
  });

  it('marks outbox rows for unknown jobs or with invalid payloads FAILED, once', async () => {
    await workers?.stop();
    workers = undefined;
    const db = getDb();
    const unknownJob = await enqueueOutbox(db, { queue: 'mail', jobName: 'no-such-job', payload: {} });
    const unknownQueue = await enqueueOutbox(db, { queue: 'nope', jobName: 'send-email', payload: {} });
    const badPayload = await enqueueOutbox(db, { queue: 'mail', jobName: 'send-email', payload: { mailMessageId: 7 } });
    const queues = new Map([['mail', { add: async () => ({}) }]]);

    expect(await dispatchOutboxBatch({ db, queues })).toMatchObject({ claimed: 3, dispatched: 0, deferred: 0, failed: 3 });
    const rows = await db.outboxEvent.findMany({ orderBy: { id: 'asc' }, where: { id: { in: [unknownJob.id, unknownQueue.id, badPayload.id] } } });
    expect(rows.map((r) => r.status)).toEqual(['FAILED', 'FAILED', 'FAILED']);
    expect(rows[0]!.lastError).toMatch(/Unknown job "mail:no-such-job"/);
    expect(rows[1]!.lastError).toMatch(/Unknown job "nope:send-email"/);
    expect(rows[2]!.lastError).toMatch(/Invalid payload for mail:send-email: mailMessageId/);
    expect(rows.every((r) => r.attempts === 1)).toBe(true);

    // No infinite retries: FAILED rows are not claimed again.
    expect(await dispatchOutboxBatch({ db, queues })).toMatchObject({ claimed: 0 });
  });

  it('refuses to enqueue a declared job with a bad payload, writing nothing', async () => {
    const before = await getDb().outboxEvent.count();
    await expect(
      getDb().$transaction((tx) => enqueueJob(tx, jobs.sendEmail, { mailMessageId: 'nope' })),
    ).rejects.toBeInstanceOf(ZodError);
    expect(await getDb().outboxEvent.count()).toBe(before);
  });

  it('dispatches a due row with jobId outbox-<id> and the declared options', async () => {
    const added: Array<{ name: string; data: unknown; opts: unknown }> = [];
    const queues = new Map([['mail', { add: async (name: string, data: unknown, opts: unknown) => added.push({ name, data, opts }) }]]);
    const mailMessageId = '0b8f0c6e-8a8e-4a52-9a57-5d3f4d0b6a11';
    const later = await enqueueJob(getDb(), jobs.sendEmail, { mailMessageId }, { availableAt: new Date(Date.now() + 60_000) });
    const now = await enqueueJob(getDb(), jobs.sendEmail, { mailMessageId });

    expect(await dispatchOutboxBatch({ db: getDb(), queues })).toMatchObject({ claimed: 1, dispatched: 1 });
    expect(added).toEqual([
      { name: 'send-email', data: { mailMessageId }, opts: { ...jobs.sendEmail.options, jobId: `outbox-${now.id}` } },
    ]);
    expect((await getDb().outboxEvent.findUniqueOrThrow({ where: { id: now.id } })).status).toBe('DISPATCHED');
    expect((await getDb().outboxEvent.findUniqueOrThrow({ where: { id: later.id } })).status).toBe('PENDING');
  });
});

describe('maintenance jobs', () => {
  const hour = 60 * 60 * 1000;

  it('purges expired sessions and spent tokens, keeping the rest', async () => {
    const db = getDb();
    const user = await db.user.create({ data: { email: 'maint@example.it', givenName: 'Test', familyName: 'Utente' } });
    const now = Date.now();
    await db.session.createMany({
      data: [
        { id: 'expired', userId: user.id, expiresAt: new Date(now - hour) },
        { id: 'valid', userId: user.id, expiresAt: new Date(now + hour) },
      ],
    });
    await db.userToken.createMany({
      data: [
        { userId: user.id, purpose: 'PASSWORD_RESET', tokenHash: 'used-long-ago', expiresAt: new Date(now + hour), usedAt: new Date(now - 25 * hour) },
        { userId: user.id, purpose: 'PASSWORD_RESET', tokenHash: 'expired-long-ago', expiresAt: new Date(now - 25 * hour) },
        { userId: user.id, purpose: 'PASSWORD_RESET', tokenHash: 'used-just-now', expiresAt: new Date(now + hour), usedAt: new Date(now - 60_000) },
        { userId: user.id, purpose: 'INVITATION', tokenHash: 'fresh', expiresAt: new Date(now + 48 * hour) },
      ],
    });

    await runJob(handle('maintenance', 'purge-expired-sessions', {}), context());
    expect((await db.session.findMany()).map((s) => s.id)).toEqual(['valid']);
    expect((await db.userToken.findMany({ orderBy: { tokenHash: 'asc' } })).map((t) => t.tokenHash)).toEqual(['fresh', 'used-just-now']);

    // Idempotent.
    await runJob(handle('maintenance', 'purge-expired-sessions', {}), context());
    expect(await db.session.count()).toBe(1);
  });

  it('purges outbox rows dispatched more than a week ago only', async () => {
    const db = getDb();
    await db.outboxEvent.deleteMany();
    const day = 24 * hour;
    const old = await db.outboxEvent.create({
      data: { queue: 'mail', jobName: 'send-email', payload: {}, status: 'DISPATCHED', dispatchedAt: new Date(Date.now() - 8 * day) },
    });
    const recent = await db.outboxEvent.create({
      data: { queue: 'mail', jobName: 'send-email', payload: {}, status: 'DISPATCHED', dispatchedAt: new Date(Date.now() - day) },
    });
    const oldPending = await db.outboxEvent.create({
      data: { queue: 'mail', jobName: 'send-email', payload: {}, createdAt: new Date(Date.now() - 30 * day) },
    });
    const oldFailed = await db.outboxEvent.create({
      data: { queue: 'mail', jobName: 'x', payload: {}, status: 'FAILED', createdAt: new Date(Date.now() - 30 * day) },
    });

    await runJob(handle('maintenance', 'purge-dispatched-outbox', {}), context());
    const left = (await db.outboxEvent.findMany({ orderBy: { id: 'asc' } })).map((r) => r.id);
    expect(left).toEqual([recent.id, oldPending.id, oldFailed.id]);
    expect(left).not.toContain(old.id);
  });

  it('schedules both repeatable jobs when the workers start, once however often they start', async () => {
    // Two processes' worth, sharing this test's client (an injected client is not disconnected).
    const first = await startWorkers({ db: getDb(), transport, dispatchIntervalMs: 100 });
    const second = await startWorkers({ db: getDb(), transport, dispatchIntervalMs: 100 });
    try {
      const maintenance = first.queues.get('maintenance')!;
      const schedulers = await waitFor(async () => {
        const list = await maintenance.getJobSchedulers();
        return list.length >= 2 ? list : null;
      }, 'the job schedulers');
      await new Promise((r) => setTimeout(r, 300));
      const again = await maintenance.getJobSchedulers();
      expect(again).toHaveLength(2);
      expect(schedulers.map((s) => [s.key, s.pattern]).sort()).toEqual([
        ['purge-dispatched-outbox', '23 3 * * *'],
        ['purge-expired-sessions', '7 * * * *'],
      ]);
      expect(schedulers.every((s) => s.tz === 'Europe/Rome')).toBe(true);
    } finally {
      await second.stop();
      await first.stop();
    }
  });
});
