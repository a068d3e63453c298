import { recordAudit } from '~/domain/audit/audit.server';
import {
  consumeRateLimit,
  RateLimitStoreUnavailable,
  releaseRateLimit,
  resetRateLimit,
  type RateLimitRule,
} from '~/domain/rate-limit/rate-limit.server';
import { slidingWindowState } from '~/domain/rate-limit/rate-limit.fns';
import type { Prisma } from '~/generated/prisma/client';
import type { DbTx } from '~/utils/db.server';
import { getEnv } from '~/utils/env.server';
import { RateLimited } from '~/utils/errors.server';
import { logger } from '~/utils/logger.server';

// Brute-force protection for everything that checks a secret a person types: the password (per
// account and per IP) and the TOTP code (per account). Redis counts attempts; when Redis cannot
// answer we count the `auth.login_failed` audit rows in PostgreSQL instead — slower, but the login
// page keeps working and the limit still holds.

export type LoginStage = 'password' | 'second_factor';

export type LoginFailureReason =
  | 'unknown_account'
  | 'no_password'
  | 'wrong_password'
  | 'no_active_membership'
  | 'wrong_totp'
  | 'totp_unreadable';

export interface ThrottleSubject {
  stage: LoginStage;
  /** accountKeyFor(email): identifies the account even when the address is unknown. */
  accountKey: string;
  userId: string | null;
  ipAddress: string | null;
}

export interface LoginAttempt {
  store: 'redis' | 'database';
  /** Call after the secret was right: clears the account's failures and gives the IP its attempt back. */
  succeeded(): Promise<void>;
}

const LOGIN_FAILED = 'auth.login_failed';

function ipPart(ipAddress: string | null): string {
  return ipAddress && ipAddress.length > 0 ? ipAddress : 'unknown';
}

function rulesFor(subject: ThrottleSubject): { ip: RateLimitRule | null; account: RateLimitRule } {
  const env = getEnv();
  const windowSeconds = env.RATE_LIMIT_WINDOW_SECONDS;
  if (subject.stage === 'second_factor') {
    return {
      ip: null,
      account: { key: `login:totp:${subject.userId ?? subject.accountKey}`, limit: env.RATE_LIMIT_LOGIN_PER_ACCOUNT, windowSeconds },
    };
  }
  return {
    ip: { key: `login:ip:${ipPart(subject.ipAddress)}`, limit: env.RATE_LIMIT_LOGIN_PER_IP, windowSeconds },
    account: { key: `login:account:${subject.accountKey}`, limit: env.RATE_LIMIT_LOGIN_PER_ACCOUNT, windowSeconds },
  };
}

/**
 * Counts one attempt before the secret is checked; throws RateLimited when the account or the IP
 * is over its limit (even if the secret would have been right).
 */
export async function acquireLoginAttempt(db: DbTx, subject: ThrottleSubject): Promise<LoginAttempt> {
  const rules = rulesFor(subject);
  try {
    if (rules.ip) await consumeRateLimit(rules.ip);
    await consumeRateLimit(rules.account);
  } catch (error) {
    if (!(error instanceof RateLimitStoreUnavailable)) throw error;
    logger.warn(
      { stage: subject.stage, userId: subject.userId, reason: (error.details as { cause?: string } | undefined)?.cause },
      'rate limit store unavailable; counting login failures in PostgreSQL',
    );
    await checkFailuresInDatabase(db, subject, rules);
    return { store: 'database', succeeded: async () => undefined };
  }
  return {
    store: 'redis',
    succeeded: async () => {
      try {
        await resetRateLimit(rules.account.key);
        if (rules.ip) await releaseRateLimit(rules.ip.key);
      } catch (error) {
        logger.warn({ err: (error as Error).message, stage: subject.stage }, 'could not clear login rate limit counters');
      }
    },
  };
}

async function checkFailuresInDatabase(
  db: DbTx,
  subject: ThrottleSubject,
  rules: { ip: RateLimitRule | null; account: RateLimitRule },
): Promise<void> {
  const now = new Date();
  const stageFilter: Prisma.AuditEventWhereInput = { metadata: { path: ['stage'], equals: subject.stage } };
  const recent = async (filter: Prisma.AuditEventWhereInput, rule: RateLimitRule) => {
    const rows = await db.auditEvent.findMany({
      where: {
        action: LOGIN_FAILED,
        createdAt: { gt: new Date(now.getTime() - rule.windowSeconds * 1000) },
        AND: [stageFilter, filter],
      },
      orderBy: { createdAt: 'desc' },
      take: rule.limit,
      select: { createdAt: true },
    });
    return slidingWindowState(
      rows.map((r) => r.createdAt),
      rule.limit,
      rule.windowSeconds,
      now,
    );
  };
  // The user id is indexed; an unknown address is found through its pseudonymous key.
  const accountFilter: Prisma.AuditEventWhereInput = subject.userId
    ? { actorUserId: subject.userId }
    : { metadata: { path: ['accountKey'], equals: subject.accountKey } };
  const account = await recent(accountFilter, rules.account);
  if (account.exceeded) throw new RateLimited(account.retryAfterSeconds);
  if (rules.ip) {
    const ip = await recent({ ipAddress: ipPart(subject.ipAddress) }, rules.ip);
    if (ip.exceeded) throw new RateLimited(ip.retryAfterSeconds);
  }
}

/**
 * The audit row of a failed attempt. It is also what the PostgreSQL fallback counts, so it carries
 * the stage and the account key; never the address or what was typed.
 */
export async function recordLoginFailure(
  db: DbTx,
  input: {
    subject: ThrottleSubject;
    reason: LoginFailureReason;
    allianceId?: string | null;
    organizationId?: string | null;
  },
): Promise<void> {
  await recordAudit(db, {
    action: LOGIN_FAILED,
    actorUserId: input.subject.userId,
    allianceId: input.allianceId ?? null,
    organizationId: input.organizationId ?? null,
    subjectType: input.subject.userId ? 'User' : null,
    subjectId: input.subject.userId,
    ipAddress: ipPart(input.subject.ipAddress),
    metadata: { reason: input.reason, stage: input.subject.stage, accountKey: input.subject.accountKey },
  });
}
