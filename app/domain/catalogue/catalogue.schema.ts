import { z } from 'zod';
import { parseEuroToCents } from '~/domain/offerings/offerings.fns';

// The search parameters of /catalogo and GET /api/v1/catalogue: one schema for both, so the page
// and the API read a URL the same way. Empty values (a GET form sends every field) mean "no filter".
// Messages are i18n keys (app/i18n/messages/public.ts).

export const PROVIDER_KINDS = ['COOPERATIVA_SOCIALE', 'RSA', 'ASSOCIAZIONE', 'ENTE_PUBBLICO', 'IMPRESA'] as const;
export type ProviderKindName = (typeof PROVIDER_KINDS)[number];

export const MAX_QUERY_LENGTH = 200;
export const MAX_PAGE = 500;

const blankToUndefined = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional());

const slug = z.string().trim().max(80, { error: 'catalogue.error.choice' }).regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, { error: 'catalogue.error.choice' });

const euro = z.string().transform((raw, ctx) => {
  const cents = parseEuroToCents(raw);
  if (cents === null) {
    ctx.addIssue({ code: 'custom', message: 'catalogue.error.price' });
    return z.NEVER;
  }
  return cents;
});

export const catalogueSearchSchema = z
  .object({
    q: optional(z.string().trim().max(MAX_QUERY_LENGTH, { error: 'catalogue.error.q' })),
    category: optional(slug),
    comune: optional(z.string().trim().regex(/^\d{6}$/, { error: 'catalogue.error.comune' })),
    alliance: optional(slug),
    age: optional(
      z.coerce
        .number({ error: 'catalogue.error.age' })
        .int({ error: 'catalogue.error.age' })
        .min(0, { error: 'catalogue.error.age' })
        .max(120, { error: 'catalogue.error.age' }),
    ),
    minPrice: optional(euro),
    maxPrice: optional(euro),
    providerKind: optional(z.enum(PROVIDER_KINDS, { error: 'catalogue.error.choice' })),
    page: z.preprocess(
      blankToUndefined,
      z.coerce
        .number({ error: 'catalogue.error.page' })
        .int({ error: 'catalogue.error.page' })
        .min(1, { error: 'catalogue.error.page' })
        .max(MAX_PAGE, { error: 'catalogue.error.page' })
        .default(1),
    ),
  })
  .superRefine((value, ctx) => {
    if (value.minPrice !== undefined && value.maxPrice !== undefined && value.minPrice > value.maxPrice) {
      ctx.addIssue({ code: 'custom', path: ['maxPrice'], message: 'catalogue.error.priceRange' });
    }
  });

export type CatalogueSearch = z.output<typeof catalogueSearchSchema>;

/** The parameters as the URL carries them (strings), for links and for refilling the form. */
export const CATALOGUE_PARAMS = ['q', 'category', 'comune', 'alliance', 'age', 'minPrice', 'maxPrice', 'providerKind', 'page'] as const;
export type CatalogueParam = (typeof CATALOGUE_PARAMS)[number];

export function catalogueParamsOf(url: URL): Partial<Record<CatalogueParam, string>> {
  const params: Partial<Record<CatalogueParam, string>> = {};
  for (const name of CATALOGUE_PARAMS) {
    const value = url.searchParams.get(name);
    if (value !== null && value.trim() !== '') params[name] = value.slice(0, 300);
  }
  return params;
}

/**
 * Reads the URL for the page: invalid fields are reported (to show next to the field) and left
 * out of the search, so a typo in the price still shows results for the other filters.
 */
export function parseCatalogueParamsLeniently(params: Partial<Record<CatalogueParam, string>>): {
  search: CatalogueSearch;
  fieldErrors: Record<string, string>;
} {
  const result = catalogueSearchSchema.safeParse(params);
  if (result.success) return { search: result.data, fieldErrors: {} };
  const fieldErrors: Record<string, string> = {};
  for (const issue of result.error.issues) fieldErrors[String(issue.path[0] ?? 'q')] ??= issue.message;
  const valid = Object.fromEntries(Object.entries(params).filter(([key]) => !(key in fieldErrors)));
  const retry = catalogueSearchSchema.safeParse(valid);
  return { search: retry.success ? retry.data : { page: 1 }, fieldErrors };
}

export const offeringIdParamSchema = z.uuid();
