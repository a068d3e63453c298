import type { ReactNode } from 'react';
import { formatDate, formatDateTime, formatMoney } from '~/ui/format';
import { useLocale, useT } from '~/ui/i18n';
import { statusTone, type TopUpMethodName, type TopUpStatusName } from './topups.fns';

// The top-up pieces shared by the company's and the alliance admin's pages. Browser-safe: no
// .server imports, only the pure helpers of topups.fns.

const BADGE: Record<ReturnType<typeof statusTone>, string> = {
  success: 'bg-success',
  warning: 'bg-warning text-dark',
  danger: 'bg-danger',
  info: 'bg-primary',
  secondary: 'bg-secondary',
};

export function TopUpStatusBadge({ status }: { status: TopUpStatusName }) {
  const t = useT();
  return <span className={`badge ${BADGE[statusTone(status)]}`}>{t(`topups.status.${status}`)}</span>;
}

export function AttentionBadge() {
  const t = useT();
  return <span className="badge bg-danger ms-1">{t('topups.attention.badge')}</span>;
}

/** The reference as people read and type it: monospace, never broken inside a group. */
export function Reference({ value }: { value: string }) {
  return <span className="font-monospace text-nowrap">{value}</span>;
}

export function receiptHref(topUpId: string): string {
  return `/azienda/ricariche/${topUpId}/ricevuta.pdf`;
}

export interface TopUpFactsData {
  status: TopUpStatusName;
  method: TopUpMethodName;
  amountCents: number;
  paymentReference: string;
  createdAt: string;
  declaredByName: string | null;
  creditedAt: string | null;
  confirmedByName: string | null;
  bankReference: string | null;
  receivedOn: string | null;
  receiptNumber: string | null;
  refundedCents: number;
  refundShortfallCents: number;
  failureReason: string | null;
  cancelReason: string | null;
  companyName?: string;
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="row g-0 py-2 border-bottom">
      <dt className="col-12 col-md-4 fw-semibold">{label}</dt>
      <dd className="col-12 col-md-8 mb-0">{children}</dd>
    </div>
  );
}

/** Known machine reasons are translated; free text (a rejection reason) is shown as written. */
function reasonText(t: ReturnType<typeof useT>, prefix: string, reason: string): string {
  const code = reason.split(':')[0]!;
  const key = `${prefix}.${code}`;
  const translated = t(key);
  return translated === key ? reason : translated;
}

export function TopUpFacts({ data, receiptLink }: { data: TopUpFactsData; receiptLink?: string | null }) {
  const t = useT();
  const locale = useLocale();
  return (
    <dl className="mb-4">
      {data.companyName ? <Fact label={t('topups.field.company')}>{data.companyName}</Fact> : null}
      <Fact label={t('topups.field.status')}>
        <TopUpStatusBadge status={data.status} />
      </Fact>
      <Fact label={t('topups.field.amount')}>{formatMoney(data.amountCents, locale)}</Fact>
      <Fact label={t('topups.field.method')}>{t(`topups.method.${data.method}`)}</Fact>
      <Fact label={t('topups.field.reference')}>
        <Reference value={data.paymentReference} />
      </Fact>
      <Fact label={t('topups.field.createdAt')}>{formatDateTime(data.createdAt, locale)}</Fact>
      {data.declaredByName ? <Fact label={t('topups.field.declaredBy')}>{data.declaredByName}</Fact> : null}
      {data.receivedOn ? <Fact label={t('topups.field.receivedOn')}>{formatDate(`${data.receivedOn}T12:00:00Z`, locale)}</Fact> : null}
      {data.bankReference ? (
        <Fact label={t('topups.field.bankReference')}>
          <span className="font-monospace">{data.bankReference}</span>
        </Fact>
      ) : null}
      {data.creditedAt ? <Fact label={t('topups.field.creditedAt')}>{formatDateTime(data.creditedAt, locale)}</Fact> : null}
      {data.confirmedByName ? <Fact label={t('topups.field.confirmedBy')}>{data.confirmedByName}</Fact> : null}
      {data.receiptNumber ? (
        <Fact label={t('topups.field.receipt')}>
          {receiptLink ? (
            <a href={receiptLink} download aria-label={t('topups.receipt.downloadLabel', { number: data.receiptNumber })}>
              {t('topups.receipt.download', { number: data.receiptNumber })}
            </a>
          ) : (
            data.receiptNumber
          )}
        </Fact>
      ) : null}
      {data.refundedCents > 0 ? <Fact label={t('topups.field.refunded')}>{formatMoney(data.refundedCents, locale)}</Fact> : null}
      {data.refundShortfallCents > 0 ? <Fact label={t('topups.field.shortfall')}>{formatMoney(data.refundShortfallCents, locale)}</Fact> : null}
      {data.status === 'FAILED' && data.failureReason ? <Fact label={t('topups.field.failure')}>{reasonText(t, 'topups.failure', data.failureReason)}</Fact> : null}
      {data.status === 'CANCELLED' && data.cancelReason ? <Fact label={t('topups.field.cancelReason')}>{reasonText(t, 'topups.cancelReason', data.cancelReason)}</Fact> : null}
    </dl>
  );
}

/** Why a top-up was flagged for the alliance admin, in words. */
export function attentionText(t: ReturnType<typeof useT>, reason: string | null, shortfallCents: number, locale: Parameters<typeof formatMoney>[1]): string {
  if (!reason) return t('topups.attention.badge');
  const key = `topups.attention.${reason}`;
  const text = t(key, { amount: formatMoney(shortfallCents, locale) });
  return text === key ? reason : text;
}
