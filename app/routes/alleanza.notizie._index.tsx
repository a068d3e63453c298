import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import type { ColumnDef } from '@tanstack/react-table';
import { useMemo } from 'react';
import { searchParamsObject } from '~/domain/directory/directory.schema';
import { NEWS_KINDS } from '~/domain/news/news.fns';
import { newsListQuerySchema } from '~/domain/news/news.schema';
import { listNewsForEditor } from '~/domain/news/news.server';
import { DataTable } from '~/ui/DataTable';
import { formatDateTime } from '~/ui/format';
import { PageHeader, SelectField } from '~/ui/forms';
import { useLocale, useT } from '~/ui/i18n';
import { pageTitle } from '~/ui/meta';
import { requireMembership } from '~/utils/auth.server';
import { getDb } from '~/utils/db.server';
import { domainErrorResponse } from '~/utils/http.server';

// /alleanza/notizie — the alliance admin's news and good practices: drafts and published posts
// in a server-side sorted and paginated table, with the way to write a new one.

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'news.admin.title');

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireMembership(request, { roles: ['ALLIANCE_ADMIN'] });
  const query = newsListQuerySchema.parse(searchParamsObject(new URL(request.url)));
  try {
    const posts = await listNewsForEditor(getDb(), actor, query);
    return json({ posts, query, allianceSlug: actor.membership.allianceSlug }, { headers: { 'Cache-Control': 'private, no-store' } });
  } catch (error) {
    throw domainErrorResponse(error);
  }
}

type Row = ReturnType<typeof useLoaderData<typeof loader>>['posts']['rows'][number];

export default function NewsAdmin() {
  const { posts, query, allianceSlug } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const columns = useMemo<ColumnDef<Row, unknown>[]>(
    () => [
      {
        id: 'title',
        header: t('news.field.title'),
        cell: ({ row }) => <Link to={`/alleanza/notizie/${row.original.id}`}>{row.original.title}</Link>,
      },
      { id: 'kind', header: t('news.field.kind'), cell: ({ row }) => t(`news.kind.${row.original.kind}`) },
      {
        id: 'status',
        header: t('news.field.status'),
        cell: ({ row }) =>
          row.original.status === 'published' ? (
            <span className="badge bg-success">{t('news.status.publishedOn', { date: formatDateTime(row.original.publishedAt!, locale) })}</span>
          ) : (
            <span className="badge bg-secondary">{t('news.status.draft')}</span>
          ),
      },
      { id: 'updatedAt', header: t('news.field.updatedAt'), cell: ({ row }) => formatDateTime(row.original.updatedAt, locale) },
      { id: 'author', header: t('news.field.author'), cell: ({ row }) => row.original.authorName ?? '—' },
    ],
    [t, locale],
  );
  return (
    <>
      <PageHeader title={t('news.admin.title')} lead={t('news.admin.lead')}>
        <p className="d-flex flex-wrap gap-3 align-items-center">
          <Link to="/alleanza/notizie/nuova" className="btn btn-primary">
            {t('news.admin.new')}
          </Link>
          <Link to={`/alleanze/${allianceSlug}`}>{t('news.admin.publicPage')}</Link>
        </p>
      </PageHeader>
      <Form method="get" className="row g-2 align-items-end mb-3">
        <div className="col-12 col-md-5">
          <SelectField
            name="kind"
            label={t('news.field.kind')}
            placeholder={t('news.admin.allKinds')}
            options={NEWS_KINDS.map((k) => ({ value: k, label: t(`news.kind.${k}`) }))}
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
        caption={t('news.admin.title')}
        columns={columns}
        data={posts.rows}
        getRowId={(row) => row.id}
        state={{ sort: query.sort, dir: query.dir, page: posts.page, pages: posts.pages, total: posts.total }}
        sortable={['title', 'kind', 'status', 'updatedAt']}
        emptyText={t('news.admin.empty')}
      />
    </>
  );
}
