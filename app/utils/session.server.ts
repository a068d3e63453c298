import { createCookie, type Cookie } from '@remix-run/node';
import { generateToken, hashToken, sessionExpiry, sessionNeedsTouch } from '~/domain/auth/auth.fns';
import type { DbTx } from './db.server';
import { getEnv } from './env.server';

// The browser holds a random 32-byte token in a signed, httpOnly cookie; the database holds the
// Session row whose id is sha256(token). A stolen database dump therefore gives no usable cookie,
// and logging out (deleting the row) ends the session everywhere at once.

export const SESSION_COOKIE_NAME = '__conciliamo_session';

let cached: { signature: string; cookie: Cookie } | undefined;

/** Built from the current env (tests switch it), rebuilt only when the relevant values change. */
export function sessionCookie(): Cookie {
  const env = getEnv();
  const signature = `${env.SESSION_SECRET}|${env.NODE_ENV}|${env.SESSION_TTL_HOURS}`;
  if (cached?.signature !== signature) {
    cached = {
      signature,
      cookie: createCookie(SESSION_COOKIE_NAME, {
        secrets: [env.SESSION_SECRET],
        httpOnly: true,
        sameSite: 'lax',
        path: '/',
        secure: env.NODE_ENV === 'production',
        maxAge: env.SESSION_TTL_HOURS * 3600,
      }),
    };
  }
  return cached.cookie;
}

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** The token from a correctly signed cookie, or null (absent, tampered, malformed). */
export async function readSessionToken(request: Request): Promise<string | null> {
  const value: unknown = await sessionCookie().parse(request.headers.get('Cookie'));
  return typeof value === 'string' && TOKEN_SHAPE.test(value) ? value : null;
}

/** The Session row id the request's cookie points to (it may not exist any more). */
export async function readSessionId(request: Request): Promise<string | null> {
  const token = await readSessionToken(request);
  return token ? hashToken(token) : null;
}

export function sessionIdFromToken(token: string): string {
  return hashToken(token);
}

export async function commitSessionCookie(token: string): Promise<string> {
  return sessionCookie().serialize(token);
}

export async function clearSessionCookie(): Promise<string> {
  return sessionCookie().serialize('', { maxAge: 0, expires: new Date(0) });
}

export interface SessionRow {
  id: string;
  userId: string;
  activeMembershipId: string | null;
  secondFactorAt: Date | null;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
}

const SESSION_SELECT = {
  id: true,
  userId: true,
  activeMembershipId: true,
  secondFactorAt: true,
  createdAt: true,
  lastSeenAt: true,
  expiresAt: true,
} as const;

export interface NewSession {
  userId: string;
  activeMembershipId: string | null;
  secondFactorAt?: Date | null;
  ipAddress?: string | null;
  userAgent?: string | null;
}

/** Always a fresh token: a session id is never carried over from before the login (no fixation). */
export async function createSession(db: DbTx, input: NewSession): Promise<{ token: string; session: SessionRow }> {
  const token = generateToken();
  const now = new Date();
  const session = await db.session.create({
    data: {
      id: hashToken(token),
      userId: input.userId,
      activeMembershipId: input.activeMembershipId,
      secondFactorAt: input.secondFactorAt ?? null,
      ipAddress: input.ipAddress ?? null,
      userAgent: input.userAgent ? input.userAgent.slice(0, 512) : null,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: sessionExpiry(now, getEnv().SESSION_TTL_HOURS),
    },
    select: SESSION_SELECT,
  });
  return { token, session };
}

/**
 * The session if it exists and has not expired. An expired row is deleted on sight; `lastSeenAt`
 * is refreshed at most every five minutes so reading a page is not a write each time.
 */
export async function findLiveSession(db: DbTx, sessionId: string, now = new Date()): Promise<SessionRow | null> {
  const session = await db.session.findUnique({ where: { id: sessionId }, select: SESSION_SELECT });
  if (!session) return null;
  if (session.expiresAt.getTime() <= now.getTime()) {
    await db.session.deleteMany({ where: { id: sessionId } });
    return null;
  }
  if (sessionNeedsTouch(session.lastSeenAt, now)) {
    await db.session.updateMany({ where: { id: sessionId, lastSeenAt: session.lastSeenAt }, data: { lastSeenAt: now } });
    session.lastSeenAt = now;
  }
  return session;
}

export async function deleteSession(db: DbTx, sessionId: string): Promise<{ userId: string } | null> {
  const rows = await db.session.findMany({ where: { id: sessionId }, select: { userId: true } });
  await db.session.deleteMany({ where: { id: sessionId } });
  return rows[0] ?? null;
}

/** "Log out everywhere": every session of the user, optionally but the current one. */
export async function deleteUserSessions(db: DbTx, userId: string, options: { except?: string | null } = {}): Promise<number> {
  const { count } = await db.session.deleteMany({
    where: { userId, ...(options.except ? { id: { not: options.except } } : {}) },
  });
  return count;
}
