import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { organizationListQuerySchema, searchParamsObject } from '~/domain/directory/directory.schema';
import { getAllianceOverview, listAllianceOrganizations } from '~/domain/directory/directory.server';
import { AllianceOrganizations, AllianceStats } from '~/ui/alliance';
import { PageHeader } from '~/ui/forms';
import { useT } from '~/ui/i18n';
import { pageTitle } from '~/ui/meta';
import { requireMembership } from '~/utils/auth.server';
import { getDb } from '~/utils/db.server';

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'home.auditor.title');

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireMembership(request, { roles: ['AUDITOR'] });
  const query = organizationListQuerySchema.parse(searchParamsObject(new URL(request.url)));
  const [overview, organizations] = await Promise.all([
    getAllianceOverview(getDb(), actor),
    listAllianceOrganizations(getDb(), actor, query),
  ]);
  return json({ overview, organizations, query });
}

export default function AuditorHome() {
  const { overview, organizations, query } = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <>
      <PageHeader title={t('home.auditor.title')} lead={t('home.auditor.lead')}>
        <Link to="/registro-attivita" className="btn btn-primary">
          {t('audit.title')}
        </Link>
      </PageHeader>
      <AllianceStats overview={overview} />
      <AllianceOrganizations organizations={organizations} query={query} />
    </>
  );
}
