import type { z } from 'zod';
import type { AnyJobDefinition } from '~/jobs/registry';
import type { DbTx } from '~/utils/db.server';

// Work that must follow a database change is written to OutboxEvent in the same transaction;
// the dispatcher in workers/ moves it to BullMQ. Redis being down delays work, never loses it.

export interface OutboxMessage {
  queue: string;
  jobName: string;
  /** Ids and non-personal values only: payloads end up in Redis. */
  payload: Record<string, unknown>;
  availableAt?: Date;
}

export async function enqueueOutbox(db: DbTx, message: OutboxMessage): Promise<{ id: bigint }> {
  const row = await db.outboxEvent.create({
    data: {
      queue: message.queue,
      jobName: message.jobName,
      payload: message.payload as object,
      availableAt: message.availableAt ?? new Date(),
    },
    select: { id: true },
  });
  return row;
}

/**
 * The typed way to enqueue a declared job: the payload is checked against the job's schema
 * before it is written, so a bad payload fails the caller's transaction, not a worker later.
 * e.g. `await enqueueJob(tx, jobs.sendEmail, { mailMessageId })`.
 */
export async function enqueueJob<D extends AnyJobDefinition>(
  db: DbTx,
  job: D,
  payload: z.input<D['payload']>,
  options: { availableAt?: Date } = {},
): Promise<{ id: bigint }> {
  const parsed = job.payload.parse(payload) as Record<string, unknown>;
  return enqueueOutbox(db, {
    queue: job.queue,
    jobName: job.name,
    payload: parsed,
    ...(options.availableAt ? { availableAt: options.availableAt } : {}),
  });
}

/** Deletes rows dispatched before `before` (they are in BullMQ's hands, or done). Returns the count. */
export async function purgeDispatchedOutbox(db: DbTx, options: { before: Date }): Promise<number> {
  const { count } = await db.outboxEvent.deleteMany({
    where: { status: 'DISPATCHED', dispatchedAt: { lt: options.before } },
  });
  return count;
}
