import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import type { ColumnDef } from '@tanstack/react-table';
import { useMemo } from 'react';
import { PlanInPlainWords, PlanStatusBadge } from '~/domain/plans/plans.ui';
import { movementLabelKey } from '~/domain/wallets/wallets.fns';
import { MOVEMENT_SORTS, walletQuerySchema } from '~/domain/wallets/wallets.schema';
import { getMyWallets, listMyMovements, type MovementRow } from '~/domain/wallets/wallets.server';
import { DataTable } from '~/ui/DataTable';
import { formatDate, formatDateTime, formatMoney } from '~/ui/format';
import { PageHeader } from '~/ui/forms';
import { useLocale, useT } from '~/ui/i18n';
import { pageTitle } from '~/ui/meta';
import { requireMembership } from '~/utils/auth.server';
import { getDb } from '~/utils/db.server';
import { NotFound } from '~/utils/errors.server';
import { domainErrorResponse } from '~/utils/http.server';

// The employee's wallet: the balance of each plan and until when it can be used, the plan in plain
// words, and the movements (server-side sorted and paged table). Only the employee's own wallets:
// a plan that is not theirs is 404.

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'wallets.title');

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireMembership(request, { roles: ['EMPLOYEE'] });
  const query = walletQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const db = getDb();
  try {
    const wallets = await getMyWallets(db, actor);
    if (query.piano && !wallets.some((w) => w.planId === query.piano)) throw new NotFound('Plan not found');
    const selected = wallets.find((w) => w.planId === query.piano) ?? wallets[0] ?? null;
    const movements = await listMyMovements(db, actor, { ...query, piano: selected?.planId });
    return json({ wallets, selected, movements, query });
  } catch (error) {
    throw domainErrorResponse(error);
  }
}

export default function WalletPage() {
  const { wallets, selected, movements, query } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const total = wallets.filter((w) => w.status === 'ACTIVE').reduce((sum, w) => sum + w.balanceCents, 0);

  const columns = useMemo<ColumnDef<MovementRow, unknown>[]>(
    () => [
      { id: 'date', header: () => t('wallets.col.date'), cell: ({ row }) => formatDateTime(row.original.createdAt, locale) },
      {
        id: 'description',
        header: () => t('wallets.col.description'),
        cell: ({ row }) => t(movementLabelKey(row.original)),
      },
      {
        id: 'amount',
        header: () => t('wallets.col.amount'),
        cell: ({ row }) => (
          <span className={row.original.amountCents < 0 ? 'text-danger' : 'text-success'}>
            {row.original.amountCents > 0 ? '+' : '−'}
            {formatMoney(Math.abs(row.original.amountCents), locale)}
          </span>
        ),
      },
    ],
    [t, locale],
  );

  return (
    <>
      <PageHeader title={t('wallets.title')} lead={t('wallets.lead')} />
      {wallets.length === 0 ? (
        <div className="alert alert-info" role="status">
          {t('wallets.none')}
        </div>
      ) : (
        <>
          <p className="lead" data-testid="wallet-total">
            {t('wallets.total', { amount: formatMoney(total, locale) })}
          </p>
          <ul className="row list-unstyled g-3 mb-4" aria-label={t('wallets.plansList')}>
            {wallets.map((w) => {
              const current = selected?.planId === w.planId;
              return (
                <li key={w.planId} className="col-md-6 col-lg-4">
                  <div className={`card shadow-sm h-100${current ? ' border border-primary' : ''}`}>
                    <div className="card-body">
                      <h2 className="h5 card-title">
                        <Link to={`?piano=${w.planId}`} aria-current={current ? 'true' : undefined}>
                          {w.planName}
                        </Link>
                      </h2>
                      <p className="h3 mb-1" data-testid={`wallet-balance-${w.planId}`}>
                        {formatMoney(w.balanceCents, locale)}
                      </p>
                      <p className="mb-1">
                        <PlanStatusBadge status={w.status} />
                      </p>
                      <p className="mb-0 small">
                        {w.status === 'ACTIVE'
                          ? t('wallets.usableUntil', { date: formatDate(w.lastDay, locale) })
                          : t('wallets.closedOn', { date: formatDate(w.endsOn, locale) })}
                      </p>
                    </div>
                  </div>
                </li>
              );
            })}
          </ul>
          {selected ? <PlanInPlainWords plan={selected} headingId="plain-words-title" /> : null}
          <section aria-labelledby="movements-title" className="mb-5">
            <h2 id="movements-title" className="h3">
              {t('wallets.movements.title', { plan: selected?.planName ?? '' })}
            </h2>
            <DataTable
              caption={t('wallets.movements.caption', { plan: selected?.planName ?? '' })}
              columns={columns}
              data={movements.rows}
              state={{ sort: query.sort, dir: query.dir, page: movements.page, pages: movements.pages, total: movements.total }}
              sortable={MOVEMENT_SORTS}
              emptyText={t('wallets.movements.empty')}
              getRowId={(row) => row.id}
            />
          </section>
        </>
      )}
    </>
  );
}
