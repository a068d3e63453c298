import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useLoaderData, useLocation } from '@remix-run/react';
import type { ColumnDef } from '@tanstack/react-table';
import { useMemo } from 'react';
import { searchParamsObject } from '~/domain/directory/directory.schema';
import { employeesCsv, employeesXlsx } from '~/domain/roster/roster.export';
import { employeeListQuerySchema, exportFormatSchema, type EmployeeListQuery } from '~/domain/roster/roster.schema';
import { exportEmployees, listEmployees } from '~/domain/roster/roster.server';
import { DataTable } from '~/ui/DataTable';
import { formatDate, formatMoney } from '~/ui/format';
import { PageHeader, SelectField, TextField } from '~/ui/forms';
import { useLocale, useT } from '~/ui/i18n';
import { pageTitle } from '~/ui/meta';
import { requireMembership } from '~/utils/auth.server';
import { getDb } from '~/utils/db.server';
import { domainErrorResponse, getClientIp } from '~/utils/http.server';

// The company's employees: server-side search (name, codice fiscale, e-mail), filters (site,
// category, active or leavers), sorting and paging in the URL, each person's welfare balance, and
// the filtered list as CSV or XLSX (?format=csv|xlsx, the same filters).

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'roster.employees.title');

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireMembership(request, { roles: ['COMPANY_ADMIN'] });
  const url = new URL(request.url);
  const query = employeeListQuerySchema.parse(searchParamsObject(url));
  const db = getDb();
  try {
    const format = exportFormatSchema.safeParse(url.searchParams.get('format'));
    // The file download is a plain Response; typed as never so the page's data type stays the JSON one.
    if (format.success) return (await exportFile(request, actor, query, format.data)) as never;
    return json({ employees: await listEmployees(db, actor, query), query });
  } catch (error) {
    throw domainErrorResponse(error);
  }
}

async function exportFile(request: Request, actor: Awaited<ReturnType<typeof requireMembership>>, query: EmployeeListQuery, format: 'csv' | 'xlsx') {
  const exported = await exportEmployees(getDb(), actor, { query, format, ipAddress: getClientIp(request) });
  const stamp = new Date().toISOString().slice(0, 10);
  const bytes = format === 'csv' ? employeesCsv(exported.rows, true) : await employeesXlsx(exported.rows, true);
  return new Response(new Blob([bytes]), {
    headers: {
      'Content-Type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'Content-Disposition': `attachment; filename="dipendenti-${stamp}.${format}"`,
      'Cache-Control': 'no-store',
    },
  });
}

type Row = Awaited<ReturnType<typeof listEmployees>>['rows'][number];

