import { hashToken } from '~/domain/auth/auth.fns';
import {
  InvalidCredentials,
  login,
  logout,
  NoActiveMembership,
  resolveSession,
  switchActiveMembership,
} from '~/domain/auth/auth.server';
import { getOptionalActor, requireMembership, requireUser } from '~/utils/auth.server';
import { NotFound } from '~/utils/errors.server';
import { allianceScope, assertSameAlliance, assertSameOrganization, homePathFor, organizationScope } from '~/utils/permissions.server';
import { readSessionToken, SESSION_COOKIE_NAME } from '~/utils/session.server';
import { disconnectRedis } from '~/utils/redis.server';
import { getDb, useTestDatabase } from '../setup/database';
import { cookieFor, createTenant, createUser, makeRequest, PASSWORD, responseOf, type Tenant, uniqueEmail } from './auth-fixtures';

useTestDatabase();
afterAll(async () => {
  await disconnectRedis();
});

let tenant: Tenant;
let otherTenant: Tenant;

beforeAll(async () => {
  tenant = await createTenant(getDb());
  otherTenant = await createTenant(getDb());
});

describe('login', () => {
  it('signs in with the right password, case-insensitively, and stores only the token hash', async () => {
    const email = uniqueEmail('hr');
    const { user } = await createUser(getDb(), { email, memberships: [{ organizationId: tenant.companyId, role: 'COMPANY_ADMIN' }] });
    const result = await login(getDb(), { email: `  ${email.toUpperCase()} `, password: PASSWORD, ipAddress: '203.0.113.1' });
    expect(result.userId).toBe(user.id);
    expect(result.home).toBe('/azienda');
    expect(result.secondFactorRequired).toBe(false);
    expect(result.sessionId).toBe(hashToken(result.token));
    const row = await getDb().session.findUnique({ where: { id: result.sessionId } });
    expect(row?.userId).toBe(user.id);
    expect(await getDb().session.count({ where: { id: result.token } })).toBe(0);
    const audit = await getDb().auditEvent.findFirst({ where: { action: 'auth.login', actorUserId: user.id } });
    expect(audit).toMatchObject({ allianceId: tenant.allianceId, organizationId: tenant.companyId, ipAddress: '203.0.113.1' });
  });

  it('answers an unknown address and a wrong password with the same error, audited without the address', async () => {
    const email = uniqueEmail('dip');
    const { user } = await createUser(getDb(), { email, memberships: [{ organizationId: tenant.companyId, role: 'EMPLOYEE' }] });
    const wrong = await login(getDb(), { email, password: 'not-the-password', ipAddress: '203.0.113.2' }).catch((e: unknown) => e);
    const unknown = await login(getDb(), { email: uniqueEmail('nessuno'), password: PASSWORD, ipAddress: '203.0.113.2' }).catch(
      (e: unknown) => e,
    );
    expect(wrong).toBeInstanceOf(InvalidCredentials);
    expect(unknown).toBeInstanceOf(InvalidCredentials);
    expect((wrong as Error).message).toBe((unknown as Error).message);
    const failures = await getDb().auditEvent.findMany({ where: { action: 'auth.login_failed', ipAddress: '203.0.113.2' } });
    expect(failures.map((f) => (f.metadata as { reason: string }).reason).sort()).toEqual(['unknown_account', 'wrong_password']);
    expect(failures.find((f) => (f.metadata as { reason: string }).reason === 'wrong_password')?.actorUserId).toBe(user.id);
    for (const f of failures) {
      expect(JSON.stringify(f.metadata)).not.toContain('@');
      expect(JSON.stringify(f.metadata)).not.toContain('not-the-password');
    }
  });

  it('refuses people whose memberships are only invited or suspended', async () => {
    const invited = await createUser(getDb(), { memberships: [{ organizationId: tenant.companyId, role: 'EMPLOYEE', status: 'INVITED' }] });
    const suspended = await createUser(getDb(), {
      memberships: [{ organizationId: tenant.companyId, role: 'EMPLOYEE', status: 'SUSPENDED' }],
    });
    await expect(login(getDb(), { email: invited.user.email, password: PASSWORD })).rejects.toBeInstanceOf(NoActiveMembership);
    await expect(login(getDb(), { email: suspended.user.email, password: PASSWORD })).rejects.toBeInstanceOf(NoActiveMembership);
    // Without the right password nothing about the membership is revealed.
    await expect(login(getDb(), { email: suspended.user.email, password: 'wrong-password-here' })).rejects.toBeInstanceOf(
      InvalidCredentials,
    );
  });

  it('refuses an account without a password (invited, never activated)', async () => {
    const { user } = await createUser(getDb(), { password: null, memberships: [{ organizationId: tenant.companyId, role: 'EMPLOYEE' }] });
    await expect(login(getDb(), { email: user.email, password: PASSWORD })).rejects.toBeInstanceOf(InvalidCredentials);
  });

  it('gives a new session id at login and ends the previous one (no fixation)', async () => {
    const { user } = await createUser(getDb(), { memberships: [{ organizationId: tenant.companyId, role: 'EMPLOYEE' }] });
    const first = await login(getDb(), { email: user.email, password: PASSWORD });
    const second = await login(getDb(), { email: user.email, password: PASSWORD, previousSessionId: first.sessionId });
    expect(second.sessionId).not.toBe(first.sessionId);
    expect(await getDb().session.count({ where: { id: first.sessionId } })).toBe(0);
    expect(await getDb().session.count({ where: { id: second.sessionId } })).toBe(1);
  });

  it('starts on the membership with the widest role', async () => {
    const { user, memberships } = await createUser(getDb(), {
      memberships: [
        { organizationId: tenant.companyId, role: 'EMPLOYEE' },
        { organizationId: tenant.leadId, role: 'AUDITOR' },
        { organizationId: tenant.companyId, role: 'COMPANY_ADMIN' },
      ],
    });
    const result = await login(getDb(), { email: user.email, password: PASSWORD });
    expect(result.home).toBe('/revisione');
    const row = await getDb().session.findUniqueOrThrow({ where: { id: result.sessionId } });
    expect(row.activeMembershipId).toBe(memberships[1]?.id);
  });
});

