import { beforeAll, describe, expect, it } from 'vitest';
import {
  createOffering,
  decideOffering,
  getLiveOffering,
  getOfferingFormOptions,
  getOfferingReview,
  getProviderOffering,
  getReviewQueueFilters,
  listProviderOfferings,
  listReviewQueue,
  submitOffering,
  updateOffering,
} from '~/domain/offerings/offerings.server';
import { providerListQuerySchema, reviewQueueQuerySchema } from '~/domain/offerings/offerings.schema';
import { NotFound, ValidationFailed } from '~/utils/errors.server';
import { getDb, useTestDatabase } from '../setup/database';
import { createOfferingsWorld, offeringInput, type OfferingsWorld } from './offerings-fixtures';

// Scope: a provider touches only its own offerings, a curator acts only inside the alliance, and
// anything outside is "not found" (404), never "forbidden". Plus the queue's filters and sorting.

useTestDatabase();

let world: OfferingsWorld;
let other: OfferingsWorld;
let offeringId: string;
let approvedId: string;

beforeAll(async () => {
  world = await createOfferingsWorld(getDb());
  other = await createOfferingsWorld(getDb());
  offeringId = (await createOffering(getDb(), world.actors.operator, offeringInput(world), { submit: true })).id;
  approvedId = (await createOffering(getDb(), world.actors.operator2, offeringInput(world, { title: 'Sportello welfare', categoryId: world.categories['orientamento-welfare']!, target: 'EVERYONE', priceUnit: '', listPrice: '', allianceRate: '', vatTreatment: '', contactPhone: '035 123456', comuni: [world.comuni.clusone] }), { submit: true })).id;
  await decideOffering(getDb(), world.actors.curator, { offeringId: approvedId, decision: 'approve' });
});

describe('a provider cannot touch another provider’s offerings', () => {
  it('reading, editing and submitting another provider’s offering is 404', async () => {
    const intruder = world.actors.operator2;
    await expect(getProviderOffering(getDb(), intruder, offeringId)).rejects.toBeInstanceOf(NotFound);
    await expect(updateOffering(getDb(), intruder, offeringId, offeringInput(world))).rejects.toBeInstanceOf(NotFound);
    await expect(submitOffering(getDb(), intruder, offeringId)).rejects.toBeInstanceOf(NotFound);
    const fromAnotherAlliance = other.actors.operator;
    await expect(getProviderOffering(getDb(), fromAnotherAlliance, offeringId)).rejects.toBeInstanceOf(NotFound);
    const list = await listProviderOfferings(getDb(), intruder, providerListQuerySchema.parse({}));
    expect(list.rows.map((r) => r.id)).toEqual([approvedId]);
  });

  it('an offering lists only municipalities of the alliance that the provider serves', async () => {
    const options = await getOfferingFormOptions(getDb(), world.actors.operator);
    expect(options.comuni.map((c) => c.name)).toEqual(['Albino', 'Nembro']);
    expect(options.categories).toHaveLength(14);
    await expect(createOffering(getDb(), world.actors.operator, offeringInput(world, { comuni: [world.comuni.clusone] }))).rejects.toMatchObject({
      fieldErrors: { comuni: 'offerings.validation.comuneNotServed' },
    });
    await expect(createOffering(getDb(), world.actors.operator, offeringInput(world, { comuni: [other.comuni.albino] }))).rejects.toBeInstanceOf(
      ValidationFailed,
    );
  });

  it('the category decides the price: orientamento has none, the others need one', async () => {
    const orientamentoWithPrice = offeringInput(world, { categoryId: world.categories['orientamento-welfare']!, target: 'EVERYONE' });
    await expect(createOffering(getDb(), world.actors.operator, orientamentoWithPrice)).rejects.toMatchObject({
      fieldErrors: { listPrice: 'offerings.validation.noPriceForOrientamento' },
    });
    const priced = offeringInput(world, { listPrice: '', allianceRate: '' });
    await expect(createOffering(getDb(), world.actors.operator, priced)).rejects.toMatchObject({
      fieldErrors: { listPrice: 'offerings.validation.priceRequired', allianceRate: 'offerings.validation.priceRequired' },
    });
    await expect(createOffering(getDb(), world.actors.operator, { ...offeringInput(world), categoryId: '00000000-0000-4000-8000-000000000000' })).rejects.toMatchObject({
      fieldErrors: { categoryId: 'offerings.validation.category' },
    });
  });

  it('other roles are not providers: 404', async () => {
    await expect(createOffering(getDb(), world.actors.curator, offeringInput(world))).rejects.toBeInstanceOf(NotFound);
    await expect(listProviderOfferings(getDb(), world.actors.admin, providerListQuerySchema.parse({}))).rejects.toBeInstanceOf(NotFound);
  });
});

