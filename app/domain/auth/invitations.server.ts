import { recordAudit } from '~/domain/audit/audit.server';
import { queueEmail } from '~/domain/mail/mail.server';
import { renderEmail } from '~/domain/mail/templates';
import { translator } from '~/i18n/i18n';
import type { Db, DbTx } from '~/utils/db.server';
import { getEnv } from '~/utils/env.server';
import { Conflict, Forbidden, NotFound, ValidationFailed } from '~/utils/errors.server';
import { createSession, deleteSession } from '~/utils/session.server';
import { accountKeyFor, generateToken, hashToken, homePathForRole, managementDecision, passwordPolicyProblem } from './auth.fns';
import { appUrl, clearAccountFailures, LinkInvalid, userLocale, type LinkProblem, type SignedIn } from './auth.server';
import { InviteMemberSchema } from './auth.schema';
import { acquireLoginAttempt, recordLoginFailure, type ThrottleSubject } from './login-throttle.server';
import { hashPassword, verifyPassword } from './password.server';
import { roleFitsOrganizationKind, type OrganizationKindName, type RoleName } from './roles';
import { inTransaction } from './transaction.server';

// How people join: someone entitled (or the CLI, as 'system') invites an e-mail address into an
// organisation with a role; the invitee opens the e-mailed link, sets a password (or confirms the
// one they have) and the membership becomes ACTIVE.

/** Who acts: a signed-in user (permissions are checked) or the platform itself (CLI, seeds). */
export type ManagerRef = 'system' | { userId: string };

export const INVITATION_TTL_DAYS = 7;

export interface InviteMemberInput {
  invitedBy: ManagerRef;
  organizationId: string;
  email: string;
  givenName: string;
  familyName: string;
  role: RoleName;
  ipAddress?: string | null;
}

export interface InvitationResult {
  userId: string;
  membershipId: string;
  tokenId: string;
  /** True when the membership already existed (INVITED or SUSPENDED) and a new link was sent. */
  resent: boolean;
}

async function managerMemberships(db: DbTx, userId: string) {
  const rows = await db.membership.findMany({
    where: { userId, status: 'ACTIVE' },
    select: { role: true, organizationId: true, organization: { select: { allianceId: true } } },
  });
  return rows.map((r) => ({ role: r.role, organizationId: r.organizationId, allianceId: r.organization.allianceId }));
}

/**
 * 404 when the organisation is outside the manager's scope (its existence is not confirmed),
 * 403 when it is inside but the role is not theirs to grant.
 */
async function assertMayManage(
  db: DbTx,
  by: ManagerRef,
  target: { organizationId: string; allianceId: string },
  roles: readonly RoleName[],
): Promise<void> {
  if (by === 'system') return;
  const memberships = await managerMemberships(db, by.userId);
  for (const role of roles) {
    const decision = managementDecision(memberships, target, role);
    if (decision === 'out_of_scope') throw new NotFound('Organisation not found');
    if (decision === 'role_not_allowed') throw new Forbidden(`Not allowed to manage the ${role} role here`);
  }
}

function actorUserId(by: ManagerRef): string | null {
  return by === 'system' ? null : by.userId;
}

