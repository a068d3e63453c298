import type { Locale } from '~/i18n/i18n';
import type { DbTx } from '~/utils/db.server';

/** Remembers the language choice so e-mails to this person go out in it too. */
export async function setUserLocale(db: DbTx, userId: string, locale: Locale): Promise<void> {
  await db.user.update({ where: { id: userId }, data: { locale } });
}
