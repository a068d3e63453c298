import { useRouteLoaderData } from '@remix-run/react';
import { useMemo } from 'react';
import { DEFAULT_LOCALE, isLocale, translator, type Locale, type Translate } from '~/i18n/i18n';

interface RootLocaleData {
  locale?: string;
}

/** The locale chosen by the root loader (cookie, then profile, then browser, then Italian). */
export function useLocale(): Locale {
  const data = useRouteLoaderData('root') as RootLocaleData | undefined;
  return isLocale(data?.locale) ? data.locale : DEFAULT_LOCALE;
}

export function useT(): Translate {
  const locale = useLocale();
  return useMemo(() => translator(locale), [locale]);
}
