import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { requestPasswordReset } from '~/domain/auth/auth.server';
import { inviteMember } from '~/domain/auth/invitations.server';
import { totpCode } from '~/domain/auth/totp.fns';
import { getTotpSetup } from '~/domain/auth/totp.server';
import * as loginRoute from '~/routes/accedi';
import * as verifyRoute from '~/routes/accedi_.verifica';
import * as logoutRoute from '~/routes/esci';
import * as invitationRoute from '~/routes/invito.$token';
import * as forgotRoute from '~/routes/password-dimenticata';
import * as profileRoute from '~/routes/profilo._index';
import * as securityRoute from '~/routes/profilo.sicurezza';
import * as resetRoute from '~/routes/reimposta-password.$token';
import { getOptionalActor } from '~/utils/auth.server';
import { resetEnvForTests } from '~/utils/env.server';
import { disconnectRedis } from '~/utils/redis.server';
import { commitSessionCookie } from '~/utils/session.server';
import { getDb, useTestDatabase } from '../setup/database';
import {
  cookieHeaderFromSetCookie,
  createTenant,
  createUser,
  makeRequest,
  PASSWORD,
  responseOf,
  type RequestOptions,
  type Tenant,
  uniqueEmail,
} from './auth-fixtures';

useTestDatabase();

let tenant: Tenant;
beforeAll(async () => {
  tenant = await createTenant(getDb());
});
afterAll(async () => {
  await disconnectRedis();
});

type Handler = (args: LoaderFunctionArgs & ActionFunctionArgs) => Promise<unknown>;

function call(handler: unknown, path: string, options: RequestOptions = {}, params: Record<string, string> = {}) {
  return responseOf(() => (handler as Handler)({ request: makeRequest(path, options), params, context: {} }));
}

async function body<T = Record<string, unknown>>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

async function signIn(email: string, options: { ip?: string; redirectTo?: string } = {}) {
  const form: Record<string, string> = { email, password: PASSWORD };
  if (options.redirectTo !== undefined) form.redirectTo = options.redirectTo;
  const response = await call(loginRoute.action, '/accedi', { form, ip: options.ip });
  const setCookie = response.headers.get('Set-Cookie');
  return { response, cookie: setCookie ? cookieHeaderFromSetCookie(setCookie) : null, setCookie };
}

const employee = () => createUser(getDb(), { email: uniqueEmail('route'), memberships: [{ organizationId: tenant.companyId, role: 'EMPLOYEE' }] });

describe('/accedi', () => {
  it('signs in, sets the session cookie with the right attributes and lands on the role home', async () => {
    const { user } = await employee();
    const { response, cookie, setCookie } = await signIn(user.email.toUpperCase());
    expect(response.status).toBe(302);
    expect(response.headers.get('Location')).toBe('/lavoratore');
    expect(setCookie).toMatch(/^__conciliamo_session=/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).toMatch(/Path=\//);
    expect(setCookie).toMatch(/Max-Age=\d+/);
    expect(setCookie).not.toMatch(/Secure/i);
    const actor = await getOptionalActor(makeRequest('/lavoratore', { cookie }));
    expect(actor?.user.id).toBe(user.id);

    const again = await call(loginRoute.loader, '/accedi', { cookie });
    expect(again.status).toBe(302);
    expect(again.headers.get('Location')).toBe('/lavoratore');
  });

  it('goes back to a same-site redirectTo, never to another site', async () => {
    const { user } = await employee();
    expect((await signIn(user.email, { redirectTo: '/lavoratore?scheda=2' })).response.headers.get('Location')).toBe('/lavoratore?scheda=2');
    expect((await signIn(user.email, { redirectTo: 'https://evil.example/' })).response.headers.get('Location')).toBe('/lavoratore');
    expect((await signIn(user.email, { redirectTo: '//evil.example/' })).response.headers.get('Location')).toBe('/lavoratore');
    expect((await signIn(user.email, { redirectTo: '/\\evil.example' })).response.headers.get('Location')).toBe('/lavoratore');
    const page = await call(loginRoute.loader, '/accedi?redirectTo=https%3A%2F%2Fevil.example');
    expect(await body(page)).toMatchObject({ redirectTo: null });
  });

  it('answers a wrong password and an unknown address with the same message, keeping the typed address', async () => {
    const { user } = await employee();
    const wrong = await call(loginRoute.action, '/accedi', { form: { email: user.email, password: 'wrong-password-here' } });
    const unknown = await call(loginRoute.action, '/accedi', { form: { email: 'Nessuno@Example.it', password: PASSWORD } });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.headers.get('Set-Cookie')).toBeNull();
    const a = await body<{ formError: unknown; values: { email: string } }>(wrong);
    const b = await body<{ formError: unknown; values: { email: string } }>(unknown);
    expect(a.formError).toEqual({ key: 'auth.login.invalid' });
    expect(b.formError).toEqual(a.formError);
    expect(a.values.email).toBe(user.email);
    expect(b.values.email).toBe('nessuno@example.it');
  });

  it('shows field errors for an empty or malformed form', async () => {
    const response = await call(loginRoute.action, '/accedi', { form: { email: 'non-valida', password: '' } });
    expect(response.status).toBe(422);
    const data = await body<{ fieldErrors: Record<string, string>; values: Record<string, string> }>(response);
    expect(data.fieldErrors).toEqual({ email: 'auth.validation.email', password: 'auth.validation.passwordRequired' });
    expect(data.values).toEqual({ email: 'non-valida' });
  });

  it('says how many minutes to wait when rate limited', async () => {
    const { user } = await employee();
    for (let i = 0; i < 5; i += 1) {
      await call(loginRoute.action, '/accedi', { form: { email: user.email, password: 'wrong-password-here' }, ip: `198.51.100.${100 + i}` });
    }
    const response = await call(loginRoute.action, '/accedi', { form: { email: user.email, password: PASSWORD }, ip: '198.51.100.120' });
    expect(response.status).toBe(429);
    expect(Number(response.headers.get('Retry-After'))).toBeGreaterThan(0);
    const data = await body<{ formError: { key: string; params: { minutes: number } } }>(response);
    expect(data.formError.key).toBe('auth.login.rateLimited');
    expect(data.formError.params.minutes).toBe(15);
  });
});

