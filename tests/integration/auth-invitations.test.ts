import { hashToken } from '~/domain/auth/auth.fns';
import { InvalidCredentials, LinkInvalid, login, NoActiveMembership } from '~/domain/auth/auth.server';
import {
  acceptInvitation,
  changeMembershipRole,
  checkInvitation,
  inviteMember,
  suspendMembership,
} from '~/domain/auth/invitations.server';
import { getOptionalActor } from '~/utils/auth.server';
import { Conflict, Forbidden, NotFound, ValidationFailed } from '~/utils/errors.server';
import { disconnectRedis } from '~/utils/redis.server';
import { getDb, useTestDatabase } from '../setup/database';
import { cookieFor, createTenant, createUser, makeRequest, PASSWORD, type Tenant, uniqueEmail } from './auth-fixtures';

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

const CHOSEN = 'il-mio-giardino-in-fiore';

async function invitationToken(email: string): Promise<string> {
  const mail = await getDb().mailMessage.findFirstOrThrow({
    where: { toAddress: email, dedupeKey: { startsWith: 'invitation:' } },
    orderBy: { createdAt: 'desc' },
  });
  const match = /\/invito\/([A-Za-z0-9_-]{43})/.exec(mail.textBody);
  if (!match?.[1]) throw new Error('No invitation link in the e-mail');
  return match[1];
}

function invite(overrides: Partial<Parameters<typeof inviteMember>[1]> = {}) {
  return inviteMember(getDb(), {
    invitedBy: 'system',
    organizationId: tenant.companyId,
    email: uniqueEmail('invitato'),
    givenName: 'Marco',
    familyName: 'Invitato',
    role: 'EMPLOYEE',
    ...overrides,
  });
}

