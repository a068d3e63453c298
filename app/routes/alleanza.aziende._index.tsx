import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import type { ColumnDef } from '@tanstack/react-table';
import { useMemo } from 'react';
import { COMPANY_STATUSES } from '~/domain/companies/companies.fns';
import { companyListQuerySchema } from '~/domain/companies/companies.schema';
import { listCompaniesForReview } from '~/domain/companies/companies.server';
import { CompanyStatusBadge } from '~/domain/companies/companies.ui';
import { searchParamsObject } from '~/domain/directory/directory.schema';
import { DataTable } from '~/ui/DataTable';
import { formatDate, formatNumber } from '~/ui/format';
import { PageHeader, SelectField, TextField } from '~/ui/forms';
import { useLocale, useT } from '~/ui/i18n';
import { pageTitle } from '~/ui/meta';
import { requireMembership } from '~/utils/auth.server';
import { getDb } from '~/utils/db.server';

// The alliance admin's companies: adhesion requests to decide (PENDING first) and the register of
// admitted and rejected ones. Filtering, sorting and paging happen on the server.

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'companies.review.title');

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireMembership(request, { roles: ['ALLIANCE_ADMIN'] });
  const query = companyListQuerySchema.parse(searchParamsObject(new URL(request.url)));
  return json({ companies: await listCompaniesForReview(getDb(), actor, query), query });
}

type Row = Awaited<ReturnType<typeof listCompaniesForReview>>['rows'][number];

export default function CompaniesReview() {
  const { companies, query } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const columns = useMemo<ColumnDef<Row, unknown>[]>(
    () => [
      {
        id: 'legalName',
        header: t('companies.field.legalName'),
        cell: ({ row }) => (
          <>
            <Link to={`/alleanza/aziende/${row.original.id}`}>{row.original.legalName}</Link>
            <span className="d-block small text-muted font-monospace">{row.original.codiceFiscale}</span>
          </>
        ),
      },
      { id: 'comune', header: t('companies.field.comune'), cell: ({ row }) => row.original.comuneName ?? '—' },
      { id: 'sizeBand', header: t('companies.field.sizeBand'), cell: ({ row }) => t(`companies.size.${row.original.sizeBand}`) },
      { id: 'status', header: t('companies.field.status'), cell: ({ row }) => <CompanyStatusBadge status={row.original.status} /> },
      { id: 'submittedAt', header: t('companies.field.submittedAt'), cell: ({ row }) => formatDate(row.original.submittedAt, locale) },
    ],
    [t, locale],
  );
  return (
    <>
      <PageHeader title={t('companies.review.title')} lead={t('companies.review.lead', { pending: formatNumber(companies.pending, locale) })} />
      <Form method="get" className="row g-2 align-items-end mb-3" role="search">
        <div className="col-12 col-md-5">
          <TextField name="q" type="search" label={t('companies.review.search')} hint={t('companies.review.searchHint')} defaultValue={query.q ?? ''} />
        </div>
        <div className="col-12 col-md-4">
          <SelectField
            name="status"
            label={t('companies.field.status')}
            options={[...COMPANY_STATUSES.map((s) => ({ value: s, label: t(`companies.status.${s}`) })), { value: 'ALL', label: t('companies.status.ALL') }]}
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
        caption={t('companies.review.caption', { status: t(`companies.status.${query.status}`) })}
        columns={columns}
        data={companies.rows}
        getRowId={(row) => row.id}
        state={{ sort: query.sort, dir: query.dir, page: companies.page, pages: companies.pages, total: companies.total }}
        sortable={['legalName', 'sizeBand', 'status', 'submittedAt']}
        emptyText={t('companies.review.empty')}
      />
    </>
  );
}
