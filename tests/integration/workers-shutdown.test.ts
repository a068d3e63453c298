import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { queueEmail } from '~/domain/mail/mail.server';
import type { MailTransport } from '~/domain/mail/transport.server';
import { startWorkers, type RunningWorkers } from '../../workers/index';
import { getDb, useTestDatabase } from '../setup/database';

// Graceful shutdown: stop() lets the running job finish before it resolves, and the workers
// process exits 0 on SIGTERM, 1 with a clear message on bad configuration or no database.

const ctx = useTestDatabase();

async function waitFor<T>(check: () => Promise<T | null | undefined | false>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

let workers: RunningWorkers | undefined;
afterAll(async () => {
  await workers?.stop();
});

describe('startWorkers().stop()', () => {
  it('resolves only after the running job has completed', async () => {
    const events: string[] = [];
    let sendStarted = false;
    const slowTransport: MailTransport = {
      name: 'slow',
      async send(mail) {
        sendStarted = true;
        events.push('send:start');
        await new Promise((r) => setTimeout(r, 1_000));
        events.push('send:end');
        return { messageId: `<${mail.id}@test>` };
      },
      close() {
        events.push('transport:closed');
      },
    };
    workers = await startWorkers({ transport: slowTransport, dispatchIntervalMs: 50, scheduleRepeatableJobs: false });
    const { id } = await getDb().$transaction((tx) =>
      queueEmail(tx, { to: 'lenta@example.it', subject: 'Lenta', text: 'Testo', dedupeKey: 'shutdown:slow' }),
    );
    await waitFor(async () => sendStarted, 'the job to start');

    const stopping = workers.stop();
    expect(workers.stop()).toBe(stopping);
    await stopping;
    events.push('stopped');
    workers = undefined;

    expect(events).toEqual(['send:start', 'send:end', 'transport:closed', 'stopped']);
    const mail = await getDb().mailMessage.findUniqueOrThrow({ where: { id } });
    expect(mail.status).toBe('SENT');
    expect(mail.transport).toBe('slow');
  });

  it('stops dispatching: work queued afterwards waits in the outbox', async () => {
    const { id } = await getDb().$transaction((tx) =>
      queueEmail(tx, { to: 'dopo@example.it', subject: 'Dopo', text: 'Testo', dedupeKey: 'shutdown:after' }),
    );
    await new Promise((r) => setTimeout(r, 500));
    expect((await getDb().mailMessage.findUniqueOrThrow({ where: { id } })).status).toBe('PENDING');
    expect(await getDb().outboxEvent.count({ where: { status: 'PENDING' } })).toBe(1);
  });
});

describe('the workers process', () => {
  const root = path.resolve(import.meta.dirname, '../..');

  function run(env: Record<string, string | undefined>, onOutput?: (text: string, child: ChildProcess) => void) {
    const child = spawn(process.execPath, ['--import', 'tsx', 'workers/index.ts'], {
      cwd: root,
      env: { NODE_ENV: 'test', PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      onOutput?.(output, child);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    return new Promise<{ code: number | null; output: string }>((resolve) => {
      // 'close', not 'exit': only then has all of stdout and stderr been read.
      child.on('close', (code) => resolve({ code, output }));
    });
  }

  it('exits 0 on SIGTERM after starting', async () => {
    let signalled = false;
    const result = await run(
      { NODE_ENV: 'test', DATABASE_URL: ctx.databaseUrl, REDIS_URL: process.env.REDIS_URL, REDIS_KEY_PREFIX: ctx.redisPrefix },
      (output, child) => {
        if (!signalled && output.includes('workers started')) {
          signalled = true;
          child.kill('SIGTERM');
        }
      },
    );
    expect(result.output).toContain('"service":"workers"');
    expect(result.output).toContain('workers stopped');
    expect(result.code).toBe(0);
  }, 60_000);

  it('exits 1 with a clear message when the configuration is invalid', async () => {
    const result = await run({ NODE_ENV: 'test', DATABASE_URL: 'mysql://nope', REDIS_URL: process.env.REDIS_URL });
    expect(result.code).toBe(1);
    expect(result.output).toContain('Invalid configuration');
    expect(result.output).toContain('DATABASE_URL must start with postgresql://');
  }, 60_000);

  it('exits 1 with a clear message when PostgreSQL is unreachable', async () => {
    const result = await run({
      NODE_ENV: 'test',
      DATABASE_URL: 'postgresql://postgres:secret-password@127.0.0.1:1/conciliamo',
      REDIS_URL: process.env.REDIS_URL,
      REDIS_KEY_PREFIX: ctx.redisPrefix,
    });
    expect(result.code).toBe(1);
    expect(result.output).toContain('PostgreSQL is not reachable at 127.0.0.1:1/conciliamo');
    expect(result.output).not.toContain('secret-password');
  }, 60_000);
});