export async function inviteMember(db: Db | DbTx, input: InviteMemberInput): Promise<InvitationResult> {
  const parsed = InviteMemberSchema.safeParse(input);
  if (!parsed.success) {
    const fieldErrors: Record<string, string> = {};
    for (const issue of parsed.error.issues) fieldErrors[issue.path.map(String).join('.') || 'form'] ??= issue.message;
    throw new ValidationFailed('Invalid invitation', fieldErrors);
  }
  const fields = parsed.data;
  const organization = await db.organization.findUnique({
    where: { id: fields.organizationId },
    select: { id: true, kind: true, legalName: true, allianceId: true, alliance: { select: { name: true } } },
  });
  if (!organization) throw new NotFound('Organisation not found');
  const target = { organizationId: organization.id, allianceId: organization.allianceId };
  await assertMayManage(db, input.invitedBy, target, [fields.role]);
  if (!roleFitsOrganizationKind(fields.role, organization.kind as OrganizationKindName)) {
    throw new ValidationFailed(`Role ${fields.role} does not fit an organisation of kind ${organization.kind}`, {
      role: 'auth.invite.roleNotForKind',
    });
  }

  const token = generateToken();
  return inTransaction(db, async (tx) => {
    const user = await tx.user.upsert({
      where: { email: fields.email },
      create: { email: fields.email, givenName: fields.givenName, familyName: fields.familyName },
      update: {},
      select: { id: true, email: true, givenName: true, locale: true },
    });
    const key = { userId: user.id, organizationId: organization.id, role: fields.role };
    const existing = await tx.membership.findUnique({
      where: { userId_organizationId_role: key },
      select: { id: true, status: true },
    });
    if (existing?.status === 'ACTIVE') throw new Conflict('This person already has this role in the organisation');
    const membership = existing
      ? await tx.membership.update({ where: { id: existing.id }, data: { status: 'INVITED' }, select: { id: true } })
      : await tx.membership.upsert({
          where: { userId_organizationId_role: key },
          create: { ...key, status: 'INVITED' },
          update: {},
          select: { id: true },
        });
    // Only the newest link works.
    await tx.userToken.deleteMany({ where: { membershipId: membership.id, purpose: 'INVITATION', usedAt: null } });
    const row = await tx.userToken.create({
      data: {
        userId: user.id,
        purpose: 'INVITATION',
        membershipId: membership.id,
        tokenHash: hashToken(token),
        expiresAt: new Date(Date.now() + INVITATION_TTL_DAYS * 24 * 3600 * 1000),
      },
      select: { id: true },
    });
    const locale = userLocale(user.locale);
    const t = translator(locale);
    const rendered = renderEmail({
      locale,
      subject: t('auth.email.invite.subject', { organization: organization.legalName }),
      greeting: t('auth.email.greeting', { name: user.givenName }),
      paragraphs: [
        t('auth.email.invite.intro', {
          organization: organization.legalName,
          alliance: organization.alliance.name,
          role: t(`role.${fields.role}`),
        }),
        t('auth.email.invite.next'),
      ],
      action: { label: t('auth.email.invite.action'), url: appUrl(`/invito/${token}`) },
      closing: [t('auth.email.invite.expiry', { days: INVITATION_TTL_DAYS }), t('auth.email.invite.ignore')],
    });
    await queueEmail(tx, { to: user.email, ...rendered, dedupeKey: `invitation:${row.id}` });
    await recordAudit(tx, {
      action: 'membership.invited',
      allianceId: organization.allianceId,
      organizationId: organization.id,
      actorUserId: actorUserId(input.invitedBy),
      subjectType: 'Membership',
      subjectId: membership.id,
      ipAddress: input.ipAddress ?? null,
      metadata: {
        role: fields.role,
        invitedBy: input.invitedBy === 'system' ? 'system' : 'user',
        resent: Boolean(existing),
        ...(existing ? { previousStatus: existing.status } : {}),
      },
    });
    return { userId: user.id, membershipId: membership.id, tokenId: row.id, resent: Boolean(existing) };
  });
}

export type InvitationState =
  | {
      status: 'valid';
      email: string;
      givenName: string;
      organizationName: string;
      allianceName: string;
      role: RoleName;
      /** An existing account confirms with its password instead of choosing one. */
      hasPassword: boolean;
    }
  | { status: 'invalid'; reason: LinkProblem };

async function findInvitation(db: DbTx, token: string) {
  const row = await db.userToken.findUnique({
    where: { tokenHash: hashToken(token) },
    select: {
      id: true,
      purpose: true,
      usedAt: true,
      expiresAt: true,
      membershipId: true,
      user: { select: { id: true, email: true, givenName: true, passwordHash: true, totpEnabledAt: true } },
    },
  });
  if (!row || row.purpose !== 'INVITATION' || !row.membershipId) return { problem: 'unknown' as const };
  if (row.usedAt) return { problem: 'used' as const };
  if (row.expiresAt.getTime() <= Date.now()) return { problem: 'expired' as const };
  const membership = await db.membership.findUnique({
    where: { id: row.membershipId },
    select: {
      id: true,
      role: true,
      status: true,
      organizationId: true,
      organization: { select: { legalName: true, allianceId: true, alliance: { select: { name: true } } } },
    },
  });
  // A membership suspended or accepted since the e-mail was sent makes the link void.
  if (!membership || membership.status !== 'INVITED') return { problem: 'used' as const };
  return { problem: null, row, membership };
}

