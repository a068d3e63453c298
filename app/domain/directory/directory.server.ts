import type { Actor, ActorMembership } from '~/domain/auth/actor';
import { ALLIANCE_LEVEL_ROLES, type RoleName } from '~/domain/auth/roles';
import type { Prisma } from '~/generated/prisma/client';
import { inviteMember } from '~/domain/auth/invitations.server';
import type { Db, DbTx } from '~/utils/db.server';
import { NotFound, ValidationFailed } from '~/utils/errors.server';
import { clampPage, invitableRoles, pageCount, type OrganizationKindName } from './directory.fns';
import type { AuditListQuery, MemberListQuery, OrganizationListQuery } from './directory.schema';

export const PAGE_SIZE = 20;

function activeMembership(actor: Actor): ActorMembership {
  if (!actor.membership) throw new NotFound('No active membership');
  return actor.membership;
}

function requireRole(membership: ActorMembership, roles: readonly RoleName[]): void {
  // Outside one's role the page does not exist: 404, as for foreign ids.
  if (!roles.includes(membership.role)) throw new NotFound('Not available for this role');
}

export interface Paged<T> {
  rows: T[];
  total: number;
  page: number;
  pages: number;
  pageSize: number;
}

/** The public home: every alliance with its Ambiti and how many municipalities it covers. */
export async function listPublicAlliances(db: DbTx) {
  const alliances = await db.alliance.findMany({
    orderBy: { name: 'asc' },
    select: {
      id: true,
      slug: true,
      name: true,
      shortName: true,
      description: true,
      capofila: true,
      territory: true,
      ambiti: { select: { name: true }, orderBy: { name: 'asc' } },
      _count: { select: { comuni: true } },
    },
  });
  return alliances.map((a) => ({
    slug: a.slug,
    name: a.name,
    shortName: a.shortName,
    description: a.description,
    capofila: a.capofila,
    territory: a.territory,
    ambiti: a.ambiti.map((x) => x.name),
    comuniCount: a._count.comuni,
  }));
}

/** The active organisation as its own members see it. */
export async function getOwnOrganization(db: DbTx, actor: Actor) {
  const membership = activeMembership(actor);
  const organization = await db.organization.findFirst({
    where: { id: membership.organizationId, allianceId: membership.allianceId },
    select: {
      id: true,
      kind: true,
      legalName: true,
      codiceFiscale: true,
      partitaIva: true,
      email: true,
      address: true,
      comune: { select: { name: true } },
      ambito: { select: { name: true } },
      alliance: { select: { name: true, shortName: true } },
      _count: { select: { memberships: { where: { status: 'ACTIVE' } } } },
    },
  });
  if (!organization) throw new NotFound('Organisation not found');
  return {
    id: organization.id,
    kind: organization.kind,
    legalName: organization.legalName,
    codiceFiscale: organization.codiceFiscale,
    partitaIva: organization.partitaIva,
    email: organization.email,
    address: organization.address,
    comuneName: organization.comune?.name ?? null,
    ambitoName: organization.ambito?.name ?? null,
    allianceName: organization.alliance.name,
    activeMembers: organization._count.memberships,
  };
}

const MEMBER_ORDER: Record<MemberListQuery['sort'], (dir: 'asc' | 'desc') => Prisma.MembershipOrderByWithRelationInput[]> = {
  name: (dir) => [{ user: { familyName: dir } }, { user: { givenName: dir } }],
  email: (dir) => [{ user: { email: dir } }],
  role: (dir) => [{ role: dir }, { user: { familyName: 'asc' } }],
  status: (dir) => [{ status: dir }, { user: { familyName: 'asc' } }],
  createdAt: (dir) => [{ createdAt: dir }],
};

/**
 * People of an organisation. Its own HR/operators see their organisation; the alliance's staff
 * (admin, curator, auditor) see any organisation of their alliance. Anything else is 404.
 */
