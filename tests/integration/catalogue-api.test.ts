import { beforeAll, describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '~/api/endpoints';
import { CatalogueSearchResponseSchema } from '~/domain/catalogue/catalogue.openapi';
import * as route from '../../app/routes/api.v1.catalogue';
import { makeRequest } from './auth-fixtures';
import { createProvider, createWorld, publishOffering, type World } from './catalogue-fixtures';
import { getDb, useTestDatabase } from '../setup/database';

// GET /api/v1/catalogue: public (no key), the same search as the page, the documented shape, and
// the standard error shape for a bad parameter.

useTestDatabase();

let world: World;

async function get(query: string, init: { method?: string } = {}) {
  const response = await route.loader({ request: makeRequest(`/api/v1/catalogue${query}`, { method: init.method }), params: {}, context: {} });
  return { response, body: (await response.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  const db = getDb();
  world = await createWorld(db);
  const provider = await createProvider(db, world, { legalName: 'Cooperativa Sociale API', kind: 'COOPERATIVA_SOCIALE' });
  await publishOffering(db, world, { providerId: provider, category: 'baby-sitting', title: 'Baby sitting serale', ageMin: 3, ageMax: 10, rateCents: 1200, comuni: ['Albino'] });
  await publishOffering(db, world, { providerId: provider, category: 'baby-sitting', title: 'Babysitter al mattino', ageMin: 3, ageMax: 10, rateCents: 1500, comuni: ['Nembro'] });
  await publishOffering(db, world, { providerId: provider, category: 'orientamento-welfare', title: 'Sportello welfare' });
});

describe('GET /api/v1/catalogue', () => {
  it('answers without a key, in the documented shape, cacheable for a minute', async () => {
    const { response, body } = await get(`?q=baby-sitter&alliance=${world.allianceSlug}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('Cache-Control')).toBe('public, max-age=60, stale-while-revalidate=300');
    const parsed = CatalogueSearchResponseSchema.parse(body);
    expect(parsed.total).toBe(2);
    expect(parsed.query).toMatchObject({ q: 'baby-sitter', normalised: 'babysitter', alliance: world.allianceSlug, minPriceCents: null });
    expect(parsed.items.map((i) => i.title).sort()).toEqual(['Baby sitting serale', 'Babysitter al mattino']);
    expect(parsed.items[0]!.url).toBe(`http://localhost/catalogo/${parsed.items[0]!.offeringId}`);
  });

  it('applies every filter the page has', async () => {
    const titles = async (query: string) => (CatalogueSearchResponseSchema.parse((await get(`?alliance=${world.allianceSlug}&${query}`)).body)).items.map((i) => i.title);
    expect(await titles('category=baby-sitting&comune=016004')).toEqual(['Baby sitting serale']);
    expect(await titles('age=5&maxPrice=13')).toEqual(['Baby sitting serale']);
    expect(await titles('minPrice=12%2C50')).toEqual(['Babysitter al mattino']);
    expect(await titles('providerKind=COOPERATIVA_SOCIALE&category=orientamento-welfare')).toEqual(['Sportello welfare']);
    expect(await titles('providerKind=RSA')).toEqual([]);
    const page2 = CatalogueSearchResponseSchema.parse((await get(`?alliance=${world.allianceSlug}&page=2`)).body);
    expect(page2).toMatchObject({ page: 1, pages: 1, total: 3 });
  });

  it.each([
    ['?age=tre', 'age'],
    ['?age=200', 'age'],
    ['?minPrice=dieci', 'minPrice'],
    ['?minPrice=20&maxPrice=10', 'maxPrice'],
    ['?providerKind=BANCA', 'providerKind'],
    ['?comune=Albino', 'comune'],
    ['?category=Baby%20Sitting', 'category'],
    ['?page=0', 'page'],
    [`?q=${'a'.repeat(201)}`, 'q'],
  ])('answers 422 validation_failed for %s', async (query, field) => {
    const { response, body } = await get(query);
    expect(response.status).toBe(422);
    const error = (body as { error: { code: string; details: { fieldErrors: Record<string, string> } } }).error;
    expect(error.code).toBe('validation_failed');
    expect(Object.keys(error.details.fieldErrors)).toEqual([field]);
  });

  it('refuses other methods with 405', async () => {
    const response = await route.action({ request: makeRequest('/api/v1/catalogue', { method: 'POST' }), params: {}, context: {} });
    expect(response.status).toBe(405);
    expect(response.headers.get('Allow')).toBe('GET');
  });

  it('is in the OpenAPI document with its parameters and response schema', () => {
    const doc = buildOpenApiDocument() as {
      paths: Record<string, { get?: { security: unknown[]; parameters: Array<{ name: string }>; responses: Record<string, unknown> } }>;
      components: { schemas: Record<string, unknown> };
    };
    const op = doc.paths['/catalogue']?.get;
    expect(op).toBeDefined();
    expect(op!.security).toEqual([]);
    expect(op!.parameters.map((p) => p.name)).toEqual(['q', 'category', 'comune', 'alliance', 'age', 'minPrice', 'maxPrice', 'providerKind', 'page']);
    expect(Object.keys(op!.responses).sort()).toEqual(['200', '405', '422', '500']);
    expect(doc.components.schemas.CatalogueSearch).toMatchObject({ type: 'object', required: expect.arrayContaining(['items', 'total']) });
  });
});
