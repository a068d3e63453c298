import { recordAudit } from '~/domain/audit/audit.server';
import { queueEmail } from '~/domain/mail/mail.server';
import { renderEmail } from '~/domain/mail/templates';
import { claimOnce, RateLimitStoreUnavailable, resetRateLimit } from '~/domain/rate-limit/rate-limit.server';
import { isLocale, translator, type Locale } from '~/i18n/i18n';
import type { Db, DbTx } from '~/utils/db.server';
import { getEnv } from '~/utils/env.server';
import { DomainError, NotFound, Unauthenticated, ValidationFailed } from '~/utils/errors.server';
import { logger } from '~/utils/logger.server';
import { createSession, deleteSession, deleteUserSessions, findLiveSession } from '~/utils/session.server';
import type { Actor, ActorMembership } from './actor';
import {
  accountKeyFor,
  generateToken,
  hashToken,
  homePathForRole,
  normalizeEmail,
  passwordPolicyProblem,
  PASSWORD_MAX_LENGTH,
  pickDefaultMembership,
  sortMembershipsByPriority,
} from './auth.fns';
import { acquireLoginAttempt, recordLoginFailure, type ThrottleSubject } from './login-throttle.server';
import { hashPassword, verifyAgainstDummy, verifyPassword } from './password.server';
import type { OrganizationKindName } from './roles';
import { checkTotpCode } from './totp.server';

// Sign-in, sessions, second factor, password reset and change. Routes call one of these per
// action; the cookie itself is handled by ~/utils/session.server.

/** Same error, same message for an unknown address and a wrong password. */
export class InvalidCredentials extends Unauthenticated {
  constructor() {
    super('Wrong e-mail or password');
  }
}

/** The password was right but no membership is ACTIVE (only invited, or suspended). */
export class NoActiveMembership extends DomainError {
  constructor() {
    super('forbidden', 403, 'No active membership');
  }
}

export type LinkProblem = 'unknown' | 'used' | 'expired';

/** A reset or invitation link that cannot be used any more. */
export class LinkInvalid extends NotFound {
  constructor(public readonly reason: LinkProblem) {
    super(`Link ${reason}`, { reason });
  }
}

/** A session that finished signing in, ready to be put in the cookie. */
export interface SignedIn {
  token: string;
  sessionId: string;
  userId: string;
  secondFactorRequired: boolean;
  /** The active membership's home ('/profilo' without one). */
  home: string;
}

export type SessionState =
  | { status: 'anonymous' }
  | { status: 'second_factor_required'; sessionId: string; userId: string }
  | { status: 'authenticated'; actor: Actor };

/** A session waiting for its TOTP code does not wait forever. */
const SECOND_FACTOR_TIMEOUT_MS = 15 * 60 * 1000;
const RESET_TOKEN_TTL_MS = 60 * 60 * 1000;
/** Reset e-mails per address and window: enough for a typo, not enough to flood a mailbox. */
const RESET_REQUESTS_PER_WINDOW = 3;

const membershipSelect = {
  id: true,
  role: true,
  createdAt: true,
  organizationId: true,
  organization: {
    select: { kind: true, legalName: true, allianceId: true, ambitoId: true, alliance: { select: { slug: true, name: true } } },
  },
} as const;

interface MembershipRow {
  id: string;
  role: ActorMembership['role'];
  createdAt: Date;
  organizationId: string;
  organization: {
    kind: string;
    legalName: string;
    allianceId: string;
    ambitoId: string | null;
    alliance: { slug: string; name: string };
  };
}

function toActorMembership(m: MembershipRow): ActorMembership {
  return {
    id: m.id,
    role: m.role,
    organizationId: m.organizationId,
    organizationKind: m.organization.kind as OrganizationKindName,
    organizationName: m.organization.legalName,
    allianceId: m.organization.allianceId,
    allianceSlug: m.organization.alliance.slug,
    allianceName: m.organization.alliance.name,
    ambitoId: m.organization.ambitoId,
  };
}

function auditScope(m: { organizationId: string; organization: { allianceId: string } } | null | undefined) {
  return { allianceId: m?.organization.allianceId ?? null, organizationId: m?.organizationId ?? null };
}

export function userLocale(locale: string): Locale {
  return isLocale(locale) ? locale : 'it';
}

export function appUrl(path: string): string {
  return `${getEnv().APP_URL.replace(/\/+$/, '')}${path}`;
}

// ---------------------------------------------------------------------------------------------
// Reading the session of a request

