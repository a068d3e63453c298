import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogueSearchSchema } from '~/domain/catalogue/catalogue.schema';
import { searchCatalogue } from '~/domain/catalogue/catalogue.server';
import { cachedCatalogueAnswer, catalogueCacheStats, enableCatalogueCacheForTests, stopCatalogueCache } from '~/domain/catalogue/search-cache.server';
import { createProvider, createWorld, publishOffering, setOfferingStatus, type World } from './catalogue-fixtures';
import { getDb, useTestDatabase } from '../setup/database';

// The search cache is exact: PostgreSQL's NOTIFY at commit empties it, and an answer computed
// while a change committed is not kept.

useTestDatabase();

let world: World;
let provider: string;

const search = (q: string) => searchCatalogue(getDb(), catalogueSearchSchema.parse({ q, alliance: world.allianceSlug }), { cache: true });

async function until(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met within 5 s');
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(async () => {
  world = await createWorld(getDb());
  provider = await createProvider(getDb(), world, { legalName: 'Cooperativa Cache' });
  await enableCatalogueCacheForTests();
});

afterAll(async () => {
  await stopCatalogueCache();
});

describe('the catalogue search cache', () => {
  it('listens, serves repeated searches from memory, one query for many spellings', async () => {
    expect(catalogueCacheStats()).toMatchObject({ enabled: true, listening: true });
    await publishOffering(getDb(), world, { providerId: provider, category: 'baby-sitting', title: 'Baby sitter del quartiere', ageMin: 3, ageMax: 10 });
    const epoch = catalogueCacheStats().epoch;
    await until(async () => catalogueCacheStats().epoch > epoch);
    const first = await search('baby sitter');
    const { hits, misses } = catalogueCacheStats();
    const again = await search('Babysitter');
    expect(again).toEqual(first);
    expect(catalogueCacheStats()).toMatchObject({ hits: hits + 1, misses });
  });

  it('forgets everything when a change commits', async () => {
    const { offeringId } = await publishOffering(getDb(), world, { providerId: provider, category: 'cura-del-verde', title: 'Potatura degli ulivi' });
    await until(async () => (await search('ulivi')).total === 1);
    expect((await search('ulivi')).total).toBe(1);
    await setOfferingStatus(getDb(), offeringId, 'SUSPENDED');
    await until(async () => (await search('ulivi')).total === 0);
    await setOfferingStatus(getDb(), offeringId, 'APPROVED');
    await until(async () => (await search('ulivi')).total === 1);
  });

  it('does not keep an answer computed while a change committed', async () => {
    const { offeringId } = await publishOffering(getDb(), world, { providerId: provider, category: 'lavanderia-stireria', title: 'Stireria rapida' });
    let computed = 0;
    const answer = () =>
      cachedCatalogueAnswer('test:stale', 300, async () => {
        computed++;
        if (computed === 1) {
          // A change commits while this answer is being computed.
          const epoch = catalogueCacheStats().epoch;
          await setOfferingStatus(getDb(), offeringId, 'SUSPENDED');
          await until(async () => catalogueCacheStats().epoch > epoch);
        }
        return computed;
      });
    expect(await answer()).toBe(1);
    expect(await answer()).toBe(2);
    expect(await answer()).toBe(2);
  });
});
