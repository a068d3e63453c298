import { purgeDispatchedOutbox } from '~/domain/outbox/outbox.server';
import type { DbTx } from '~/utils/db.server';

// Housekeeping run by the repeatable maintenance jobs. Each is idempotent: running twice deletes
// nothing more than running once.

/**
 * A used or expired single-use token is kept this long, so a second click on a reset link still
 * reads "this link was already used" instead of "unknown link".
 */
export const SPENT_TOKEN_RETENTION_MS = 24 * 60 * 60 * 1000;
export const DISPATCHED_OUTBOX_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

export async function purgeExpiredSessionsAndTokens(
  db: DbTx,
  now: Date = new Date(),
): Promise<{ sessions: number; tokens: number }> {
  const spentBefore = new Date(now.getTime() - SPENT_TOKEN_RETENTION_MS);
  const sessions = await db.session.deleteMany({ where: { expiresAt: { lt: now } } });
  const tokens = await db.userToken.deleteMany({
    where: { OR: [{ usedAt: { lt: spentBefore } }, { expiresAt: { lt: spentBefore } }] },
  });
  return { sessions: sessions.count, tokens: tokens.count };
}

export async function purgeOldOutboxEvents(db: DbTx, now: Date = new Date()): Promise<number> {
  return purgeDispatchedOutbox(db, { before: new Date(now.getTime() - DISPATCHED_OUTBOX_RETENTION_MS) });
}