describe('sessions', () => {
  async function signedIn(role: 'EMPLOYEE' | 'COMPANY_ADMIN' = 'EMPLOYEE', organizationId = tenant.companyId) {
    const created = await createUser(getDb(), { memberships: [{ organizationId, role }] });
    const result = await login(getDb(), { email: created.user.email, password: PASSWORD });
    return { ...created, ...result, cookie: await cookieFor(result.token) };
  }

  it('reads the actor from the signed cookie', async () => {
    const s = await signedIn();
    const actor = await getOptionalActor(makeRequest('/lavoratore', { cookie: s.cookie }));
    expect(actor?.user.id).toBe(s.user.id);
    expect(actor?.sessionId).toBe(s.sessionId);
    expect(actor?.membership).toMatchObject({
      role: 'EMPLOYEE',
      organizationId: tenant.companyId,
      organizationKind: 'COMPANY',
      allianceId: tenant.allianceId,
    });
    expect(actor?.memberships).toHaveLength(1);
  });

  it('ignores a cookie whose signature does not match', async () => {
    const s = await signedIn();
    const [name, value = ''] = s.cookie.split('=');
    const tampered = `${name}=${value.replace(/\.[^.]*$/, '.forged')}`;
    expect(name).toBe(SESSION_COOKIE_NAME);
    expect(await readSessionToken(makeRequest('/', { cookie: tampered }))).toBeNull();
    expect(await getOptionalActor(makeRequest('/', { cookie: tampered }))).toBeNull();
  });

  it('treats an expired session as logged out and deletes it', async () => {
    const s = await signedIn();
    await getDb().session.update({ where: { id: s.sessionId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await getOptionalActor(makeRequest('/', { cookie: s.cookie }))).toBeNull();
    expect(await getDb().session.count({ where: { id: s.sessionId } })).toBe(0);
    const response = await responseOf(() => requireUser(makeRequest('/lavoratore?x=1', { cookie: s.cookie })));
    expect(response.status).toBe(302);
    expect(response.headers.get('Location')).toBe('/accedi?redirectTo=%2Flavoratore%3Fx%3D1');
  });

  it('touches lastSeenAt at most every five minutes', async () => {
    const s = await signedIn();
    const old = new Date(Date.now() - 2 * 60 * 1000);
    await getDb().session.update({ where: { id: s.sessionId }, data: { lastSeenAt: old } });
    await resolveSession(getDb(), s.sessionId);
    expect((await getDb().session.findUniqueOrThrow({ where: { id: s.sessionId } })).lastSeenAt).toEqual(old);
    const older = new Date(Date.now() - 6 * 60 * 1000);
    await getDb().session.update({ where: { id: s.sessionId }, data: { lastSeenAt: older } });
    await resolveSession(getDb(), s.sessionId);
    expect((await getDb().session.findUniqueOrThrow({ where: { id: s.sessionId } })).lastSeenAt.getTime()).toBeGreaterThan(
      Date.now() - 60_000,
    );
  });

  it('logout deletes the session row and audits it', async () => {
    const s = await signedIn();
    await logout(getDb(), { sessionId: s.sessionId, ipAddress: '203.0.113.9' });
    expect(await getDb().session.count({ where: { id: s.sessionId } })).toBe(0);
    expect(await getOptionalActor(makeRequest('/', { cookie: s.cookie }))).toBeNull();
    expect(await getDb().auditEvent.count({ where: { action: 'auth.logout', actorUserId: s.user.id, ipAddress: '203.0.113.9' } })).toBe(1);
  });

  it('ends the session when every membership is suspended meanwhile', async () => {
    const s = await signedIn();
    await getDb().membership.updateMany({ where: { userId: s.user.id }, data: { status: 'SUSPENDED' } });
    expect(await getOptionalActor(makeRequest('/', { cookie: s.cookie }))).toBeNull();
    expect(await getDb().session.count({ where: { id: s.sessionId } })).toBe(0);
  });

  it('switches the active membership only to one of the user’s own active memberships', async () => {
    const { user, memberships } = await createUser(getDb(), {
      memberships: [
        { organizationId: tenant.companyId, role: 'COMPANY_ADMIN' },
        { organizationId: tenant.providerId, role: 'EMPLOYEE' },
      ],
    });
    const other = await createUser(getDb(), { memberships: [{ organizationId: tenant.providerId, role: 'PROVIDER_OPERATOR' }] });
    const result = await login(getDb(), { email: user.email, password: PASSWORD });
    const cookie = await cookieFor(result.token);
    const actor = await requireUser(makeRequest('/profilo', { cookie }));
    expect(actor.membership?.role).toBe('COMPANY_ADMIN');
    await expect(switchActiveMembership(getDb(), actor, other.memberships[0]!.id)).rejects.toBeInstanceOf(NotFound);
    const switched = await switchActiveMembership(getDb(), actor, memberships[1]!.id);
    expect(switched.home).toBe('/lavoratore');
    const after = await requireUser(makeRequest('/profilo', { cookie }));
    expect(after.membership).toMatchObject({ role: 'EMPLOYEE', organizationId: tenant.providerId });
    expect(homePathFor(after)).toBe('/lavoratore');
  });
});

describe('requireMembership and scope helpers', () => {
  it('redirects anonymous visitors to /accedi with a same-site redirectTo, without Remix data parameters', async () => {
    const response = await responseOf(() => requireMembership(makeRequest('/azienda?tab=2&_data=routes%2Fazienda._index')));
    expect(response.status).toBe(302);
    expect(response.headers.get('Location')).toBe('/accedi?redirectTo=%2Fazienda%3Ftab%3D2');
  });

  it('answers 404 for a wrong role or a foreign organisation, and returns the actor otherwise', async () => {
    const { user } = await createUser(getDb(), { memberships: [{ organizationId: tenant.companyId, role: 'COMPANY_ADMIN' }] });
    const result = await login(getDb(), { email: user.email, password: PASSWORD });
    const cookie = await cookieFor(result.token);
    const wrongRole = await responseOf(() => requireMembership(makeRequest('/ente', { cookie }), { roles: ['PROVIDER_OPERATOR'] }));
    expect(wrongRole.status).toBe(404);
    const foreign = await responseOf(() =>
      requireMembership(makeRequest('/azienda', { cookie }), { roles: ['COMPANY_ADMIN'], organizationId: otherTenant.companyId }),
    );
    expect(foreign.status).toBe(404);
    const actor = await requireMembership(makeRequest('/azienda', { cookie }), {
      roles: ['COMPANY_ADMIN'],
      organizationId: tenant.companyId,
    });
    expect(actor.membership.organizationId).toBe(tenant.companyId);

    expect(allianceScope(actor)).toEqual({ allianceId: tenant.allianceId });
    expect(organizationScope(actor)).toEqual({ organizationId: tenant.companyId });
    expect(() => assertSameAlliance(actor, { allianceId: otherTenant.allianceId })).toThrow(NotFound);
    expect(() => assertSameAlliance(actor, null)).toThrow(NotFound);
    expect(() => assertSameAlliance(actor, { allianceId: tenant.allianceId })).not.toThrow();
    expect(() => assertSameOrganization(actor, { organizationId: tenant.providerId })).toThrow(NotFound);
    expect(() => assertSameOrganization(actor, { organizationId: tenant.companyId })).not.toThrow();
    expect(homePathFor(actor)).toBe('/azienda');
    expect(homePathFor(null)).toBe('/profilo');
    expect(() => allianceScope({ ...actor, membership: null })).toThrow(NotFound);
  });
});