export async function listOrganizationMembers(db: DbTx, actor: Actor, organizationId: string, query: MemberListQuery) {
  const membership = activeMembership(actor);
  const ownOrganization = membership.organizationId === organizationId && ['COMPANY_ADMIN', 'PROVIDER_OPERATOR', 'ALLIANCE_ADMIN'].includes(membership.role);
  const allianceStaff = ALLIANCE_LEVEL_ROLES.includes(membership.role);
  if (!ownOrganization && !allianceStaff) throw new NotFound('Organisation not found');
  const organization = await db.organization.findFirst({
    where: { id: organizationId, allianceId: membership.allianceId },
    select: { id: true },
  });
  if (!organization) throw new NotFound('Organisation not found');

  const where: Prisma.MembershipWhereInput = { organizationId };
  if (query.q) {
    where.user = {
      OR: [
        { givenName: { contains: query.q, mode: 'insensitive' } },
        { familyName: { contains: query.q, mode: 'insensitive' } },
        { email: { contains: query.q, mode: 'insensitive' } },
      ],
    };
  }
  const total = await db.membership.count({ where });
  const page = clampPage(query.page, total, PAGE_SIZE);
  const rows = await db.membership.findMany({
    where,
    orderBy: [...MEMBER_ORDER[query.sort](query.dir), { id: 'asc' }],
    skip: (page - 1) * PAGE_SIZE,
    take: PAGE_SIZE,
    select: {
      id: true,
      role: true,
      status: true,
      createdAt: true,
      user: { select: { givenName: true, familyName: true, email: true } },
    },
  });
  return {
    rows: rows.map((m) => ({
      id: m.id,
      name: `${m.user.familyName} ${m.user.givenName}`,
      email: m.user.email,
      role: m.role,
      status: m.status,
      createdAt: m.createdAt.toISOString(),
    })),
    total,
    page,
    pages: pageCount(total, PAGE_SIZE),
    pageSize: PAGE_SIZE,
  };
}

/** Ambiti, municipalities and the count of member organisations by kind, for the alliance's staff. */
export async function getAllianceOverview(db: DbTx, actor: Actor) {
  const membership = activeMembership(actor);
  requireRole(membership, ALLIANCE_LEVEL_ROLES);
  const allianceId = membership.allianceId;
  const [alliance, byKind, members, ambiti] = await Promise.all([
    db.alliance.findUnique({ where: { id: allianceId }, select: { name: true, shortName: true, capofila: true, territory: true } }),
    db.organization.groupBy({ by: ['kind'], where: { allianceId }, _count: { _all: true } }),
    db.membership.count({ where: { status: 'ACTIVE', organization: { allianceId } } }),
    db.ambito.findMany({
      where: { allianceId },
      orderBy: { name: 'asc' },
      select: { id: true, name: true, code: true, comuni: { select: { name: true, istatCode: true }, orderBy: { name: 'asc' } } },
    }),
  ]);
  if (!alliance) throw new NotFound('Alliance not found');
  const counts = Object.fromEntries(byKind.map((k) => [k.kind, k._count._all])) as Partial<Record<string, number>>;
  return {
    alliance,
    organizations: {
      total: byKind.reduce((sum, k) => sum + k._count._all, 0),
      companies: counts.COMPANY ?? 0,
      providers: counts.PROVIDER ?? 0,
      publicBodies: (counts.PUBLIC_BODY ?? 0) + (counts.AMBITO ?? 0),
    },
    activeMembers: members,
    ambiti: ambiti.map((a) => ({ id: a.id, name: a.name, code: a.code, comuni: a.comuni })),
    comuniCount: ambiti.reduce((sum, a) => sum + a.comuni.length, 0),
  };
}

const ORGANIZATION_ORDER: Record<OrganizationListQuery['sort'], (dir: 'asc' | 'desc') => Prisma.OrganizationOrderByWithRelationInput[]> = {
  legalName: (dir) => [{ legalName: dir }],
  kind: (dir) => [{ kind: dir }, { legalName: 'asc' }],
  comune: (dir) => [{ comune: { name: dir } }, { legalName: 'asc' }],
  members: (dir) => [{ memberships: { _count: dir } }, { legalName: 'asc' }],
};

export async function listAllianceOrganizations(db: DbTx, actor: Actor, query: OrganizationListQuery) {
  const membership = activeMembership(actor);
  requireRole(membership, ALLIANCE_LEVEL_ROLES);
  const where: Prisma.OrganizationWhereInput = { allianceId: membership.allianceId };
  if (query.kind) where.kind = query.kind;
  if (query.q) where.legalName = { contains: query.q, mode: 'insensitive' };
  const total = await db.organization.count({ where });
  const page = clampPage(query.page, total, PAGE_SIZE);
  const rows = await db.organization.findMany({
    where,
    orderBy: [...ORGANIZATION_ORDER[query.sort](query.dir), { id: 'asc' }],
    skip: (page - 1) * PAGE_SIZE,
    take: PAGE_SIZE,
    select: {
      id: true,
      legalName: true,
      kind: true,
      comune: { select: { name: true } },
      _count: { select: { memberships: { where: { status: 'ACTIVE' } } } },
    },
  });
  return {
    rows: rows.map((o) => ({ id: o.id, legalName: o.legalName, kind: o.kind, comune: o.comune?.name ?? null, members: o._count.memberships })),
    total,
    page,
    pages: pageCount(total, PAGE_SIZE),
    pageSize: PAGE_SIZE,
  };
}

