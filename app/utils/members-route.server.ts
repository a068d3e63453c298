import { json } from '@remix-run/node';
import type { Actor } from '~/domain/auth/actor';
import { invitableRoles, type OrganizationKindName } from '~/domain/directory/directory.fns';
import { inviteFormSchema, memberListQuerySchema, searchParamsObject } from '~/domain/directory/directory.schema';
import { getOwnOrganization, inviteIntoOwnOrganization, listOrganizationMembers } from '~/domain/directory/directory.server';
import { getDb } from './db.server';
import { isDomainError, ValidationFailed } from './errors.server';
import { parseForm } from './forms.server';
import { domainErrorResponse, getClientIp } from './http.server';

// The "people" section shared by the company, provider and alliance homes: list + invitation.

export async function loadMembersSection(request: Request, actor: Actor) {
  const membership = actor.membership!;
  const query = memberListQuerySchema.parse(searchParamsObject(new URL(request.url)));
  const members = await listOrganizationMembers(getDb(), actor, membership.organizationId, query);
  return {
    members,
    query,
    invitableRoles: invitableRoles(membership.role, membership.organizationKind as OrganizationKindName),
  };
}

export async function inviteMemberAction(request: Request, actor: Actor) {
  const parsed = await parseForm(request, inviteFormSchema);
  if (!parsed.ok) return json({ ok: false as const, fieldErrors: parsed.fieldErrors, values: parsed.values }, { status: 422 });
  try {
    await inviteIntoOwnOrganization(getDb(), actor, { ...parsed.data, ipAddress: getClientIp(request) });
  } catch (error) {
    if (error instanceof ValidationFailed) {
      return json({ ok: false as const, fieldErrors: error.fieldErrors, values: { ...parsed.data } }, { status: 422 });
    }
    if (isDomainError(error) && error.status === 409) {
      return json({ ok: false as const, fieldErrors: { email: 'members.invite.alreadyMember' }, values: { ...parsed.data } }, { status: 409 });
    }
    throw domainErrorResponse(error);
  }
  return json({ ok: true as const, invited: parsed.data.email });
}

/** Loader of an organisation's own home (company HR, provider operators): details and people. */
export async function loadOrganizationHome(request: Request, actor: Actor) {
  const [organization, members] = await Promise.all([getOwnOrganization(getDb(), actor), loadMembersSection(request, actor)]);
  return { organization, members, role: actor.membership!.role, totpEnabled: actor.user.totpEnabled };
}
