import type { MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { transportLabelKey } from '~/domain/mail/mail.fns';
import { listDevMail } from '~/domain/mail/mail.server';
import { formatDateTime } from '~/ui/format';
import { PageHeader } from '~/ui/forms';
import { useLocale, useT } from '~/ui/i18n';
import { pageTitle } from '~/ui/meta';
import { getDb } from '~/utils/db.server';
import { domainErrorResponse } from '~/utils/http.server';

// The local mail outbox for developers: every e-mail the platform recorded, newest first.
// Not available in production (404).

export const meta: MetaFunction = ({ matches }) => [...pageTitle(matches, 'devmail.title'), { name: 'robots', content: 'noindex' }];

export async function loader() {
  try {
    return json(await listDevMail(getDb()), { headers: { 'Cache-Control': 'no-store' } });
  } catch (error) {
    throw domainErrorResponse(error);
  }
}

export default function DevMailList() {
  const { messages, total } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  return (
    <>
      <PageHeader title={t('devmail.title')} lead={t('devmail.lead')} />
      {messages.length === 0 ? (
        <p>{t('devmail.empty')}</p>
      ) : (
        <>
          <p>{t('devmail.count', { shown: messages.length, total })}</p>
          <div className="table-responsive">
            <table className="table">
              <caption className="visually-hidden">{t('devmail.tableCaption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('devmail.col.date')}</th>
                  <th scope="col">{t('devmail.col.to')}</th>
                  <th scope="col">{t('devmail.col.subject')}</th>
                  <th scope="col">{t('devmail.col.status')}</th>
                  <th scope="col">{t('devmail.col.transport')}</th>
                </tr>
              </thead>
              <tbody>
                {messages.map((message) => (
                  <tr key={message.id}>
                    <td>{formatDateTime(message.createdAt, locale)}</td>
                    <td>{message.to}</td>
                    <td>
                      <Link to={`/dev/mail/${message.id}`}>{message.subject}</Link>
                    </td>
                    <td>{t(`devmail.status.${message.status}`)}</td>
                    <td>{message.transport ? t(transportLabelKey(message.transport)) : t('devmail.transport.none')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </>
  );
}