describe('/accedi/verifica', () => {
  it('asks a TOTP user for the code, then lets them through to redirectTo', async () => {
    const { user } = await createUser(getDb(), { memberships: [{ organizationId: tenant.leadId, role: 'ALLIANCE_ADMIN' }] });
    const setup = await getTotpSetup(getDb(), { userId: user.id });
    await getDb().user.update({ where: { id: user.id }, data: { totpEnabledAt: new Date() } });

    const { response, cookie } = await signIn(user.email, { redirectTo: '/alleanza?tab=enti' });
    expect(response.headers.get('Location')).toBe('/accedi/verifica?redirectTo=%2Falleanza%3Ftab%3Denti');
    expect((await call(verifyRoute.loader, '/accedi/verifica', { cookie })).status).toBe(200);

    const wrong = await call(verifyRoute.action, '/accedi/verifica', { cookie, form: { code: '000000' } });
    expect(wrong.status).toBe(422);
    expect((await body(wrong)).fieldErrors).toEqual({ code: 'auth.totp.invalidCode' });
    const malformed = await call(verifyRoute.action, '/accedi/verifica', { cookie, form: { code: '12ab' } });
    expect((await body(malformed)).fieldErrors).toEqual({ code: 'auth.validation.codeFormat' });

    const ok = await call(verifyRoute.action, '/accedi/verifica', {
      cookie,
      form: { code: totpCode(setup.secret, Date.now()), redirectTo: '/alleanza?tab=enti' },
    });
    expect(ok.status).toBe(302);
    expect(ok.headers.get('Location')).toBe('/alleanza?tab=enti');
    expect((await getOptionalActor(makeRequest('/alleanza', { cookie })))?.user.id).toBe(user.id);
    const done = await call(verifyRoute.loader, '/accedi/verifica', { cookie });
    expect(done.headers.get('Location')).toBe('/alleanza');
  });

  it('sends people without a pending session back to the login', async () => {
    const response = await call(verifyRoute.loader, '/accedi/verifica');
    expect(response.headers.get('Location')).toBe('/accedi?scaduto=1');
  });
});

describe('/esci', () => {
  it('GET only shows the confirmation; POST deletes the session and clears the cookie', async () => {
    const { user } = await employee();
    const { cookie } = await signIn(user.email);
    const page = await call(logoutRoute.loader, '/esci', { cookie });
    expect(await body(page)).toEqual({ signedIn: true });
    expect(await getOptionalActor(makeRequest('/', { cookie }))).not.toBeNull();

    const response = await call(logoutRoute.action, '/esci', { cookie, method: 'POST', form: {} });
    expect(response.status).toBe(302);
    expect(response.headers.get('Location')).toBe('/accedi?uscito=1');
    expect(response.headers.get('Set-Cookie')).toMatch(/__conciliamo_session=;.*(Max-Age=0|Expires=Thu, 01 Jan 1970)/i);
    expect(await getOptionalActor(makeRequest('/', { cookie }))).toBeNull();
    expect(await getDb().session.count({ where: { userId: user.id } })).toBe(0);
  });
});

