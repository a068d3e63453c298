import { z } from 'zod';
import { errorResponse, registerApiPath, registerApiSchema, registerApiTag } from '~/api/openapi';
import { PRICE_UNITS, TARGETS } from '~/domain/offerings/offerings.fns';
import { MAX_PAGE, MAX_QUERY_LENGTH, PROVIDER_KINDS } from './catalogue.schema';

// GET /api/v1/catalogue in the OpenAPI document (imported by app/api/endpoints.ts). The response
// schema is also what tests/integration/catalogue-api.test.ts checks real answers against.

registerApiTag('catalogue', 'The public catalogue of approved territorial services (no API key).');

const nullableInt = z.number().int().nullable();

export const CatalogueItemSchema = z.object({
  offeringId: z.uuid(),
  url: z.url().describe('The public page of the offering'),
  title: z.string(),
  summary: z.string().describe('Plain text start of the description'),
  category: z.object({ slug: z.string(), nameIt: z.string(), nameEn: z.string() }),
  isOrientamento: z.boolean().describe('Information and contacts only: no price'),
  provider: z.object({ id: z.uuid(), name: z.string(), kind: z.enum(PROVIDER_KINDS) }),
  alliance: z.object({ slug: z.string(), name: z.string(), shortName: z.string() }),
  comuni: z.array(z.object({ istatCode: z.string().regex(/^\d{6}$/), name: z.string() })).describe('Municipalities served'),
  target: z.enum(TARGETS),
  ageMin: nullableInt.describe('For children: youngest age served'),
  ageMax: nullableInt.describe('For children: oldest age served'),
  priceUnit: z.enum(PRICE_UNITS).nullable(),
  packageHours: nullableInt.describe('Hours in a PACKAGE price unit'),
  listPriceCents: nullableInt.describe('List price in euro cents'),
  allianceRateCents: nullableInt.describe('The alliance rate in euro cents (what the filters use)'),
  rank: z.number().describe('ts_rank_cd of the text query (0 without one)'),
});

export const CatalogueSearchResponseSchema = z
  .object({
    query: z.object({
      q: z.string().nullable(),
      normalised: z.string().nullable().describe('The query as the index reads it: lower case, no accents, compounds joined'),
      category: z.string().nullable(),
      comune: z.string().nullable(),
      alliance: z.string().nullable(),
      age: nullableInt,
      minPriceCents: nullableInt,
      maxPriceCents: nullableInt,
      providerKind: z.enum(PROVIDER_KINDS).nullable(),
    }),
    total: z.number().int().min(0),
    page: z.number().int().min(1),
    pages: z.number().int().min(1),
    pageSize: z.number().int().min(1),
    items: z.array(CatalogueItemSchema),
  })
  .describe('One page of the public catalogue search, ranked by relevance then title');

const slug = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/);

registerApiPath({
  method: 'get',
  path: '/catalogue',
  operationId: 'searchCatalogue',
  summary: 'Search the public catalogue',
  description: [
    'Full-text search in Italian over the approved offerings of admitted providers (the same search as the /catalogo page).',
    'Accents and case do not matter, singular and plural match, compounds are joined ("baby sitter" = "babysitter" = "baby-sitting"); several words must all match; "quoted words" match as a phrase and -word excludes.',
    'Results are ranked by relevance (title first) then by title, 20 per page; a page past the end answers the last page.',
    'Public: no API key. Answers may be cached for 60 seconds.',
  ].join('\n'),
  tags: ['catalogue'],
  security: 'public',
  parameters: [
    { name: 'q', in: 'query', description: 'Words to search', schema: z.string().max(MAX_QUERY_LENGTH) },
    { name: 'category', in: 'query', description: 'Category slug, e.g. baby-sitting', schema: slug },
    { name: 'comune', in: 'query', description: 'ISTAT code of a municipality served, e.g. 016004', schema: z.string().regex(/^\d{6}$/) },
    { name: 'alliance', in: 'query', description: 'Alliance slug, e.g. val-seriana', schema: slug },
    { name: 'age', in: 'query', description: 'Age of a child: offers whose age range holds it', schema: z.number().int().min(0).max(120) },
    { name: 'minPrice', in: 'query', description: 'Lowest alliance rate in euro ("10" or "10,50"); leaves out offers without a price', schema: z.string() },
    { name: 'maxPrice', in: 'query', description: 'Highest alliance rate in euro; leaves out offers without a price', schema: z.string() },
    { name: 'providerKind', in: 'query', description: 'Kind of provider', schema: z.enum(PROVIDER_KINDS) },
    { name: 'page', in: 'query', description: 'Page number, from 1', schema: z.number().int().min(1).max(MAX_PAGE) },
  ],
  responses: {
    '200': { description: 'One page of results', schema: registerApiSchema('CatalogueSearch', CatalogueSearchResponseSchema) },
    '405': errorResponse('405'),
    '422': errorResponse('422', 'A parameter is not valid; details.fieldErrors names it'),
  },
});