export async function checkInvitation(db: DbTx, token: string): Promise<InvitationState> {
  const found = await findInvitation(db, token);
  if (found.problem !== null) return { status: 'invalid', reason: found.problem };
  return {
    status: 'valid',
    email: found.row.user.email,
    givenName: found.row.user.givenName,
    organizationName: found.membership.organization.legalName,
    allianceName: found.membership.organization.alliance.name,
    role: found.membership.role,
    hasPassword: found.row.user.passwordHash !== null,
  };
}

export interface AcceptInvitationInput {
  token: string;
  /** For a new account: the chosen password (already confirmed by the form). */
  newPassword?: string;
  /** For an existing account: the password it signs in with today. */
  currentPassword?: string;
  ipAddress?: string | null;
  userAgent?: string | null;
  previousSessionId?: string | null;
}

/**
 * Activates the invited membership and signs the person in on it. A new account must choose a
 * password that meets the policy; an existing one proves itself with its current password.
 */
export async function acceptInvitation(db: Db, input: AcceptInvitationInput): Promise<SignedIn> {
  const found = await findInvitation(db, input.token);
  if (found.problem !== null) throw new LinkInvalid(found.problem);
  const { row, membership } = found;
  const user = row.user;
  const scope = { allianceId: membership.organization.allianceId, organizationId: membership.organizationId };

  let newHash: string | null = null;
  if (user.passwordHash) {
    const subject: ThrottleSubject = {
      stage: 'password',
      accountKey: accountKeyFor(user.email, getEnv().SESSION_SECRET),
      userId: user.id,
      ipAddress: input.ipAddress ?? null,
    };
    const attempt = await acquireLoginAttempt(db, subject);
    if (!(await verifyPassword(user.passwordHash, input.currentPassword ?? ''))) {
      await recordLoginFailure(db, { subject, reason: 'wrong_password', ...scope });
      throw new ValidationFailed('Wrong current password', { currentPassword: 'auth.password.currentWrong' });
    }
    await attempt.succeeded();
  } else {
    const policy = passwordPolicyProblem(input.newPassword ?? '', user.email);
    if (policy) throw new ValidationFailed('Password does not meet the policy', { password: policy });
    newHash = await hashPassword(input.newPassword ?? '');
  }

  const now = new Date();
  const created = await db.$transaction(async (tx) => {
    const consumed = await tx.userToken.updateMany({
      where: { id: row.id, usedAt: null, expiresAt: { gt: now } },
      data: { usedAt: now },
    });
    if (consumed.count !== 1) throw new LinkInvalid('used');
    const activated = await tx.membership.updateMany({
      where: { id: membership.id, status: 'INVITED' },
      data: { status: 'ACTIVE' },
    });
    if (activated.count !== 1) throw new LinkInvalid('used');
    // Only set when the account had none: a concurrent reset must not be overwritten.
    if (newHash) await tx.user.updateMany({ where: { id: user.id, passwordHash: null }, data: { passwordHash: newHash } });
    if (input.previousSessionId) await deleteSession(tx, input.previousSessionId);
    await recordAudit(tx, {
      action: 'membership.accepted',
      actorUserId: user.id,
      subjectType: 'Membership',
      subjectId: membership.id,
      ipAddress: input.ipAddress ?? null,
      metadata: { role: membership.role, newAccount: newHash !== null },
      ...scope,
    });
    const secondFactorRequired = user.totpEnabledAt !== null;
    const session = await createSession(tx, {
      userId: user.id,
      activeMembershipId: membership.id,
      ipAddress: input.ipAddress,
      userAgent: input.userAgent,
    });
    if (!secondFactorRequired) {
      await recordAudit(tx, {
        action: 'auth.login',
        actorUserId: user.id,
        subjectType: 'User',
        subjectId: user.id,
        ipAddress: input.ipAddress ?? null,
        metadata: { secondFactor: 'none', via: 'invitation' },
        ...scope,
      });
    }
    return { session, secondFactorRequired };
  });
  if (newHash) await clearAccountFailures(user.email);
  return {
    token: created.session.token,
    sessionId: created.session.session.id,
    userId: user.id,
    secondFactorRequired: created.secondFactorRequired,
    home: homePathForRole(membership.role),
  };
}

