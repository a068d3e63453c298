import type { Locale } from '~/i18n/i18n';

// Money is integer cents everywhere; only the UI turns it into euro text.
const intlLocale = (locale: Locale) => (locale === 'en' ? 'en-GB' : 'it-IT');

// Building an Intl formatter is costly (it dominated a catalogue page's server render): one per
// locale and kind, built on first use.
const formatters = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
function cached<T extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, make: () => T): T {
  let formatter = formatters.get(key) as T | undefined;
  if (!formatter) formatters.set(key, (formatter = make()));
  return formatter;
}

export function formatMoney(cents: number | bigint, locale: Locale = 'it'): string {
  const value = typeof cents === 'bigint' ? Number(cents) : cents;
  return cached(`money:${locale}`, () => new Intl.NumberFormat(intlLocale(locale), { style: 'currency', currency: 'EUR', useGrouping: 'always' } as Intl.NumberFormatOptions)).format(value / 100);
}

export function formatDate(date: Date | string, locale: Locale = 'it'): string {
  return cached(`date:${locale}`, () => new Intl.DateTimeFormat(intlLocale(locale), { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'Europe/Rome' })).format(
    new Date(date),
  );
}

export function formatDateTime(date: Date | string, locale: Locale = 'it'): string {
  return cached(
    `datetime:${locale}`,
    () =>
      new Intl.DateTimeFormat(intlLocale(locale), {
        day: '2-digit',
        month: '2-digit',
        year: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
        timeZone: 'Europe/Rome',
      }),
  ).format(new Date(date));
}

export function formatNumber(value: number, locale: Locale = 'it'): string {
  return cached(`number:${locale}`, () => new Intl.NumberFormat(intlLocale(locale), { useGrouping: 'always' } as Intl.NumberFormatOptions)).format(value);
}
