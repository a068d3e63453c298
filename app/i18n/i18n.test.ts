import { describe, expect, it } from 'vitest';
import { localeFromAcceptLanguage, translate } from './i18n';
import { dictionaries } from './messages';

describe('messages', () => {
  it('has an English text for every Italian key and no English-only key', () => {
    const it = Object.keys(dictionaries.it).sort();
    const en = Object.keys(dictionaries.en).sort();
    expect(en.filter((k) => !it.includes(k))).toEqual([]);
    expect(it.filter((k) => !en.includes(k))).toEqual([]);
  });
  it('uses the same placeholders in both languages', () => {
    const placeholders = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort().join(',');
    for (const [key, text] of Object.entries(dictionaries.it)) {
      const english = (dictionaries.en as Record<string, string>)[key];
      if (english !== undefined) expect(placeholders(english), key).toBe(placeholders(text));
    }
  });
});

describe('translate', () => {
  it('interpolates parameters and falls back to the key', () => {
    expect(translate('it', 'error.reference', { id: 'abc' })).toContain('abc');
    expect(translate('en', 'no.such.key')).toBe('no.such.key');
  });
  it('reads Accept-Language by quality', () => {
    expect(localeFromAcceptLanguage('de-DE,en;q=0.8,it;q=0.9')).toBe('it');
    expect(localeFromAcceptLanguage('en-GB,en;q=0.9')).toBe('en');
    expect(localeFromAcceptLanguage('fr-FR')).toBeUndefined();
  });
});
