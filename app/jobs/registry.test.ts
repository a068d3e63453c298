import { describe, expect, it } from 'vitest';
import { defineJob, findJob, isQueueName, jobs, QUEUE_NAMES, scheduledJobs } from './registry';
import { processors } from './processors.server';

describe('job registry', () => {
  it('finds declared jobs by queue and name only', () => {
    expect(findJob('mail', 'send-email')).toBe(jobs.sendEmail);
    expect(findJob('mail', 'nope')).toBeUndefined();
    expect(findJob('maintenance', 'send-email')).toBeUndefined();
  });

  it('gives every job a processor and a known queue', () => {
    for (const job of Object.values(jobs)) {
      expect(isQueueName(job.queue)).toBe(true);
      expect(processors[job.key]).toBeTypeOf('function');
    }
    expect(Object.keys(processors).sort()).toEqual(Object.values(jobs).map((j) => j.key).sort());
    expect(QUEUE_NAMES.every((q) => !q.includes(':'))).toBe(true);
  });

  it('retries with exponential backoff and removes old finished jobs', () => {
    for (const job of Object.values(jobs)) {
      expect(job.options.attempts).toBeGreaterThan(1);
      expect(job.options.backoff).toMatchObject({ type: 'exponential' });
      expect(job.options.removeOnComplete).toMatchObject({ age: expect.any(Number) });
      expect(job.options.removeOnFail).toMatchObject({ age: expect.any(Number) });
    }
  });

  it('validates the e-mail payload: an id, nothing personal', () => {
    expect(jobs.sendEmail.payload.safeParse({ mailMessageId: '0b8f0c6e-8a8e-4a52-9a57-5d3f4d0b6a11' }).success).toBe(true);
    expect(jobs.sendEmail.payload.safeParse({ mailMessageId: 'x' }).success).toBe(false);
    expect(jobs.sendEmail.payload.safeParse({ mailMessageId: '0b8f0c6e-8a8e-4a52-9a57-5d3f4d0b6a11', to: 'a@b.it' }).success).toBe(false);
  });

  it('schedules the maintenance jobs hourly and daily, the ledger check nightly, plan close and reminders daily', () => {
    expect(scheduledJobs().map((j) => [j.key, j.schedule?.pattern])).toEqual([
      ['maintenance:purge-expired-sessions', '7 * * * *'],
      ['maintenance:purge-dispatched-outbox', '23 3 * * *'],
      ['ledger:verify', '41 2 * * *'],
      ['plans:close', '15 0 * * *'],
      ['plans:remind', '0 8 * * *'],
    ]);
  });

  it('refuses a job name BullMQ or our ids cannot carry', () => {
    expect(() => defineJob({ queue: 'mail', name: 'Bad:Name', payload: jobs.sendEmail.payload })).toThrow(/kebab-case/);
  });
});
