import { login, verifySecondFactor } from '~/domain/auth/auth.server';
import { totpCode } from '~/domain/auth/totp.fns';
import { disableTotp, enableTotp, getTotpSetup } from '~/domain/auth/totp.server';
import { getOptionalActor, getSessionState, requireUser } from '~/utils/auth.server';
import { Conflict, NotFound, RateLimited, ValidationFailed } from '~/utils/errors.server';
import { disconnectRedis } from '~/utils/redis.server';
import { getDb, useTestDatabase } from '../setup/database';
import { cookieFor, createTenant, createUser, makeRequest, PASSWORD, responseOf, type Tenant } from './auth-fixtures';

useTestDatabase();

let tenant: Tenant;
beforeAll(async () => {
  tenant = await createTenant(getDb());
});
afterAll(async () => {
  await disconnectRedis();
});

const STEP = 30_000;
/** A valid code of another time step than `now`, so that each use in a test is a fresh code. */
const codeAt = (secret: string, steps: number) => totpCode(secret, Date.now() + steps * STEP);

async function staffWithTotp() {
  const created = await createUser(getDb(), { memberships: [{ organizationId: tenant.leadId, role: 'AMBITO_CURATOR' }] });
  const first = await login(getDb(), { email: created.user.email, password: PASSWORD });
  const setup = await getTotpSetup(getDb(), { userId: created.user.id });
  await enableTotp(getDb(), { userId: created.user.id, sessionId: first.sessionId, code: codeAt(setup.secret, -1) });
  return { ...created, secret: setup.secret, firstSession: first };
}

