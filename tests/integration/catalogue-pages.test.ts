import type { LoaderFunctionArgs } from '@remix-run/node';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RoleName } from '~/domain/auth/roles';
import { catalogueSearchSchema } from '~/domain/catalogue/catalogue.schema';
import { getPublicOffering, getPublicProvider, searchCatalogue } from '~/domain/catalogue/catalogue.server';
import { createSession } from '~/utils/session.server';
import * as offeringRoute from '../../app/routes/catalogo.$id';
import * as searchRoute from '../../app/routes/catalogo._index';
import * as providerRoute from '../../app/routes/enti.$id';
import { cookieFor, createUser, makeRequest, responseOf } from './auth-fixtures';
import {
  approveVersion,
  createProvider,
  createWorld,
  publishOffering,
  setOfferingStatus,
  setProviderStatus,
  submitDraftOffering,
  submitNewVersion,
  type World,
} from './catalogue-fixtures';
import { getDb, useTestDatabase } from '../setup/database';

// Only live, approved offerings of admitted providers are public: the triggers keep
// CatalogueEntry in step with every change, and the public pages answer 404 for anything else,
// whoever asks.

useTestDatabase();

let world: World;
let provider: string;

async function found(q: string): Promise<string[]> {
  const results = await searchCatalogue(getDb(), catalogueSearchSchema.parse({ q, alliance: world.allianceSlug }));
  return results.hits.map((h) => h.title);
}

async function entryCount(): Promise<number> {
  return getDb().catalogueEntry.count({ where: { allianceId: world.allianceId } });
}

beforeAll(async () => {
  world = await createWorld(getDb());
  provider = await createProvider(getDb(), world, { legalName: 'Cooperativa Sociale Arcobaleno' });
});

