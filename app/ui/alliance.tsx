import { Form } from '@remix-run/react';
import type { ColumnDef } from '@tanstack/react-table';
import { useMemo } from 'react';
import { DataTable } from './DataTable';
import { StatCards } from './directory';
import { SelectField, TextField } from './forms';
import { useT } from './i18n';

interface Overview {
  organizations: { total: number; companies: number; providers: number; publicBodies: number };
  activeMembers: number;
  comuniCount: number;
}

export function AllianceStats({ overview }: { overview: Overview }) {
  const t = useT();
  return (
    <StatCards
      items={[
        { label: t('home.stats.companies'), value: overview.organizations.companies },
        { label: t('home.stats.providers'), value: overview.organizations.providers },
        { label: t('home.stats.members'), value: overview.activeMembers },
        { label: t('home.stats.comuni'), value: overview.comuniCount },
      ]}
    />
  );
}

interface OrganizationRow {
  id: string;
  legalName: string;
  kind: string;
  comune: string | null;
  members: number;
}

const KINDS = ['COMPANY', 'PROVIDER', 'PUBLIC_BODY', 'AMBITO', 'OTHER'] as const;

export function AllianceOrganizations({
  organizations,
  query,
  paramPrefix = '',
}: {
  organizations: { rows: OrganizationRow[]; total: number; page: number; pages: number };
  query: { q?: string; kind?: string; sort: string; dir: 'asc' | 'desc' };
  paramPrefix?: string;
}) {
  const t = useT();
  const columns = useMemo<ColumnDef<OrganizationRow, unknown>[]>(
    () => [
      { id: 'legalName', header: t('organizations.name'), accessorKey: 'legalName' },
      { id: 'kind', header: t('organizations.kind'), cell: ({ row }) => t(`orgKind.${row.original.kind}`) },
      { id: 'comune', header: t('organizations.comune'), cell: ({ row }) => row.original.comune ?? '—' },
      { id: 'members', header: t('organizations.members'), accessorKey: 'members' },
    ],
    [t],
  );
  return (
    <section aria-labelledby="organizations-title" className="mb-5">
      <h2 id="organizations-title" className="h3">
        {t('organizations.title')}
      </h2>
      <Form method="get" className="row g-2 align-items-end mb-3" role="search">
        <div className="col-12 col-md-5">
          <TextField name={`${paramPrefix}q`} type="search" label={t('organizations.name')} defaultValue={query.q ?? ''} />
        </div>
        <div className="col-12 col-md-4">
          <SelectField
            name={`${paramPrefix}kind`}
            label={t('organizations.filterKind')}
            placeholder={t('organizations.allKinds')}
            options={KINDS.map((k) => ({ value: k, label: t(`orgKind.${k}`) }))}
            defaultValue={query.kind ?? ''}
          />
        </div>
        <div className="col-12 col-md-3 mb-4">
          <button type="submit" className="btn btn-outline-primary">
            {t('table.filter')}
          </button>
        </div>
      </Form>
      <DataTable
        caption={t('organizations.title')}
        columns={columns}
        data={organizations.rows}
        getRowId={(row) => row.id}
        state={{ sort: query.sort, dir: query.dir, page: organizations.page, pages: organizations.pages, total: organizations.total }}
        sortable={['legalName', 'kind', 'comune', 'members']}
        emptyText={t('organizations.empty')}
        paramPrefix={paramPrefix}
      />
    </section>
  );
}

export function Territory({ ambiti }: { ambiti: Array<{ id: string; name: string; comuni: Array<{ name: string; istatCode: string }> }> }) {
  const t = useT();
  return (
    <section aria-labelledby="territory-title" className="mb-5">
      <h2 id="territory-title" className="h3">
        {t('territory.ambiti')}
      </h2>
      <div className="row g-4">
        {ambiti.map((ambito) => (
          <div key={ambito.id} className="col-12 col-md-6 col-lg-4">
            <h3 className="h5">{ambito.name}</h3>
            <ul className="list-unstyled mb-0">
              {ambito.comuni.map((c) => (
                <li key={c.istatCode}>
                  {c.name} <span className="visually-hidden">{t('territory.istat')}</span>
                  <small className="text-muted font-monospace">({c.istatCode})</small>
                </li>
              ))}
            </ul>
          </div>
        ))}
      </div>
    </section>
  );
}
