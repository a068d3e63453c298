import { foldText } from '~/domain/catalogue/catalogue.fns';

// Pure helpers of the alliance's news and good practices (see news.fns.test.ts).

export const NEWS_KINDS = ['NEWS', 'GOOD_PRACTICE'] as const;
export type NewsKindName = (typeof NEWS_KINDS)[number];

export const MAX_SLUG_LENGTH = 80;

/** "Nuovo sportello welfare ad Albino!" → "nuovo-sportello-welfare-ad-albino" (empty titles: "notizia"). */
export function slugify(title: string): string {
  const slug = foldText(title)
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_SLUG_LENGTH)
    .replace(/-+$/g, '');
  return slug || 'notizia';
}

/** The first free slug among base, base-2, base-3 … given the slugs already taken. */
export function uniqueSlug(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const candidate = `${base.slice(0, MAX_SLUG_LENGTH - suffix.length).replace(/-+$/g, '')}${suffix}`;
    if (!taken.has(candidate)) return candidate;
  }
}

export type NewsStatus = 'draft' | 'published';

export function newsStatus(post: { publishedAt: Date | string | null }): NewsStatus {
  return post.publishedAt ? 'published' : 'draft';
}
