import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import type { ColumnDef } from '@tanstack/react-table';
import { useMemo } from 'react';
import { searchParamsObject } from '~/domain/directory/directory.schema';
import { PROVIDER_LIST_SORTS, providerListQuerySchema } from '~/domain/offerings/offerings.schema';
import { listProviderOfferings } from '~/domain/offerings/offerings.server';
import { OfferingStatusBadge, VersionStatusBadge } from '~/domain/offerings/offerings.ui';
import { DataTable } from '~/ui/DataTable';
import { formatDateTime } from '~/ui/format';
import { PageHeader } from '~/ui/forms';
import { useLocale, useT } from '~/ui/i18n';
import { pageTitle } from '~/ui/meta';
import { requireMembership } from '~/utils/auth.server';
import { getDb } from '~/utils/db.server';

// The provider's offerings: each with its status and, when a newer version is on its way, that one.

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'offerings.provider.title');

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireMembership(request, { roles: ['PROVIDER_OPERATOR'] });
  const query = providerListQuerySchema.parse(searchParamsObject(new URL(request.url)));
  const offerings = await listProviderOfferings(getDb(), actor, query);
  return json({ offerings, query, organizationName: actor.membership.organizationName });
}

type Row = ReturnType<typeof useLoaderData<typeof loader>>['offerings']['rows'][number];

export default function ProviderOfferings() {
  const { offerings, query, organizationName } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const columns = useMemo<ColumnDef<Row, unknown>[]>(
    () => [
      {
        id: 'title',
        header: t('offerings.col.title'),
        cell: ({ row }) => <Link to={`/ente/offerte/${row.original.id}`}>{row.original.title}</Link>,
      },
      { id: 'category', header: t('offerings.col.category'), cell: ({ row }) => (locale === 'en' ? row.original.categoryEn : row.original.categoryIt) },
      {
        id: 'status',
        header: t('offerings.col.status'),
        cell: ({ row }) => (
          <span className="d-inline-flex flex-wrap gap-1">
            <OfferingStatusBadge status={row.original.status} />
            {row.original.liveVersionNumber !== null && row.original.headVersionNumber !== row.original.liveVersionNumber ? (
              <VersionStatusBadge status={row.original.headStatus} />
            ) : null}
          </span>
        ),
      },
      {
        id: 'version',
        header: t('offerings.col.version'),
        cell: ({ row }) => t('offerings.versionLabel', { version: row.original.headVersionNumber }),
      },
      { id: 'updatedAt', header: t('offerings.col.updatedAt'), cell: ({ row }) => formatDateTime(row.original.updatedAt, locale) },
    ],
    [t, locale],
  );
  return (
    <>
      <PageHeader title={t('offerings.provider.title')} lead={t('offerings.provider.lead', { organization: organizationName })}>
        <Link to="/ente/offerte/nuova" className="btn btn-primary">
          {t('offerings.provider.new')}
        </Link>
      </PageHeader>
      <DataTable
        caption={t('offerings.provider.caption')}
        columns={columns}
        data={offerings.rows}
        getRowId={(row) => row.id}
        state={{ sort: query.sort, dir: query.dir, page: offerings.page, pages: offerings.pages, total: offerings.total }}
        sortable={PROVIDER_LIST_SORTS}
        emptyText={t('offerings.provider.empty')}
      />
    </>
  );
}
