import type { Db } from '~/utils/db.server';
import { describeMailError, isLastAttempt } from './mail.fns';
import type { MailTransport } from './transport.server';

export type SendMailOutcome =
  | { outcome: 'sent'; messageId: string }
  | { outcome: 'already-sent' }
  | { outcome: 'not-found' }
  | { outcome: 'failed'; error: string; final: boolean };

export interface SendMailInput {
  db: Db;
  transport: MailTransport;
  mailMessageId: string;
  /** Failed attempts before this one (BullMQ's job.attemptsMade). */
  attemptsMade: number;
  /** The job's attempts option: the last failure marks the message FAILED. */
  maxAttempts: number | undefined;
}

// SMTP timeouts add up to well under this; the row lock is held while sending.
const SEND_TRANSACTION_TIMEOUT_MS = 120_000;

/**
 * Sends one MailMessage at most once. The row is locked while sending, so two jobs for the same
 * message (a retry racing a stalled run, a re-added job) wait for each other and the second sees
 * SENT and skips. A failure is recorded (attempts, lastError; FAILED on the last attempt) and
 * returned, never thrown, so the record commits; the caller rethrows for BullMQ's retry.
 */
// E-mails whose body holds a single-use token link (reset, invitation).
const SECRET_LINK_PREFIXES = ['password-reset:', 'invitation:'];
export const REDACTED_BODY = '[Contenuto rimosso dopo la consegna: conteneva un link personale monouso.]';

export function carriesSecretLink(dedupeKey: string): boolean {
  return SECRET_LINK_PREFIXES.some((prefix) => dedupeKey.startsWith(prefix));
}

export async function sendMailMessage(input: SendMailInput): Promise<SendMailOutcome> {
  return input.db.$transaction(
    async (tx) => {
      const locked = await tx.$queryRaw<Array<{ id: string }>>`
        SELECT "id" FROM "MailMessage" WHERE "id" = ${input.mailMessageId}::uuid FOR UPDATE`;
      if (locked.length === 0) return { outcome: 'not-found' } as const;
      const mail = await tx.mailMessage.findUniqueOrThrow({ where: { id: input.mailMessageId } });
      if (mail.status === 'SENT') return { outcome: 'already-sent' } as const;

      try {
        const { messageId } = await input.transport.send({
          id: mail.id,
          to: mail.toAddress,
          subject: mail.subject,
          text: mail.textBody,
          html: mail.htmlBody,
        });
        await tx.mailMessage.update({
          where: { id: mail.id },
          data: {
            status: 'SENT',
            transport: input.transport.name,
            messageId,
            sentAt: new Date(),
            attempts: { increment: 1 },
            lastError: null,
            // Once a real mailbox has it, a live single-use link must not stay readable in our database.
            ...(input.transport.name !== 'local' && carriesSecretLink(mail.dedupeKey)
              ? { textBody: REDACTED_BODY, htmlBody: null }
              : {}),
          },
        });
        return { outcome: 'sent', messageId } as const;
      } catch (error) {
        const description = describeMailError(error);
        const final = isLastAttempt(input.attemptsMade, input.maxAttempts);
        await tx.mailMessage.update({
          where: { id: mail.id },
          data: {
            attempts: { increment: 1 },
            lastError: description,
            transport: input.transport.name,
            ...(final ? { status: 'FAILED' as const } : {}),
          },
        });
        return { outcome: 'failed', error: description, final } as const;
      }
    },
    { timeout: SEND_TRANSACTION_TIMEOUT_MS, maxWait: 10_000 },
  );
}