describe('/password-dimenticata and /reimposta-password/:token', () => {
  it('answers the same for a known and an unknown address', async () => {
    const { user } = await employee();
    const known = await call(forgotRoute.action, '/password-dimenticata', { form: { email: user.email } });
    const unknown = await call(forgotRoute.action, '/password-dimenticata', { form: { email: uniqueEmail('ignoto') } });
    expect(known.status).toBe(unknown.status);
    expect(await known.text()).toBe(await unknown.text());
    expect(await getDb().mailMessage.count({ where: { toAddress: user.email } })).toBe(1);
  });

  it('resets through the page once, signs in, and refuses the link afterwards', async () => {
    const { user } = await employee();
    await requestPasswordReset(getDb(), { email: user.email });
    const mail = await getDb().mailMessage.findFirstOrThrow({ where: { toAddress: user.email } });
    const token = /\/reimposta-password\/([A-Za-z0-9_-]{43})/.exec(mail.textBody)?.[1] ?? '';
    const path = `/reimposta-password/${token}`;

    const page = await call(resetRoute.loader, path, {}, { token });
    expect(page.status).toBe(200);
    expect(page.headers.get('Cache-Control')).toBe('no-store');
    expect(await body(page)).toEqual({ status: 'valid', email: user.email });

    const mismatch = await call(resetRoute.action, path, { form: { password: 'frase-nuova-lunga', passwordConfirmation: 'altra-frase-lunga' } }, { token });
    expect((await body(mismatch)).fieldErrors).toEqual({ passwordConfirmation: 'auth.validation.passwordsDiffer' });

    const done = await call(resetRoute.action, path, { form: { password: 'frase-nuova-lunga', passwordConfirmation: 'frase-nuova-lunga' } }, { token });
    expect(done.status).toBe(302);
    expect(done.headers.get('Location')).toBe('/lavoratore');
    const cookie = cookieHeaderFromSetCookie(done.headers.get('Set-Cookie'));
    expect((await getOptionalActor(makeRequest('/', { cookie })))?.user.id).toBe(user.id);

    const reused = await call(resetRoute.action, path, { form: { password: 'frase-terza-lunga', passwordConfirmation: 'frase-terza-lunga' } }, { token });
    expect(reused.status).toBe(410);
    expect(await body(reused)).toEqual({ ok: false, linkInvalid: 'used' });
    expect(await body(await call(resetRoute.loader, path, {}, { token }))).toEqual({ status: 'invalid', reason: 'used' });
    expect(await body(await call(resetRoute.loader, '/reimposta-password/nope', {}, { token: 'nope' }))).toEqual({
      status: 'invalid',
      reason: 'unknown',
    });
  });
});

describe('/invito/:token', () => {
  it('shows the invitation and activates it with the chosen password', async () => {
    const email = uniqueEmail('invito-route');
    const invited = await inviteMember(getDb(), {
      invitedBy: 'system',
      organizationId: tenant.providerId,
      email,
      givenName: 'Sara',
      familyName: 'Nuova',
      role: 'PROVIDER_OPERATOR',
    });
    const mail = await getDb().mailMessage.findFirstOrThrow({ where: { toAddress: email } });
    const token = /\/invito\/([A-Za-z0-9_-]{43})/.exec(mail.textBody)?.[1] ?? '';
    const page = await call(invitationRoute.loader, `/invito/${token}`, {}, { token });
    expect(await body(page)).toMatchObject({ status: 'valid', role: 'PROVIDER_OPERATOR', hasPassword: false, organizationName: 'Cooperativa Sociale di prova' });

    const weak = await call(invitationRoute.action, `/invito/${token}`, { form: { mode: 'new', password: 'password123', passwordConfirmation: 'password123' } }, { token });
    expect((await body(weak)).fieldErrors).toEqual({ password: 'auth.password.tooCommon' });

    const ok = await call(
      invitationRoute.action,
      `/invito/${token}`,
      { form: { mode: 'new', password: 'la-mia-cooperativa-2026', passwordConfirmation: 'la-mia-cooperativa-2026' } },
      { token },
    );
    expect(ok.status).toBe(302);
    expect(ok.headers.get('Location')).toBe('/ente');
    const actor = await getOptionalActor(makeRequest('/ente', { cookie: cookieHeaderFromSetCookie(ok.headers.get('Set-Cookie')) }));
    expect(actor?.membership?.id).toBe(invited.membershipId);
    expect(await body(await call(invitationRoute.loader, `/invito/${token}`, {}, { token }))).toEqual({ status: 'invalid', reason: 'used' });
    const again = await call(
      invitationRoute.action,
      `/invito/${token}`,
      { form: { mode: 'new', password: 'la-mia-cooperativa-2027', passwordConfirmation: 'la-mia-cooperativa-2027' } },
      { token },
    );
    expect(again.status).toBe(410);
    expect(await body(again)).toEqual({ ok: false, linkInvalid: 'used' });
  });
});

