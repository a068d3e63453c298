import type { JobsOptions } from 'bullmq';
import { z } from 'zod';

// Every queue and job is declared here once. The web app enqueues through the outbox
// (enqueueJob in app/domain/outbox), the workers process with app/jobs/processors.server.ts,
// and the dispatcher refuses names that are not declared here.
//
// To add a job: declare it below with defineJob and add it to `jobs`; TypeScript then asks for
// its processor in processors.server.ts. Payloads carry ids, never personal data or secrets:
// they are stored in Redis.

export const QUEUES = {
  mail: { concurrency: 5 },
  maintenance: { concurrency: 1 },
  ledger: { concurrency: 1 },
  plans: { concurrency: 1 },
  roster: { concurrency: 2 },
} as const;
export type QueueName = keyof typeof QUEUES;
export const QUEUE_NAMES = Object.keys(QUEUES) as QueueName[];

export interface JobSchedule {
  /** Cron pattern, read in `tz`. */
  pattern: string;
  tz?: string;
}

export interface JobDefinition<Q extends QueueName = QueueName, N extends string = string, S extends z.ZodType = z.ZodType> {
  queue: Q;
  name: N;
  /** `queue:name`, the job's one identifier in logs and in the processor map. */
  key: `${Q}:${N}`;
  payload: S;
  options: JobsOptions;
  /** Repeatable jobs are scheduled by the workers at start (upsertJobScheduler, so restarts do not duplicate them). */
  schedule?: JobSchedule;
}

const HOUR = 60 * 60;
const DAY = 24 * HOUR;

/** Retries with exponential backoff; finished jobs are kept a while for inspection, then removed. */
export const DEFAULT_JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 10_000 },
  removeOnComplete: { age: DAY, count: 10_000 },
  removeOnFail: { age: 14 * DAY },
} as const satisfies JobsOptions;

export function defineJob<Q extends QueueName, N extends string, S extends z.ZodType>(definition: {
  queue: Q;
  name: N;
  payload: S;
  options?: JobsOptions;
  schedule?: JobSchedule;
}): JobDefinition<Q, N, S> {
  if (!/^[a-z][a-z0-9-]*$/.test(definition.name)) {
    throw new Error(`Job name "${definition.name}" must be kebab-case (a-z, 0-9, -)`);
  }
  return {
    queue: definition.queue,
    name: definition.name,
    key: `${definition.queue}:${definition.name}`,
    payload: definition.payload,
    options: { ...DEFAULT_JOB_OPTIONS, ...definition.options },
    ...(definition.schedule ? { schedule: definition.schedule } : {}),
  };
}

const emptyPayload = z.object({}).strict();

export const jobs = {
  /** Sends one MailMessage (SMTP or the local outbox). Eight attempts span ~20 minutes of SMTP outage. */
  sendEmail: defineJob({
    queue: 'mail',
    name: 'send-email',
    payload: z.object({ mailMessageId: z.uuid() }).strict(),
    options: { attempts: 8, backoff: { type: 'exponential', delay: 10_000 } },
  }),
  /** Deletes expired sessions and single-use tokens that can no longer be used. */
  purgeExpiredSessions: defineJob({
    queue: 'maintenance',
    name: 'purge-expired-sessions',
    payload: emptyPayload,
    options: { attempts: 3 },
    schedule: { pattern: '7 * * * *', tz: 'Europe/Rome' },
  }),
  /** Deletes outbox rows dispatched more than a week ago. */
  purgeDispatchedOutbox: defineJob({
    queue: 'maintenance',
    name: 'purge-dispatched-outbox',
    payload: emptyPayload,
    options: { attempts: 3 },
    schedule: { pattern: '23 3 * * *', tz: 'Europe/Rome' },
  }),
  /** Recomputes every ledger balance and invariant (app/domain/ledger/verify.server.ts); logs and audits problems. */
  ledgerVerify: defineJob({
    queue: 'ledger',
    name: 'verify',
    payload: emptyPayload,
    options: { attempts: 3 },
    schedule: { pattern: '41 2 * * *', tz: 'Europe/Rome' },
  }),
  /** Leavers past their grace days and plans past their last day: unspent credit follows the end rule (app/domain/plans/close.server.ts). */
  planClose: defineJob({
    queue: 'plans',
    name: 'close',
    payload: emptyPayload,
    options: { attempts: 3 },
    schedule: { pattern: '15 0 * * *', tz: 'Europe/Rome' },
  }),
  /** E-mails employees whose credit expires in 30 or 7 days, each reminder once. */
  planReminders: defineJob({
    queue: 'plans',
    name: 'remind',
    payload: emptyPayload,
    options: { attempts: 3 },
    schedule: { pattern: '0 8 * * *', tz: 'Europe/Rome' },
  }),
  /** Dry run or commit of a large roster import, with progress (app/domain/roster/roster.server.ts). A re-run finds the import done and does nothing. */
  rosterProcess: defineJob({
    queue: 'roster',
    name: 'process',
    payload: z.object({ importId: z.uuid(), phase: z.enum(['validate', 'commit']) }).strict(),
    options: { attempts: 3 },
  }),
  /** Invitation e-mails of the new employees of a committed roster import, each once. */
  rosterInvite: defineJob({
    queue: 'roster',
    name: 'invite',
    payload: z.object({ importId: z.uuid() }).strict(),
  }),
} as const;

export type Jobs = typeof jobs;
export type JobId = keyof Jobs;
export type AnyJobDefinition = Jobs[JobId];
export type JobKey = AnyJobDefinition['key'];
export type JobPayload<D extends AnyJobDefinition> = z.output<D['payload']>;

const byKey = new Map<string, AnyJobDefinition>(Object.values(jobs).map((job) => [job.key, job]));
if (byKey.size !== Object.keys(jobs).length) throw new Error('Two jobs in app/jobs/registry.ts share a queue and name');

/** The declared job with this queue and name, or undefined. */
export function findJob(queue: string, name: string): AnyJobDefinition | undefined {
  return byKey.get(`${queue}:${name}`);
}

export function isQueueName(value: string): value is QueueName {
  return Object.hasOwn(QUEUES, value);
}

export function scheduledJobs(): AnyJobDefinition[] {
  return Object.values(jobs).filter((job) => job.schedule !== undefined);
}