/**
 * What a session row is worth on this request: nothing (missing, expired, user without any active
 * membership), waiting for the second factor, or a full Actor.
 */
export async function resolveSession(db: DbTx, sessionId: string, now = new Date()): Promise<SessionState> {
  const session = await findLiveSession(db, sessionId, now);
  if (!session) return { status: 'anonymous' };
  const user = await db.user.findUnique({
    where: { id: session.userId },
    select: {
      id: true,
      email: true,
      givenName: true,
      familyName: true,
      locale: true,
      totpEnabledAt: true,
      memberships: { where: { status: 'ACTIVE' }, select: membershipSelect },
    },
  });
  if (!user || user.memberships.length === 0) {
    // Every membership was suspended since the login: the session has nothing left to act as.
    await deleteSession(db, session.id);
    return { status: 'anonymous' };
  }
  if (user.totpEnabledAt && !session.secondFactorAt) {
    if (now.getTime() - session.createdAt.getTime() > SECOND_FACTOR_TIMEOUT_MS) {
      await deleteSession(db, session.id);
      return { status: 'anonymous' };
    }
    return { status: 'second_factor_required', sessionId: session.id, userId: user.id };
  }
  const ordered = sortMembershipsByPriority(user.memberships);
  const active = ordered.find((m) => m.id === session.activeMembershipId) ?? ordered[0] ?? null;
  if (active && active.id !== session.activeMembershipId) {
    // The chosen membership was suspended or never set: remember the fallback.
    await db.session.updateMany({ where: { id: session.id }, data: { activeMembershipId: active.id } });
  }
  return {
    status: 'authenticated',
    actor: {
      user: {
        id: user.id,
        email: user.email,
        givenName: user.givenName,
        familyName: user.familyName,
        locale: user.locale,
        totpEnabled: user.totpEnabledAt !== null,
      },
      sessionId: session.id,
      membership: active ? toActorMembership(active) : null,
      memberships: ordered.map(toActorMembership),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Sign in and out

export interface LoginInput {
  email: string;
  password: string;
  ipAddress?: string | null;
  userAgent?: string | null;
  /** The session the browser had before (if any): it is ended, the new one gets a new id. */
  previousSessionId?: string | null;
}

export async function login(db: Db, input: LoginInput): Promise<SignedIn> {
  const email = normalizeEmail(input.email);
  const user = await db.user.findUnique({
    where: { email },
    select: {
      id: true,
      passwordHash: true,
      totpEnabledAt: true,
      memberships: { where: { status: 'ACTIVE' }, select: { id: true, role: true, createdAt: true, organizationId: true, organization: { select: { allianceId: true } } } },
    },
  });
  const subject: ThrottleSubject = {
    stage: 'password',
    accountKey: accountKeyFor(email, getEnv().SESSION_SECRET),
    userId: user?.id ?? null,
    ipAddress: input.ipAddress ?? null,
  };
  const attempt = await acquireLoginAttempt(db, subject);
  const defaultMembership = user ? pickDefaultMembership(user.memberships) : null;

  const passwordOk =
    user?.passwordHash && input.password.length <= PASSWORD_MAX_LENGTH
      ? await verifyPassword(user.passwordHash, input.password)
      : await verifyAgainstDummy(input.password.slice(0, PASSWORD_MAX_LENGTH));
  if (!passwordOk) {
    const reason = !user ? 'unknown_account' : !user.passwordHash ? 'no_password' : 'wrong_password';
    await recordLoginFailure(db, { subject, reason, ...auditScope(defaultMembership) });
    throw new InvalidCredentials();
  }
  if (!user || !defaultMembership) {
    await recordLoginFailure(db, { subject, reason: 'no_active_membership' });
    throw new NoActiveMembership();
  }
  await attempt.succeeded();

  const secondFactorRequired = user.totpEnabledAt !== null;
  const created = await db.$transaction(async (tx) => {
    if (input.previousSessionId) await deleteSession(tx, input.previousSessionId);
    const created = await createSession(tx, {
      userId: user.id,
      activeMembershipId: defaultMembership.id,
      ipAddress: input.ipAddress,
      userAgent: input.userAgent,
    });
    // A login with TOTP is audited once the code is right (verifySecondFactor).
    if (!secondFactorRequired) {
      await recordAudit(tx, {
        action: 'auth.login',
        actorUserId: user.id,
        subjectType: 'User',
        subjectId: user.id,
        ipAddress: input.ipAddress ?? null,
        metadata: { secondFactor: 'none' },
        ...auditScope(defaultMembership),
      });
    }
    return created;
  });
  logger.info({ userId: user.id, secondFactorRequired }, 'password accepted');
  return {
    token: created.token,
    sessionId: created.session.id,
    userId: user.id,
    secondFactorRequired,
    home: homePathForRole(defaultMembership.role),
  };
}

/** The TOTP step of a login. Throws ValidationFailed({ code }) for a wrong code. */
export async function verifySecondFactor(
  db: Db,
  input: { sessionId: string; code: string; ipAddress?: string | null },
): Promise<{ home: string }> {
  const session = await findLiveSession(db, input.sessionId);
  if (!session) throw new Unauthenticated('Session expired');
  const user = await db.user.findUnique({
    where: { id: session.userId },
    select: {
      id: true,
      email: true,
      totpSecret: true,
      totpEnabledAt: true,
      memberships: { where: { status: 'ACTIVE' }, select: { id: true, role: true, createdAt: true, organizationId: true, organization: { select: { allianceId: true } } } },
    },
  });
  if (!user) throw new Unauthenticated('Session expired');
  const active = user.memberships.find((m) => m.id === session.activeMembershipId) ?? pickDefaultMembership(user.memberships);
  const home = homePathForRole(active?.role);
  if (!user.totpEnabledAt || !user.totpSecret || session.secondFactorAt) return { home };

  const subject: ThrottleSubject = {
    stage: 'second_factor',
    accountKey: accountKeyFor(user.email, getEnv().SESSION_SECRET),
    userId: user.id,
    ipAddress: input.ipAddress ?? null,
  };
  const attempt = await acquireLoginAttempt(db, subject);
  const check = await checkTotpCode(user.id, user.totpSecret, input.code);
  if (check !== 'ok') {
    await recordLoginFailure(db, { subject, reason: check === 'unreadable' ? 'totp_unreadable' : 'wrong_totp', ...auditScope(active) });
    throw new ValidationFailed('Wrong TOTP code', { code: check === 'unreadable' ? 'auth.totp.unreadable' : 'auth.totp.invalidCode' });
  }
  await attempt.succeeded();
  await db.$transaction(async (tx) => {
    await tx.session.update({ where: { id: session.id }, data: { secondFactorAt: new Date() } });
    await recordAudit(tx, {
      action: 'auth.login',
      actorUserId: user.id,
      subjectType: 'User',
      subjectId: user.id,
      ipAddress: input.ipAddress ?? null,
      metadata: { secondFactor: 'totp' },
      ...auditScope(active),
    });
  });
  return { home };
}

/** Ends one session (the row goes, so the cookie is worthless even if kept). */
export async function logout(db: Db, input: { sessionId: string; ipAddress?: string | null }): Promise<void> {
  await db.$transaction(async (tx) => {
    const ended = await deleteSession(tx, input.sessionId);
    if (!ended) return;
    const memberships = await tx.membership.findMany({
      where: { userId: ended.userId, status: 'ACTIVE' },
      select: { id: true, role: true, createdAt: true, organizationId: true, organization: { select: { allianceId: true } } },
    });
    await recordAudit(tx, {
      action: 'auth.logout',
      actorUserId: ended.userId,
      subjectType: 'User',
      subjectId: ended.userId,
      ipAddress: input.ipAddress ?? null,
      ...auditScope(pickDefaultMembership(memberships)),
    });
  });
}

/** Makes another of the user's ACTIVE memberships the one the session acts as. */
export async function switchActiveMembership(db: DbTx, actor: Actor, membershipId: string): Promise<{ home: string }> {
  const target = actor.memberships.find((m) => m.id === membershipId);
  if (!target) throw new NotFound('Membership not found');
  await db.session.update({ where: { id: actor.sessionId }, data: { activeMembershipId: target.id } });
  return { home: homePathForRole(target.role) };
}

// ---------------------------------------------------------------------------------------------
// Password reset and change

/**
 * Sends a reset link when the address belongs to an account with a password. The caller always
 * shows the same answer, so the form does not reveal which addresses exist.
 */
export async function requestPasswordReset(db: Db, input: { email: string; ipAddress?: string | null }): Promise<void> {
  const email = normalizeEmail(input.email);
  const user = await db.user.findUnique({
    where: { email },
    select: {
      id: true,
      email: true,
      givenName: true,
      locale: true,
      passwordHash: true,
      memberships: { where: { status: 'ACTIVE' }, select: { id: true, role: true, createdAt: true, organizationId: true, organization: { select: { allianceId: true } } } },
    },
  });
  if (!user || !user.passwordHash) return;

  const accountKey = accountKeyFor(email, getEnv().SESSION_SECRET);
  try {
    const windowSeconds = getEnv().RATE_LIMIT_WINDOW_SECONDS;
    // One marker per slot: the first RESET_REQUESTS_PER_WINDOW requests in a window claim one each.
    let claimed = false;
    for (let slot = 0; slot < RESET_REQUESTS_PER_WINDOW && !claimed; slot += 1) {
      claimed = await claimOnce(`password-reset:${accountKey}:${slot}`, windowSeconds);
    }
    if (!claimed) {
      logger.warn({ userId: user.id }, 'password reset requests over the limit; no e-mail sent');
      return;
    }
  } catch (error) {
    if (!(error instanceof RateLimitStoreUnavailable)) throw error;
    logger.warn({ userId: user.id }, 'rate limit store unavailable; password reset e-mail not throttled');
  }

  const token = generateToken();
  const locale = userLocale(user.locale);
  const t = translator(locale);
  await db.$transaction(async (tx) => {
    // Only the newest link works.
    await tx.userToken.deleteMany({ where: { userId: user.id, purpose: 'PASSWORD_RESET', usedAt: null } });
    const row = await tx.userToken.create({
      data: {
        userId: user.id,
        purpose: 'PASSWORD_RESET',
        tokenHash: hashToken(token),
        expiresAt: new Date(Date.now() + RESET_TOKEN_TTL_MS),
      },
      select: { id: true },
    });
    const rendered = renderEmail({
      locale,
      subject: t('auth.email.reset.subject'),
      greeting: t('auth.email.greeting', { name: user.givenName }),
      paragraphs: [t('auth.email.reset.intro')],
      action: { label: t('auth.email.reset.action'), url: appUrl(`/reimposta-password/${token}`) },
      closing: [t('auth.email.reset.expiry', { minutes: RESET_TOKEN_TTL_MS / 60_000 }), t('auth.email.reset.ignore')],
    });
    await queueEmail(tx, { to: user.email, ...rendered, dedupeKey: `password-reset:${row.id}` });
    await recordAudit(tx, {
      action: 'auth.password_reset_requested',
      actorUserId: user.id,
      subjectType: 'User',
      subjectId: user.id,
      ipAddress: input.ipAddress ?? null,
      ...auditScope(pickDefaultMembership(user.memberships)),
    });
  });
}

export type ResetLinkState = { status: 'valid'; email: string } | { status: 'invalid'; reason: LinkProblem };

function linkProblem(token: { usedAt: Date | null; expiresAt: Date } | null, now: Date): LinkProblem | null {
  if (!token) return 'unknown';
  if (token.usedAt) return 'used';
  if (token.expiresAt.getTime() <= now.getTime()) return 'expired';
  return null;
}

export async function checkPasswordResetLink(db: DbTx, token: string): Promise<ResetLinkState> {
  const row = await db.userToken.findUnique({
    where: { tokenHash: hashToken(token) },
    select: { purpose: true, usedAt: true, expiresAt: true, user: { select: { email: true } } },
  });
  const problem = linkProblem(row && row.purpose === 'PASSWORD_RESET' ? row : null, new Date());
  if (problem || !row) return { status: 'invalid', reason: problem ?? 'unknown' };
  return { status: 'valid', email: row.user.email };
}

/**
 * Sets the new password from a reset link (once), ends every session of the user and signs them
 * in. Returns null when the account has no active membership to sign in to.
 */
export async function resetPassword(
  db: Db,
  input: { token: string; password: string; ipAddress?: string | null; userAgent?: string | null; previousSessionId?: string | null },
): Promise<SignedIn | null> {
  const now = new Date();
  const row = await db.userToken.findUnique({
    where: { tokenHash: hashToken(input.token) },
    select: { id: true, purpose: true, usedAt: true, expiresAt: true, user: { select: { id: true, email: true, totpEnabledAt: true } } },
  });
  const problem = linkProblem(row && row.purpose === 'PASSWORD_RESET' ? row : null, now);
  if (problem || !row) throw new LinkInvalid(problem ?? 'unknown');
  const policy = passwordPolicyProblem(input.password, row.user.email);
  if (policy) throw new ValidationFailed('Password does not meet the policy', { password: policy });
  const passwordHash = await hashPassword(input.password);
  const user = row.user;

  const signedIn = await db.$transaction(async (tx) => {
    // The conditional update is the single-use guarantee, also against two tabs submitting at once.
    const consumed = await tx.userToken.updateMany({
      where: { id: row.id, usedAt: null, expiresAt: { gt: now } },
      data: { usedAt: now },
    });
    if (consumed.count !== 1) throw new LinkInvalid('used');
    await tx.user.update({ where: { id: user.id }, data: { passwordHash } });
    await tx.userToken.deleteMany({ where: { userId: user.id, purpose: 'PASSWORD_RESET', usedAt: null } });
    await deleteUserSessions(tx, user.id);
    if (input.previousSessionId) await deleteSession(tx, input.previousSessionId);
    const memberships = await tx.membership.findMany({ where: { userId: user.id, status: 'ACTIVE' }, select: membershipSelect });
    const active = pickDefaultMembership(memberships);
    await recordAudit(tx, {
      action: 'auth.password_reset',
      actorUserId: user.id,
      subjectType: 'User',
      subjectId: user.id,
      ipAddress: input.ipAddress ?? null,
      ...auditScope(active),
    });
    if (!active) return null;
    const created = await createSession(tx, {
      userId: user.id,
      activeMembershipId: active.id,
      ipAddress: input.ipAddress,
      userAgent: input.userAgent,
    });
    const secondFactorRequired = user.totpEnabledAt !== null;
    if (!secondFactorRequired) {
      await recordAudit(tx, {
        action: 'auth.login',
        actorUserId: user.id,
        subjectType: 'User',
        subjectId: user.id,
        ipAddress: input.ipAddress ?? null,
        metadata: { secondFactor: 'none', via: 'password_reset' },
        ...auditScope(active),
      });
    }
    return { token: created.token, sessionId: created.session.id, userId: user.id, secondFactorRequired, home: homePathForRole(active.role) };
  });
  await clearAccountFailures(user.email);
  return signedIn;
}

/** Old password, new password; every other session of the user ends. */
export async function changePassword(
  db: Db,
  input: { userId: string; sessionId: string; currentPassword: string; newPassword: string; ipAddress?: string | null },
): Promise<void> {
  const user = await db.user.findUnique({
    where: { id: input.userId },
    select: {
      id: true,
      email: true,
      passwordHash: true,
      memberships: { where: { status: 'ACTIVE' }, select: { id: true, role: true, createdAt: true, organizationId: true, organization: { select: { allianceId: true } } } },
    },
  });
  if (!user) throw new NotFound('User not found');
  const scope = auditScope(pickDefaultMembership(user.memberships));
  const subject: ThrottleSubject = {
    stage: 'password',
    accountKey: accountKeyFor(user.email, getEnv().SESSION_SECRET),
    userId: user.id,
    ipAddress: input.ipAddress ?? null,
  };
  const attempt = await acquireLoginAttempt(db, subject);
  if (!user.passwordHash || !(await verifyPassword(user.passwordHash, input.currentPassword))) {
    await recordLoginFailure(db, { subject, reason: 'wrong_password', ...scope });
    throw new ValidationFailed('Wrong current password', { currentPassword: 'auth.password.currentWrong' });
  }
  await attempt.succeeded();
  const policy = passwordPolicyProblem(input.newPassword, user.email);
  if (policy) throw new ValidationFailed('Password does not meet the policy', { password: policy });
  const passwordHash = await hashPassword(input.newPassword);
  await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: user.id }, data: { passwordHash } });
    await deleteUserSessions(tx, user.id, { except: input.sessionId });
    await tx.userToken.deleteMany({ where: { userId: user.id, purpose: 'PASSWORD_RESET', usedAt: null } });
    await recordAudit(tx, {
      action: 'auth.password_changed',
      actorUserId: user.id,
      subjectType: 'User',
      subjectId: user.id,
      ipAddress: input.ipAddress ?? null,
      ...scope,
    });
  });
}

/** After a password was set through an e-mailed link, earlier failed guesses no longer count. */
export async function clearAccountFailures(email: string): Promise<void> {
  try {
    await resetRateLimit(`login:account:${accountKeyFor(email, getEnv().SESSION_SECRET)}`);
  } catch (error) {
    logger.warn({ err: (error as Error).message }, 'could not clear login failures');
  }
}
