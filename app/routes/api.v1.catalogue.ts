import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { apiJson, methodNotAllowed, withApi } from '~/api/errors.server';
import { PUBLIC_API_CACHE_HEADERS } from '~/domain/catalogue/cache.server';
import { catalogueParamsOf, catalogueSearchSchema } from '~/domain/catalogue/catalogue.schema';
import { searchCatalogue } from '~/domain/catalogue/catalogue.server';
import { getDb } from '~/utils/db.server';

// GET /api/v1/catalogue — the public catalogue search as JSON: no API key, the same parameters
// and the same domain function as the /catalogo page (response shape: CatalogueSearchResponse in
// ~/api/endpoints). A parameter that does not parse answers 422 validation_failed.

export const loader = withApi(async ({ request }: LoaderFunctionArgs) => {
  const url = new URL(request.url);
  const search = catalogueSearchSchema.parse(catalogueParamsOf(url));
  const results = await searchCatalogue(getDb(), search, { cache: true });
  const origin = url.origin;
  return apiJson(
    {
      query: {
        q: search.q ?? null,
        normalised: results.normalisedQuery,
        category: search.category ?? null,
        comune: search.comune ?? null,
        alliance: search.alliance ?? null,
        age: search.age ?? null,
        minPriceCents: search.minPrice ?? null,
        maxPriceCents: search.maxPrice ?? null,
        providerKind: search.providerKind ?? null,
      },
      total: results.total,
      page: results.page,
      pages: results.pages,
      pageSize: results.pageSize,
      items: results.hits.map((hit) => ({ ...hit, url: `${origin}/catalogo/${hit.offeringId}` })),
    },
    { headers: PUBLIC_API_CACHE_HEADERS },
  );
});

export const action = withApi(async ({ request }: ActionFunctionArgs) => methodNotAllowed(request, ['GET']));
