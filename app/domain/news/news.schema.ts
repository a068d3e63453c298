import { z } from 'zod';
import { NEWS_KINDS } from './news.fns';

// The alliance admin's news form and list, and the public link of a post. Messages are i18n keys.

export const MAX_NEWS_BODY = 20_000;

export const newsFormSchema = z.object({
  kind: z.enum(NEWS_KINDS, { error: 'news.error.kind' }),
  title: z
    .string({ error: 'validation.required' })
    .trim()
    .min(3, { error: 'news.error.titleLength' })
    .max(200, { error: 'news.error.titleLength' }),
  body: z
    .string({ error: 'validation.required' })
    .trim()
    .min(1, { error: 'validation.required' })
    .max(MAX_NEWS_BODY, { error: 'news.error.bodyLength' }),
});
export type NewsInput = z.output<typeof newsFormSchema>;

/** Which button sent the editor's form. */
export const newsIntentSchema = z.enum(['save', 'publish', 'unpublish']).catch('save');
export type NewsIntent = z.output<typeof newsIntentSchema>;

export const NEWS_SORTS = ['title', 'kind', 'status', 'updatedAt'] as const;
export const newsListQuerySchema = z.object({
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
  sort: z.enum(NEWS_SORTS).catch('updatedAt'),
  dir: z.enum(['asc', 'desc']).catch('desc'),
  kind: z.enum(NEWS_KINDS).optional().catch(undefined),
});
export type NewsListQuery = z.infer<typeof newsListQuerySchema>;

export const newsIdSchema = z.uuid();
export const newsSlugSchema = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/).max(100);
