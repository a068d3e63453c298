import type { JobsOptions } from 'bullmq';
import { findJob } from '~/jobs/registry';
import { withTimeout } from '~/jobs/with-timeout';
import type { Db, DbTx } from '~/utils/db.server';
import { logger as defaultLogger, type Logger } from '~/utils/logger.server';
import { outboxJobId, outboxRetryDelayMs } from './outbox.fns';

// Moves due OutboxEvent rows to BullMQ. Rows are claimed with FOR UPDATE SKIP LOCKED, so any
// number of worker processes can dispatch side by side without taking the same row. Each job is
// added with jobId `outbox-<id>`: if the process dies after the add but before the commit, the
// row is claimed again later and BullMQ ignores the second add of the same id.

/** The part of a BullMQ Queue the dispatcher uses. */
export interface JobQueue {
  add(name: string, data: unknown, opts?: JobsOptions): Promise<unknown>;
}

export interface DispatchOptions {
  db: Db;
  queues: ReadonlyMap<string, JobQueue>;
  limit?: number;
  /** Per add; an add that hangs (Redis unreachable) counts as failed. */
  addTimeoutMs?: number;
  logger?: Pick<Logger, 'error' | 'warn'>;
}

export interface DispatchResult {
  claimed: number;
  dispatched: number;
  /** Left PENDING with a later availableAt because Redis refused or did not answer. */
  deferred: number;
  /** Marked FAILED: unknown job or invalid payload; they would never succeed. */
  failed: number;
  /** Set when Redis was the reason for deferring (address-free). */
  redisError?: string;
}

interface ClaimedRow {
  id: bigint;
  queue: string;
  jobName: string;
  payload: unknown;
  attempts: number;
}

export const DEFAULT_DISPATCH_LIMIT = 100;

export async function dispatchOutboxBatch(options: DispatchOptions): Promise<DispatchResult> {
  const limit = options.limit ?? DEFAULT_DISPATCH_LIMIT;
  const addTimeoutMs = options.addTimeoutMs ?? 2_000;
  const log = options.logger ?? defaultLogger;

  return options.db.$transaction(
    async (tx) => {
      const rows = await tx.$queryRaw<ClaimedRow[]>`
        SELECT "id", "queue", "jobName", "payload", "attempts"
        FROM "OutboxEvent"
        WHERE "status" = 'PENDING' AND "availableAt" <= now()
        ORDER BY "availableAt", "id"
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED`;

      const result: DispatchResult = { claimed: rows.length, dispatched: 0, deferred: 0, failed: 0 };
      const dispatchedIds: bigint[] = [];

      for (const row of rows) {
        const job = findJob(row.queue, row.jobName);
        if (!job) {
          await markFailed(tx, row, `Unknown job "${row.queue}:${row.jobName}": no such queue and job name in app/jobs/registry.ts`);
          log.error({ outboxEventId: String(row.id), queue: row.queue, jobName: row.jobName }, 'outbox event for an unknown job marked FAILED');
          result.failed++;
          continue;
        }
        const queue = options.queues.get(job.queue);
        if (!queue) {
          await markFailed(tx, row, `Queue "${job.queue}" is not open in this dispatcher`);
          log.error({ outboxEventId: String(row.id), queue: job.queue }, 'outbox event for a queue the dispatcher does not serve marked FAILED');
          result.failed++;
          continue;
        }
        const payload = job.payload.safeParse(row.payload);
        if (!payload.success) {
          const problems = payload.error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`).join('; ');
          await markFailed(tx, row, `Invalid payload for ${job.key}: ${problems}`);
          log.error({ outboxEventId: String(row.id), job: job.key }, 'outbox event with an invalid payload marked FAILED');
          result.failed++;
          continue;
        }

        // Once Redis has failed in this batch, the remaining rows wait too: no point in one
        // timeout per row.
        if (result.redisError === undefined) {
          try {
            await withTimeout(
              queue.add(job.name, payload.data, { ...job.options, jobId: outboxJobId(row.id) }),
              addTimeoutMs,
              `Redis did not answer within ${addTimeoutMs} ms`,
            );
            dispatchedIds.push(row.id);
            continue;
          } catch (error) {
            result.redisError = `Could not add the job to Redis: ${(error as Error).message}`;
          }
        }
        await markDeferred(tx, row, result.redisError);
        result.deferred++;
      }

      if (dispatchedIds.length > 0) {
        await tx.outboxEvent.updateMany({
          where: { id: { in: dispatchedIds } },
          data: { status: 'DISPATCHED', dispatchedAt: new Date() },
        });
      }
      result.dispatched = dispatchedIds.length;
      return result;
    },
    // Adds are fast; the timeout only matters when Redis hangs (one add timeout per batch).
    { timeout: 60_000, maxWait: 10_000 },
  );
}

async function markFailed(tx: DbTx, row: ClaimedRow, lastError: string): Promise<void> {
  await tx.outboxEvent.update({
    where: { id: row.id },
    data: { status: 'FAILED', attempts: { increment: 1 }, lastError },
  });
}

async function markDeferred(tx: DbTx, row: ClaimedRow, lastError: string): Promise<void> {
  const delayMs = outboxRetryDelayMs(row.attempts + 1);
  await tx.$executeRaw`
    UPDATE "OutboxEvent"
    SET "attempts" = "attempts" + 1,
        "lastError" = ${lastError},
        "availableAt" = now() + (${delayMs}::integer * interval '1 millisecond')
    WHERE "id" = ${row.id}`;
}