async function loadManagedMembership(db: DbTx, membershipId: string) {
  const membership = await db.membership.findUnique({
    where: { id: membershipId },
    select: {
      id: true,
      userId: true,
      role: true,
      status: true,
      organizationId: true,
      organization: { select: { kind: true, allianceId: true } },
    },
  });
  if (!membership) throw new NotFound('Membership not found');
  return membership;
}

/** Gives a member another role in the same organisation (both roles must be the manager's to grant). */
export async function changeMembershipRole(
  db: Db | DbTx,
  input: { by: ManagerRef; membershipId: string; role: RoleName; ipAddress?: string | null },
): Promise<{ changed: boolean }> {
  const membership = await loadManagedMembership(db, input.membershipId);
  const target = { organizationId: membership.organizationId, allianceId: membership.organization.allianceId };
  await assertMayManage(db, input.by, target, [membership.role, input.role]);
  if (input.by !== 'system' && input.by.userId === membership.userId) {
    throw new Conflict('You cannot change your own role');
  }
  if (membership.role === input.role) return { changed: false };
  if (!roleFitsOrganizationKind(input.role, membership.organization.kind as OrganizationKindName)) {
    throw new ValidationFailed(`Role ${input.role} does not fit an organisation of kind ${membership.organization.kind}`, {
      role: 'auth.invite.roleNotForKind',
    });
  }
  return inTransaction(db, async (tx) => {
    const clash = await tx.membership.findUnique({
      where: { userId_organizationId_role: { userId: membership.userId, organizationId: membership.organizationId, role: input.role } },
      select: { id: true },
    });
    if (clash) throw new Conflict('This person already has that role in the organisation');
    await tx.membership.update({ where: { id: membership.id }, data: { role: input.role } });
    await recordAudit(tx, {
      action: 'membership.role_changed',
      allianceId: target.allianceId,
      organizationId: target.organizationId,
      actorUserId: actorUserId(input.by),
      subjectType: 'Membership',
      subjectId: membership.id,
      ipAddress: input.ipAddress ?? null,
      metadata: { from: membership.role, to: input.role },
    });
    return { changed: true };
  });
}

/**
 * Suspends a membership: it no longer signs in or acts, and its pending invitation links stop
 * working. Sessions acting as it move to another active membership of the person, or end.
 */
export async function suspendMembership(
  db: Db | DbTx,
  input: { by: ManagerRef; membershipId: string; ipAddress?: string | null },
): Promise<{ changed: boolean }> {
  const membership = await loadManagedMembership(db, input.membershipId);
  const target = { organizationId: membership.organizationId, allianceId: membership.organization.allianceId };
  await assertMayManage(db, input.by, target, [membership.role]);
  if (input.by !== 'system' && input.by.userId === membership.userId) {
    throw new Conflict('You cannot suspend your own membership');
  }
  if (membership.status === 'SUSPENDED') return { changed: false };
  return inTransaction(db, async (tx) => {
    await tx.membership.update({ where: { id: membership.id }, data: { status: 'SUSPENDED' } });
    await tx.userToken.deleteMany({ where: { membershipId: membership.id, usedAt: null } });
    await recordAudit(tx, {
      action: 'membership.suspended',
      allianceId: target.allianceId,
      organizationId: target.organizationId,
      actorUserId: actorUserId(input.by),
      subjectType: 'Membership',
      subjectId: membership.id,
      ipAddress: input.ipAddress ?? null,
      metadata: { role: membership.role, previousStatus: membership.status },
    });
    return { changed: true };
  });
}
