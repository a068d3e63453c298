import type { Db, DbTx } from '~/utils/db.server';

/**
 * Runs `fn` in a new transaction, or directly inside the caller's when `db` already is a
 * transaction client (interactive transactions cannot nest).
 */
export async function inTransaction<T>(db: Db | DbTx, fn: (tx: DbTx) => Promise<T>): Promise<T> {
  const maybeClient = db as Partial<Db>;
  return typeof maybeClient.$transaction === 'function' ? (db as Db).$transaction((tx) => fn(tx)) : fn(db);
}