describe('what is public', () => {
  it('never shows a draft or an offering under its first review', async () => {
    const { offeringId } = await submitDraftOffering(getDb(), world, { providerId: provider, category: 'cura-del-verde', title: 'Potatura di siepi e giardini' });
    expect(await found('potatura')).toEqual([]);
    await expect(getPublicOffering(getDb(), offeringId)).rejects.toMatchObject({ status: 404 });
  });

  it('keeps the live version searchable while a new version waits, and switches on approval', async () => {
    const db = getDb();
    const spec = { providerId: provider, category: 'lavanderia-stireria', title: 'Lavanderia con ritiro in azienda' };
    const { offeringId, versionId } = await publishOffering(db, world, spec);
    expect(await found('lavanderia')).toEqual(['Lavanderia con ritiro in azienda']);

    const next = await submitNewVersion(db, world, offeringId, { ...spec, title: 'Stireria a domicilio', rateCents: 2000 });
    expect(await found('stireria domicilio')).toEqual([]);
    expect(await found('lavanderia')).toEqual(['Lavanderia con ritiro in azienda']);
    const live = await getPublicOffering(db, offeringId);
    expect(live).toMatchObject({ versionId, title: 'Lavanderia con ritiro in azienda' });

    await approveVersion(db, offeringId, next);
    expect(await found('stireria domicilio')).toEqual(['Stireria a domicilio']);
    expect(await found('lavanderia ritiro')).toEqual([]);
    expect(await getPublicOffering(db, offeringId)).toMatchObject({ versionId: next, allianceRateCents: 2000 });
    const entry = await db.catalogueEntry.findUniqueOrThrow({ where: { offeringId } });
    expect(entry).toMatchObject({ versionId: next, allianceRateCents: 2000, title: 'Stireria a domicilio' });
  });

  it('drops a suspended or retired offering and brings a reinstated one back', async () => {
    const db = getDb();
    const { offeringId } = await publishOffering(db, world, { providerId: provider, category: 'trasporto-accompagnamento', title: 'Accompagnamento a visite mediche' });
    expect(await found('accompagnamento visite')).toHaveLength(1);
    await setOfferingStatus(db, offeringId, 'SUSPENDED');
    expect(await found('accompagnamento visite')).toEqual([]);
    await expect(getPublicOffering(db, offeringId)).rejects.toMatchObject({ status: 404 });
    await setOfferingStatus(db, offeringId, 'APPROVED');
    expect(await found('accompagnamento visite')).toHaveLength(1);
    await setOfferingStatus(db, offeringId, 'RETIRED');
    expect(await found('accompagnamento visite')).toEqual([]);
    await expect(getPublicOffering(db, offeringId)).rejects.toMatchObject({ status: 404 });
  });

  it('hides every offering of a suspended provider, and its page', async () => {
    const db = getDb();
    const other = await createProvider(db, world, { legalName: 'Associazione Tempo Libero', kind: 'ASSOCIAZIONE' });
    const a = await publishOffering(db, world, { providerId: other, category: 'sport-tempo-libero', title: 'Corso di nuoto per bambini', ageMin: 4, ageMax: 10 });
    await publishOffering(db, world, { providerId: other, category: 'sport-tempo-libero', title: 'Ginnastica dolce per anziani', target: 'ELDERLY' });
    expect((await getPublicProvider(db, other)).offerings.map((o) => o.title)).toEqual(['Corso di nuoto per bambini', 'Ginnastica dolce per anziani']);
    const before = await entryCount();
    await setProviderStatus(db, other, 'SUSPENDED');
    expect(await entryCount()).toBe(before - 2);
    expect(await found('nuoto')).toEqual([]);
    await expect(getPublicOffering(db, a.offeringId)).rejects.toMatchObject({ status: 404 });
    await expect(getPublicProvider(db, other)).rejects.toMatchObject({ status: 404 });
    await setProviderStatus(db, other, 'ADMITTED');
    expect(await found('nuoto')).toEqual(['Corso di nuoto per bambini']);
  });

  it('never shows a provider that was not admitted, nor its offerings', async () => {
    const db = getDb();
    const pending = await createProvider(db, world, { legalName: 'Impresa In Attesa S.r.l.', kind: 'IMPRESA', status: 'PENDING' });
    // Even an offering approved by hand stays out while the provider is not admitted.
    await publishOffering(db, world, { providerId: pending, category: 'pulizie-straordinarie', title: 'Sgombero cantine' });
    expect(await found('sgombero')).toEqual([]);
    await expect(getPublicProvider(db, pending)).rejects.toMatchObject({ status: 404 });
  });

  it('follows renames of the provider, the category and the municipality', async () => {
    const db = getDb();
    const renamed = await createProvider(db, world, { legalName: 'Cooperativa Primo Nome' });
    const { offeringId } = await publishOffering(db, world, { providerId: renamed, category: 'maggiordomo-aziendale', title: 'Commissioni in pausa pranzo', comuni: ['Gandino'] });
    await db.organization.update({ where: { id: renamed }, data: { legalName: 'Cooperativa Secondo Nome' } });
    expect(await found('secondo commissioni')).toEqual(['Commissioni in pausa pranzo']);
    expect(await found('primo commissioni')).toEqual([]);
    await db.comune.update({ where: { id: world.comuneIds.Gandino! }, data: { name: 'Gandino Alto' } });
    expect(await found('commissioni alto')).toEqual(['Commissioni in pausa pranzo']);
    const category = await db.serviceCategory.findUniqueOrThrow({ where: { slug: 'maggiordomo-aziendale' } });
    await db.serviceCategory.update({ where: { id: category.id }, data: { nameIt: 'Maggiordomo aziendale e concierge' } });
    expect(await found('concierge')).toEqual(['Commissioni in pausa pranzo']);
    await db.serviceCategory.update({ where: { id: category.id }, data: { nameIt: category.nameIt } });
    expect((await db.catalogueEntry.findUniqueOrThrow({ where: { offeringId } })).providerName).toBe('Cooperativa Secondo Nome');
  });

  it('rebuilds every entry identically with catalogue_refresh_all()', async () => {
    const db = getDb();
    const before = await db.$queryRaw<Array<{ offeringId: string; v: string }>>`SELECT "offeringId", "searchVector"::text AS v FROM "CatalogueEntry" ORDER BY 1`;
    const [{ count }] = (await db.$queryRaw<Array<{ count: number }>>`SELECT catalogue_refresh_all() AS count`) as [{ count: number }];
    const after = await db.$queryRaw<Array<{ offeringId: string; v: string }>>`SELECT "offeringId", "searchVector"::text AS v FROM "CatalogueEntry" ORDER BY 1`;
    expect(count).toBe(before.length);
    expect(after).toEqual(before);
  });
});

