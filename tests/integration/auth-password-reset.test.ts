import { hashToken } from '~/domain/auth/auth.fns';
import {
  changePassword,
  checkPasswordResetLink,
  InvalidCredentials,
  LinkInvalid,
  login,
  requestPasswordReset,
  resetPassword,
} from '~/domain/auth/auth.server';
import { getEnv } from '~/utils/env.server';
import { ValidationFailed } from '~/utils/errors.server';
import { disconnectRedis } from '~/utils/redis.server';
import { getDb, useTestDatabase } from '../setup/database';
import { createTenant, createUser, PASSWORD, type Tenant, uniqueEmail } from './auth-fixtures';

useTestDatabase();
afterAll(async () => {
  await disconnectRedis();
});

let tenant: Tenant;
beforeAll(async () => {
  tenant = await createTenant(getDb());
});

const NEW_PASSWORD = 'una-nuova-frase-segreta';

/** The token travels only in the e-mail: read it back from the queued message. */
async function tokenFromMail(email: string): Promise<string> {
  const mail = await getDb().mailMessage.findFirstOrThrow({
    where: { toAddress: email, dedupeKey: { startsWith: 'password-reset:' } },
    orderBy: { createdAt: 'desc' },
  });
  const match = /\/reimposta-password\/([A-Za-z0-9_-]{43})/.exec(mail.textBody);
  if (!match?.[1]) throw new Error('No reset link in the e-mail');
  return match[1];
}

async function employee(locale = 'it') {
  return createUser(getDb(), { email: uniqueEmail('reset'), locale, memberships: [{ organizationId: tenant.companyId, role: 'EMPLOYEE' }] });
}