export default function Employees() {
  const { employees, query } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const location = useLocation();
  const columns = useMemo<ColumnDef<Row, unknown>[]>(
    () => [
      {
        id: 'name',
        header: t('roster.field.name'),
        cell: ({ row }) => (
          <>
            <span className="fw-semibold">
              {row.original.familyName} {row.original.givenName}
            </span>
            {row.original.membershipStatus !== 'ACTIVE' ? (
              <span className="d-block small text-muted">{t(`roster.membership.${row.original.membershipStatus}`)}</span>
            ) : null}
          </>
        ),
      },
      { id: 'codiceFiscale', header: t('roster.field.codiceFiscale'), cell: ({ row }) => <span className="font-monospace">{row.original.codiceFiscale}</span> },
      { id: 'email', header: t('roster.field.email'), cell: ({ row }) => row.original.email },
      { id: 'site', header: t('roster.field.site'), cell: ({ row }) => row.original.site ?? '—' },
      { id: 'category', header: t('roster.field.category'), cell: ({ row }) => row.original.category ?? '—' },
      { id: 'hireDate', header: t('roster.field.hireDate'), cell: ({ row }) => formatDate(row.original.hireDate, locale) },
      {
        id: 'terminationDate',
        header: t('roster.field.terminationDate'),
        cell: ({ row }) => (row.original.terminationDate ? formatDate(row.original.terminationDate, locale) : '—'),
      },
      {
        id: 'balance',
        header: t('roster.field.balance'),
        cell: ({ row }) => <span className="text-nowrap">{formatMoney(row.original.balanceCents ?? 0, locale)}</span>,
      },
    ],
    [t, locale],
  );
  const exportHref = (format: 'csv' | 'xlsx') => {
    const params = new URLSearchParams(location.search);
    params.delete('page');
    params.set('format', format);
    return `/azienda/dipendenti?${params.toString()}`;
  };
  const filtered = Boolean(query.q || query.site || query.category || query.status !== 'all');
  return (
    <>
      <PageHeader title={t('roster.employees.title')} lead={t('roster.employees.lead', { company: employees.company.legalName })}>
        <p className="d-flex flex-wrap gap-2">
          <Link to="/azienda/dipendenti/importa" className="btn btn-primary">
            {t('roster.employees.import')}
          </Link>
          <Link to="/azienda/sedi" className="btn btn-outline-primary">
            {t('roster.employees.sites')}
          </Link>
        </p>
      </PageHeader>
      <Form method="get" className="row g-2 align-items-end mb-2" role="search" aria-label={t('roster.employees.filters')}>
        <div className="col-12 col-lg-4">
          <TextField name="q" type="search" label={t('roster.employees.search')} hint={t('roster.employees.searchHint')} defaultValue={query.q ?? ''} />
        </div>
        <div className="col-12 col-md-4 col-lg-2">
          <SelectField
            name="site"
            label={t('roster.field.site')}
            placeholder={t('roster.employees.allSites')}
            options={[...employees.sites.map((s) => ({ value: s.id, label: s.name })), { value: 'none', label: t('roster.employees.noSite') }]}
            defaultValue={query.site ?? ''}
          />
        </div>
        <div className="col-12 col-md-4 col-lg-2">
          <SelectField
            name="category"
            label={t('roster.field.category')}
            placeholder={t('roster.employees.allCategories')}
            options={employees.categories.map((c) => ({ value: c, label: c }))}
            defaultValue={query.category ?? ''}
          />
        </div>
        <div className="col-12 col-md-4 col-lg-2">
          <SelectField
            name="status"
            label={t('roster.employees.status')}
            options={(['all', 'active', 'leavers'] as const).map((s) => ({ value: s, label: t(`roster.employees.status.${s}`) }))}
            defaultValue={query.status}
          />
        </div>
        <input type="hidden" name="sort" value={query.sort} />
        <input type="hidden" name="dir" value={query.dir} />
        <div className="col-12 col-lg-2 mb-4">
          <button type="submit" className="btn btn-outline-primary">
            {t('table.filter')}
          </button>
        </div>
      </Form>
      <p className="d-flex flex-wrap gap-3 align-items-center">
        <span>{t(filtered ? 'roster.employees.exportFiltered' : 'roster.employees.export')}</span>
        <a href={exportHref('csv')} className="btn btn-sm btn-outline-secondary" download>
          CSV <span className="visually-hidden">{t('roster.employees.exportCsv')}</span>
        </a>
        <a href={exportHref('xlsx')} className="btn btn-sm btn-outline-secondary" download>
          Excel (XLSX) <span className="visually-hidden">{t('roster.employees.exportXlsx')}</span>
        </a>
        {filtered ? <Link to="/azienda/dipendenti">{t('roster.employees.clearFilters')}</Link> : null}
      </p>
      <DataTable
        caption={t('roster.employees.caption')}
        columns={columns}
        data={employees.rows}
        getRowId={(row) => row.id}
        state={{ sort: query.sort, dir: query.dir, page: employees.page, pages: employees.pages, total: employees.total }}
        sortable={['name', 'codiceFiscale', 'email', 'site', 'category', 'hireDate', 'terminationDate']}
        emptyText={t(filtered ? 'roster.employees.emptyFiltered' : 'roster.employees.empty')}
      />
    </>
  );
}