describe('the public pages, for every visitor', () => {
  const roles: Array<RoleName | null> = [null, 'EMPLOYEE', 'COMPANY_ADMIN', 'PROVIDER_OPERATOR', 'AMBITO_CURATOR', 'ALLIANCE_ADMIN', 'AUDITOR'];
  const cookies = new Map<RoleName | null, string | null>();

  beforeAll(async () => {
    const db = getDb();
    const lead = await db.organization.create({ data: { allianceId: world.allianceId, kind: 'AMBITO', legalName: 'Ambito Pagine', codiceFiscale: '80012345678' } });
    const company = await db.organization.create({ data: { allianceId: world.allianceId, kind: 'COMPANY', legalName: 'Azienda Pagine', codiceFiscale: '01234567890' } });
    cookies.set(null, null);
    for (const role of roles.filter((r): r is RoleName => r !== null)) {
      const organizationId = ['EMPLOYEE', 'COMPANY_ADMIN'].includes(role) ? company.id : role === 'PROVIDER_OPERATOR' ? provider : lead.id;
      const { user, memberships } = await createUser(db, { memberships: [{ organizationId, role }] });
      const { token } = await createSession(db, { userId: user.id, activeMembershipId: memberships[0]!.id });
      cookies.set(role, await cookieFor(token));
    }
  });

  const load = (route: { loader: (args: LoaderFunctionArgs) => Promise<Response> }, url: string, params: Record<string, string>, cookie: string | null) =>
    responseOf(() => route.loader({ request: makeRequest(url, { cookie }), params, context: {} }));

  it('shows a live offering and its provider to everyone, with cache headers by sign-in state', async () => {
    const db = getDb();
    const { offeringId } = await publishOffering(db, world, {
      providerId: provider,
      category: 'baby-sitting',
      title: 'Baby sitter <b>notturna</b>',
      description: 'Ciao <script>alert(1)</script> e [link](javascript:alert(1)).',
      ageMin: 3,
      ageMax: 10,
      rateCents: 1250,
    });
    for (const role of roles) {
      const cookie = cookies.get(role) ?? null;
      const page = await load(offeringRoute, `/catalogo/${offeringId}`, { id: offeringId }, cookie);
      expect(page.status, String(role)).toBe(200);
      expect(page.headers.get('Cache-Control'), String(role)).toBe(role === null ? 'public, max-age=60, stale-while-revalidate=300' : 'private, no-store');
      const body = (await page.json()) as { offering: { title: string; descriptionHtml: string; allianceRateCents: number; listPriceCents: number; alliance: { slug: string } } };
      expect(body.offering).toMatchObject({ title: 'Baby sitter <b>notturna</b>', allianceRateCents: 1250, listPriceCents: 1563, alliance: { slug: world.allianceSlug } });
      expect(body.offering.descriptionHtml).not.toMatch(/<script|href="javascript:/);
      const providerPage = await load(providerRoute, `/enti/${provider}`, { id: provider }, cookie);
      expect(providerPage.status, String(role)).toBe(200);
      const search = await load(searchRoute, `/catalogo?q=notturna&alliance=${world.allianceSlug}`, {}, cookie);
      expect(search.status, String(role)).toBe(200);
      expect(((await search.json()) as { results: { total: number } }).results.total).toBe(1);
    }
  });

  it('answers 404 to everyone for an offering or provider that is not public, or a malformed id', async () => {
    const db = getDb();
    const { offeringId } = await publishOffering(db, world, { providerId: provider, category: 'cura-del-verde', title: 'Taglio del prato' });
    await setOfferingStatus(db, offeringId, 'SUSPENDED');
    const pending = await createProvider(db, world, { legalName: 'Ente Non Ammesso', status: 'PENDING' });
    const company = await db.organization.findFirstOrThrow({ where: { allianceId: world.allianceId, kind: 'COMPANY' } });
    for (const role of roles) {
      const cookie = cookies.get(role) ?? null;
      for (const id of [offeringId, '00000000-0000-4000-8000-000000000000', 'non-un-id']) {
        expect((await load(offeringRoute, `/catalogo/${id}`, { id }, cookie)).status, `${role} ${id}`).toBe(404);
      }
      for (const id of [pending, company.id, 'non-un-id']) {
        expect((await load(providerRoute, `/enti/${id}`, { id }, cookie)).status, `${role} ${id}`).toBe(404);
      }
    }
  });

  it('shows field errors for bad filters and still searches with the others', async () => {
    const response = await load(searchRoute, `/catalogo?q=stireria&minPrice=dieci&age=-3&alliance=${world.allianceSlug}`, {}, null);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { fieldErrors: Record<string, string>; results: { total: number } };
    expect(body.fieldErrors).toEqual({ minPrice: 'catalogue.error.price', age: 'catalogue.error.age' });
    expect(body.results.total).toBe(1);
  });
});
