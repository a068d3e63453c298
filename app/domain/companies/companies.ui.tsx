import type { CompanyStatusName } from './companies.fns';
import { useT } from '~/ui/i18n';

// Small pieces of the companies' pages (browser-safe: no server imports).

const STATUS_CLASS: Record<CompanyStatusName, string> = {
  PENDING: 'bg-warning text-dark',
  ADMITTED: 'bg-success',
  REJECTED: 'bg-danger',
};

export function CompanyStatusBadge({ status }: { status: CompanyStatusName }) {
  const t = useT();
  return <span className={`badge ${STATUS_CLASS[status]}`}>{t(`companies.status.${status}`)}</span>;
}

/** A definition list of label/value pairs, empty values shown as a dash. */
export function Facts({ items }: { items: Array<[string, string | null | undefined]> }) {
  return (
    <dl className="row mb-4">
      {items.map(([label, value]) => (
        <div key={label} className="col-12 col-md-6 mb-2">
          <dt className="small text-muted fw-normal">{label}</dt>
          <dd className="mb-0">{value || '—'}</dd>
        </div>
      ))}
    </dl>
  );
}
