import { describe, expect, it } from 'vitest';
import { MAX_SLUG_LENGTH, newsStatus, slugify, uniqueSlug } from './news.fns';

describe('slugify', () => {
  it('makes a readable, accent-free link from a title', () => {
    expect(slugify('Nuovo sportello welfare ad Albino!')).toBe('nuovo-sportello-welfare-ad-albino');
    expect(slugify('Più servizi per le famiglie: l’Ambito è con voi')).toBe('piu-servizi-per-le-famiglie-l-ambito-e-con-voi');
    expect(slugify('  --  ')).toBe('notizia');
  });

  it('keeps within the maximum length without a trailing dash', () => {
    const slug = slugify(`${'parola '.repeat(30)}fine`);
    expect(slug.length).toBeLessThanOrEqual(MAX_SLUG_LENGTH);
    expect(slug).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });
});

describe('uniqueSlug', () => {
  it('adds -2, -3 … when the slug is taken', () => {
    expect(uniqueSlug('festa', new Set())).toBe('festa');
    expect(uniqueSlug('festa', new Set(['festa']))).toBe('festa-2');
    expect(uniqueSlug('festa', new Set(['festa', 'festa-2']))).toBe('festa-3');
    const long = 'a'.repeat(MAX_SLUG_LENGTH);
    expect(uniqueSlug(long, new Set([long]))).toHaveLength(MAX_SLUG_LENGTH);
  });
});

describe('newsStatus', () => {
  it('is published only with a publication date', () => {
    expect(newsStatus({ publishedAt: null })).toBe('draft');
    expect(newsStatus({ publishedAt: '2026-01-01T00:00:00Z' })).toBe('published');
  });
});
