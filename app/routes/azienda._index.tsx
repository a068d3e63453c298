import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { OrganizationHome } from '~/ui/directory';
import { pageTitle } from '~/ui/meta';
import { requireMembership } from '~/utils/auth.server';
import { inviteMemberAction, loadOrganizationHome } from '~/utils/members-route.server';

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'home.company.title');

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireMembership(request, { roles: ['COMPANY_ADMIN'] });
  return json(await loadOrganizationHome(request, actor));
}

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requireMembership(request, { roles: ['COMPANY_ADMIN'] });
  return inviteMemberAction(request, actor);
}

export default function CompanyHome() {
  return <OrganizationHome titleKey="home.company.title" leadKey="home.company.lead" data={useLoaderData<typeof loader>()} />;
}
