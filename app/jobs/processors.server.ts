import { UnrecoverableError, type Job } from 'bullmq';
import { verifyLedgerAndReport } from '~/domain/ledger/verify.server';
import { runPlanClose, sendExpiryReminders } from '~/domain/plans/close.server';
import { processRosterJob, sendRosterInvitations } from '~/domain/roster/roster.server';
import { sendMailMessage } from '~/domain/mail/send.server';
import type { MailTransport } from '~/domain/mail/transport.server';
import type { Db } from '~/utils/db.server';
import type { Logger } from '~/utils/logger.server';
import { purgeExpiredSessionsAndTokens, purgeOldOutboxEvents } from './maintenance.server';
import { findJob, type Jobs, type JobId, type JobPayload, type AnyJobDefinition } from './registry';

// What each declared job does. Processors receive an already validated payload and must be
// idempotent: BullMQ may run a job again after a crash or a stalled lock.

/** What a processor sees of the BullMQ job (tests pass a plain object). */
export type JobHandle = Pick<Job, 'id' | 'queueName' | 'name' | 'data' | 'attemptsMade' | 'opts' | 'updateProgress'>;

/** Shared resources the workers process hands to every processor. */
export interface JobContext {
  db: Db;
  transport: MailTransport;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
}

export type Processor<D extends AnyJobDefinition> = (payload: JobPayload<D>, job: JobHandle, context: JobContext) => Promise<void>;

type ProcessorMap = { [K in JobId as Jobs[K]['key']]: Processor<Jobs[K]> };

export const processors: ProcessorMap = {
  'mail:send-email': async ({ mailMessageId }, job, { db, transport, logger }) => {
    const result = await sendMailMessage({
      db,
      transport,
      mailMessageId,
      attemptsMade: job.attemptsMade,
      maxAttempts: job.opts.attempts,
    });
    switch (result.outcome) {
      case 'sent':
        logger.info({ mailMessageId, transport: transport.name, jobId: job.id }, 'e-mail sent');
        return;
      case 'already-sent':
        logger.info({ mailMessageId, jobId: job.id }, 'e-mail already sent; nothing to do');
        return;
      case 'not-found':
        throw new UnrecoverableError(`MailMessage ${mailMessageId} does not exist`);
      case 'failed':
        logger.warn({ mailMessageId, jobId: job.id, final: result.final, err: result.error }, 'e-mail sending failed');
        // The description is address-free, so BullMQ may keep it as the failed reason.
        throw new Error(`Sending failed: ${result.error}`);
    }
  },

  'maintenance:purge-expired-sessions': async (_payload, _job, { db, logger }) => {
    const purged = await purgeExpiredSessionsAndTokens(db);
    logger.info(purged, 'purged expired sessions and spent tokens');
  },

  'maintenance:purge-dispatched-outbox': async (_payload, _job, { db, logger }) => {
    const outboxEvents = await purgeOldOutboxEvents(db);
    logger.info({ outboxEvents }, 'purged dispatched outbox events');
  },

  // Reads only, but for the audit events of a failed check (logged too); a retry just verifies again.
  'ledger:verify': async (_payload, _job, { db, logger }) => {
    await verifyLedgerAndReport(db, logger);
  },

  // Idempotent: every wallet ends under the key plan-close:<planId>:<membershipId>.
  'plans:close': async (_payload, _job, { db, logger }) => {
    logger.info(await runPlanClose(db, { logger }), 'plan close run');
  },

  // Each reminder once: the e-mail's dedupe key.
  'plans:remind': async (_payload, _job, { db, logger }) => {
    logger.info(await sendExpiryReminders(db, { logger }), 'credit expiry reminders run');
  },

  // Idempotent: the import's status says what is left to do (a committed import is skipped).
  'roster:process': async (payload, job, { db, logger }) => {
    const result = await processRosterJob(db, payload, { reportProgress: (value) => job.updateProgress(value) });
    logger.info({ importId: payload.importId, phase: payload.phase, outcome: result.outcome }, 'roster import job');
  },

  // Each new employee is marked invited in the transaction of their invitation: a retry never mails twice.
  'roster:invite': async ({ importId }, _job, { db, logger }) => {
    logger.info({ importId, ...(await sendRosterInvitations(db, importId)) }, 'roster invitations sent');
  },
};

/**
 * Runs a BullMQ job: finds its declaration, validates the payload and calls its processor. An
 * unknown job or a bad payload can never succeed, so it throws UnrecoverableError (no retries).
 */
export async function runJob(job: JobHandle, context: JobContext): Promise<void> {
  const definition = findJob(job.queueName, job.name);
  if (!definition) {
    throw new UnrecoverableError(`Unknown job "${job.queueName}:${job.name}": not declared in app/jobs/registry.ts`);
  }
  const payload = definition.payload.safeParse(job.data);
  if (!payload.success) {
    const problems = payload.error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`).join('; ');
    throw new UnrecoverableError(`Invalid payload for ${definition.key}: ${problems}`);
  }
  const processor = processors[definition.key] as (payload: unknown, job: JobHandle, context: JobContext) => Promise<void>;
  await processor(payload.data, job, context);
}
