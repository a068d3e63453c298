// Pure helpers for the mailer and the /dev/mail pages (no I/O).

const EMAIL_ADDRESS = /[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;

/** Replaces e-mail addresses so an error can be logged or stored without personal data. */
export function redactAddresses(text: string): string {
  return text.replace(EMAIL_ADDRESS, '[address]');
}

/**
 * A short, address-free description of a sending failure, e.g. `ECONNREFUSED: connect …` or
 * `EENVELOPE 550: Mailbox unavailable`. Stored in MailMessage.lastError and safe to log.
 */
export function describeMailError(error: unknown, maxLength = 500): string {
  const err = error as { code?: unknown; responseCode?: unknown; message?: unknown } | null | undefined;
  const message = typeof err?.message === 'string' ? err.message : String(error);
  const code = typeof err?.code === 'string' ? err.code : null;
  const responseCode = typeof err?.responseCode === 'number' ? err.responseCode : null;
  const prefix = [code, responseCode].filter((part) => part !== null).join(' ');
  const text = redactAddresses(prefix ? `${prefix}: ${message}` : message).replace(/\s+/g, ' ').trim();
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}

/** True when the attempt now running (attemptsMade failed before it) is the job's last one. */
export function isLastAttempt(attemptsMade: number, maxAttempts: number | undefined): boolean {
  return attemptsMade + 1 >= Math.max(1, maxAttempts ?? 1);
}

/** A stable Message-ID per MailMessage, so a re-sent copy is recognisable as the same e-mail. */
export function messageIdFor(mailMessageId: string, appUrl: string): string {
  let host = 'conciliamo.localhost';
  try {
    host = new URL(appUrl).hostname || host;
  } catch {
    // keep the fallback host
  }
  return `<${mailMessageId}@${host}>`;
}

export type TextSegment = { kind: 'text'; text: string } | { kind: 'link'; href: string; text: string };

// http(s) URLs up to whitespace or an angle bracket; trailing punctuation stays outside the link.
const URL_PATTERN = /https?:\/\/[^\s<>"]+/g;
const TRAILING_PUNCTUATION = /[.,;:!?)\]'}]+$/;

/** Splits plain text into text and http(s) link segments, so links can be rendered clickable. */
export function linkify(text: string): TextSegment[] {
  const segments: TextSegment[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const start = match.index;
    const trailing = TRAILING_PUNCTUATION.exec(match[0])?.[0] ?? '';
    const href = match[0].slice(0, match[0].length - trailing.length);
    if (!href.replace(/^https?:\/\//, '')) continue;
    if (start > last) segments.push({ kind: 'text', text: text.slice(last, start) });
    segments.push({ kind: 'link', href, text: href });
    last = start + href.length;
  }
  if (last < text.length) segments.push({ kind: 'text', text: text.slice(last) });
  return segments;
}

/** The message key naming a transport; other names (test transports) are shown as they are. */
export function transportLabelKey(transport: string): string {
  return transport === 'local' || transport === 'smtp' ? `devmail.transport.${transport}` : transport;
}
