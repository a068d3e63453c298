import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { listRecentCommittedRuns } from '~/domain/allocations/allocations.server';
import { getBudgetForActor, listPlans } from '~/domain/plans/plans.server';
import { periodText, PlanStatusBadge, TableRegion } from '~/domain/plans/plans.ui';
import { formatDateTime, formatMoney, formatNumber } from '~/ui/format';
import { PageHeader } from '~/ui/forms';
import { useLocale, useT } from '~/ui/i18n';
import { pageTitle } from '~/ui/meta';
import { requireMembership } from '~/utils/auth.server';
import { getDb } from '~/utils/db.server';
import { domainErrorResponse } from '~/utils/http.server';

// The company's welfare plans: the budget still to allocate, each plan with what was allocated and
// what remains in the wallets, and the latest allocation runs.

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'plans.list.title');

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireMembership(request, { roles: ['COMPANY_ADMIN'] });
  try {
    const db = getDb();
    const [plans, budget, runs] = await Promise.all([listPlans(db, actor), getBudgetForActor(db, actor), listRecentCommittedRuns(db, actor)]);
    return json({ plans, budget, runs, organizationName: actor.membership.organizationName });
  } catch (error) {
    throw domainErrorResponse(error);
  }
}

export default function CompanyPlans() {
  const { plans, budget, runs, organizationName } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  return (
    <>
      <PageHeader title={t('plans.list.title')} lead={t('plans.list.lead', { organization: organizationName })}>
        <p>
          <Link to="/azienda/piani/nuovo" className="btn btn-primary">
            {t('plans.list.new')}
          </Link>
        </p>
      </PageHeader>

      <section aria-labelledby="budget-title" className="card card-bg no-after mb-5">
        <div className="card-body">
          <h2 id="budget-title" className="h4 card-title">
            {t('plans.budget.title')}
          </h2>
          <p className="h2 mb-2" data-testid="company-budget">
            {formatMoney(budget.balanceCents, locale)}
          </p>
          <p className="mb-2">{t('plans.budget.explain')}</p>
          <Link to="/azienda/ricariche">{t('plans.budget.topUps')}</Link>
        </div>
      </section>

      <section aria-labelledby="plans-title" className="mb-5">
        <h2 id="plans-title" className="h3">
          {t('plans.list.plans')}
        </h2>
        {plans.length === 0 ? (
          <p>{t('plans.list.empty')}</p>
        ) : (
          <TableRegion label={t('plans.list.caption', { organization: organizationName })}>
            <table className="table align-middle">
              <caption className="visually-hidden">{t('plans.list.caption', { organization: organizationName })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('plans.col.name')}</th>
                  <th scope="col">{t('plans.col.period')}</th>
                  <th scope="col">{t('plans.col.status')}</th>
                  <th scope="col" className="text-end">
                    {t('plans.col.allocated')}
                  </th>
                  <th scope="col" className="text-end">
                    {t('plans.col.inWallets')}
                  </th>
                  <th scope="col" className="text-end">
                    {t('plans.col.wallets')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {plans.map((plan) => (
                  <tr key={plan.id}>
                    <th scope="row">
                      <Link to={`/azienda/piani/${plan.id}`}>{plan.name}</Link>
                    </th>
                    <td>{periodText(plan.startsOn, plan.endsOn, locale, t)}</td>
                    <td>
                      <PlanStatusBadge status={plan.status} />
                    </td>
                    <td className="text-end">{formatMoney(plan.allocatedCents, locale)}</td>
                    <td className="text-end">{formatMoney(plan.balanceCents, locale)}</td>
                    <td className="text-end">{formatNumber(plan.wallets, locale)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableRegion>
        )}
      </section>

      <section aria-labelledby="history-title" className="mb-5">
        <h2 id="history-title" className="h3">
          {t('plans.history.title')}
        </h2>
        {runs.length === 0 ? (
          <p>{t('plans.history.empty')}</p>
        ) : (
          <TableRegion label={t('plans.history.caption')}>
            <table className="table">
              <caption className="visually-hidden">{t('plans.history.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('allocations.col.date')}</th>
                  <th scope="col">{t('plans.col.name')}</th>
                  <th scope="col" className="text-end">
                    {t('allocations.col.employees')}
                  </th>
                  <th scope="col" className="text-end">
                    {t('allocations.col.total')}
                  </th>
                  <th scope="col">{t('allocations.col.by')}</th>
                </tr>
              </thead>
              <tbody>
                {runs.map((run) => (
                  <tr key={run.id}>
                    <td>
                      <Link to={`/azienda/piani/${run.planId}/assegnazioni?esecuzione=${run.id}`}>{formatDateTime(run.committedAt ?? run.createdAt, locale)}</Link>
                    </td>
                    <td>{run.planName}</td>
                    <td className="text-end">{formatNumber(run.employeeCount, locale)}</td>
                    <td className="text-end">{formatMoney(run.totalCents, locale)}</td>
                    <td>{run.committedByName ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableRegion>
        )}
      </section>
    </>
  );
}
