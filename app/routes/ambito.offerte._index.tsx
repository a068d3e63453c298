import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import type { ColumnDef } from '@tanstack/react-table';
import { useMemo } from 'react';
import { ALLIANCE_LEVEL_ROLES } from '~/domain/auth/roles';
import { searchParamsObject } from '~/domain/directory/directory.schema';
import { QUEUE_SORTS, QUEUE_STATUS_FILTERS, reviewQueueQuerySchema } from '~/domain/offerings/offerings.schema';
import { getReviewQueueFilters, listReviewQueue } from '~/domain/offerings/offerings.server';
import { categoryName, OfferingStatusBadge, VersionStatusBadge } from '~/domain/offerings/offerings.ui';
import { DataTable } from '~/ui/DataTable';
import { formatDateTime } from '~/ui/format';
import { PageHeader, SelectField, TextField } from '~/ui/forms';
import { useLocale, useT } from '~/ui/i18n';
import { pageTitle } from '~/ui/meta';
import { requireMembership } from '~/utils/auth.server';
import { getDb } from '~/utils/db.server';

// The curator's review queue: the alliance's offerings, sorted, filtered and paginated on the
// server (state in the URL). The alliance's admin and auditor read it too.

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'offerings.queue.title');

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireMembership(request, { roles: ALLIANCE_LEVEL_ROLES });
  const query = reviewQueueQuerySchema.parse(searchParamsObject(new URL(request.url)));
  const [queue, filters] = await Promise.all([listReviewQueue(getDb(), actor, query), getReviewQueueFilters(getDb(), actor)]);
  return json({ queue, filters, query, allianceName: actor.membership.allianceName });
}

type Row = ReturnType<typeof useLoaderData<typeof loader>>['queue']['rows'][number];

export default function ReviewQueue() {
  const { queue, filters, query, allianceName } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const columns = useMemo<ColumnDef<Row, unknown>[]>(
    () => [
      {
        id: 'title',
        header: t('offerings.col.title'),
        cell: ({ row }) => (
          <>
            <Link to={`/ambito/offerte/${row.original.id}`}>{row.original.title}</Link>{' '}
            <small className="text-muted">{t('offerings.versionLabel', { version: row.original.versionNumber })}</small>
          </>
        ),
      },
      { id: 'provider', header: t('offerings.col.provider'), cell: ({ row }) => row.original.providerName },
      {
        id: 'category',
        header: t('offerings.col.category'),
        cell: ({ row }) => categoryName({ nameIt: row.original.categoryIt, nameEn: row.original.categoryEn }, locale),
      },
      {
        id: 'status',
        header: t('offerings.col.status'),
        cell: ({ row }) => (
          <span className="d-inline-flex flex-wrap gap-1">
            <OfferingStatusBadge status={row.original.status} />
            {row.original.versionStatus === 'SUBMITTED' && row.original.status !== 'SUBMITTED' ? (
              <VersionStatusBadge status={row.original.versionStatus} />
            ) : null}
          </span>
        ),
      },
      { id: 'comuni', header: t('offerings.col.comuni'), cell: ({ row }) => row.original.comuniCount },
      {
        id: 'submittedAt',
        header: t('offerings.col.submittedAt'),
        cell: ({ row }) => (row.original.submittedAt ? formatDateTime(row.original.submittedAt, locale) : '—'),
      },
    ],
    [t, locale],
  );
  return (
    <>
      <PageHeader title={t('offerings.queue.title')} lead={t('offerings.queue.lead', { alliance: allianceName })} />
      <section aria-labelledby="queue-filters-title" className="mb-3">
        <h2 id="queue-filters-title" className="visually-hidden">
          {t('offerings.queue.filters')}
        </h2>
        <Form method="get" className="row g-2 align-items-end" role="search" aria-labelledby="queue-filters-title">
          <input type="hidden" name="sort" value={query.sort} />
          <input type="hidden" name="dir" value={query.dir} />
          <div className="col-12 col-lg-4">
            <TextField name="q" type="search" label={t('offerings.queue.q')} defaultValue={query.q ?? ''} />
          </div>
          <div className="col-12 col-md-6 col-lg-4">
            <SelectField
              name="status"
              label={t('offerings.queue.status')}
              options={QUEUE_STATUS_FILTERS.map((s) => ({
                value: s,
                label: s === 'REVIEW' || s === 'ALL' ? t(`offerings.queue.status.${s}`) : t(`offerings.status.${s}`),
              }))}
              defaultValue={query.status}
            />
          </div>
          <div className="col-12 col-md-6 col-lg-4">
            <SelectField
              name="category"
              label={t('offerings.queue.category')}
              placeholder={t('offerings.queue.allCategories')}
              options={filters.categories.map((c) => ({ value: c.slug, label: categoryName(c, locale) }))}
              defaultValue={query.category ?? ''}
            />
          </div>
          <div className="col-12 col-md-6 col-lg-4">
            <SelectField
              name="provider"
              label={t('offerings.queue.provider')}
              placeholder={t('offerings.queue.all')}
              options={filters.providers.map((p) => ({ value: p.id, label: p.legalName }))}
              defaultValue={query.provider ?? ''}
            />
          </div>
          <div className="col-12 col-md-6 col-lg-4">
            <SelectField
              name="comune"
              label={t('offerings.queue.comune')}
              placeholder={t('offerings.queue.all')}
              options={filters.comuni.map((c) => ({ value: c.id, label: c.name }))}
              defaultValue={query.comune ?? ''}
            />
          </div>
          <div className="col-12 col-lg-4 mb-4 d-flex gap-2">
            <button type="submit" className="btn btn-outline-primary">
              {t('offerings.queue.filter')}
            </button>
            <Link to="/ambito/offerte" className="btn btn-link">
              {t('offerings.queue.reset')}
            </Link>
          </div>
        </Form>
      </section>
      <DataTable
        caption={t('offerings.queue.caption')}
        columns={columns}
        data={queue.rows}
        getRowId={(row) => row.id}
        state={{ sort: query.sort, dir: query.dir, page: queue.page, pages: queue.pages, total: queue.total }}
        sortable={QUEUE_SORTS}
        emptyText={t('offerings.queue.empty')}
      />
    </>
  );
}