describe('TOTP set-up', () => {
  it('shows a QR code and the key, stores the secret encrypted, and keeps it across reloads until enabled', async () => {
    const { user } = await createUser(getDb(), { memberships: [{ organizationId: tenant.companyId, role: 'COMPANY_ADMIN' }] });
    const setup = await getTotpSetup(getDb(), { userId: user.id });
    expect(setup.qrSvg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    expect(setup.uri).toContain(`secret=${setup.secret}`);
    const stored = await getDb().user.findUniqueOrThrow({ where: { id: user.id } });
    expect(stored.totpSecret).toBeTruthy();
    expect(stored.totpSecret).not.toContain(setup.secret);
    expect(stored.totpEnabledAt).toBeNull();
    expect((await getTotpSetup(getDb(), { userId: user.id })).secret).toBe(setup.secret);
  });

  it('is offered to staff roles only', async () => {
    const { user } = await createUser(getDb(), { memberships: [{ organizationId: tenant.companyId, role: 'EMPLOYEE' }] });
    await expect(getTotpSetup(getDb(), { userId: user.id })).rejects.toBeInstanceOf(NotFound);
  });

  it('switches on only with a valid code, audited, and keeps the current session verified', async () => {
    const { user } = await createUser(getDb(), { memberships: [{ organizationId: tenant.providerId, role: 'PROVIDER_OPERATOR' }] });
    const session = await login(getDb(), { email: user.email, password: PASSWORD });
    const setup = await getTotpSetup(getDb(), { userId: user.id });
    const wrong = await enableTotp(getDb(), { userId: user.id, sessionId: session.sessionId, code: '000000' }).catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(ValidationFailed);
    expect((await getDb().user.findUniqueOrThrow({ where: { id: user.id } })).totpEnabledAt).toBeNull();

    await enableTotp(getDb(), { userId: user.id, sessionId: session.sessionId, code: codeAt(setup.secret, 0), ipAddress: '203.0.113.40' });
    expect((await getDb().user.findUniqueOrThrow({ where: { id: user.id } })).totpEnabledAt).not.toBeNull();
    const actor = await getOptionalActor(makeRequest('/ente', { cookie: await cookieFor(session.token) }));
    expect(actor?.user.totpEnabled).toBe(true);
    expect(await getDb().auditEvent.count({ where: { action: 'auth.totp_enabled', actorUserId: user.id, organizationId: tenant.providerId } })).toBe(1);
    await expect(getTotpSetup(getDb(), { userId: user.id })).rejects.toBeInstanceOf(Conflict);
  });
});

describe('login with TOTP', () => {
  it('requires the code before the session counts, then lets the person in', async () => {
    const { user, secret } = await staffWithTotp();
    const result = await login(getDb(), { email: user.email, password: PASSWORD, ipAddress: '203.0.113.41' });
    expect(result.secondFactorRequired).toBe(true);
    const cookie = await cookieFor(result.token);

    expect(await getOptionalActor(makeRequest('/ambito', { cookie }))).toBeNull();
    expect(await getSessionState(makeRequest('/ambito', { cookie }))).toMatchObject({ status: 'second_factor_required', userId: user.id });
    const redirect = await responseOf(() => requireUser(makeRequest('/ambito', { cookie })));
    expect(redirect.headers.get('Location')).toBe('/accedi/verifica?redirectTo=%2Fambito');
    // Not audited as a login until the code is right.
    expect(await getDb().auditEvent.count({ where: { action: 'auth.login', actorUserId: user.id, ipAddress: '203.0.113.41' } })).toBe(0);

    const wrong = await verifySecondFactor(getDb(), { sessionId: result.sessionId, code: '123456' }).catch((e: unknown) => e);
    expect((wrong as ValidationFailed).fieldErrors).toEqual({ code: 'auth.totp.invalidCode' });
    expect(await getDb().auditEvent.count({ where: { action: 'auth.login_failed', actorUserId: user.id } })).toBe(1);

    const verified = await verifySecondFactor(getDb(), { sessionId: result.sessionId, code: codeAt(secret, 0), ipAddress: '203.0.113.41' });
    expect(verified.home).toBe('/ambito');
    expect((await requireUser(makeRequest('/ambito', { cookie }))).user.id).toBe(user.id);
    const audit = await getDb().auditEvent.findFirstOrThrow({ where: { action: 'auth.login', actorUserId: user.id, ipAddress: '203.0.113.41' } });
    expect(audit.metadata).toEqual({ secondFactor: 'totp' });
  });

  it('refuses a code that was already used (replay)', async () => {
    const { user, secret } = await staffWithTotp();
    const code = codeAt(secret, 1);
    const a = await login(getDb(), { email: user.email, password: PASSWORD });
    await verifySecondFactor(getDb(), { sessionId: a.sessionId, code });
    const b = await login(getDb(), { email: user.email, password: PASSWORD });
    await expect(verifySecondFactor(getDb(), { sessionId: b.sessionId, code })).rejects.toBeInstanceOf(ValidationFailed);
  });

  it('rate-limits wrong codes per account', async () => {
    const { user } = await staffWithTotp();
    const result = await login(getDb(), { email: user.email, password: PASSWORD });
    for (let i = 0; i < 5; i += 1) {
      await expect(verifySecondFactor(getDb(), { sessionId: result.sessionId, code: '000000' })).rejects.toBeInstanceOf(ValidationFailed);
    }
    await expect(verifySecondFactor(getDb(), { sessionId: result.sessionId, code: '000000' })).rejects.toBeInstanceOf(RateLimited);
  });

  it('forgets a half-finished login after 15 minutes', async () => {
    const { user } = await staffWithTotp();
    const result = await login(getDb(), { email: user.email, password: PASSWORD });
    await getDb().session.update({ where: { id: result.sessionId }, data: { createdAt: new Date(Date.now() - 16 * 60 * 1000) } });
    const cookie = await cookieFor(result.token);
    expect(await getSessionState(makeRequest('/', { cookie }))).toEqual({ status: 'anonymous' });
  });

  it('other sessions opened before TOTP was switched on must pass the second factor too', async () => {
    const { user } = await createUser(getDb(), { memberships: [{ organizationId: tenant.leadId, role: 'AUDITOR' }] });
    const here = await login(getDb(), { email: user.email, password: PASSWORD });
    const elsewhere = await login(getDb(), { email: user.email, password: PASSWORD });
    const setup = await getTotpSetup(getDb(), { userId: user.id });
    await enableTotp(getDb(), { userId: user.id, sessionId: here.sessionId, code: codeAt(setup.secret, 0) });
    expect((await getSessionState(makeRequest('/', { cookie: await cookieFor(here.token) }))).status).toBe('authenticated');
    expect((await getSessionState(makeRequest('/', { cookie: await cookieFor(elsewhere.token) }))).status).toBe('second_factor_required');
  });
});

describe('disabling TOTP', () => {
  it('needs both the password and a valid code', async () => {
    const { user, secret } = await staffWithTotp();
    const noPassword = await disableTotp(getDb(), { userId: user.id, currentPassword: 'wrong-password-here', code: codeAt(secret, 0) }).catch(
      (e: unknown) => e,
    );
    expect((noPassword as ValidationFailed).fieldErrors).toEqual({ currentPassword: 'auth.password.currentWrong' });
    const noCode = await disableTotp(getDb(), { userId: user.id, currentPassword: PASSWORD, code: '000000' }).catch((e: unknown) => e);
    expect((noCode as ValidationFailed).fieldErrors).toEqual({ code: 'auth.totp.invalidCode' });
    expect((await getDb().user.findUniqueOrThrow({ where: { id: user.id } })).totpEnabledAt).not.toBeNull();

    await disableTotp(getDb(), { userId: user.id, currentPassword: PASSWORD, code: codeAt(secret, 1), ipAddress: '203.0.113.42' });
    const after = await getDb().user.findUniqueOrThrow({ where: { id: user.id } });
    expect(after.totpEnabledAt).toBeNull();
    expect(after.totpSecret).toBeNull();
    expect(await getDb().auditEvent.count({ where: { action: 'auth.totp_disabled', actorUserId: user.id } })).toBe(1);
    const result = await login(getDb(), { email: user.email, password: PASSWORD });
    expect(result.secondFactorRequired).toBe(false);
  });
});
