import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { organizationListQuerySchema, searchParamsObject } from '~/domain/directory/directory.schema';
import { getAllianceOverview, listAllianceOrganizations } from '~/domain/directory/directory.server';
import { AllianceOrganizations, AllianceStats } from '~/ui/alliance';
import { MembersSection, SecurityCard } from '~/ui/directory';
import { PageHeader } from '~/ui/forms';
import { useT } from '~/ui/i18n';
import { pageTitle } from '~/ui/meta';
import { requireMembership } from '~/utils/auth.server';
import { getDb } from '~/utils/db.server';
import { inviteMemberAction, loadMembersSection } from '~/utils/members-route.server';

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'home.alliance.title');

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireMembership(request, { roles: ['ALLIANCE_ADMIN'] });
  const url = new URL(request.url);
  // The organisations table and the staff table share the page: the organisations one uses o-prefixed params.
  const params = searchParamsObject(url);
  const query = organizationListQuerySchema.parse({ q: params.oq, kind: params.okind, page: params.opage, sort: params.osort, dir: params.odir });
  const [overview, organizations, members] = await Promise.all([
    getAllianceOverview(getDb(), actor),
    listAllianceOrganizations(getDb(), actor, query),
    loadMembersSection(request, actor),
  ]);
  return json({ overview, organizations, query, members, totpEnabled: actor.user.totpEnabled });
}

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requireMembership(request, { roles: ['ALLIANCE_ADMIN'] });
  return inviteMemberAction(request, actor);
}

export default function AllianceHome() {
  const { overview, organizations, query, members, totpEnabled } = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <>
      <PageHeader title={t('home.alliance.title')} lead={t('home.alliance.lead')} />
      <AllianceStats overview={overview} />
      <SecurityCard totpEnabled={totpEnabled} />
      <AllianceOrganizations organizations={organizations} query={query} paramPrefix="o" />
      <MembersSection data={members} />
    </>
  );
}
