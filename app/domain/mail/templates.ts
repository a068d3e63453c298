import { translate, type Locale } from '~/i18n/i18n';

// One layout for every transactional e-mail: a plain-text part (what /dev/mail and many clients
// show, with the link on its own line) and a simple HTML part with inline styles. Callers pass
// already-translated text; the layout adds the app name and the footer in the recipient's locale.

export interface EmailContent {
  locale: Locale;
  subject: string;
  /** e.g. "Gentile Maria," */
  greeting?: string;
  paragraphs: string[];
  /** The one thing to do; the URL also appears in full for clients that hide buttons. */
  action?: { label: string; url: string };
  /** Paragraphs after the action, e.g. when the link expires. */
  closing?: string[];
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function assertHttpUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error('E-mail action URL must be an absolute http(s) URL');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new Error('E-mail action URL must be an absolute http(s) URL');
  }
}

export function renderEmail(content: EmailContent): RenderedEmail {
  const t = (key: string) => translate(content.locale, key);
  if (content.action) assertHttpUrl(content.action.url);
  const closing = content.closing ?? [];

  const textParts: string[] = [];
  if (content.greeting) textParts.push(content.greeting);
  textParts.push(...content.paragraphs);
  if (content.action) textParts.push(`${content.action.label}:\n${content.action.url}`);
  textParts.push(...closing);
  textParts.push(`--\n${t('app.name')}\n${t('mail.footer.automatic')}`);
  const text = `${textParts.join('\n\n')}\n`;

  const paragraph = (p: string) => `<p style="margin:0 0 16px">${escapeHtml(p)}</p>`;
  const html = [
    '<!doctype html>',
    `<html lang="${content.locale}"><head><meta charset="utf-8"><title>${escapeHtml(content.subject)}</title></head>`,
    '<body style="margin:0;padding:24px;background:#f5f5f0;font-family:\'Titillium Web\',Geneva,Tahoma,sans-serif;color:#1a1a1a;font-size:16px;line-height:1.5">',
    '<div style="max-width:600px;margin:0 auto;background:#ffffff;padding:32px;border-top:6px solid #0066cc">',
    `<p style="margin:0 0 24px;font-size:20px;font-weight:700;color:#0066cc">${escapeHtml(t('app.name'))}</p>`,
    content.greeting ? paragraph(content.greeting) : '',
    ...content.paragraphs.map(paragraph),
    content.action
      ? [
          `<p style="margin:24px 0"><a href="${escapeHtml(content.action.url)}" style="display:inline-block;padding:12px 24px;background:#0066cc;color:#ffffff;text-decoration:none;font-weight:700;border-radius:4px">${escapeHtml(content.action.label)}</a></p>`,
          `<p style="margin:0 0 16px;font-size:14px">${escapeHtml(t('mail.action.fallback'))}<br><a href="${escapeHtml(content.action.url)}" style="color:#0066cc;word-break:break-all">${escapeHtml(content.action.url)}</a></p>`,
        ].join('')
      : '',
    ...closing.map(paragraph),
    `<p style="margin:32px 0 0;font-size:13px;color:#5c6f82">${escapeHtml(t('mail.footer.automatic'))}</p>`,
    '</div></body></html>',
  ].join('');

  return { subject: content.subject, text, html };
}