describe('password reset request', () => {
  it('queues an e-mail with a single link and stores only its hash', async () => {
    const { user } = await employee();
    await requestPasswordReset(getDb(), { email: user.email.toUpperCase(), ipAddress: '203.0.113.20' });
    const token = await tokenFromMail(user.email);
    const rows = await getDb().userToken.findMany({ where: { userId: user.id, purpose: 'PASSWORD_RESET' } });
    expect(rows).toHaveLength(1);
    expect(rows[0]?.tokenHash).toBe(hashToken(token));
    expect(rows[0]!.expiresAt.getTime() - Date.now()).toBeGreaterThan(59 * 60 * 1000);
    expect(rows[0]!.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(60 * 60 * 1000);
    const mail = await getDb().mailMessage.findFirstOrThrow({ where: { toAddress: user.email } });
    expect(mail.subject).toBe('Reimposta la password di Conciliamo');
    expect(mail.textBody).toContain(`${getEnv().APP_URL}/reimposta-password/${token}`);
    expect(await getDb().outboxEvent.count({ where: { payload: { path: ['mailMessageId'], equals: mail.id } } })).toBe(1);
    expect(
      await getDb().auditEvent.count({ where: { action: 'auth.password_reset_requested', actorUserId: user.id, ipAddress: '203.0.113.20' } }),
    ).toBe(1);
  });

  it('writes the e-mail in English for an English-speaking user', async () => {
    const { user } = await employee('en');
    await requestPasswordReset(getDb(), { email: user.email });
    const mail = await getDb().mailMessage.findFirstOrThrow({ where: { toAddress: user.email } });
    expect(mail.subject).toBe('Reset your Conciliamo password');
  });

  it('does nothing visible for an unknown address', async () => {
    const before = await getDb().mailMessage.count();
    await expect(requestPasswordReset(getDb(), { email: uniqueEmail('sconosciuto') })).resolves.toBeUndefined();
    expect(await getDb().mailMessage.count()).toBe(before);
  });

  it('keeps only the newest link working', async () => {
    const { user } = await employee();
    await requestPasswordReset(getDb(), { email: user.email });
    const first = await tokenFromMail(user.email);
    await requestPasswordReset(getDb(), { email: user.email });
    const second = await tokenFromMail(user.email);
    expect(second).not.toBe(first);
    expect(await checkPasswordResetLink(getDb(), first)).toEqual({ status: 'invalid', reason: 'unknown' });
    expect(await checkPasswordResetLink(getDb(), second)).toEqual({ status: 'valid', email: user.email });
  });

  it('sends at most three e-mails per address and window', async () => {
    const { user } = await employee();
    for (let i = 0; i < 5; i += 1) await requestPasswordReset(getDb(), { email: user.email });
    expect(await getDb().mailMessage.count({ where: { toAddress: user.email } })).toBe(3);
  });
});

describe('password reset', () => {
  it('works once: sets the password, ends every session, signs in, audits', async () => {
    const { user } = await employee();
    const oldSession = await login(getDb(), { email: user.email, password: PASSWORD });
    await requestPasswordReset(getDb(), { email: user.email });
    const token = await tokenFromMail(user.email);

    const signedIn = await resetPassword(getDb(), { token, password: NEW_PASSWORD, ipAddress: '203.0.113.21' });
    expect(signedIn?.home).toBe('/lavoratore');
    expect(await getDb().session.count({ where: { id: oldSession.sessionId } })).toBe(0);
    expect(await getDb().session.count({ where: { userId: user.id } })).toBe(1);
    expect(await getDb().auditEvent.count({ where: { action: 'auth.password_reset', actorUserId: user.id, ipAddress: '203.0.113.21' } })).toBe(1);

    await expect(login(getDb(), { email: user.email, password: PASSWORD })).rejects.toBeInstanceOf(InvalidCredentials);
    await expect(login(getDb(), { email: user.email, password: NEW_PASSWORD })).resolves.toMatchObject({ userId: user.id });

    const reused = await resetPassword(getDb(), { token, password: 'ancora-un-altra-frase' }).catch((e: unknown) => e);
    expect(reused).toBeInstanceOf(LinkInvalid);
    expect((reused as LinkInvalid).reason).toBe('used');
    expect(await checkPasswordResetLink(getDb(), token)).toEqual({ status: 'invalid', reason: 'used' });
    await expect(login(getDb(), { email: user.email, password: NEW_PASSWORD })).resolves.toMatchObject({ userId: user.id });
  });

  it('refuses an expired link', async () => {
    const { user } = await employee();
    await requestPasswordReset(getDb(), { email: user.email });
    const token = await tokenFromMail(user.email);
    await getDb().userToken.update({ where: { tokenHash: hashToken(token) }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await checkPasswordResetLink(getDb(), token)).toEqual({ status: 'invalid', reason: 'expired' });
    const error = await resetPassword(getDb(), { token, password: NEW_PASSWORD }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LinkInvalid);
    expect((error as LinkInvalid).reason).toBe('expired');
    await expect(login(getDb(), { email: user.email, password: PASSWORD })).resolves.toMatchObject({ userId: user.id });
  });

  it('refuses an unknown link and an invitation token', async () => {
    expect(await checkPasswordResetLink(getDb(), 'x'.repeat(43))).toEqual({ status: 'invalid', reason: 'unknown' });
    await expect(resetPassword(getDb(), { token: 'x'.repeat(43), password: NEW_PASSWORD })).rejects.toBeInstanceOf(LinkInvalid);
  });

  it('applies the password policy without using up the link', async () => {
    const { user } = await employee();
    await requestPasswordReset(getDb(), { email: user.email });
    const token = await tokenFromMail(user.email);
    const weak = await resetPassword(getDb(), { token, password: 'password123' }).catch((e: unknown) => e);
    expect(weak).toBeInstanceOf(ValidationFailed);
    expect((weak as ValidationFailed).fieldErrors).toEqual({ password: 'auth.password.tooCommon' });
    const same = await resetPassword(getDb(), { token, password: user.email }).catch((e: unknown) => e);
    expect((same as ValidationFailed).fieldErrors).toEqual({ password: 'auth.password.sameAsEmail' });
    expect(await checkPasswordResetLink(getDb(), token)).toMatchObject({ status: 'valid' });
  });

  it('lets only one of two simultaneous submissions through', async () => {
    const { user } = await employee();
    await requestPasswordReset(getDb(), { email: user.email });
    const token = await tokenFromMail(user.email);
    const results = await Promise.allSettled([
      resetPassword(getDb(), { token, password: 'prima-frase-segreta' }),
      resetPassword(getDb(), { token, password: 'seconda-frase-segreta' }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected' && r.reason instanceof LinkInvalid)).toHaveLength(1);
  });
});

describe('password change', () => {
  it('needs the current password and ends the other sessions only', async () => {
    const { user } = await employee();
    const here = await login(getDb(), { email: user.email, password: PASSWORD });
    const elsewhere = await login(getDb(), { email: user.email, password: PASSWORD });
    const wrong = await changePassword(getDb(), {
      userId: user.id,
      sessionId: here.sessionId,
      currentPassword: 'not-the-current-one',
      newPassword: NEW_PASSWORD,
    }).catch((e: unknown) => e);
    expect((wrong as ValidationFailed).fieldErrors).toEqual({ currentPassword: 'auth.password.currentWrong' });
    const weak = await changePassword(getDb(), {
      userId: user.id,
      sessionId: here.sessionId,
      currentPassword: PASSWORD,
      newPassword: 'short',
    }).catch((e: unknown) => e);
    expect((weak as ValidationFailed).fieldErrors).toEqual({ password: 'auth.password.tooShort' });

    await changePassword(getDb(), { userId: user.id, sessionId: here.sessionId, currentPassword: PASSWORD, newPassword: NEW_PASSWORD });
    expect(await getDb().session.count({ where: { id: here.sessionId } })).toBe(1);
    expect(await getDb().session.count({ where: { id: elsewhere.sessionId } })).toBe(0);
    expect(await getDb().auditEvent.count({ where: { action: 'auth.password_changed', actorUserId: user.id } })).toBe(1);
    await expect(login(getDb(), { email: user.email, password: NEW_PASSWORD })).resolves.toMatchObject({ userId: user.id });
  });
});
