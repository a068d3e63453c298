import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disconnectRedis } from '~/utils/redis.server';
import * as detailRoute from '../../app/routes/ambito.enti.$id';
import * as listRoute from '../../app/routes/ambito.enti._index';
import * as documentRoute from '../../app/routes/documenti.$id';
import { getDb, useTestDatabase } from '../setup/database';
import { makeRequest, responseOf } from './auth-fixtures';
import { createProviderProfile, createProviderWorld, freshPartitaIva, sessionFor, useTemporaryStorage, type ProviderWorld, type Session } from './providers-fixtures';

// Who may see a provider and its documents: the routes ambito.enti.$id and documenti.$id for every
// role of the provider's alliance and of another alliance (the permission matrix lists these two
// routes as covered here). Outside the scope the answer is 404, as for an id that does not exist.

useTestDatabase();
const store = useTemporaryStorage();
afterAll(async () => {
  await disconnectRedis();
});

let world: ProviderWorld;
let other: ProviderWorld;
let provider: Awaited<ReturnType<typeof createProviderProfile>>;
let sameAllianceProvider: Awaited<ReturnType<typeof createProviderProfile>>;
let foreignProvider: Awaited<ReturnType<typeof createProviderProfile>>;
const who: Record<string, Session> = {};

beforeAll(async () => {
  const db = getDb();
  world = await createProviderWorld(db);
  other = await createProviderWorld(db);
  provider = await createProviderProfile(db, world, store.storage(), { legalName: 'Cooperativa Visibile' });
  sameAllianceProvider = await createProviderProfile(db, world, store.storage(), { legalName: 'Cooperativa Vicina' });
  foreignProvider = await createProviderProfile(db, other, store.storage(), { legalName: 'Cooperativa Straniera' });
  const company = await db.organization.create({ data: { allianceId: world.allianceId, kind: 'COMPANY', legalName: 'Azienda', codiceFiscale: freshPartitaIva() } });
  Object.assign(who, {
    'curator': world.curator,
    'admin': world.admin,
    'auditor': world.auditor,
    'own operator': await sessionFor(db, provider.organizationId, 'PROVIDER_OPERATOR'),
    'employee of the provider': await sessionFor(db, provider.organizationId, 'EMPLOYEE'),
    'operator of another provider': await sessionFor(db, sameAllianceProvider.organizationId, 'PROVIDER_OPERATOR'),
    'company admin': await sessionFor(db, company.id, 'COMPANY_ADMIN'),
    'employee': await sessionFor(db, company.id, 'EMPLOYEE'),
    'curator of the other alliance': other.curator,
    'admin of the other alliance': other.admin,
    'auditor of the other alliance': other.auditor,
    'operator of the other alliance': await sessionFor(db, foreignProvider.organizationId, 'PROVIDER_OPERATOR'),
  });
});

async function detail(id: string, cookie: string | null) {
  return responseOf(() => detailRoute.loader({ request: makeRequest(`/ambito/enti/${id}`, { cookie }), params: { id }, context: {} }));
}

async function download(id: string, cookie: string | null) {
  return responseOf(() => documentRoute.loader({ request: makeRequest(`/documenti/${id}`, { cookie }), params: { id }, context: {} }));
}

describe('/ambito/enti/:id', () => {
  const ALLOWED = ['curator', 'admin', 'auditor'];

  it('answers 200 to the alliance staff and 404 to everyone else', async () => {
    for (const [label, session] of Object.entries(who)) {
      const response = await detail(provider.organizationId, session.cookie);
      expect(response.status, label).toBe(ALLOWED.includes(label) ? 200 : 404);
    }
    const anonymous = await detail(provider.organizationId, null);
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get('Location')).toMatch(/^\/accedi\?redirectTo=/);
  });

  it('a curator of another alliance gets 404 on the detail, the decision and the list', async () => {
    const db = getDb();
    expect((await detail(provider.organizationId, other.curator.cookie)).status).toBe(404);
    const decision = await responseOf(() =>
      detailRoute.action({
        request: makeRequest(`/ambito/enti/${provider.organizationId}`, { cookie: other.curator.cookie, form: { decision: 'ADMIT' } }),
        params: { id: provider.organizationId },
        context: {},
      }),
    );
    expect(decision.status).toBe(404);
    expect((await db.providerProfile.findUniqueOrThrow({ where: { organizationId: provider.organizationId } })).status).toBe('PENDING');
    expect(await db.providerDecision.count({ where: { organizationId: provider.organizationId } })).toBe(0);

    const list = await responseOf(() =>
      listRoute.loader({ request: makeRequest('/ambito/enti?status=ALL&q=Cooperativa', { cookie: other.curator.cookie }), params: {}, context: {} }),
    );
    const rows = ((await list.json()) as { providers: { rows: Array<{ legalName: string }> } }).providers.rows;
    expect(rows.map((r) => r.legalName)).toEqual(['Cooperativa Straniera']);
  });

  it('unknown and malformed ids are 404 too', async () => {
    expect((await detail('00000000-0000-4000-8000-000000000000', world.curator.cookie)).status).toBe(404);
    expect((await detail('non-un-id', world.curator.cookie)).status).toBe(404);
    // An organisation that is not a provider.
    expect((await detail(world.leadId, world.curator.cookie)).status).toBe(404);
  });
});

describe('/documenti/:id', () => {
  const ALLOWED = ['curator', 'admin', 'auditor', 'own operator'];

  it('sends the file as an attachment, never sniffed, to the provider and the alliance staff only', async () => {
    for (const [label, session] of Object.entries(who)) {
      const response = await download(provider.documentId, session.cookie);
      expect(response.status, label).toBe(ALLOWED.includes(label) ? 200 : 404);
      if (response.status !== 200) continue;
      expect(response.headers.get('Content-Type')).toBe('application/pdf');
      expect(response.headers.get('Content-Disposition')).toBe(
        `attachment; filename="Statuto _ cooperativa.pdf"; filename*=UTF-8''Statuto%20%E2%80%93%20cooperativa.pdf`,
      );
      expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff');
      expect(response.headers.get('Cache-Control')).toBe('private, no-store');
      expect(new Uint8Array(await response.arrayBuffer())).toEqual(provider.bytes);
    }
  });

  it('a provider cannot read another provider’s document; another alliance cannot read any', async () => {
    expect((await download(sameAllianceProvider.documentId, who['own operator']!.cookie)).status).toBe(404);
    expect((await download(foreignProvider.documentId, world.curator.cookie)).status).toBe(404);
    expect((await download(foreignProvider.documentId, who['operator of the other alliance']!.cookie)).status).toBe(200);
  });

  it('anonymous visitors are sent to sign in; unknown, malformed or missing files are 404', async () => {
    const anonymous = await download(provider.documentId, null);
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get('Location')).toMatch(/^\/accedi\?redirectTo=%2Fdocumenti%2F/);
    expect((await download('00000000-0000-4000-8000-000000000000', world.curator.cookie)).status).toBe(404);
    expect((await download('../../etc/passwd', world.curator.cookie)).status).toBe(404);
    await store.storage().delete(`provider-documents/${sameAllianceProvider.organizationId}-statuto`);
    expect((await download(sameAllianceProvider.documentId, world.curator.cookie)).status).toBe(404);
  });
});
