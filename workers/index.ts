// The workers process: `node --import tsx workers/index.ts`. Runs every queue's jobs, moves the
// outbox to BullMQ, schedules the repeatable jobs, and shuts down cleanly on SIGINT/SIGTERM.
import './process-name';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'bullmq';
import { createMailTransport, type MailTransport } from '~/domain/mail/transport.server';
import { dispatchOutboxBatch, DEFAULT_DISPATCH_LIMIT, type DispatchResult } from '~/domain/outbox/dispatcher.server';
import { nextDispatchDelayMs } from '~/domain/outbox/outbox.fns';
import { runJob, type JobContext } from '~/jobs/processors.server';
import { closeQueues, createProducerConnection, createQueues, queuePrefix, type QueueSet } from '~/jobs/queues.server';
import { checkRedisEvictionPolicy } from '~/jobs/redis-policy.server';
import { QUEUE_NAMES, QUEUES, scheduledJobs } from '~/jobs/registry';
import { sleep, withTimeout } from '~/jobs/with-timeout';
import { disconnectDb, getDb, type Db } from '~/utils/db.server';
import { EnvError, getEnv } from '~/utils/env.server';
import { logger as rootLogger, type Logger } from '~/utils/logger.server';
import { createRedis } from '~/utils/redis.server';

export interface StartWorkersOptions {
  /** Defaults to the process's client (getDb()), which stop() then disconnects. */
  db?: Db;
  /** Defaults to SMTP when SMTP_URL is set, else the local outbox. */
  transport?: MailTransport;
  logger?: Logger;
  /** Pause between dispatcher runs when the outbox is idle. */
  dispatchIntervalMs?: number;
  dispatchLimit?: number;
  /** Upsert the repeatable maintenance jobs (default true). */
  scheduleRepeatableJobs?: boolean;
  /** How long stop() lets running jobs finish before closing workers forcefully. */
  shutdownTimeoutMs?: number;
}

export interface RunningWorkers {
  queues: QueueSet;
  workers: Worker[];
  /** Stops the dispatcher, lets running jobs finish, closes queues and connections. Idempotent. */
  stop(): Promise<void>;
}

/** Startup cannot continue (e.g. the database is unreachable); the message says what to fix. */
export class WorkersStartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkersStartupError';
  }
}

const DISPATCH_ERROR_BACKOFF_MS = 5_000;
const SCHEDULE_RETRY_MS = 5_000;
const LOG_THROTTLE_MS = 30_000;

