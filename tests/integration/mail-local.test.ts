import type { LoaderFunctionArgs } from '@remix-run/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { queueEmail } from '~/domain/mail/mail.server';
import { renderEmail } from '~/domain/mail/templates';
import { loader as mailListLoader } from '~/routes/dev.mail._index';
import { loader as mailMessageLoader } from '~/routes/dev.mail.$id';
import { resetEnvForTests } from '~/utils/env.server';
import { startWorkers, type RunningWorkers } from '../../workers/index';
import { getDb, useTestDatabase } from '../setup/database';

// Without SMTP_URL the MailMessage row is the delivered mail (transport `local`), and a developer
// reads it at /dev/mail; in production that page does not exist.

useTestDatabase();

async function waitFor<T>(check: () => Promise<T | null | undefined | false>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function args(url: string, params: Record<string, string> = {}): LoaderFunctionArgs {
  return { request: new Request(url), params, context: {} };
}

async function thrownResponse(promise: Promise<unknown>): Promise<Response> {
  const thrown = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(thrown).toBeInstanceOf(Response);
  return thrown as Response;
}

const savedEnv = { ...process.env };
let workers: RunningWorkers | undefined;

beforeAll(() => {
  delete process.env.SMTP_URL;
  resetEnvForTests();
});

afterEach(() => {
  for (const key of ['NODE_ENV', 'SESSION_SECRET', 'APP_URL', 'SMTP_URL'] as const) {
    if (key === 'NODE_ENV') process.env.NODE_ENV = 'test';
    else if (savedEnv[key] === undefined) delete process.env[key];
    else process.env[key] = savedEnv[key];
  }
  delete process.env.SMTP_URL;
  resetEnvForTests();
});

afterAll(async () => {
  await workers?.stop();
});

describe('local mail outbox', () => {
  let mailId = '';
  let olderId = '';

  it('marks a queued e-mail SENT with transport local', async () => {
    workers = await startWorkers({ dispatchIntervalMs: 100, scheduleRepeatableJobs: false });
    olderId = (
      await getDb().$transaction((tx) =>
        queueEmail(tx, { to: 'primo@example.it', subject: 'Primo messaggio', text: 'Solo testo', dedupeKey: 'local:older' }),
      )
    ).id;
    // Distinct timestamps, so "newest first" has one right answer.
    await getDb().mailMessage.update({ where: { id: olderId }, data: { createdAt: new Date(Date.now() - 60_000) } });
    const content = renderEmail({
      locale: 'it',
      subject: 'Invito a Conciliamo',
      paragraphs: ['La tua azienda ti ha invitato.'],
      action: { label: 'Accetta l’invito', url: 'http://localhost:3000/invito/tok123' },
    });
    mailId = (await getDb().$transaction((tx) => queueEmail(tx, { to: 'Nuovo.Dipendente@Example.it', dedupeKey: 'local:invite', ...content }))).id;

    const mail = await waitFor(async () => {
      const m = await getDb().mailMessage.findUniqueOrThrow({ where: { id: mailId } });
      return m.status === 'SENT' ? m : null;
    }, 'the e-mail to reach the local outbox');
    expect(mail.transport).toBe('local');
    expect(mail.messageId).toMatch(new RegExp(`^<${mailId}@`));
    expect(mail.sentAt).not.toBeNull();
    await waitFor(async () => (await getDb().mailMessage.findUniqueOrThrow({ where: { id: olderId } })).status === 'SENT', 'the first e-mail');
  });

  it('queues an e-mail only once per dedupe key', async () => {
    const again = await getDb().$transaction((tx) =>
      queueEmail(tx, { to: 'nuovo.dipendente@example.it', subject: 'x', text: 'x', dedupeKey: 'local:invite' }),
    );
    expect(again).toEqual({ id: mailId, created: false });
    expect(await getDb().outboxEvent.count()).toBe(2);
  });

  it('lists the messages newest first at /dev/mail', async () => {
    const response = await mailListLoader();
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.total).toBe(2);
    expect(body.messages.map((m) => m.id)).toEqual([mailId, olderId]);
    expect(body.messages[0]).toMatchObject({
      to: 'nuovo.dipendente@example.it',
      subject: 'Invito a Conciliamo',
      status: 'SENT',
      transport: 'local',
    });
    expect(typeof body.messages[0]?.createdAt).toBe('string');
  });

  it('shows one message with headers, text and HTML at /dev/mail/:id', async () => {
    const response = await mailMessageLoader(args(`http://localhost/dev/mail/${mailId}`, { id: mailId }));
    const { mail } = await response.json();
    expect(mail).toMatchObject({ id: mailId, to: 'nuovo.dipendente@example.it', subject: 'Invito a Conciliamo', status: 'SENT' });
    expect(mail.from).toContain('@');
    expect(mail.text).toContain('http://localhost:3000/invito/tok123');
    expect(mail.html).toContain('href="http://localhost:3000/invito/tok123"');
  });

  it('answers 404 for an unknown or malformed id', async () => {
    const unknown = '9a0c1d2e-3f40-4b5c-8d6e-7f8091a2b3c4';
    expect((await thrownResponse(mailMessageLoader(args(`http://localhost/dev/mail/${unknown}`, { id: unknown })))).status).toBe(404);
    expect((await thrownResponse(mailMessageLoader(args('http://localhost/dev/mail/x', { id: 'x' })))).status).toBe(404);
  });

  it('does not exist in production', async () => {
    process.env.NODE_ENV = 'production';
    process.env.SESSION_SECRET = 'a-production-secret-of-at-least-32-characters';
    process.env.APP_URL = 'https://welfare.example.it';
    process.env.SMTP_URL = 'smtp://127.0.0.1:2525';
    resetEnvForTests();
    expect((await thrownResponse(mailListLoader())).status).toBe(404);
    expect((await thrownResponse(mailMessageLoader(args(`http://localhost/dev/mail/${mailId}`, { id: mailId })))).status).toBe(404);
  });
});