describe('inviteMember', () => {
  it('creates the user without a password, an INVITED membership, a 7-day token, the e-mail and the audit row', async () => {
    const email = uniqueEmail('nuovo');
    const result = await invite({ email: email.toUpperCase(), ipAddress: '203.0.113.30' });
    const user = await getDb().user.findUniqueOrThrow({ where: { id: result.userId } });
    expect(user).toMatchObject({ email, passwordHash: null, givenName: 'Marco' });
    const membership = await getDb().membership.findUniqueOrThrow({ where: { id: result.membershipId } });
    expect(membership).toMatchObject({ status: 'INVITED', role: 'EMPLOYEE', organizationId: tenant.companyId });
    const token = await getDb().userToken.findUniqueOrThrow({ where: { id: result.tokenId } });
    expect(token).toMatchObject({ purpose: 'INVITATION', membershipId: result.membershipId, usedAt: null });
    const days = (token.expiresAt.getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.99);
    expect(days).toBeLessThanOrEqual(7);
    const link = await invitationToken(email);
    expect(hashToken(link)).toBe(token.tokenHash);
    const mail = await getDb().mailMessage.findFirstOrThrow({ where: { toAddress: email } });
    expect(mail.subject).toContain('Tessiture di prova S.p.A.');
    expect(mail.textBody).toContain('Lavoratore/lavoratrice');
    const audit = await getDb().auditEvent.findFirstOrThrow({ where: { action: 'membership.invited', subjectId: result.membershipId } });
    expect(audit).toMatchObject({ allianceId: tenant.allianceId, organizationId: tenant.companyId, actorUserId: null, ipAddress: '203.0.113.30' });
    expect(audit.metadata).toMatchObject({ role: 'EMPLOYEE', invitedBy: 'system', resent: false });
    expect(result.resent).toBe(false);
  });

  it('re-sends to someone already invited: same membership, only the new link works', async () => {
    const email = uniqueEmail('reinvito');
    const first = await invite({ email });
    const firstLink = await invitationToken(email);
    const second = await invite({ email });
    expect(second.membershipId).toBe(first.membershipId);
    expect(second.resent).toBe(true);
    expect(await checkInvitation(getDb(), firstLink)).toEqual({ status: 'invalid', reason: 'unknown' });
    expect(await checkInvitation(getDb(), await invitationToken(email))).toMatchObject({ status: 'valid', email });
  });

  it('refuses someone who already has that role (Conflict)', async () => {
    const { user } = await createUser(getDb(), { memberships: [{ organizationId: tenant.companyId, role: 'EMPLOYEE' }] });
    await expect(invite({ email: user.email })).rejects.toBeInstanceOf(Conflict);
  });

  it('refuses a role that does not fit the organisation kind', async () => {
    const wrongKinds: Array<[string, Parameters<typeof inviteMember>[1]['role']]> = [
      [tenant.companyId, 'PROVIDER_OPERATOR'],
      [tenant.providerId, 'COMPANY_ADMIN'],
      [tenant.companyId, 'ALLIANCE_ADMIN'],
      [tenant.leadId, 'EMPLOYEE'],
      [tenant.publicBodyId, 'EMPLOYEE'],
    ];
    for (const [organizationId, role] of wrongKinds) {
      const error = await invite({ organizationId, role }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationFailed);
      expect((error as ValidationFailed).fieldErrors).toEqual({ role: 'auth.invite.roleNotForKind' });
    }
    // A cooperative that employs staff may have employees.
    await expect(invite({ organizationId: tenant.providerId, role: 'EMPLOYEE' })).resolves.toMatchObject({ resent: false });
  });

  it('validates its input', async () => {
    const error = await invite({ email: 'not-an-address', givenName: ' ' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationFailed);
    expect((error as ValidationFailed).fieldErrors).toMatchObject({
      email: 'auth.validation.email',
      givenName: 'auth.validation.givenNameRequired',
    });
    await expect(invite({ organizationId: '00000000-0000-4000-8000-000000000000' })).rejects.toBeInstanceOf(NotFound);
  });

  it('checks what a signed-in inviter may grant: 404 outside their scope, 403 for a role not theirs', async () => {
    const hr = await createUser(getDb(), { memberships: [{ organizationId: tenant.companyId, role: 'COMPANY_ADMIN' }] });
    const by = { userId: hr.user.id };
    await expect(invite({ invitedBy: by, role: 'EMPLOYEE' })).resolves.toMatchObject({ resent: false });
    await expect(invite({ invitedBy: by, organizationId: otherTenant.companyId })).rejects.toBeInstanceOf(NotFound);
    await expect(invite({ invitedBy: by, organizationId: tenant.providerId, role: 'EMPLOYEE' })).rejects.toBeInstanceOf(NotFound);
    await expect(invite({ invitedBy: by, role: 'ALLIANCE_ADMIN' })).rejects.toBeInstanceOf(Forbidden);

    const employee = await createUser(getDb(), { memberships: [{ organizationId: tenant.companyId, role: 'EMPLOYEE' }] });
    await expect(invite({ invitedBy: { userId: employee.user.id } })).rejects.toBeInstanceOf(Forbidden);

    const admin = await createUser(getDb(), { memberships: [{ organizationId: tenant.leadId, role: 'ALLIANCE_ADMIN' }] });
    const audited = await invite({ invitedBy: { userId: admin.user.id }, organizationId: tenant.leadId, role: 'AUDITOR' });
    const row = await getDb().auditEvent.findFirstOrThrow({ where: { action: 'membership.invited', subjectId: audited.membershipId } });
    expect(row.actorUserId).toBe(admin.user.id);
  });
});

describe('acceptInvitation', () => {
  it('activates the membership with the chosen password and signs in on its home; the link then stops working', async () => {
    const email = uniqueEmail('accetta');
    const invited = await invite({ email, role: 'EMPLOYEE' });
    const token = await invitationToken(email);
    expect(await checkInvitation(getDb(), token)).toEqual({
      status: 'valid',
      email,
      givenName: 'Marco',
      organizationName: 'Tessiture di prova S.p.A.',
      allianceName: expect.stringContaining('Alleanza') as unknown as string,
      role: 'EMPLOYEE',
      hasPassword: false,
    });
    await expect(login(getDb(), { email, password: CHOSEN })).rejects.toBeInstanceOf(InvalidCredentials);

    const weak = await acceptInvitation(getDb(), { token, newPassword: 'qwertyuiop' }).catch((e: unknown) => e);
    expect((weak as ValidationFailed).fieldErrors).toEqual({ password: 'auth.password.tooCommon' });

    const signedIn = await acceptInvitation(getDb(), { token, newPassword: CHOSEN, ipAddress: '203.0.113.31' });
    expect(signedIn.home).toBe('/lavoratore');
    const actor = await getOptionalActor(makeRequest('/lavoratore', { cookie: await cookieFor(signedIn.token) }));
    expect(actor?.membership?.id).toBe(invited.membershipId);
    expect((await getDb().membership.findUniqueOrThrow({ where: { id: invited.membershipId } })).status).toBe('ACTIVE');
    expect(await getDb().auditEvent.count({ where: { action: 'membership.accepted', subjectId: invited.membershipId } })).toBe(1);

    await expect(login(getDb(), { email, password: CHOSEN })).resolves.toMatchObject({ userId: invited.userId });
    expect(await checkInvitation(getDb(), token)).toEqual({ status: 'invalid', reason: 'used' });
    await expect(acceptInvitation(getDb(), { token, newPassword: 'un-altro-tentativo-ancora' })).rejects.toBeInstanceOf(LinkInvalid);
  });

  it('asks an existing account for its current password instead', async () => {
    const { user } = await createUser(getDb(), { memberships: [{ organizationId: tenant.companyId, role: 'EMPLOYEE' }] });
    const invited = await invite({ email: user.email, organizationId: tenant.providerId, role: 'PROVIDER_OPERATOR' });
    const token = await invitationToken(user.email);
    expect(await checkInvitation(getDb(), token)).toMatchObject({ hasPassword: true, role: 'PROVIDER_OPERATOR' });
    const wrong = await acceptInvitation(getDb(), { token, currentPassword: 'wrong-password-here' }).catch((e: unknown) => e);
    expect((wrong as ValidationFailed).fieldErrors).toEqual({ currentPassword: 'auth.password.currentWrong' });
    // The new-password field is ignored for an existing account: the password stays the same.
    const signedIn = await acceptInvitation(getDb(), { token, currentPassword: PASSWORD, newPassword: 'ignored-password-value' });
    expect(signedIn.home).toBe('/ente');
    const session = await getDb().session.findUniqueOrThrow({ where: { id: signedIn.sessionId } });
    expect(session.activeMembershipId).toBe(invited.membershipId);
    await expect(login(getDb(), { email: user.email, password: PASSWORD })).resolves.toMatchObject({ userId: user.id });
  });

  it('refuses an expired invitation and one whose membership was suspended', async () => {
    const email = uniqueEmail('scaduto');
    await invite({ email });
    const token = await invitationToken(email);
    await getDb().userToken.update({ where: { tokenHash: hashToken(token) }, data: { expiresAt: new Date(Date.now() - 1) } });
    expect(await checkInvitation(getDb(), token)).toEqual({ status: 'invalid', reason: 'expired' });
    await expect(acceptInvitation(getDb(), { token, newPassword: CHOSEN })).rejects.toBeInstanceOf(LinkInvalid);

    const email2 = uniqueEmail('sospeso');
    const invited = await invite({ email: email2 });
    const token2 = await invitationToken(email2);
    await suspendMembership(getDb(), { by: 'system', membershipId: invited.membershipId });
    expect((await checkInvitation(getDb(), token2)).status).toBe('invalid');
  });
});

describe('changeMembershipRole and suspendMembership', () => {
  it('changes a role within the kind rules, audited; refuses what does not fit', async () => {
    const hr = await createUser(getDb(), { memberships: [{ organizationId: tenant.companyId, role: 'COMPANY_ADMIN' }] });
    const { user, memberships } = await createUser(getDb(), { memberships: [{ organizationId: tenant.companyId, role: 'EMPLOYEE' }] });
    const membershipId = memberships[0]!.id;
    await expect(changeMembershipRole(getDb(), { by: { userId: hr.user.id }, membershipId, role: 'PROVIDER_OPERATOR' })).rejects.toBeInstanceOf(
      Forbidden,
    );
    await expect(changeMembershipRole(getDb(), { by: 'system', membershipId, role: 'PROVIDER_OPERATOR' })).rejects.toBeInstanceOf(
      ValidationFailed,
    );
    const changed = await changeMembershipRole(getDb(), { by: { userId: hr.user.id }, membershipId, role: 'COMPANY_ADMIN', ipAddress: '203.0.113.32' });
    expect(changed.changed).toBe(true);
    expect((await getDb().membership.findUniqueOrThrow({ where: { id: membershipId } })).role).toBe('COMPANY_ADMIN');
    const audit = await getDb().auditEvent.findFirstOrThrow({ where: { action: 'membership.role_changed', subjectId: membershipId } });
    expect(audit).toMatchObject({ actorUserId: hr.user.id, organizationId: tenant.companyId, allianceId: tenant.allianceId });
    expect(audit.metadata).toEqual({ from: 'EMPLOYEE', to: 'COMPANY_ADMIN' });
    const signedIn = await login(getDb(), { email: user.email, password: PASSWORD });
    expect(signedIn.home).toBe('/azienda');
    await expect(changeMembershipRole(getDb(), { by: { userId: hr.user.id }, membershipId: hr.memberships[0]!.id, role: 'EMPLOYEE' })).rejects.toBeInstanceOf(
      Conflict,
    );
  });

  it('refuses a role the person already holds there', async () => {
    const { memberships } = await createUser(getDb(), {
      memberships: [
        { organizationId: tenant.companyId, role: 'EMPLOYEE' },
        { organizationId: tenant.companyId, role: 'COMPANY_ADMIN' },
      ],
    });
    await expect(changeMembershipRole(getDb(), { by: 'system', membershipId: memberships[0]!.id, role: 'COMPANY_ADMIN' })).rejects.toBeInstanceOf(
      Conflict,
    );
  });

  it('suspends: audited, the person can no longer sign in, outsiders get 404', async () => {
    const admin = await createUser(getDb(), { memberships: [{ organizationId: tenant.leadId, role: 'ALLIANCE_ADMIN' }] });
    const foreignAdmin = await createUser(getDb(), { memberships: [{ organizationId: otherTenant.leadId, role: 'ALLIANCE_ADMIN' }] });
    const { user, memberships } = await createUser(getDb(), { memberships: [{ organizationId: tenant.providerId, role: 'PROVIDER_OPERATOR' }] });
    const membershipId = memberships[0]!.id;
    const session = await login(getDb(), { email: user.email, password: PASSWORD });

    await expect(suspendMembership(getDb(), { by: { userId: foreignAdmin.user.id }, membershipId })).rejects.toBeInstanceOf(NotFound);
    expect(await suspendMembership(getDb(), { by: { userId: admin.user.id }, membershipId, ipAddress: '203.0.113.33' })).toEqual({ changed: true });
    expect(await suspendMembership(getDb(), { by: { userId: admin.user.id }, membershipId })).toEqual({ changed: false });
    expect(await getDb().auditEvent.count({ where: { action: 'membership.suspended', subjectId: membershipId, actorUserId: admin.user.id } })).toBe(1);
    expect(await getOptionalActor(makeRequest('/ente', { cookie: await cookieFor(session.token) }))).toBeNull();
    await expect(login(getDb(), { email: user.email, password: PASSWORD })).rejects.toBeInstanceOf(NoActiveMembership);
    await expect(suspendMembership(getDb(), { by: { userId: admin.user.id }, membershipId: admin.memberships[0]!.id })).rejects.toBeInstanceOf(Conflict);
  });
});
