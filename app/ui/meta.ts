import type { MetaDescriptor } from '@remix-run/node';
import { DEFAULT_LOCALE, isLocale, translate, type Locale } from '~/i18n/i18n';

interface MatchLike {
  id: string;
  data?: unknown;
}

export function localeFromMatches(matches: ReadonlyArray<MatchLike | undefined>): Locale {
  const root = matches.find((m) => m?.id === 'root')?.data as { locale?: string } | undefined;
  return isLocale(root?.locale) ? root.locale : DEFAULT_LOCALE;
}

/** `<title>Page – Conciliamo</title>` in the page's language. */
export function pageTitle(matches: ReadonlyArray<MatchLike | undefined>, key: string, params?: Record<string, string | number>): MetaDescriptor[] {
  return [{ title: `${translate(localeFromMatches(matches), key, params)} – Conciliamo` }];
}
