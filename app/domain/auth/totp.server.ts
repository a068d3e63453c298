import QRCode from 'qrcode';
import { recordAudit } from '~/domain/audit/audit.server';
import { claimOnce } from '~/domain/rate-limit/rate-limit.server';
import type { Db, DbTx } from '~/utils/db.server';
import { getEnv } from '~/utils/env.server';
import { Conflict, NotFound, ValidationFailed } from '~/utils/errors.server';
import { logger } from '~/utils/logger.server';
import { accountKeyFor, pickDefaultMembership } from './auth.fns';
import { acquireLoginAttempt, recordLoginFailure } from './login-throttle.server';
import { verifyPassword } from './password.server';
import { isStaffRole } from './roles';
import {
  decryptSecret,
  encryptSecret,
  generateTotpSecret,
  matchTotpCode,
  SecretDecryptionError,
  TOTP_PERIOD_SECONDS,
  TOTP_WINDOW,
  totpUri,
} from './totp.fns';

// Optional second factor for staff. Setting it up stores an encrypted secret with totpEnabledAt
// still null (pending); the first valid code switches it on. Every code is accepted once only.

export interface TotpSetup {
  /** Base32, for manual entry in the authenticator app. */
  secret: string;
  uri: string;
  /** The QR code as an inline SVG document (generated here from our own data). */
  qrSvg: string;
}

export type TotpCheck = 'ok' | 'wrong' | 'unreadable';

/**
 * Checks a code against the stored (encrypted) secret and refuses a code already used in its time
 * step. If Redis cannot remember used codes, the code is still checked (the replay window is at
 * most 90 s) and a warning is logged.
 */
export async function checkTotpCode(userId: string, storedSecret: string, code: string, now = Date.now()): Promise<TotpCheck> {
  let secret: string;
  try {
    secret = decryptSecret(storedSecret, getEnv().SESSION_SECRET);
  } catch (error) {
    if (error instanceof SecretDecryptionError) {
      logger.error({ userId, err: error.message }, 'TOTP secret unreadable');
      return 'unreadable';
    }
    throw error;
  }
  const counter = matchTotpCode(secret, code, now);
  if (counter === null) return 'wrong';
  try {
    const fresh = await claimOnce(`totp:${userId}:${counter}`, TOTP_PERIOD_SECONDS * (2 * TOTP_WINDOW + 2));
    if (!fresh) return 'wrong';
  } catch (error) {
    logger.warn({ userId, err: (error as Error).message }, 'could not record used TOTP code; replay protection skipped');
  }
  return 'ok';
}

async function loadUserForTotp(db: DbTx, userId: string) {
  const user = await db.user.findUnique({
    where: { id: userId },
    select: {
      id: true,
      email: true,
      passwordHash: true,
      totpSecret: true,
      totpEnabledAt: true,
      memberships: {
        where: { status: 'ACTIVE' },
        select: { id: true, role: true, createdAt: true, organizationId: true, organization: { select: { allianceId: true } } },
      },
    },
  });
  if (!user) throw new NotFound('User not found');
  const membership = pickDefaultMembership(user.memberships);
  return {
    user,
    scope: { allianceId: membership?.organization.allianceId ?? null, organizationId: membership?.organizationId ?? null },
  };
}

/**
 * The secret to show while setting TOTP up. The pending secret is kept, so reloading the page
 * after scanning the QR code does not invalidate what the app already holds.
 */
export async function getTotpSetup(db: DbTx, input: { userId: string }): Promise<TotpSetup> {
  const { user } = await loadUserForTotp(db, input.userId);
  if (user.totpEnabledAt) throw new Conflict('TOTP is already enabled');
  if (!user.memberships.some((m) => isStaffRole(m.role))) throw new NotFound('TOTP is offered to staff roles only');
  const env = getEnv();
  let secret: string | null = null;
  if (user.totpSecret) {
    try {
      secret = decryptSecret(user.totpSecret, env.SESSION_SECRET);
    } catch {
      secret = null;
    }
  }
  if (!secret) {
    secret = generateTotpSecret();
    await db.user.update({ where: { id: user.id }, data: { totpSecret: encryptSecret(secret, env.SESSION_SECRET), totpEnabledAt: null } });
  }
  const uri = totpUri(secret, user.email);
  const qrSvg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 });
  return { secret, uri, qrSvg };
}