describe('/profilo and /profilo/sicurezza', () => {
  it('requires a signed-in user', async () => {
    const response = await call(profileRoute.loader, '/profilo');
    expect(response.headers.get('Location')).toBe('/accedi?redirectTo=%2Fprofilo');
  });

  it('lists the memberships and switches to another one (foreign ids are 404)', async () => {
    const { user, memberships } = await createUser(getDb(), {
      memberships: [
        { organizationId: tenant.companyId, role: 'COMPANY_ADMIN' },
        { organizationId: tenant.companyId, role: 'EMPLOYEE' },
      ],
    });
    const stranger = await employee();
    const { cookie } = await signIn(user.email);
    const page = await body<{ activeMembershipId: string; memberships: Array<{ id: string }> }>(await call(profileRoute.loader, '/profilo', { cookie }));
    expect(page.activeMembershipId).toBe(memberships[0]!.id);
    expect(page.memberships.map((m) => m.id)).toEqual([memberships[0]!.id, memberships[1]!.id]);

    const foreign = await call(profileRoute.action, '/profilo', { cookie, form: { membershipId: stranger.memberships[0]!.id } });
    expect(foreign.status).toBe(404);
    const switched = await call(profileRoute.action, '/profilo', { cookie, form: { membershipId: memberships[1]!.id } });
    expect(switched.headers.get('Location')).toBe('/lavoratore');
    expect((await getOptionalActor(makeRequest('/', { cookie })))?.membership?.role).toBe('EMPLOYEE');
  });

  it('offers TOTP set-up to staff only, and changes the password', async () => {
    const staff = await createUser(getDb(), { memberships: [{ organizationId: tenant.companyId, role: 'COMPANY_ADMIN' }] });
    const staffCookie = (await signIn(staff.user.email)).cookie;
    const staffPage = await call(securityRoute.loader, '/profilo/sicurezza', { cookie: staffCookie });
    expect(staffPage.headers.get('Cache-Control')).toBe('no-store');
    const staffData = await body<{ totp: { status: string; qrSvg: string; secret: string } }>(staffPage);
    expect(staffData.totp.status).toBe('setup');
    expect(staffData.totp.qrSvg).toContain('<svg');

    const enabled = await call(securityRoute.action, '/profilo/sicurezza', {
      cookie: staffCookie,
      form: { intent: 'enable-totp', code: totpCode(staffData.totp.secret, Date.now()) },
    });
    expect(await body(enabled)).toMatchObject({ ok: true, message: 'auth.security.enabled' });
    // The session that switched TOTP on stays signed in.
    expect((await getOptionalActor(makeRequest('/', { cookie: staffCookie })))?.user.totpEnabled).toBe(true);

    const worker = await employee();
    const workerCookie = (await signIn(worker.user.email)).cookie;
    const workerData = await body<{ totp: { status: string } }>(await call(securityRoute.loader, '/profilo/sicurezza', { cookie: workerCookie }));
    expect(workerData.totp).toEqual({ status: 'unavailable' });

    const wrong = await call(securityRoute.action, '/profilo/sicurezza', {
      cookie: workerCookie,
      form: { intent: 'password', currentPassword: 'wrong-password-here', password: 'nuova-frase-segreta', passwordConfirmation: 'nuova-frase-segreta' },
    });
    expect(await body(wrong)).toMatchObject({ ok: false, intent: 'password', fieldErrors: { currentPassword: 'auth.password.currentWrong' } });
    const changed = await call(securityRoute.action, '/profilo/sicurezza', {
      cookie: workerCookie,
      form: { intent: 'password', currentPassword: PASSWORD, password: 'nuova-frase-segreta', passwordConfirmation: 'nuova-frase-segreta' },
    });
    expect(await body(changed)).toMatchObject({ ok: true, intent: 'password' });
    const withNew = await call(loginRoute.action, '/accedi', { form: { email: worker.user.email, password: 'nuova-frase-segreta' } });
    expect(withNew.headers.get('Location')).toBe('/lavoratore');
  });
});

describe('session cookie in production', () => {
  it('is Secure', async () => {
    const env = process.env as Record<string, string | undefined>;
    const saved = { ...env };
    Object.assign(env, {
      NODE_ENV: 'production',
      SESSION_SECRET: 'a-production-secret-of-more-than-32-chars',
      APP_URL: 'https://conciliamo.example',
      SMTP_URL: 'smtp://127.0.0.1:2525',
    });
    resetEnvForTests();
    try {
      expect(await commitSessionCookie('t'.repeat(43))).toMatch(/; Secure/i);
    } finally {
      for (const key of ['NODE_ENV', 'SESSION_SECRET', 'APP_URL', 'SMTP_URL'] as const) {
        if (saved[key] === undefined) delete env[key];
        else env[key] = saved[key];
      }
      resetEnvForTests();
    }
  });
});
