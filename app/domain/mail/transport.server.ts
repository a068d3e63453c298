import nodemailer from 'nodemailer';
import { getEnv, type Env } from '~/utils/env.server';
import { messageIdFor } from './mail.fns';

// One small interface in front of the outside world: SMTP when SMTP_URL is set, otherwise the
// local outbox (the MailMessage row itself is the delivered mail, readable at /dev/mail).
// Nothing here logs addresses or bodies.

export interface OutgoingMail {
  /** MailMessage id; becomes the Message-ID's local part. */
  id: string;
  to: string;
  subject: string;
  text: string;
  html: string | null;
}

export interface MailTransport {
  /** Stored in MailMessage.transport: `smtp`, `local`, or a test transport's name. */
  readonly name: string;
  send(mail: OutgoingMail): Promise<{ messageId: string }>;
  close(): void;
}

export function createLocalTransport(options: { appUrl: string }): MailTransport {
  return {
    name: 'local',
    async send(mail) {
      return { messageId: messageIdFor(mail.id, options.appUrl) };
    },
    close() {},
  };
}

export function createSmtpTransport(options: { url: string; from: string; appUrl: string }): MailTransport {
  // No pool: the worker sends a few messages at a time and a fresh connection recovers cleanly
  // from a restarted relay. Timeouts keep a stuck relay from holding a job for minutes.
  const transporter = nodemailer.createTransport({
    url: options.url,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
    logger: false,
  });
  return {
    name: 'smtp',
    async send(mail) {
      const messageId = messageIdFor(mail.id, options.appUrl);
      const info = await transporter.sendMail({
        from: options.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        ...(mail.html ? { html: mail.html } : {}),
        messageId,
      });
      return { messageId: info.messageId || messageId };
    },
    close() {
      transporter.close();
    },
  };
}

export function createMailTransport(env: Pick<Env, 'SMTP_URL' | 'MAIL_FROM' | 'APP_URL'> = getEnv()): MailTransport {
  return env.SMTP_URL
    ? createSmtpTransport({ url: env.SMTP_URL, from: env.MAIL_FROM, appUrl: env.APP_URL })
    : createLocalTransport({ appUrl: env.APP_URL });
}
