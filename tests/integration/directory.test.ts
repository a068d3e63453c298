import { beforeAll, describe, expect, it } from 'vitest';
import { login } from '~/domain/auth/auth.server';
import { action as companyHomeAction, loader as companyHomeLoader } from '~/routes/azienda._index';
import { action as allianceHomeAction, loader as allianceHomeLoader } from '~/routes/alleanza._index';
import { loader as auditLoader } from '~/routes/registro-attivita';
import { cookieFor, createTenant, createUser, makeRequest, PASSWORD, responseOf, uniqueEmail, type Tenant } from './auth-fixtures';
import { getDb, useTestDatabase } from '../setup/database';

// The people section of the organisation homes, the alliance overview and the audit log.

useTestDatabase();

let tenant: Tenant;
let hrCookie: string;
let adminCookie: string;

async function signIn(email: string, ip: string): Promise<string> {
  const signed = await login(getDb(), { email, password: PASSWORD, ipAddress: ip });
  return cookieFor(signed.token);
}

beforeAll(async () => {
  const db = getDb();
  tenant = await createTenant(db);
  const hr = await createUser(db, { memberships: [{ organizationId: tenant.companyId, role: 'COMPANY_ADMIN' }] });
  const admin = await createUser(db, { memberships: [{ organizationId: tenant.leadId, role: 'ALLIANCE_ADMIN' }] });
  for (let i = 0; i < 25; i++) {
    await createUser(db, { email: `dipendente${String(i).padStart(2, '0')}@example.it`, memberships: [{ organizationId: tenant.companyId, role: 'EMPLOYEE' }] });
  }
  hrCookie = await signIn(hr.user.email, '198.51.100.21');
  adminCookie = await signIn(admin.user.email, '198.51.100.22');
});

async function json<T>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

describe('people of the company', () => {
  it('are paginated and sorted on the server', async () => {
    const first = await responseOf(() => companyHomeLoader({ request: makeRequest('/azienda?sort=email&dir=asc', { cookie: hrCookie }), params: {}, context: {} }));
    const body = await json<{ members: { members: { total: number; pages: number; rows: Array<{ email: string }> } } }>(first);
    expect(body.members.members.total).toBe(26);
    expect(body.members.members.pages).toBe(2);
    expect(body.members.members.rows).toHaveLength(20);
    expect(body.members.members.rows[0]!.email).toBe('dipendente00@example.it');

    const desc = await responseOf(() => companyHomeLoader({ request: makeRequest('/azienda?sort=email&dir=desc&page=2', { cookie: hrCookie }), params: {}, context: {} }));
    const page2 = await json<{ members: { members: { page: number; rows: Array<{ email: string }> } } }>(desc);
    expect(page2.members.members.page).toBe(2);
    expect(page2.members.members.rows.at(-1)!.email).toBe('dipendente00@example.it');
  });

  it('can be searched by name or e-mail', async () => {
    const response = await responseOf(() => companyHomeLoader({ request: makeRequest('/azienda?q=dipendente1', { cookie: hrCookie }), params: {}, context: {} }));
    const body = await json<{ members: { members: { total: number } } }>(response);
    expect(body.members.members.total).toBe(10);
  });
});