export type TotpStatus = { status: 'enabled' } | { status: 'unavailable' } | ({ status: 'setup' } & TotpSetup);

/** What the security page shows: TOTP on, not offered (no staff role), or the set-up to follow. */
export async function getTotpStatus(db: DbTx, input: { userId: string }): Promise<TotpStatus> {
  const { user } = await loadUserForTotp(db, input.userId);
  if (user.totpEnabledAt) return { status: 'enabled' };
  if (!user.memberships.some((m) => isStaffRole(m.role))) return { status: 'unavailable' };
  return { status: 'setup', ...(await getTotpSetup(db, input)) };
}

/** Switches TOTP on with the first valid code; the current session counts as verified. */
export async function enableTotp(
  db: Db,
  input: { userId: string; sessionId: string; code: string; ipAddress?: string | null },
): Promise<void> {
  const { user, scope } = await loadUserForTotp(db, input.userId);
  if (user.totpEnabledAt) throw new Conflict('TOTP is already enabled');
  if (!user.totpSecret) throw new ValidationFailed('TOTP setup not started', { code: 'auth.totp.setupExpired' });
  const subject = { stage: 'second_factor' as const, accountKey: accountKeyFor(user.email, getEnv().SESSION_SECRET), userId: user.id, ipAddress: input.ipAddress ?? null };
  const attempt = await acquireLoginAttempt(db, subject);
  const check = await checkTotpCode(user.id, user.totpSecret, input.code);
  if (check !== 'ok') {
    await recordLoginFailure(db, { subject, reason: check === 'unreadable' ? 'totp_unreadable' : 'wrong_totp', ...scope });
    throw new ValidationFailed('Wrong TOTP code', { code: check === 'unreadable' ? 'auth.totp.unreadable' : 'auth.totp.invalidCode' });
  }
  await attempt.succeeded();
  const now = new Date();
  await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: user.id }, data: { totpEnabledAt: now } });
    await tx.session.updateMany({ where: { id: input.sessionId, userId: user.id }, data: { secondFactorAt: now } });
    await recordAudit(tx, {
      action: 'auth.totp_enabled',
      actorUserId: user.id,
      subjectType: 'User',
      subjectId: user.id,
      ipAddress: input.ipAddress ?? null,
      ...scope,
    });
  });
}

/** Switching TOTP off needs both the password and a current code. */
export async function disableTotp(
  db: Db,
  input: { userId: string; currentPassword: string; code: string; ipAddress?: string | null },
): Promise<void> {
  const { user, scope } = await loadUserForTotp(db, input.userId);
  if (!user.totpEnabledAt || !user.totpSecret) throw new Conflict('TOTP is not enabled');
  const accountKey = accountKeyFor(user.email, getEnv().SESSION_SECRET);
  const passwordSubject = { stage: 'password' as const, accountKey, userId: user.id, ipAddress: input.ipAddress ?? null };
  const passwordAttempt = await acquireLoginAttempt(db, passwordSubject);
  if (!user.passwordHash || !(await verifyPassword(user.passwordHash, input.currentPassword))) {
    await recordLoginFailure(db, { subject: passwordSubject, reason: 'wrong_password', ...scope });
    throw new ValidationFailed('Wrong password', { currentPassword: 'auth.password.currentWrong' });
  }
  await passwordAttempt.succeeded();
  const codeSubject = { ...passwordSubject, stage: 'second_factor' as const };
  const codeAttempt = await acquireLoginAttempt(db, codeSubject);
  const check = await checkTotpCode(user.id, user.totpSecret, input.code);
  if (check === 'wrong') {
    await recordLoginFailure(db, { subject: codeSubject, reason: 'wrong_totp', ...scope });
    throw new ValidationFailed('Wrong TOTP code', { code: 'auth.totp.invalidCode' });
  }
  // An unreadable secret (SESSION_SECRET rotated) must not lock the person out of turning it off:
  // the password was checked above.
  await codeAttempt.succeeded();
  await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: user.id }, data: { totpSecret: null, totpEnabledAt: null } });
    await recordAudit(tx, {
      action: 'auth.totp_disabled',
      actorUserId: user.id,
      subjectType: 'User',
      subjectId: user.id,
      ipAddress: input.ipAddress ?? null,
      metadata: check === 'unreadable' ? { secretUnreadable: true } : {},
      ...scope,
    });
  });
}
