import { describe, expect, it } from 'vitest';
import {
  catalogueNormaliseBody,
  catalogueNormaliseFunctionSql,
  foldText,
  normaliseSearchText,
  pagerItems,
  ruleRegexSource,
  SEARCH_RULES,
  searchHref,
} from './catalogue.fns';

describe('normaliseSearchText', () => {
  it('writes every spelling of baby-sitting the same way', () => {
    const spellings = ['babysitter', 'baby sitter', 'baby-sitter', 'Baby Sitting', 'baby-sitting', 'babysitting', 'BABY  SITTER', 'baby sitters'];
    for (const spelling of spellings) expect(normaliseSearchText(spelling), spelling).toBe('babysitter');
  });

  it('rewrites compounds inside a sentence and keeps the other words', () => {
    expect(normaliseSearchText('Servizio di baby-sitting a domicilio')).toBe('servizio di babysitter a domicilio');
    expect(normaliseSearchText('Pre-scuola e post scuola, doposcuola')).toBe('prescuola e postscuola, doposcuola');
    expect(normaliseSearchText('micro-nido e baby parking')).toBe('micronido e babyparking');
    expect(normaliseSearchText('care giver per il week-end')).toBe('caregiver per il weekend');
  });

  it('matches whole words only', () => {
    expect(normaliseSearchText('superbaby sitterino')).toBe('superbaby sitterino');
    expect(normaliseSearchText('prescuolabus')).toBe('prescuolabus');
    expect(normaliseSearchText('anzianita')).toBe('anzianita');
  });

  it('removes accents and case', () => {
    expect(normaliseSearchText('Attività LUDICHE più belle')).toBe('attivita ludiche piu belle');
    expect(foldText('Àèìòù ÇÑ')).toBe('aeiou cn');
    expect(normaliseSearchText('  attività\n\tper   tutti ')).toBe('attivita per tutti');
  });

  it('joins the word families the Italian stemmer splits', () => {
    for (const word of ['anziano', 'anziana', 'anziani', 'anziane', 'Anziàni']) expect(normaliseSearchText(word)).toBe('anziani');
    expect(normaliseSearchText('assistenza domiciliare')).toBe('assistenza domiciliari');
    expect(normaliseSearchText('assistente familiare')).toBe('assistente familiari');
    expect(normaliseSearchText('corsi sportivi, attività sportive')).toBe('corsi sportivi, attivita sportivi');
  });

  it('is idempotent', () => {
    const text = 'Baby-sitting e pre scuola per anziani? No: micro nido!';
    expect(normaliseSearchText(normaliseSearchText(text))).toBe(normaliseSearchText(text));
  });
});

describe('the SQL twin of the normalisation', () => {
  it('uses only the regular-expression subset PostgreSQL shares with JavaScript', () => {
    for (const rule of SEARCH_RULES) {
      expect(rule.pattern, rule.canonical).not.toMatch(/\\/);
      expect(rule.canonical).toMatch(/^[a-z]+$/);
      expect(() => new RegExp(ruleRegexSource(rule))).not.toThrow();
      // A canonical spelling is stable under its own rule (normalising twice changes nothing).
      expect(normaliseSearchText(rule.canonical)).toBe(rule.canonical);
    }
  });

  it('generates one SQL expression applying every rule in order', () => {
    const body = catalogueNormaliseBody();
    expect(body.startsWith('SELECT ')).toBe(true);
    for (const rule of SEARCH_RULES) expect(body).toContain(`'${ruleRegexSource(rule)}', '${rule.canonical}', 'g'`);
    expect(body.indexOf(SEARCH_RULES[0]!.canonical)).toBeLessThan(body.indexOf(SEARCH_RULES[SEARCH_RULES.length - 1]!.canonical));
    expect(catalogueNormaliseFunctionSql()).toContain(`AS $fn$${body}$fn$;`);
  });
});

describe('paging and links', () => {
  it('shows first, last, current and neighbours with gaps', () => {
    expect(pagerItems(1, 1)).toEqual([1]);
    expect(pagerItems(1, 3)).toEqual([1, 2, 3]);
    expect(pagerItems(5, 10)).toEqual([1, null, 4, 5, 6, null, 10]);
    expect(pagerItems(10, 10)).toEqual([1, null, 9, 10]);
  });

  it('builds stable search links without empty values or page 1', () => {
    const state = { q: 'baby sitter', comune: '', page: 3, category: 'baby-sitting', age: null };
    expect(searchHref('/catalogo', state)).toBe('/catalogo?category=baby-sitting&page=3&q=baby+sitter');
    expect(searchHref('/catalogo', state, { page: 1 })).toBe('/catalogo?category=baby-sitting&q=baby+sitter');
    expect(searchHref('/catalogo', {})).toBe('/catalogo');
  });
});