describe('inviting from the company home', () => {
  it('invites an employee: INVITED membership, e-mail queued, audited', async () => {
    const email = uniqueEmail('nuovo');
    const response = await responseOf(() =>
      companyHomeAction({
        request: makeRequest('/azienda', { cookie: hrCookie, form: { intent: 'invite', givenName: 'Nuova', familyName: 'Persona', email: `  ${email.toUpperCase()} `, role: 'EMPLOYEE' } }),
        params: {},
        context: {},
      }),
    );
    expect(response.status).toBe(200);
    const db = getDb();
    const membership = await db.membership.findFirstOrThrow({ where: { user: { email }, organizationId: tenant.companyId } });
    expect(membership.status).toBe('INVITED');
    expect(membership.role).toBe('EMPLOYEE');
    expect(await db.mailMessage.count({ where: { toAddress: email } })).toBe(1);
    expect(await db.auditEvent.count({ where: { action: 'membership.invited', subjectId: membership.id } })).toBe(1);
  });

  it('refuses a role the company admin may not grant, and a bad e-mail, with field errors', async () => {
    const response = await responseOf(() =>
      companyHomeAction({
        request: makeRequest('/azienda', { cookie: hrCookie, form: { givenName: 'X', familyName: 'Y', email: 'non-una-mail', role: 'ALLIANCE_ADMIN' } }),
        params: {},
        context: {},
      }),
    );
    expect(response.status).toBe(422);
    const body = await json<{ fieldErrors: Record<string, string> }>(response);
    expect(body.fieldErrors.email).toBe('validation.email');

    const wrongRole = await responseOf(() =>
      companyHomeAction({
        request: makeRequest('/azienda', { cookie: hrCookie, form: { givenName: 'X', familyName: 'Y', email: uniqueEmail(), role: 'ALLIANCE_ADMIN' } }),
        params: {},
        context: {},
      }),
    );
    expect(wrongRole.status).toBe(422);
    expect((await json<{ fieldErrors: Record<string, string> }>(wrongRole)).fieldErrors.role).toBe('validation.role');
  });

  it('answers an invitation of someone already active with that role with a clear field error', async () => {
    const response = await responseOf(() =>
      companyHomeAction({
        request: makeRequest('/azienda', { cookie: hrCookie, form: { givenName: 'D', familyName: 'Zero', email: 'dipendente00@example.it', role: 'EMPLOYEE' } }),
        params: {},
        context: {},
      }),
    );
    expect(response.status).toBe(409);
    expect((await json<{ fieldErrors: Record<string, string> }>(response)).fieldErrors.email).toBe('members.invite.alreadyMember');
  });

  it('does not exist for an employee (404)', async () => {
    const employeeCookie = await signIn('dipendente03@example.it', '198.51.100.23');
    const response = await responseOf(() =>
      companyHomeAction({
        request: makeRequest('/azienda', { cookie: employeeCookie, form: { givenName: 'A', familyName: 'B', email: uniqueEmail(), role: 'EMPLOYEE' } }),
        params: {},
        context: {},
      }),
    );
    expect(response.status).toBe(404);
  });
});

describe('the alliance admin', () => {
  it('sees the overview counts of their alliance only', async () => {
    const other = await createTenant(getDb());
    await createUser(getDb(), { memberships: [{ organizationId: other.companyId, role: 'EMPLOYEE' }] });
    const response = await responseOf(() => allianceHomeLoader({ request: makeRequest('/alleanza', { cookie: adminCookie }), params: {}, context: {} }));
    const body = await json<{ overview: { organizations: { companies: number; providers: number }; activeMembers: number } }>(response);
    expect(body.overview.organizations.companies).toBe(1);
    expect(body.overview.organizations.providers).toBe(1);
    // HR admin, alliance admin and the 25 employees; the other alliance's employee is not counted.
    expect(body.overview.activeMembers).toBe(27);
  });

  it('invites Ambito staff but not employees', async () => {
    const ok = await responseOf(() =>
      allianceHomeAction({
        request: makeRequest('/alleanza', { cookie: adminCookie, form: { givenName: 'Cura', familyName: 'Trice', email: uniqueEmail('curatrice'), role: 'AMBITO_CURATOR' } }),
        params: {},
        context: {},
      }),
    );
    expect(ok.status).toBe(200);
    const refused = await responseOf(() =>
      allianceHomeAction({
        request: makeRequest('/alleanza', { cookie: adminCookie, form: { givenName: 'E', familyName: 'M', email: uniqueEmail(), role: 'EMPLOYEE' } }),
        params: {},
        context: {},
      }),
    );
    expect(refused.status).toBe(422);
  });

  it('reads the audit log filtered by action, newest first', async () => {
    const response = await responseOf(() =>
      auditLoader({ request: makeRequest('/registro-attivita?action=membership.invited', { cookie: adminCookie }), params: {}, context: {} }),
    );
    const body = await json<{ events: { total: number; actions: string[]; rows: Array<{ action: string; createdAt: string; actorName: string | null }> } }>(response);
    expect(body.events.total).toBeGreaterThanOrEqual(2);
    expect(body.events.rows.every((r) => r.action === 'membership.invited')).toBe(true);
    expect(body.events.actions).toContain('auth.login');
    const times = body.events.rows.map((r) => r.createdAt);
    expect([...times].sort().reverse()).toEqual(times);
    expect(body.events.rows[0]!.actorName).toBe('Giulia Prova');
  });
});
