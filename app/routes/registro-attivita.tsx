import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, useLoaderData } from '@remix-run/react';
import type { ColumnDef } from '@tanstack/react-table';
import { useMemo } from 'react';
import { auditListQuerySchema, searchParamsObject } from '~/domain/directory/directory.schema';
import { listAuditEvents } from '~/domain/directory/directory.server';
import { DataTable } from '~/ui/DataTable';
import { formatDateTime } from '~/ui/format';
import { PageHeader, SelectField } from '~/ui/forms';
import { useLocale, useT } from '~/ui/i18n';
import { pageTitle } from '~/ui/meta';
import { requireMembership } from '~/utils/auth.server';
import { getDb } from '~/utils/db.server';

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'audit.title');

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireMembership(request, { roles: ['ALLIANCE_ADMIN', 'AUDITOR'] });
  const query = auditListQuerySchema.parse(searchParamsObject(new URL(request.url)));
  return json({ events: await listAuditEvents(getDb(), actor, query), query });
}

type Row = Awaited<ReturnType<typeof listAuditEvents>>['rows'][number];

export default function AuditLog() {
  const { events, query } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const columns = useMemo<ColumnDef<Row, unknown>[]>(
    () => [
      { id: 'createdAt', header: t('audit.when'), cell: ({ row }) => formatDateTime(row.original.createdAt, locale) },
      { id: 'action', header: t('audit.action'), cell: ({ row }) => <code>{row.original.action}</code> },
      {
        id: 'actor',
        header: t('audit.actor'),
        cell: ({ row }) =>
          row.original.actorName ?? (row.original.apiKeyPrefix ? t('audit.apiKey', { prefix: row.original.apiKeyPrefix }) : t('audit.system')),
      },
      { id: 'organization', header: t('audit.organization'), cell: ({ row }) => row.original.organizationName ?? '—' },
      { id: 'subject', header: t('audit.subject'), cell: ({ row }) => row.original.subject ?? '—' },
      { id: 'ip', header: t('audit.ip'), cell: ({ row }) => row.original.ipAddress ?? '—' },
    ],
    [t, locale],
  );
  return (
    <>
      <PageHeader title={t('audit.title')} lead={t('audit.lead')} />
      <Form method="get" className="row g-2 align-items-end mb-3">
        <div className="col-12 col-md-6">
          <SelectField
            name="action"
            label={t('audit.filterAction')}
            placeholder={t('audit.allActions')}
            options={events.actions.map((a) => ({ value: a, label: a }))}
            defaultValue={query.action ?? ''}
          />
        </div>
        <div className="col-12 col-md-3 mb-4">
          <button type="submit" className="btn btn-outline-primary">
            {t('table.filter')}
          </button>
        </div>
      </Form>
      <DataTable
        caption={t('audit.title')}
        columns={columns}
        data={events.rows}
        getRowId={(row) => row.id}
        state={{ sort: query.sort, dir: query.dir, page: events.page, pages: events.pages, total: events.total }}
        sortable={['createdAt', 'action']}
        emptyText={t('audit.empty')}
      />
    </>
  );
}