const AUDIT_VIEWERS: readonly RoleName[] = ['ALLIANCE_ADMIN', 'AUDITOR'];

/** The alliance's audit log, newest first by default. Read-only by construction (append-only table). */
export async function listAuditEvents(db: DbTx, actor: Actor, query: AuditListQuery) {
  const membership = activeMembership(actor);
  requireRole(membership, AUDIT_VIEWERS);
  const allianceId = membership.allianceId;
  // Events tied to one of the alliance's organisations belong to it even when written without allianceId.
  const where: Prisma.AuditEventWhereInput = {
    OR: [{ allianceId }, { organizationId: { in: (await db.organization.findMany({ where: { allianceId }, select: { id: true } })).map((o) => o.id) } }],
  };
  if (query.action) where.action = query.action;
  const total = await db.auditEvent.count({ where });
  const page = clampPage(query.page, total, PAGE_SIZE);
  const events = await db.auditEvent.findMany({
    where,
    orderBy: [{ [query.sort]: query.dir }, { id: 'asc' }],
    skip: (page - 1) * PAGE_SIZE,
    take: PAGE_SIZE,
  });
  const userIds = [...new Set(events.map((e) => e.actorUserId).filter((id): id is string => Boolean(id)))];
  const orgIds = [...new Set(events.map((e) => e.organizationId).filter((id): id is string => Boolean(id)))];
  const keyIds = [...new Set(events.map((e) => e.actorApiKeyId).filter((id): id is string => Boolean(id)))];
  const [users, organizations, keys, actions] = await Promise.all([
    db.user.findMany({ where: { id: { in: userIds } }, select: { id: true, givenName: true, familyName: true } }),
    db.organization.findMany({ where: { id: { in: orgIds }, allianceId }, select: { id: true, legalName: true } }),
    db.apiKey.findMany({ where: { id: { in: keyIds } }, select: { id: true, prefix: true } }),
    db.auditEvent.findMany({ where: { OR: where.OR }, distinct: ['action'], select: { action: true }, orderBy: { action: 'asc' } }),
  ]);
  const userName = new Map(users.map((u) => [u.id, `${u.givenName} ${u.familyName}`]));
  const orgName = new Map(organizations.map((o) => [o.id, o.legalName]));
  const keyPrefix = new Map(keys.map((k) => [k.id, k.prefix]));
  return {
    rows: events.map((e) => ({
      id: e.id,
      createdAt: e.createdAt.toISOString(),
      action: e.action,
      actorName: e.actorUserId ? (userName.get(e.actorUserId) ?? null) : null,
      apiKeyPrefix: e.actorApiKeyId ? (keyPrefix.get(e.actorApiKeyId) ?? null) : null,
      organizationName: e.organizationId ? (orgName.get(e.organizationId) ?? null) : null,
      subject: e.subjectType ? `${e.subjectType}${e.subjectId ? ` ${e.subjectId.slice(0, 8)}` : ''}` : null,
      ipAddress: e.ipAddress,
    })),
    actions: actions.map((a) => a.action),
    total,
    page,
    pages: pageCount(total, PAGE_SIZE),
    pageSize: PAGE_SIZE,
  };
}

/** Invites a person into the actor's own organisation with a role the actor may grant. */
export async function inviteIntoOwnOrganization(
  db: DbTx,
  actor: Actor,
  input: { email: string; givenName: string; familyName: string; role: RoleName; ipAddress?: string },
) {
  const membership = activeMembership(actor);
  const allowed = invitableRoles(membership.role, membership.organizationKind as OrganizationKindName);
  if (allowed.length === 0) throw new NotFound('Not available for this role');
  if (!allowed.includes(input.role)) throw new ValidationFailed('Role not allowed', { role: 'validation.role' });
  return inviteMember(db as Db, {
    invitedBy: { userId: actor.user.id },
    organizationId: membership.organizationId,
    email: input.email,
    givenName: input.givenName,
    familyName: input.familyName,
    role: input.role,
    ipAddress: input.ipAddress,
  });
}