/** host:port/database, without user or password. */
export function describeDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`;
  } catch {
    return '(unparsable DATABASE_URL)';
  }
}

function throttled(intervalMs: number): () => boolean {
  let last = 0;
  return () => {
    const now = Date.now();
    if (now - last < intervalMs) return false;
    last = now;
    return true;
  };
}

export async function startWorkers(options: StartWorkersOptions = {}): Promise<RunningWorkers> {
  const env = getEnv();
  const log = options.logger ?? rootLogger;
  const ownsDb = options.db === undefined;
  const db = options.db ?? getDb();

  // Without the database there is nothing to do and nothing to record: refuse to start.
  try {
    await withTimeout(db.$queryRaw`SELECT 1`, 5_000, 'no answer within 5 s');
  } catch (error) {
    if (ownsDb) await disconnectDb().catch(() => undefined);
    throw new WorkersStartupError(
      `PostgreSQL is not reachable at ${describeDatabaseUrl(env.DATABASE_URL)} (${(error as Error).message}). Start it or fix DATABASE_URL.`,
    );
  }

  // Redis may be down: connections retry by themselves, and meanwhile work waits in the outbox.
  const workerConnection = createRedis('worker');
  const producerConnection = createProducerConnection();
  const queues = createQueues(producerConnection);
  const transport = options.transport ?? createMailTransport(env);
  const context: JobContext = { db, transport, logger: log };

  workerConnection.once('ready', () => {
    void checkRedisEvictionPolicy(workerConnection, log);
  });

  const workers = QUEUE_NAMES.map((queueName) => {
    const worker = new Worker(queueName, (job) => runJob(job, context), {
      connection: workerConnection,
      prefix: queuePrefix(),
      concurrency: QUEUES[queueName].concurrency,
    });
    const shouldLogError = throttled(LOG_THROTTLE_MS);
    worker.on('error', (error) => {
      if (shouldLogError()) log.warn({ queue: queueName, err: error.message }, 'worker error');
    });
    worker.on('failed', (job, error) => {
      const final = !job || error.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
      const fields = { queue: queueName, job: job?.name, jobId: job?.id, attemptsMade: job?.attemptsMade, err: error.message };
      if (final) log.error(fields, 'job failed for good');
      else log.warn(fields, 'job failed; it will be retried');
    });
    return worker;
  });

  const controller = new AbortController();
  const dispatcherDone = runDispatcherLoop({
    db,
    queues,
    log,
    signal: controller.signal,
    limit: options.dispatchLimit ?? DEFAULT_DISPATCH_LIMIT,
    intervalMs: options.dispatchIntervalMs ?? 500,
  });
  const schedulerDone =
    options.scheduleRepeatableJobs === false ? Promise.resolve() : scheduleRepeatable(queues, controller.signal, log);

  log.info({ queues: QUEUE_NAMES, transport: transport.name }, 'workers started');

  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? 30_000;
  async function shutdown(): Promise<void> {
    log.info('workers stopping');
    controller.abort();
    await Promise.allSettled([dispatcherDone, schedulerDone]);
    try {
      // close() waits for the jobs in progress to finish.
      await withTimeout(Promise.all(workers.map((w) => w.close())), shutdownTimeoutMs, `jobs still running after ${shutdownTimeoutMs} ms`);
    } catch (error) {
      log.warn({ err: (error as Error).message }, 'closing workers forcefully; unfinished jobs will run again later');
      await withTimeout(Promise.allSettled(workers.map((w) => w.close(true))), 5_000, 'forced close hung').catch(() => undefined);
    }
    await withTimeout(closeQueues(queues), 5_000, 'queues did not close').catch(() => undefined);
    // Everything using them is closed; nothing is left to flush.
    workerConnection.disconnect();
    producerConnection.disconnect();
    transport.close();
    if (ownsDb) await disconnectDb();
    log.info('workers stopped');
  }

  let stopping: Promise<void> | undefined;
  return {
    queues,
    workers,
    stop: () => (stopping ??= shutdown()),
  };
}

async function runDispatcherLoop(args: {
  db: Db;
  queues: QueueSet;
  log: Logger;
  signal: AbortSignal;
  limit: number;
  intervalMs: number;
}): Promise<void> {
  const { db, queues, log, signal, limit, intervalMs } = args;
  const shouldWarnRedis = throttled(LOG_THROTTLE_MS);
  const shouldLogDbError = throttled(LOG_THROTTLE_MS);
  let redisFailing = false;
  while (!signal.aborted) {
    let result: DispatchResult | null = null;
    try {
      result = await dispatchOutboxBatch({ db, queues, limit, logger: log });
      if (result.redisError !== undefined) {
        redisFailing = true;
        if (shouldWarnRedis()) log.warn({ deferred: result.deferred, err: result.redisError }, 'Redis unavailable; outbox events wait');
      } else if (redisFailing && result.dispatched > 0) {
        redisFailing = false;
        log.info('Redis is back; outbox dispatching resumed');
      }
    } catch (error) {
      if (shouldLogDbError()) log.error({ err: (error as Error).message }, 'outbox dispatch failed');
    }
    await sleep(nextDispatchDelayMs(result, limit, intervalMs, DISPATCH_ERROR_BACKOFF_MS), signal);
  }
}

/** Upserts every declared schedule; retries until Redis answers or the workers stop. */
async function scheduleRepeatable(queues: QueueSet, signal: AbortSignal, log: Logger): Promise<void> {
  while (!signal.aborted) {
    try {
      for (const job of scheduledJobs()) {
        const queue = queues.get(job.queue);
        if (!queue || !job.schedule) continue;
        // The scheduler id is the job name (unique within its queue; ':' is not allowed in it).
        await withTimeout(
          queue.upsertJobScheduler(job.name, { pattern: job.schedule.pattern, tz: job.schedule.tz }, { name: job.name, data: {}, opts: job.options }),
          5_000,
          'Redis did not answer within 5 s',
        );
      }
      if (!signal.aborted) log.info({ jobs: scheduledJobs().map((j) => j.key) }, 'repeatable jobs scheduled');
      return;
    } catch (error) {
      log.warn({ err: (error as Error).message }, 'could not schedule repeatable jobs yet; retrying');
      await sleep(SCHEDULE_RETRY_MS, signal);
    }
  }
}

async function main(): Promise<void> {
  try {
    getEnv();
  } catch (error) {
    if (error instanceof EnvError) {
      rootLogger.fatal({ problems: error.problems }, 'invalid configuration');
      console.error(`\n${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }

  let running: RunningWorkers;
  try {
    running = await startWorkers();
  } catch (error) {
    if (error instanceof WorkersStartupError) {
      rootLogger.fatal(error.message);
      console.error(`\n${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }

  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals > 1) {
      rootLogger.warn({ signal }, 'second signal; exiting without waiting for running jobs');
      process.exit(1);
    }
    rootLogger.info({ signal }, 'shutting down');
    running.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        rootLogger.error({ err: (error as Error).message }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

const entry = process.argv[1];
if (entry && import.meta.url === pathToFileURL(path.resolve(entry)).href) {
  main().catch((error: unknown) => {
    rootLogger.fatal({ err: (error as Error).message }, 'workers crashed at start');
    console.error(error);
    process.exit(1);
  });
}
