import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { getOwnOrganization } from '~/domain/directory/directory.server';
import { getMyWallets } from '~/domain/wallets/wallets.server';
import { OrganizationDetails } from '~/ui/directory';
import { formatDate, formatMoney } from '~/ui/format';
import { PageHeader } from '~/ui/forms';
import { useLocale, useT } from '~/ui/i18n';
import { pageTitle } from '~/ui/meta';
import { requireMembership } from '~/utils/auth.server';
import { getDb } from '~/utils/db.server';

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'home.employee.title');

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireMembership(request, { roles: ['EMPLOYEE'] });
  const db = getDb();
  const [organization, wallets] = await Promise.all([getOwnOrganization(db, actor), getMyWallets(db, actor)]);
  const active = wallets
    .filter((w) => w.status === 'ACTIVE')
    .map((w) => ({ planId: w.planId, planName: w.planName, balanceCents: w.balanceCents, lastDay: w.lastDay }));
  return json({ organization, role: actor.membership!.role, givenName: actor.user.givenName, active });
}

export default function EmployeeHome() {
  const { organization, role, active } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  return (
    <>
      <PageHeader title={t('home.employee.title')} lead={t('home.employee.lead')} />
      <p>{t('home.employee.company', { organization: organization.legalName, alliance: organization.allianceName })}</p>
      {active.length === 0 ? (
        <div className="alert alert-info mb-4" role="status">
          {t('home.employee.noPlan')}
        </div>
      ) : (
        <section aria-labelledby="wallet-summary-title" className="card card-bg no-after mb-4">
          <div className="card-body">
            <h2 id="wallet-summary-title" className="h4 card-title">
              {t('wallets.summary.title')}
            </h2>
            <p className="h2 mb-2" data-testid="home-wallet-total">
              {formatMoney(
                active.reduce((sum, w) => sum + w.balanceCents, 0),
                locale,
              )}
            </p>
            <ul className="mb-3">
              {active.map((w) => (
                <li key={w.planId}>
                  {t('wallets.summary.line', { plan: w.planName, amount: formatMoney(w.balanceCents, locale), date: formatDate(w.lastDay, locale) })}
                </li>
              ))}
            </ul>
            <Link to="/lavoratore/portafoglio" className="btn btn-primary">
              {t('wallets.summary.open')}
            </Link>
          </div>
        </section>
      )}
      <OrganizationDetails organization={organization} role={role} />
    </>
  );
}
