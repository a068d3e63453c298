import { createApiKey } from '~/domain/api-keys/api-keys.server';
import type { RoleName } from '~/domain/auth/roles';
import * as page from '~/routes/impostazioni.chiavi-api';
import { createSession } from '~/utils/session.server';
import { getDb, useTestDatabase } from '../setup/database';
import { cookieFor, createTenant, createUser, makeRequest, responseOf, type Tenant } from './auth-fixtures';

// The settings page /impostazioni/chiavi-api, driven through its loader and action as Remix would.

useTestDatabase();

const PATH = '/impostazioni/chiavi-api';
type RouteArgs = { request: Request; params: Record<string, string>; context: Record<string, unknown> };
const loader = (request: Request) => responseOf(() => (page.loader as (a: RouteArgs) => Promise<Response>)({ request, params: {}, context: {} }));
const action = (request: Request) => responseOf(() => (page.action as (a: RouteArgs) => Promise<Response>)({ request, params: {}, context: {} }));

interface LoaderData {
  organizationName: string;
  roleOptions: RoleName[];
  keys: Array<{ id: string; name: string; prefix: string; role: RoleName; revokedAt: string | null }>;
  confirmRevoke: { id: string; name: string; prefix: string } | null;
}

let tenant: Tenant;
let other: Tenant;

async function signedIn(organizationId: string, role: RoleName): Promise<{ cookie: string; userId: string }> {
  const db = getDb();
  const { user, memberships } = await createUser(db, { memberships: [{ organizationId, role }] });
  const { token } = await createSession(db, { userId: user.id, activeMembershipId: memberships[0]!.id });
  return { cookie: await cookieFor(token), userId: user.id };
}

beforeAll(async () => {
  tenant = await createTenant(getDb());
  other = await createTenant(getDb());
});

describe('who may open the page', () => {
  it('sends a visitor to the login page', async () => {
    const response = await loader(makeRequest(PATH));
    expect(response.status).toBe(302);
    expect(response.headers.get('Location')).toMatch(/^\/accedi\?redirectTo=/);
  });

  it.each([
    ['EMPLOYEE', 'companyId'],
    ['AMBITO_CURATOR', 'leadId'],
    ['AUDITOR', 'leadId'],
  ] as const)('answers 404 to %s', async (role, org) => {
    const { cookie } = await signedIn(tenant[org], role);
    expect((await loader(makeRequest(PATH, { cookie }))).status).toBe(404);
    expect((await action(makeRequest(PATH, { cookie, form: { intent: 'create', name: 'x' } }))).status).toBe(404);
  });
});