describe('a curator cannot act outside their alliance', () => {
  it('reading and deciding an offering of another alliance is 404, and its queue does not show it', async () => {
    const foreignCurator = other.actors.curator;
    await expect(getOfferingReview(getDb(), foreignCurator, offeringId)).rejects.toBeInstanceOf(NotFound);
    await expect(decideOffering(getDb(), foreignCurator, { offeringId, decision: 'approve' })).rejects.toBeInstanceOf(NotFound);
    await expect(decideOffering(getDb(), foreignCurator, { offeringId: approvedId, decision: 'suspend', reason: 'fuori ambito' })).rejects.toBeInstanceOf(NotFound);
    const queue = await listReviewQueue(getDb(), foreignCurator, reviewQueueQuerySchema.parse({ status: 'ALL' }));
    expect(queue.total).toBe(0);
    expect((await getDb().offering.findUniqueOrThrow({ where: { id: offeringId } })).status).toBe('SUBMITTED');
    expect(await getLiveOffering(getDb(), { allianceId: other.allianceId, offeringId: approvedId })).toBeNull();
  });

  it('the alliance’s admin and auditor read the review page but cannot decide', async () => {
    for (const reader of [world.actors.admin, world.actors.auditor]) {
      const review = await getOfferingReview(getDb(), reader, offeringId);
      expect(review).toMatchObject({ canDecide: false, decisions: [] });
      await expect(decideOffering(getDb(), reader, { offeringId, decision: 'approve' })).rejects.toBeInstanceOf(NotFound);
    }
    const forCurator = await getOfferingReview(getDb(), world.actors.curator, offeringId);
    expect(forCurator).toMatchObject({ canDecide: true, decisions: ['approve', 'requestChanges', 'reject'] });
    await expect(getOfferingReview(getDb(), world.actors.operator, offeringId)).rejects.toBeInstanceOf(NotFound);
  });
});

describe('the review queue', () => {
  let extra: string[];
  beforeAll(async () => {
    const make = (title: string, overrides: Record<string, string | string[]> = {}) =>
      createOffering(getDb(), world.actors.operator2, offeringInput(world, { title, ...overrides }), { submit: true }).then((r) => r.id);
    extra = [
      await make('Assistenza domiciliare anziani', { categoryId: world.categories['assistenza-domiciliare']!, target: 'ELDERLY', comuni: [world.comuni.clusone] }),
      await make('Cura del verde 100%_sconto', { categoryId: world.categories['cura-del-verde']!, target: 'EVERYONE' }),
      await make('Trasporto visite', { categoryId: world.categories['trasporto-accompagnamento']!, target: 'DISABLED', comuni: [world.comuni.nembro] }),
    ];
  });

  it('by default shows what awaits review, oldest first', async () => {
    const queue = await listReviewQueue(getDb(), world.actors.curator, reviewQueueQuerySchema.parse({}));
    expect(queue.rows.map((r) => r.id)).toEqual([offeringId, ...extra]);
    expect(queue.rows[0]).toMatchObject({ providerName: 'Cooperativa Sociale di prova', categorySlug: 'baby-sitting', comuniCount: 2, versionNumber: 1 });
  });

  it('filters by status, category, provider, comune and text (LIKE wildcards taken literally)', async () => {
    const ids = async (params: Record<string, string>) =>
      (await listReviewQueue(getDb(), world.actors.curator, reviewQueueQuerySchema.parse(params))).rows.map((r) => r.id);
    expect(await ids({ status: 'APPROVED' })).toEqual([approvedId]);
    expect(await ids({ status: 'ALL', category: 'orientamento-welfare' })).toEqual([approvedId]);
    expect(await ids({ provider: world.tenant.providerId })).toEqual([offeringId]);
    expect(await ids({ status: 'ALL', comune: world.comuni.clusone })).toEqual([approvedId, extra[0]]);
    expect(await ids({ q: 'trasporto' })).toEqual([extra[2]]);
    expect(await ids({ q: 'seconda' })).toEqual(extra);
    expect(await ids({ q: '100%_' })).toEqual([extra[1]]);
    expect(await ids({ q: 'verde%' })).toEqual([]);
  });

  it('sorts on the server, both ways, by each column', async () => {
    const titles = async (sort: string, dir: string) =>
      (await listReviewQueue(getDb(), world.actors.curator, reviewQueueQuerySchema.parse({ status: 'ALL', sort, dir }))).rows.map((r) => r.title);
    const asc = await titles('title', 'asc');
    expect(asc).toEqual([...asc].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase(), 'en')));
    expect(await titles('title', 'desc')).toEqual([...asc].reverse());
    const byCategory = await listReviewQueue(getDb(), world.actors.curator, reviewQueueQuerySchema.parse({ status: 'ALL', sort: 'category' }));
    expect(byCategory.rows[0]!.categorySlug).toBe('orientamento-welfare');
    const byProvider = await listReviewQueue(getDb(), world.actors.curator, reviewQueueQuerySchema.parse({ status: 'ALL', sort: 'provider', dir: 'desc' }));
    expect(byProvider.rows[0]!.providerName).toBe('Cooperativa Sociale di prova');
  });

  it('paginates: 20 a page, an out-of-range page shows the last one', async () => {
    for (let i = 0; i < 18; i++) {
      await createOffering(getDb(), world.actors.operator2, offeringInput(world, { title: `Pulizie ${String(i).padStart(2, '0')}`, categoryId: world.categories['pulizie-straordinarie']!, target: 'EVERYONE' }), { submit: true });
    }
    const first = await listReviewQueue(getDb(), world.actors.curator, reviewQueueQuerySchema.parse({}));
    expect(first).toMatchObject({ total: 22, pages: 2, page: 1 });
    expect(first.rows).toHaveLength(20);
    const last = await listReviewQueue(getDb(), world.actors.curator, reviewQueueQuerySchema.parse({ page: '99' }));
    expect(last.page).toBe(2);
    expect(last.rows).toHaveLength(2);
    expect(new Set([...first.rows, ...last.rows].map((r) => r.id)).size).toBe(22);
  });

  it('offers the alliance’s categories, providers with offerings and municipalities as filters', async () => {
    const filters = await getReviewQueueFilters(getDb(), world.actors.curator);
    expect(filters.providers.map((p) => p.legalName)).toEqual(['Cooperativa Seconda', 'Cooperativa Sociale di prova']);
    expect(filters.comuni.map((c) => c.name)).toEqual(['Albino', 'Clusone', 'Nembro']);
    expect(filters.categories[0]!.slug).toBe('orientamento-welfare');
  });
});
