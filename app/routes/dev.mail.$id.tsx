import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { Fragment } from 'react';
import { getDevMail } from '~/domain/mail/mail.server';
import { linkify, transportLabelKey } from '~/domain/mail/mail.fns';
import { formatDateTime } from '~/ui/format';
import { PageHeader } from '~/ui/forms';
import { useLocale, useT } from '~/ui/i18n';
import { pageTitle } from '~/ui/meta';
import { getDb } from '~/utils/db.server';
import { domainErrorResponse } from '~/utils/http.server';

// One e-mail of the local outbox: headers, the text with clickable links (so a developer can
// follow a reset or invitation link), and the HTML in a sandboxed frame (no scripts, no forms,
// no access to this page). Not available in production (404).

export const meta: MetaFunction = ({ matches }) => [...pageTitle(matches, 'devmail.title'), { name: 'robots', content: 'noindex' }];

export async function loader({ params }: LoaderFunctionArgs) {
  try {
    return json({ mail: await getDevMail(getDb(), params.id ?? '') }, { headers: { 'Cache-Control': 'no-store' } });
  } catch (error) {
    throw domainErrorResponse(error);
  }
}

export default function DevMailMessage() {
  const { mail } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const headers: Array<[string, string]> = [
    [t('devmail.header.from'), mail.from],
    [t('devmail.header.to'), mail.to],
    [t('devmail.header.subject'), mail.subject],
    [t('devmail.header.date'), formatDateTime(mail.createdAt, locale)],
    [t('devmail.header.status'), t(`devmail.status.${mail.status}`)],
    [t('devmail.header.transport'), mail.transport ? t(transportLabelKey(mail.transport)) : t('devmail.transport.none')],
    [t('devmail.header.attempts'), String(mail.attempts)],
  ];
  if (mail.sentAt) headers.push([t('devmail.header.sentAt'), formatDateTime(mail.sentAt, locale)]);
  if (mail.messageId) headers.push([t('devmail.header.messageId'), mail.messageId]);
  if (mail.lastError) headers.push([t('devmail.header.lastError'), mail.lastError]);

  return (
    <>
      <p className="mb-3">
        <Link to="/dev/mail">{t('devmail.back')}</Link>
      </p>
      <PageHeader title={mail.subject} />

      <section aria-labelledby="devmail-headers" className="mb-5">
        <h2 id="devmail-headers" className="h4">
          {t('devmail.headers')}
        </h2>
        <dl className="row">
          {headers.map(([label, value]) => (
            <Fragment key={label}>
              <dt className="col-sm-3">{label}</dt>
              <dd className="col-sm-9 text-break">{value}</dd>
            </Fragment>
          ))}
        </dl>
      </section>

      <section aria-labelledby="devmail-text" className="mb-5">
        <h2 id="devmail-text" className="h4">
          {t('devmail.textBody')}
        </h2>
        <pre className="p-3 bg-light border" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
          {linkify(mail.text).map((segment, index) =>
            segment.kind === 'link' ? (
              <a key={index} href={segment.href}>
                {segment.text}
              </a>
            ) : (
              <span key={index}>{segment.text}</span>
            ),
          )}
        </pre>
      </section>

      <section aria-labelledby="devmail-html" className="mb-5">
        <h2 id="devmail-html" className="h4">
          {t('devmail.htmlBody')}
        </h2>
        {mail.html ? (
          <iframe
            sandbox=""
            srcDoc={mail.html}
            title={t('devmail.htmlFrameTitle', { subject: mail.subject })}
            className="w-100 border"
            style={{ minHeight: '32rem' }}
          />
        ) : (
          <p>{t('devmail.noHtml')}</p>
        )}
      </section>
    </>
  );
}
