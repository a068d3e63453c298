import type { AddressInfo } from 'node:net';
import { UnrecoverableError } from 'bullmq';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueEmail } from '~/domain/mail/mail.server';
import { renderEmail } from '~/domain/mail/templates';
import { createMailTransport } from '~/domain/mail/transport.server';
import { REDACTED_BODY } from '~/domain/mail/send.server';
import { runJob, type JobContext, type JobHandle } from '~/jobs/processors.server';
import { jobs } from '~/jobs/registry';
import { logger } from '~/utils/logger.server';
import { getEnv, resetEnvForTests } from '~/utils/env.server';
import { startWorkers, type RunningWorkers } from '../../workers/index';
import { getDb, useTestDatabase } from '../setup/database';

// The SMTP path against a local fake server: each e-mail arrives once, retries never resend,
// failures are recorded without addresses and end in FAILED after the last attempt.

useTestDatabase();

interface Received {
  to: string[];
  raw: string;
}

const received: Received[] = [];
const rejectRecipients = new Set<string>();

const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  onRcptTo(address, _session, callback) {
    if (rejectRecipients.has(address.address)) {
      const error = Object.assign(new Error(`Mailbox unavailable: ${address.address}`), { responseCode: 550 });
      return callback(error);
    }
    callback();
  },
  onData(stream, session, callback) {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
      callback();
    });
  },
});

async function waitFor<T>(check: () => Promise<T | null | undefined | false>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function sendJob(mailMessageId: string, attemptsMade: number): JobHandle {
  return {
    id: `test-${mailMessageId}-${attemptsMade}`,
    queueName: jobs.sendEmail.queue,
    name: jobs.sendEmail.name,
    data: { mailMessageId },
    attemptsMade,
    opts: { attempts: jobs.sendEmail.options.attempts },
    updateProgress: async () => undefined,
  };
}

function context(): JobContext {
  return { db: getDb(), transport: createMailTransport(), logger };
}

async function queue(to: string, key: string, subject = 'Reimposta la password') {
  const content = renderEmail({
    locale: 'it',
    subject,
    paragraphs: ['Hai chiesto di reimpostare la password.'],
    action: { label: 'Scegli una nuova password', url: 'http://localhost:3000/reimposta-password/abc' },
  });
  return getDb().$transaction((tx) => queueEmail(tx, { to, dedupeKey: key, ...content }));
}

let workers: RunningWorkers | undefined;

beforeAll(async () => {
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const { port } = smtp.server.address() as AddressInfo;
  process.env.SMTP_URL = `smtp://127.0.0.1:${port}`;
  resetEnvForTests();
});

afterAll(async () => {
  await workers?.stop();
  delete process.env.SMTP_URL;
  resetEnvForTests();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

describe('mail over SMTP', () => {
  it('delivers a queued e-mail once, with its subject, and marks it SENT', async () => {
    workers = await startWorkers({ dispatchIntervalMs: 100, scheduleRepeatableJobs: false });
    const { id } = await queue('Anna.Verdi@Example.it', 'smtp:first');

    const mail = await waitFor(async () => {
      const m = await getDb().mailMessage.findUniqueOrThrow({ where: { id } });
      return m.status === 'SENT' ? m : null;
    }, 'the e-mail to be sent');
    expect(mail.transport).toBe('smtp');
    const host = new URL(getEnv().APP_URL).hostname;
    expect(mail.messageId).toBe(`<${id}@${host}>`);
    expect(mail.sentAt).not.toBeNull();
    expect(mail.attempts).toBe(1);

    expect(received).toHaveLength(1);
    expect(received[0]!.to).toEqual(['anna.verdi@example.it']);
    expect(received[0]!.raw).toMatch(/^Subject: Reimposta la password\r?$/m);
    expect(received[0]!.raw).toContain(`Message-ID: <${id}@${host}>`);
    expect(received[0]!.raw).toContain('http://localhost:3000/reimposta-password/abc');
  });

  it('removes a single-use link from the stored body once the e-mail is delivered', async () => {
    workers ??= await startWorkers({ dispatchIntervalMs: 100, scheduleRepeatableJobs: false });
    const before = received.length;
    const { id } = await queue('marco.neri@example.it', 'password-reset:00000000-0000-4000-8000-000000000001');
    const mail = await waitFor(async () => {
      const m = await getDb().mailMessage.findUniqueOrThrow({ where: { id } });
      return m.status === 'SENT' ? m : null;
    }, 'the reset e-mail to be sent');
    expect(received.length).toBe(before + 1);
    expect(received.at(-1)!.raw).toContain('/reimposta-password/abc');
    expect(mail.textBody).toBe(REDACTED_BODY);
    expect(mail.htmlBody).toBeNull();
  });

  it('does not send again when the job is retried after success', async () => {
    const before = received.length;
    const { id } = await getDb().mailMessage.findUniqueOrThrow({ where: { dedupeKey: 'smtp:first' } });
    await runJob(sendJob(id, 1), context());
    await runJob(sendJob(id, 2), context());
    expect(received).toHaveLength(before);
    expect((await getDb().mailMessage.findUniqueOrThrow({ where: { id } })).attempts).toBe(1);
  });

  it('sends once when two runs of the same job race', async () => {
    await workers?.stop();
    workers = undefined;
    const before = received.length;
    const { id } = await queue('race@example.it', 'smtp:race');
    await Promise.all([runJob(sendJob(id, 0), context()), runJob(sendJob(id, 0), context())]);
    expect(received).toHaveLength(before + 1);
    expect((await getDb().mailMessage.findUniqueOrThrow({ where: { id } })).status).toBe('SENT');
  });

  it('records a refused delivery without the address, retries, and marks FAILED after the last attempt', async () => {
    rejectRecipients.add('nobody@example.it');
    const { id } = await queue('nobody@example.it', 'smtp:refused');
    const maxAttempts = jobs.sendEmail.options.attempts!;

    const first = await runJob(sendJob(id, 0), context()).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(Error);
    expect(first).not.toBeInstanceOf(UnrecoverableError);
    expect((first as Error).message).not.toContain('nobody@example.it');
    let mail = await getDb().mailMessage.findUniqueOrThrow({ where: { id } });
    expect(mail.status).toBe('PENDING');
    expect(mail.attempts).toBe(1);
    expect(mail.lastError).toMatch(/550/);
    expect(mail.lastError).not.toContain('nobody@example.it');

    await expect(runJob(sendJob(id, maxAttempts - 1), context())).rejects.toThrow(/Sending failed/);
    mail = await getDb().mailMessage.findUniqueOrThrow({ where: { id } });
    expect(mail.status).toBe('FAILED');
    expect(mail.attempts).toBe(2);
    expect(received.some((r) => r.to.includes('nobody@example.it'))).toBe(false);
  });

  it('gives up at once on a message that does not exist', async () => {
    await expect(runJob(sendJob('4f1c2b1e-7a59-4c3e-9d61-2a6f0b1c9e01', 0), context())).rejects.toBeInstanceOf(UnrecoverableError);
  });
});
