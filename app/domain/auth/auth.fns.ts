import { createHash, createHmac, randomBytes } from 'node:crypto';
import { COMMON_PASSWORDS } from './common-passwords';
import { ALLIANCE_LEVEL_ROLES, ROLE_HOME, ROLE_PRIORITY, type RoleName } from './roles';

// Pure helpers of accounts, sessions and memberships (no database, no Redis, no clock unless
// passed in), unit-tested in auth.fns.test.ts.

/** E-mail addresses are stored and compared lowercase (the User table CHECKs it). */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export const PASSWORD_MIN_LENGTH = 10;
// argon2 hashes any length, but an unbounded input is a cheap way to burn our CPU.
export const PASSWORD_MAX_LENGTH = 256;

export type PasswordProblem =
  | 'auth.password.tooShort'
  | 'auth.password.tooLong'
  | 'auth.password.sameAsEmail'
  | 'auth.password.tooCommon';

/** The first rule the password breaks, as an i18n key, or null when it is acceptable. */
export function passwordPolicyProblem(password: string, email?: string | null): PasswordProblem | null {
  if ([...password].length < PASSWORD_MIN_LENGTH) return 'auth.password.tooShort';
  if (password.length > PASSWORD_MAX_LENGTH) return 'auth.password.tooLong';
  const lowered = password.trim().toLowerCase();
  if (email) {
    const address = normalizeEmail(email);
    const localPart = address.split('@')[0] ?? '';
    if (lowered === address || lowered === localPart) return 'auth.password.sameAsEmail';
  }
  if (COMMON_PASSWORDS.has(lowered) || /^(.)\1+$/u.test(lowered)) return 'auth.password.tooCommon';
  return null;
}

/**
 * Accepts only a path on this site ("/azienda?tab=2"), so a crafted link such as
 * /accedi?redirectTo=https://evil.example cannot send people elsewhere after they sign in.
 */
export function safeRedirectPath(value: unknown, fallback = '/'): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2048) return fallback;
  // "//host" and "/\host" are protocol-relative for browsers; control characters hide tricks.
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return fallback;
  if (value.includes('\\') || [...value].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) {
    return fallback;
  }
  const base = 'http://conciliamo.invalid';
  let url: URL;
  try {
    url = new URL(value, base);
  } catch {
    return fallback;
  }
  if (url.origin !== base) return fallback;
  const path = `${url.pathname}${url.search}${url.hash}`;
  // Dot segments can normalise "/.//evil.example" into "//evil.example": check the result too.
  return path.startsWith('//') ? fallback : path;
}

/** Each role lands on its own home; someone without an active membership on the profile page. */
export function homePathForRole(role: RoleName | null | undefined): string {
  return role ? ROLE_HOME[role] : '/profilo';
}

/** Where a login form sends people back to: never to the login or logout pages themselves. */
export function postLoginRedirect(redirectTo: unknown, home: string): string {
  const path = safeRedirectPath(redirectTo, home);
  if (/^\/(accedi|esci)(\/|\?|#|$)/.test(path)) return home;
  return path;
}

export interface PrioritisedMembership {
  id: string;
  role: RoleName;
  createdAt?: Date;
}

/** Role priority first, then the oldest membership, then the id, so the order never wobbles. */
export function sortMembershipsByPriority<T extends PrioritisedMembership>(memberships: readonly T[]): T[] {
  return [...memberships].sort((a, b) => {
    const byRole = ROLE_PRIORITY.indexOf(a.role) - ROLE_PRIORITY.indexOf(b.role);
    if (byRole !== 0) return byRole;
    const byAge = (a.createdAt?.getTime() ?? 0) - (b.createdAt?.getTime() ?? 0);
    if (byAge !== 0) return byAge;
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });
}

export function pickDefaultMembership<T extends PrioritisedMembership>(memberships: readonly T[]): T | null {
  return sortMembershipsByPriority(memberships)[0] ?? null;
}

export interface ManagerMembership {
  role: RoleName;
  organizationId: string;
  allianceId: string;
}

export type ManagementDecision = 'allowed' | 'role_not_allowed' | 'out_of_scope';

/**
 * May someone holding these (ACTIVE) memberships invite to, or change, `role` in the target
 * organisation? Alliance admins manage everything in their alliance; curators onboard companies and
 * providers; company admins and provider operators manage their own organisation's people.
 * 'out_of_scope' means the organisation is none of the manager's business (callers answer 404);
 * 'role_not_allowed' means it is, but not for this role (403).
 */
export function managementDecision(
  managers: readonly ManagerMembership[],
  target: { organizationId: string; allianceId: string },
  role: RoleName,
): ManagementDecision {
  let inScope = false;
  for (const m of managers) {
    const sameAlliance = m.allianceId === target.allianceId;
    const sameOrganization = m.organizationId === target.organizationId;
    if (ALLIANCE_LEVEL_ROLES.includes(m.role) ? sameAlliance : sameOrganization) inScope = true;
    if (m.role === 'ALLIANCE_ADMIN' && sameAlliance) return 'allowed';
    if (m.role === 'AMBITO_CURATOR' && sameAlliance && (role === 'COMPANY_ADMIN' || role === 'PROVIDER_OPERATOR')) {
      return 'allowed';
    }
    if (m.role === 'COMPANY_ADMIN' && sameOrganization && (role === 'EMPLOYEE' || role === 'COMPANY_ADMIN')) {
      return 'allowed';
    }
    if (m.role === 'PROVIDER_OPERATOR' && sameOrganization && (role === 'EMPLOYEE' || role === 'PROVIDER_OPERATOR')) {
      return 'allowed';
    }
  }
  return inScope ? 'role_not_allowed' : 'out_of_scope';
}

/** 32 random bytes, base64url: the value that travels in cookies and e-mailed links. */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

/** What the database keeps instead of a token: a dump of it yields no usable cookie or link. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * A stable pseudonym of an e-mail address for rate-limit keys and audit metadata: keyed, so it
 * cannot be reversed by hashing a list of addresses, and no address is written to Redis or the log.
 */
export function accountKeyFor(email: string, secret: string): string {
  return createHmac('sha256', secret).update(`login-account:${normalizeEmail(email)}`).digest('hex').slice(0, 32);
}

/** "riprova tra N minuti": never 0, rounded up. */
export function retryAfterMinutes(retryAfterSeconds: number): number {
  return Math.max(1, Math.ceil(retryAfterSeconds / 60));
}

/** A session's `lastSeenAt` is written at most this often, not on every request. */
export const SESSION_TOUCH_INTERVAL_MS = 5 * 60 * 1000;

export function sessionNeedsTouch(lastSeenAt: Date, now: Date): boolean {
  return now.getTime() - lastSeenAt.getTime() >= SESSION_TOUCH_INTERVAL_MS;
}

export function sessionExpiry(now: Date, ttlHours: number): Date {
  return new Date(now.getTime() + ttlHours * 3600 * 1000);
}
