import { jobs } from '~/jobs/registry';
import { enqueueJob } from '~/domain/outbox/outbox.server';
import type { Db, DbTx } from '~/utils/db.server';
import { getEnv } from '~/utils/env.server';
import { NotFound } from '~/utils/errors.server';
import type { MailStatus } from '~/generated/prisma/enums';
import { MailIdParam } from './mail.schema';

export const MAIL_QUEUE = jobs.sendEmail.queue;
export const SEND_EMAIL_JOB = jobs.sendEmail.name;

export interface EmailToQueue {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** Same key, same e-mail: a retried action never mails twice (e.g. `password-reset:<tokenId>`). */
  dedupeKey: string;
}

/**
 * Records an e-mail to send in the caller's transaction. The worker sends it (SMTP, or the local
 * outbox at /dev/mail when SMTP is not configured); the job payload carries only the row id.
 * Build subject/text/html with renderEmail (./templates) for the common layout.
 */
export async function queueEmail(db: DbTx, email: EmailToQueue): Promise<{ id: string; created: boolean }> {
  const existing = await db.mailMessage.findUnique({ where: { dedupeKey: email.dedupeKey }, select: { id: true } });
  if (existing) return { id: existing.id, created: false };
  const row = await db.mailMessage.create({
    data: {
      dedupeKey: email.dedupeKey,
      toAddress: email.to.toLowerCase(),
      subject: email.subject,
      textBody: email.text,
      htmlBody: email.html ?? null,
    },
    select: { id: true },
  });
  await enqueueJob(db, jobs.sendEmail, { mailMessageId: row.id });
  return { id: row.id, created: true };
}

// ---- The local outbox, read by /dev/mail (development and test only) ----

export interface DevMailSummary {
  id: string;
  to: string;
  subject: string;
  status: MailStatus;
  transport: string | null;
  createdAt: Date;
  sentAt: Date | null;
}

export interface DevMailDetail extends DevMailSummary {
  from: string;
  messageId: string | null;
  attempts: number;
  lastError: string | null;
  text: string;
  html: string | null;
}

// Production mail holds real people's messages; the reader exists only outside production.
function assertDevMailAvailable(nodeEnv: string): void {
  if (nodeEnv === 'production') throw new NotFound('The local mail outbox is not available in production');
}

/** Newest first. Every MailMessage is listed: without SMTP_URL each one is delivered here. */
export async function listDevMail(
  db: Db,
  options: { limit?: number; nodeEnv?: string } = {},
): Promise<{ messages: DevMailSummary[]; total: number }> {
  assertDevMailAvailable(options.nodeEnv ?? getEnv().NODE_ENV);
  const limit = Math.min(Math.max(options.limit ?? 100, 1), 500);
  const [rows, total] = await Promise.all([
    db.mailMessage.findMany({
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit,
      select: { id: true, toAddress: true, subject: true, status: true, transport: true, createdAt: true, sentAt: true },
    }),
    db.mailMessage.count(),
  ]);
  return {
    messages: rows.map(({ toAddress, ...row }) => ({ ...row, to: toAddress })),
    total,
  };
}

export async function getDevMail(db: Db, id: string, options: { nodeEnv?: string } = {}): Promise<DevMailDetail> {
  const env = getEnv();
  assertDevMailAvailable(options.nodeEnv ?? env.NODE_ENV);
  const parsed = MailIdParam.safeParse(id);
  if (!parsed.success) throw new NotFound('Mail message not found');
  const row = await db.mailMessage.findUnique({ where: { id: parsed.data } });
  if (!row) throw new NotFound('Mail message not found');
  return {
    id: row.id,
    from: env.MAIL_FROM,
    to: row.toAddress,
    subject: row.subject,
    status: row.status,
    transport: row.transport,
    messageId: row.messageId,
    attempts: row.attempts,
    lastError: row.lastError,
    createdAt: row.createdAt,
    sentAt: row.sentAt,
    text: row.textBody,
    html: row.htmlBody,
  };
}
