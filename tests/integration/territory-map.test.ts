import type { LoaderFunctionArgs } from '@remix-run/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login } from '~/domain/auth/auth.server';
import { createOffering, decideOffering, updateOffering } from '~/domain/offerings/offerings.server';
import { getTerritoryMap } from '~/domain/territory/territory.server';
import * as territoryRoute from '~/routes/ambito.territorio';
import { NotFound } from '~/utils/errors.server';
import { disconnectRedis } from '~/utils/redis.server';
import { getDb, useTestDatabase } from '../setup/database';
import { createOfferingsWorld, offeringInput, type OfferingsWorld } from './offerings-fixtures';
import { cookieFor, makeRequest, PASSWORD, responseOf } from './auth-fixtures';

// The territory map on a small fixture: three municipalities, fourteen categories, offerings in
// every state. Only APPROVED offerings count, through the municipalities of their live version.

useTestDatabase();
afterAll(async () => {
  await disconnectRedis();
});

let world: OfferingsWorld;
let other: OfferingsWorld;
let babySittingId: string;

const NO_PRICE = { target: 'EVERYONE', priceUnit: '', listPrice: '', allianceRate: '', vatTreatment: '', contactPhone: '035 123456' };

async function approved(actorKey: 'operator' | 'operator2', w: OfferingsWorld, overrides: Record<string, string | string[]>) {
  const { id } = await createOffering(getDb(), w.actors[actorKey], offeringInput(w, overrides), { submit: true });
  await decideOffering(getDb(), w.actors.curator, { offeringId: id, decision: 'approve' });
  return id;
}

beforeAll(async () => {
  world = await createOfferingsWorld(getDb());
  other = await createOfferingsWorld(getDb());
  const { albino, nembro, clusone } = world.comuni;
  babySittingId = await approved('operator', world, { title: 'Baby-sitting', comuni: [albino, nembro] });
  await approved('operator2', world, { title: 'Sportello welfare', categoryId: world.categories['orientamento-welfare']!, ...NO_PRICE, comuni: [clusone] });
  // Suspended: serves nobody.
  const verde = await approved('operator2', world, { title: 'Giardini', categoryId: world.categories['cura-del-verde']!, target: 'EVERYONE', comuni: [albino, nembro, clusone] });
  await decideOffering(getDb(), world.actors.curator, { offeringId: verde, decision: 'suspend', reason: 'Verifica in corso' });
  // Submitted, never approved: not yet.
  await createOffering(getDb(), world.actors.operator, offeringInput(world, { title: 'Pre scuola', categoryId: world.categories['pre-post-scuola']!, comuni: [albino] }), {
    submit: true,
  });
  // Another alliance's approved offering in the same category: not ours.
  await approved('operator', other, { title: 'Altrove', categoryId: world.categories['pre-post-scuola']!, comuni: [other.comuni.albino] });
});

describe('territory map', () => {
  it('marks as gaps every municipality × category without an approved offering', async () => {
    const map = await getTerritoryMap(getDb(), world.actors.curator);
    expect(map.categories).toHaveLength(14);
    expect(map.totalCells).toBe(42);
    expect(map.totalGaps).toBe(39);
    const row = (name: string) => map.rows.find((r) => r.comune.name === name)!;
    const covered = (name: string) =>
      row(name)
        .cells.filter((c) => c.offerings > 0)
        .map((c) => map.categories.find((k) => k.id === c.categoryId)!.slug);
    expect(covered('Albino')).toEqual(['baby-sitting']);
    expect(covered('Nembro')).toEqual(['baby-sitting']);
    expect(covered('Clusone')).toEqual(['orientamento-welfare']);
    expect(row('Albino').gaps).toHaveLength(13);
    expect(row('Albino').gaps).toContain(world.categories['cura-del-verde']);
    expect(row('Albino').gaps).toContain(world.categories['pre-post-scuola']);
    expect(row('Clusone').coveragePercent).toBe(7);
    const bySlug = Object.fromEntries(map.byCategory.map((c) => [c.category.slug, [c.offerings, c.comuniCovered]]));
    expect(bySlug).toMatchObject({ 'baby-sitting': [1, 2], 'orientamento-welfare': [1, 1], 'cura-del-verde': [0, 0], 'pre-post-scuola': [0, 0] });
  });

  it('follows the live version: a new version changes coverage only once approved', async () => {
    const { versionId } = await updateOffering(getDb(), world.actors.operator, babySittingId, offeringInput(world, { title: 'Baby-sitting', comuni: [world.comuni.albino] }), {
      submit: true,
    });
    expect((await getTerritoryMap(getDb(), world.actors.curator)).totalGaps).toBe(39);
    await decideOffering(getDb(), world.actors.curator, { offeringId: babySittingId, decision: 'approve', versionId });
    const map = await getTerritoryMap(getDb(), world.actors.curator);
    expect(map.totalGaps).toBe(40);
    expect(map.rows.find((r) => r.comune.name === 'Nembro')!.gaps).toContain(world.categories['baby-sitting']);
  });

  it('is for the alliance’s staff only, each seeing their own alliance', async () => {
    for (const reader of [world.actors.admin, world.actors.auditor]) expect((await getTerritoryMap(getDb(), reader)).rows).toHaveLength(3);
    await expect(getTerritoryMap(getDb(), world.actors.operator)).rejects.toBeInstanceOf(NotFound);
    const theirs = await getTerritoryMap(getDb(), other.actors.curator);
    expect(theirs.totalGaps).toBe(41);
    expect(theirs.rows.map((r) => r.comune.id)).toEqual(expect.arrayContaining(Object.values(other.comuni)));
  });

  it('the page gives the curator the map, and sends anonymous visitors to sign in (other roles: permission matrix)', async () => {
    const loader = territoryRoute.loader as (a: LoaderFunctionArgs) => Promise<Response>;
    const anonymous = await responseOf(() => loader({ request: makeRequest('/ambito/territorio'), params: {}, context: {} }));
    expect(anonymous.status).toBe(302);
    const email = (await getDb().user.findUniqueOrThrow({ where: { id: world.actors.curator.user.id } })).email;
    const cookie = await cookieFor((await login(getDb(), { email, password: PASSWORD, ipAddress: '203.0.113.9' })).token);
    const page = await responseOf(() => loader({ request: makeRequest('/ambito/territorio', { cookie }), params: {}, context: {} }));
    expect(page.status).toBe(200);
    const { map } = (await page.json()) as { map: { totalGaps: number; rows: unknown[] } };
    expect(map).toMatchObject({ totalGaps: 40, rows: expect.any(Array) });
  });
});