describe('a company administrator', () => {
  it('sees only the organisation’s keys, creates one (shown once) and revokes it after confirming', async () => {
    const db = getDb();
    const { cookie, userId } = await signedIn(tenant.companyId, 'COMPANY_ADMIN');
    await createApiKey(db, { organizationId: other.companyId, name: 'Foreign key' });

    const empty = (await (await loader(makeRequest(PATH, { cookie }))).json()) as LoaderData;
    expect(empty.keys).toEqual([]);
    expect(empty.roleOptions).toEqual(['COMPANY_ADMIN']);

    const created = await action(makeRequest(PATH, { cookie, form: { intent: 'create', name: 'Esportazione paghe' } }));
    expect(created.status).toBe(200);
    expect(created.headers.get('Cache-Control')).toBe('no-store');
    const body = (await created.json()) as { ok: boolean; created: { key: string; prefix: string; role: string } };
    expect(body.created.key).toMatch(/^cnc_[a-z2-7]{8}_[A-Za-z0-9_-]{43}$/);
    expect(body.created.role).toBe('COMPANY_ADMIN');
    const row = await db.apiKey.findFirstOrThrow({ where: { organizationId: tenant.companyId } });
    expect(row.createdById).toBe(userId);
    expect(await db.auditEvent.count({ where: { action: 'api_key.created', actorUserId: userId, subjectId: row.id } })).toBe(1);

    const listed = await loader(makeRequest(PATH, { cookie }));
    const listedText = await listed.text();
    expect(listedText).not.toContain(body.created.key);
    const data = JSON.parse(listedText) as LoaderData;
    expect(data.keys.map((k) => k.name)).toEqual(['Esportazione paghe']);
    expect(data.keys[0]?.prefix).toBe(body.created.prefix);

    const confirming = (await (await loader(makeRequest(`${PATH}?revoca=${row.id}`, { cookie }))).json()) as LoaderData;
    expect(confirming.confirmRevoke).toEqual({ id: row.id, name: 'Esportazione paghe', prefix: body.created.prefix });

    const revoked = await action(makeRequest(PATH, { cookie, form: { intent: 'revoke', keyId: row.id } }));
    expect(revoked.status).toBe(200);
    expect(await revoked.json()).toMatchObject({ ok: true, revoked: { name: 'Esportazione paghe', alreadyRevoked: false } });
    expect((await db.apiKey.findUniqueOrThrow({ where: { id: row.id } })).revokedAt).not.toBeNull();
    const after = (await (await loader(makeRequest(`${PATH}?revoca=${row.id}`, { cookie }))).json()) as LoaderData;
    expect(after.confirmRevoke).toBeNull();
    expect(after.keys[0]?.revokedAt).not.toBeNull();
  });

  it('cannot revoke, or even confirm, another organisation’s key (404)', async () => {
    const db = getDb();
    const { cookie } = await signedIn(tenant.companyId, 'COMPANY_ADMIN');
    const foreign = await createApiKey(db, { organizationId: other.companyId, name: 'Not yours' });
    const confirming = (await (await loader(makeRequest(`${PATH}?revoca=${foreign.id}`, { cookie }))).json()) as LoaderData;
    expect(confirming.confirmRevoke).toBeNull();
    expect((await action(makeRequest(PATH, { cookie, form: { intent: 'revoke', keyId: foreign.id } }))).status).toBe(404);
    expect((await action(makeRequest(PATH, { cookie, form: { intent: 'revoke', keyId: 'not-a-uuid' } }))).status).toBe(404);
    expect((await db.apiKey.findUniqueOrThrow({ where: { id: foreign.id } })).revokedAt).toBeNull();
  });

  it('gets field errors (and what was typed) for a bad name or role', async () => {
    const { cookie } = await signedIn(tenant.companyId, 'COMPANY_ADMIN');
    const blank = await action(makeRequest(PATH, { cookie, form: { intent: 'create', name: '   ' } }));
    expect(blank.status).toBe(422);
    expect(await blank.json()).toMatchObject({ ok: false, fieldErrors: { name: 'apikeys.validation.nameRequired' } });
    const wrongRole = await action(makeRequest(PATH, { cookie, form: { intent: 'create', name: 'Paghe', role: 'ALLIANCE_ADMIN' } }));
    expect(wrongRole.status).toBe(422);
    expect(await wrongRole.json()).toMatchObject({ fieldErrors: { role: 'apikeys.validation.roleNotAllowed' }, values: { name: 'Paghe' } });
    const unknownIntent = await action(makeRequest(PATH, { cookie, form: { intent: 'delete-everything' } }));
    expect(unknownIntent.status).toBe(400);
  });
});

describe('other key managers', () => {
  it('lets a provider operator and an alliance administrator manage their own organisation’s keys', async () => {
    const provider = await signedIn(tenant.providerId, 'PROVIDER_OPERATOR');
    const providerKey = await action(makeRequest(PATH, { cookie: provider.cookie, form: { intent: 'create', name: 'Prenotazioni' } }));
    expect(await providerKey.json()).toMatchObject({ created: { role: 'PROVIDER_OPERATOR' } });

    const admin = await signedIn(tenant.leadId, 'ALLIANCE_ADMIN');
    const data = (await (await loader(makeRequest(PATH, { cookie: admin.cookie }))).json()) as LoaderData;
    expect(data.roleOptions).toEqual(['ALLIANCE_ADMIN', 'AMBITO_CURATOR', 'AUDITOR']);
    const auditorKey = await action(makeRequest(PATH, { cookie: admin.cookie, form: { intent: 'create', name: 'Indicatori', role: 'AUDITOR' } }));
    expect(await auditorKey.json()).toMatchObject({ created: { role: 'AUDITOR' } });
    expect(await getDb().apiKey.count({ where: { organizationId: tenant.leadId, role: 'AUDITOR' } })).toBe(1);
  });
});
