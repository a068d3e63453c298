import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import type { ColumnDef } from '@tanstack/react-table';
import { useMemo } from 'react';
import { searchParamsObject } from '~/domain/directory/directory.schema';
import { PROVIDER_STATUSES, type ProviderStatusName } from '~/domain/providers/providers.fns';
import { listProvidersForReview, providerListQuerySchema } from '~/domain/providers/providers.server';
import { DataTable } from '~/ui/DataTable';
import { formatDate, formatNumber } from '~/ui/format';
import { PageHeader, SelectField, TextField } from '~/ui/forms';
import { useLocale, useT } from '~/ui/i18n';
import { pageTitle } from '~/ui/meta';
import { ProviderStatusBadge } from '~/ui/providers';
import { requireMembership } from '~/utils/auth.server';
import { getDb } from '~/utils/db.server';

// The Ambito's providers: the curator's review queue (PENDING first by default), and a read-only
// register for the alliance admin and auditor. Filtering, sorting and paging happen on the server.

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'providers.review.title');

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireMembership(request, { roles: ['AMBITO_CURATOR', 'ALLIANCE_ADMIN', 'AUDITOR'] });
  const query = providerListQuerySchema.parse(searchParamsObject(new URL(request.url)));
  return json({
    providers: await listProvidersForReview(getDb(), actor, query),
    query,
    canDecide: actor.membership.role === 'AMBITO_CURATOR',
  });
}

type Row = Awaited<ReturnType<typeof listProvidersForReview>>['rows'][number];

export default function ProvidersReview() {
  const { providers, query, canDecide } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const columns = useMemo<ColumnDef<Row, unknown>[]>(
    () => [
      {
        id: 'legalName',
        header: t('providers.field.legalName'),
        cell: ({ row }) => (
          <>
            <Link to={`/ambito/enti/${row.original.id}`}>{row.original.legalName}</Link>
            <span className="d-block small text-muted font-monospace">{row.original.codiceFiscale}</span>
          </>
        ),
      },
      { id: 'providerKind', header: t('providers.field.providerKind'), cell: ({ row }) => t(`providers.kind.${row.original.providerKind}`) },
      { id: 'status', header: t('providers.field.status'), cell: ({ row }) => <ProviderStatusBadge status={row.original.status} /> },
      { id: 'submittedAt', header: t('providers.field.submittedAt'), cell: ({ row }) => formatDate(row.original.submittedAt, locale) },
      { id: 'comuni', header: t('providers.review.comuniCount'), cell: ({ row }) => formatNumber(row.original.comuni, locale) },
      { id: 'documents', header: t('providers.review.documentsCount'), cell: ({ row }) => formatNumber(row.original.documents, locale) },
    ],
    [t, locale],
  );
  const counts = providers.counts as Partial<Record<ProviderStatusName, number>>;
  return (
    <>
      <PageHeader title={t('providers.review.title')} lead={t(canDecide ? 'providers.review.lead' : 'providers.review.leadReadOnly')} />
      <nav aria-label={t('providers.review.byStatus')} className="mb-4">
        <ul className="list-inline mb-0">
          {PROVIDER_STATUSES.map((status) => (
            <li key={status} className="list-inline-item mb-2">
              <Link
                to={`?status=${status}`}
                className={`btn btn-sm ${query.status === status ? 'btn-primary' : 'btn-outline-primary'}`}
                aria-current={query.status === status ? 'page' : undefined}
              >
                {t(`providers.status.${status}`)} ({formatNumber(counts[status] ?? 0, locale)})
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <Form method="get" className="row g-2 align-items-end mb-3" role="search">
        <div className="col-12 col-md-5">
          <TextField name="q" type="search" label={t('providers.review.search')} hint={t('providers.review.searchHint')} defaultValue={query.q ?? ''} />
        </div>
        <div className="col-12 col-md-4">
          <SelectField
            name="status"
            label={t('providers.field.status')}
            options={[...PROVIDER_STATUSES.map((s) => ({ value: s, label: t(`providers.status.${s}`) })), { value: 'ALL', label: t('providers.status.ALL') }]}
            defaultValue={query.status}
          />
        </div>
        <input type="hidden" name="sort" value={query.sort} />
        <input type="hidden" name="dir" value={query.dir} />
        <div className="col-12 col-md-3 mb-4">
          <button type="submit" className="btn btn-outline-primary">
            {t('table.filter')}
          </button>
        </div>
      </Form>
      <DataTable
        caption={t('providers.review.caption', { status: t(`providers.status.${query.status}`) })}
        columns={columns}
        data={providers.rows}
        getRowId={(row) => row.id}
        state={{ sort: query.sort, dir: query.dir, page: providers.page, pages: providers.pages, total: providers.total }}
        sortable={['legalName', 'providerKind', 'status', 'submittedAt']}
        emptyText={t('providers.review.empty')}
      />
    </>
  );
}
