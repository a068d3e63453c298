import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptInvitation } from '~/domain/auth/invitations.server';
import {
  assertProviderAdmitted,
  getProviderPublicProfile,
  getProviderStatus,
  listAdmittedProviders,
} from '~/domain/providers/providers.server';
import { pdfBytes, PNG_BYTES } from '~/domain/storage/test-files';
import { Forbidden, NotFound } from '~/utils/errors.server';
import { disconnectRedis } from '~/utils/redis.server';
import * as detailRoute from '../../app/routes/ambito.enti.$id';
import * as listRoute from '../../app/routes/ambito.enti._index';
import * as profileRoute from '../../app/routes/ente.profilo';
import { getDb, useTestDatabase } from '../setup/database';
import { cookieFor, createUser, makeRequest, responseOf } from './auth-fixtures';
import {
  createProviderProfile,
  createProviderWorld,
  failureOf,
  freshPartitaIva,
  multipartRequest,
  OTHER_IBAN,
  sessionFor,
  signIn,
  useTemporaryStorage,
  VALID_IBAN,
  type ProviderWorld,
} from './providers-fixtures';

// The curator's review and decisions, the provider's own profile (corrections, resubmission,
// updates once admitted) and what other capabilities ask of providers.

useTestDatabase();
const store = useTemporaryStorage();
afterAll(async () => {
  await disconnectRedis();
});

let world: ProviderWorld;
beforeAll(async () => {
  world = await createProviderWorld(getDb());
});

async function decide(organizationId: string, form: Record<string, string>, cookie = world.curator.cookie): Promise<Response> {
  const request = makeRequest(`/ambito/enti/${organizationId}`, { cookie, form });
  return responseOf(() => detailRoute.action({ request, params: { id: organizationId }, context: {} }));
}

async function invitationToken(email: string): Promise<string> {
  const mail = await getDb().mailMessage.findFirstOrThrow({
    where: { toAddress: email, dedupeKey: { startsWith: 'invitation:' } },
    orderBy: { createdAt: 'desc' },
  });
  const match = /\/invito\/([A-Za-z0-9_-]{43})/.exec(mail.textBody);
  if (!match?.[1]) throw new Error('No invitation link in the e-mail');
  return match[1];
}

describe('the review list', () => {
  it('shows PENDING providers by default, filters, searches, sorts and paginates on the server', async () => {
    const db = getDb();
    const names: string[] = [];
    for (let i = 0; i < 23; i++) {
      const name = `Ente in lista ${String(i).padStart(2, '0')}`;
      names.push(name);
      await createProviderProfile(db, world, store.storage(), { legalName: name, status: i < 21 ? 'PENDING' : 'ADMITTED' });
    }
    const load = async (query: string, cookie = world.curator.cookie) => {
      const response = await responseOf(() => listRoute.loader({ request: makeRequest(`/ambito/enti${query}`, { cookie }), params: {}, context: {} }));
      expect(response.status).toBe(200);
      return ((await response.json()) as { providers: { rows: Array<{ legalName: string; status: string }>; total: number; pages: number; page: number; counts: Record<string, number> } }).providers;
    };
    const first = await load('?sort=legalName&dir=asc');
    expect(first.rows.every((r) => r.status === 'PENDING')).toBe(true);
    expect(first.counts).toMatchObject({ PENDING: 21, ADMITTED: 2 });
    expect(first.pages).toBe(2);
    expect(first.rows[0]!.legalName).toBe(names[0]);
    const second = await load('?sort=legalName&dir=asc&page=2');
    expect(second.rows.map((r) => r.legalName)).toEqual([names[20]]);
    const desc = await load('?sort=legalName&dir=desc');
    expect(desc.rows[0]!.legalName).toBe(names[20]);
    expect((await load('?status=ADMITTED')).rows.map((r) => r.legalName).sort()).toEqual([names[21], names[22]]);
    expect((await load('?status=ALL&q=lista 07')).rows.map((r) => r.legalName)).toEqual([names[7]]);
    // Read-only for the admin and the auditor: same list.
    expect((await load('?status=ALL', world.admin.cookie)).total).toBe(23);
    expect((await load('?status=ALL', world.auditor.cookie)).total).toBe(23);
  });
});

describe('decisions', () => {
  it('admit: status, history row, audit, e-mail to the contact and an invitation as PROVIDER_OPERATOR', async () => {
    const db = getDb();
    const provider = await createProviderProfile(db, world, store.storage(), { contactEmail: 'nuova.referente@example.it' });
    const response = await decide(provider.organizationId, { decision: 'ADMIT' });
    expect(response.status).toBe(302);
    expect(response.headers.get('Location')).toBe(`/ambito/enti/${provider.organizationId}?esito=ADMIT`);

    const profile = await db.providerProfile.findUniqueOrThrow({ where: { organizationId: provider.organizationId }, include: { decisions: true } });
    expect(profile.status).toBe('ADMITTED');
    expect(profile.decidedAt).not.toBeNull();
    expect(profile.decisions).toEqual([
      expect.objectContaining({ decision: 'ADMIT', fromStatus: 'PENDING', toStatus: 'ADMITTED', reason: null, actorUserId: world.curator.userId }),
    ]);
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: 'provider.admitted', organizationId: provider.organizationId } });
    expect(audit).toMatchObject({ actorUserId: world.curator.userId, allianceId: world.allianceId, subjectType: 'ProviderProfile' });

    const decisionMail = await db.mailMessage.findFirstOrThrow({ where: { dedupeKey: `provider-decision:${profile.decisions[0]!.id}` } });
    expect(decisionMail.toAddress).toBe('nuova.referente@example.it');
    expect(decisionMail.subject).toBe(`Adesione accolta – ${world.name}`);
    expect(decisionMail.textBody).toContain('Riceverai a parte un’e-mail con il link per accedere');

    const membership = await db.membership.findFirstOrThrow({
      where: { organizationId: provider.organizationId, role: 'PROVIDER_OPERATOR', user: { email: 'nuova.referente@example.it' } },
    });
    expect(membership.status).toBe('INVITED');
    expect(await db.auditEvent.count({ where: { action: 'membership.invited', subjectId: membership.id } })).toBe(1);

    // The contact accepts the invitation and signs in on the provider's profile.
    const signed = await acceptInvitation(db, { token: await invitationToken('nuova.referente@example.it'), newPassword: 'un-orto-pieno-di-zucchine' });
    const cookie = await cookieFor(signed.token);
    const page = await responseOf(() => profileRoute.loader({ request: makeRequest('/ente/profilo', { cookie }), params: {}, context: {} }));
    const body = (await page.json()) as { provider: { status: string }; editMode: string };
    expect(body.provider.status).toBe('ADMITTED');
    expect(body.editMode).toBe('admitted');
    await expect(assertProviderAdmitted(db, provider.organizationId)).resolves.toBeUndefined();
  });

  it('admitting a contact who already has an account gives that account the membership', async () => {
    const db = getDb();
    const company = await db.organization.create({ data: { allianceId: world.allianceId, kind: 'COMPANY', legalName: 'Azienda del referente', codiceFiscale: freshPartitaIva() } });
    const { user } = await createUser(db, { email: 'gia.registrata@example.it', memberships: [{ organizationId: company.id, role: 'EMPLOYEE' }] });
    const provider = await createProviderProfile(db, world, store.storage(), { contactEmail: 'gia.registrata@example.it' });
    expect((await decide(provider.organizationId, { decision: 'ADMIT' })).status).toBe(302);
    const membership = await db.membership.findFirstOrThrow({ where: { organizationId: provider.organizationId, role: 'PROVIDER_OPERATOR' } });
    expect(membership.userId).toBe(user.id);
    expect(await db.user.count({ where: { email: 'gia.registrata@example.it' } })).toBe(1);
  });

  it('asking for changes needs a reason; then the provider corrects, resubmits and the curators are told', async () => {
    const db = getDb();
    const provider = await createProviderProfile(db, world, store.storage(), { contactEmail: 'da.correggere@example.it', legalName: 'Ente da correggere' });

    const noReason = await decide(provider.organizationId, { decision: 'REQUEST_CHANGES', reason: '  ' });
    expect(noReason.status).toBe(422);
    expect((await failureOf(noReason)).fieldErrors).toEqual({ reason: 'providers.decision.reasonRequired' });
    expect((await db.providerProfile.findUniqueOrThrow({ where: { organizationId: provider.organizationId } })).status).toBe('PENDING');

    const reason = 'Allegate la visura camerale aggiornata.';
    expect((await decide(provider.organizationId, { decision: 'REQUEST_CHANGES', reason })).status).toBe(302);
    expect(await db.auditEvent.count({ where: { action: 'provider.changes_requested', organizationId: provider.organizationId } })).toBe(1);
    const mail = await db.mailMessage.findFirstOrThrow({ where: { toAddress: 'da.correggere@example.it', dedupeKey: { startsWith: 'provider-decision:' } } });
    expect(mail.textBody).toContain(`Motivazione dell’Ambito: ${reason}`);

    // The invited contact signs in and sees the reason.
    const signed = await acceptInvitation(db, { token: await invitationToken('da.correggere@example.it'), newPassword: 'un-orto-pieno-di-zucchine' });
    const cookie = await cookieFor(signed.token);
    const page = (await (await responseOf(() => profileRoute.loader({ request: makeRequest('/ente/profilo', { cookie }), params: {}, context: {} }))).json()) as {
      provider: { lastDecision: { reason: string } };
      editMode: string;
    };
    expect(page.editMode).toBe('application');
    expect(page.provider.lastDecision.reason).toBe(reason);

    // A correction with a bad IBAN is refused, nothing changes.
    const fields = {
      intent: 'resubmit',
      legalName: 'Ente corretto',
      providerKind: 'ASSOCIAZIONE',
      registeredOffice: 'Via Nuova 3, Clusone',
      iban: 'IT00X0542811101000000123456',
      comuneIds: [world.comuneIds[3]!],
      contactGivenName: 'Lucia',
      contactFamilyName: 'Referente',
      contactEmail: 'da.correggere@example.it',
      removeDocumentIds: provider.documentId,
    };
    const visura = { field: 'documentVISURA', name: 'visura.pdf', bytes: pdfBytes('visura aggiornata') };
    const bad = await responseOf(() => profileRoute.action({ request: multipartRequest('/ente/profilo', fields, [visura], { cookie }), params: {}, context: {} }));
    expect(bad.status).toBe(422);
    expect((await failureOf(bad)).fieldErrors).toEqual({ iban: 'validation.iban.checkDigits' });

    // Removing the only document without adding one is refused too.
    const empty = await responseOf(() =>
      profileRoute.action({ request: multipartRequest('/ente/profilo', { ...fields, iban: VALID_IBAN }, [], { cookie }), params: {}, context: {} }),
    );
    expect((await failureOf(empty)).fieldErrors).toEqual({ documentSTATUTO: 'providers.validation.documentsRequired' });

    const ok = await responseOf(() =>
      profileRoute.action({ request: multipartRequest('/ente/profilo', { ...fields, iban: OTHER_IBAN }, [visura], { cookie }), params: {}, context: {} }),
    );
    expect(ok.status).toBe(302);
    expect(ok.headers.get('Location')).toBe('/ente/profilo?inviata');
    const after = await db.providerProfile.findUniqueOrThrow({
      where: { organizationId: provider.organizationId },
      include: { documents: true, comuni: true, organization: true, decisions: { orderBy: { createdAt: 'asc' } } },
    });
    expect(after).toMatchObject({ status: 'PENDING', providerKind: 'ASSOCIAZIONE', iban: OTHER_IBAN, registeredOffice: 'Via Nuova 3, Clusone' });
    expect(after.organization.legalName).toBe('Ente corretto');
    expect(after.comuni.map((c) => c.comuneId)).toEqual([world.comuneIds[3]]);
    expect(after.documents.map((d) => [d.kind, d.fileName, d.uploadedById])).toEqual([['VISURA', 'visura.pdf', signed.userId]]);
    expect(after.decisions.map((d) => d.decision)).toEqual(['REQUEST_CHANGES', 'RESUBMIT']);
    // The removed document's bytes are gone from the store, the new ones are there.
    expect(await store.storage().get(`provider-documents/${provider.organizationId}-statuto`)).toBeNull();
    expect((await store.storage().get(after.documents[0]!.storageKey))?.bytes).toEqual(visura.bytes);
    expect(await db.auditEvent.count({ where: { action: 'provider.resubmitted', organizationId: provider.organizationId } })).toBe(1);
    expect(await db.mailMessage.count({ where: { toAddress: world.curator.email, dedupeKey: { startsWith: `provider-resubmit:${provider.organizationId}` } } })).toBe(1);

    // Once PENDING again the operator cannot resubmit a second time.
    const twice = await responseOf(() =>
      profileRoute.action({ request: multipartRequest('/ente/profilo', { ...fields, iban: OTHER_IBAN }, [], { cookie }), params: {}, context: {} }),
    );
    expect(twice.status).toBe(409);
  });

  it('reject needs a reason; suspend and reinstate; refused transitions are a conflict', async () => {
    const db = getDb();
    const provider = await createProviderProfile(db, world, store.storage());
    expect((await decide(provider.organizationId, { decision: 'REJECT' })).status).toBe(422);
    expect((await decide(provider.organizationId, { decision: 'SUSPEND', reason: 'x' })).status).toBe(409);
    expect((await decide(provider.organizationId, { decision: 'ADMIT' })).status).toBe(302);
    const again = await decide(provider.organizationId, { decision: 'ADMIT' });
    expect(again.status).toBe(409);
    expect((await failureOf(again)).fieldErrors).toEqual({ decision: 'providers.decision.notAllowed' });
    expect((await decide(provider.organizationId, { decision: 'SUSPEND' })).status).toBe(422);
    expect((await decide(provider.organizationId, { decision: 'SUSPEND', reason: 'Segnalazioni di disservizio' })).status).toBe(302);
    await expect(assertProviderAdmitted(db, provider.organizationId)).rejects.toBeInstanceOf(Forbidden);
    expect((await decide(provider.organizationId, { decision: 'REINSTATE' })).status).toBe(302);
    expect(await getProviderStatus(db, provider.organizationId)).toBe('ADMITTED');
    const actions = await db.auditEvent.findMany({ where: { organizationId: provider.organizationId, action: { startsWith: 'provider.' } }, orderBy: { createdAt: 'asc' } });
    expect(actions.map((a) => a.action)).toEqual(['provider.admitted', 'provider.suspended', 'provider.reinstated']);
    expect(await db.mailMessage.count({ where: { dedupeKey: { startsWith: 'provider-decision:' }, toAddress: (await db.providerProfile.findUniqueOrThrow({ where: { organizationId: provider.organizationId } })).contactEmail } })).toBe(3);

    const rejected = await createProviderProfile(db, world, store.storage());
    expect((await decide(rejected.organizationId, { decision: 'REJECT', reason: 'Servizi fuori dal territorio' })).status).toBe(302);
    expect((await decide(rejected.organizationId, { decision: 'ADMIT' })).status).toBe(409);
    expect(await db.membership.count({ where: { organizationId: rejected.organizationId } })).toBe(0);
  });

  it('the alliance admin and the auditor read the page but cannot decide', async () => {
    const db = getDb();
    const provider = await createProviderProfile(db, world, store.storage());
    for (const session of [world.admin, world.auditor]) {
      const page = await responseOf(() =>
        detailRoute.loader({ request: makeRequest(`/ambito/enti/${provider.organizationId}`, { cookie: session.cookie }), params: { id: provider.organizationId }, context: {} }),
      );
      expect(page.status).toBe(200);
      expect(((await page.json()) as { decisions: string[] }).decisions).toEqual([]);
      expect((await decide(provider.organizationId, { decision: 'ADMIT' }, session.cookie)).status).toBe(404);
    }
    expect(await getProviderStatus(db, provider.organizationId)).toBe('PENDING');
  });

  it('two curators deciding at once: one wins, the other is told', async () => {
    const db = getDb();
    const provider = await createProviderProfile(db, world, store.storage());
    const second = await sessionFor(db, world.leadId, 'AMBITO_CURATOR');
    const answers = await Promise.all([
      decide(provider.organizationId, { decision: 'ADMIT' }),
      decide(provider.organizationId, { decision: 'REJECT', reason: 'Documenti insufficienti' }, second.cookie),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([302, 409]);
    expect(await db.providerDecision.count({ where: { organizationId: provider.organizationId } })).toBe(1);
  });
});

describe('an admitted provider updates its profile', () => {
  it('contact, municipalities and description without review; an IBAN change is audited and e-mailed', async () => {
    const db = getDb();
    const provider = await createProviderProfile(db, world, store.storage(), { status: 'ADMITTED', contactEmail: 'operatrice@example.it' });
    const { user } = await createUser(db, { email: 'operatrice@example.it', memberships: [{ organizationId: provider.organizationId, role: 'PROVIDER_OPERATOR' }] });
    const cookie = await signIn(db, user.email);
    const form = {
      intent: 'update',
      contactGivenName: 'Operatrice',
      contactFamilyName: 'Nuova',
      contactEmail: 'operatrice@example.it',
      contactPhone: '+39 035 765432',
      website: 'https://coop.example.org',
      description: 'Servizi <script>alert("x")</script> **sicuri** e <img src=x onerror=alert(1)>',
      comuneIds: [world.comuneIds[0]!, world.comuneIds[4]!],
      iban: OTHER_IBAN,
    };
    const response = await responseOf(() => profileRoute.action({ request: multipartRequest('/ente/profilo', form, [], { cookie }), params: {}, context: {} }));
    expect(response.status).toBe(302);
    const profile = await db.providerProfile.findUniqueOrThrow({ where: { organizationId: provider.organizationId }, include: { comuni: true } });
    expect(profile).toMatchObject({ status: 'ADMITTED', iban: OTHER_IBAN, contactFamilyName: 'Nuova', website: 'https://coop.example.org' });
    expect(profile.comuni.map((c) => c.comuneId).sort()).toEqual([world.comuneIds[0], world.comuneIds[4]].sort());

    const ibanAudit = await db.auditEvent.findFirstOrThrow({ where: { action: 'provider.iban_changed', organizationId: provider.organizationId } });
    expect(ibanAudit.actorUserId).toBe(user.id);
    expect(ibanAudit.metadata).toEqual({ from: `${VALID_IBAN.slice(0, 4)} … ${VALID_IBAN.slice(-4)}`, to: `${OTHER_IBAN.slice(0, 4)} … ${OTHER_IBAN.slice(-4)}` });
    const updated = await db.auditEvent.findFirstOrThrow({ where: { action: 'provider.profile_updated', organizationId: provider.organizationId } });
    expect((updated.metadata as { fields: string[] }).fields).toEqual(expect.arrayContaining(['contactName', 'description', 'comuni', 'iban']));
    expect(await db.mailMessage.count({ where: { toAddress: 'operatrice@example.it', subject: 'L’IBAN dell’ente è stato modificato' } })).toBe(1);

    // The public page renders the description inert.
    const pub = await getProviderPublicProfile(db, { allianceId: world.allianceId, organizationId: provider.organizationId });
    expect(pub.descriptionHtml).toContain('<strong>sicuri</strong>');
    expect(pub.descriptionHtml).not.toMatch(/<script|<img/);
    expect(pub.descriptionHtml).toContain('&lt;script&gt;');

    // Uploading documents is not part of this form: a stray file is ignored, not stored.
    const withFile = await responseOf(() =>
      profileRoute.action({ request: multipartRequest('/ente/profilo', form, [{ field: 'documentOTHER', name: 'x.png', bytes: PNG_BYTES, type: 'image/png' }], { cookie }), params: {}, context: {} }),
    );
    expect(withFile.status).toBe(302);
    expect(await db.providerDocument.count({ where: { organizationId: provider.organizationId } })).toBe(1);
  });

  it('a PENDING provider cannot use the admitted form', async () => {
    const db = getDb();
    const provider = await createProviderProfile(db, world, store.storage());
    const operator = await sessionFor(db, provider.organizationId, 'PROVIDER_OPERATOR');
    const response = await responseOf(() =>
      profileRoute.action({ request: makeRequest('/ente/profilo', { cookie: operator.cookie, form: { intent: 'update', iban: OTHER_IBAN } }), params: {}, context: {} }),
    );
    expect(response.status).toBe(409);
    expect((await db.providerProfile.findUniqueOrThrow({ where: { organizationId: provider.organizationId } })).iban).toBe(VALID_IBAN);
  });
});

describe('for the other capabilities', () => {
  it('assertProviderAdmitted refuses everything but ADMITTED with a clear Forbidden', async () => {
    const db = getDb();
    for (const status of ['PENDING', 'CHANGES_REQUESTED', 'REJECTED', 'SUSPENDED'] as const) {
      const provider = await createProviderProfile(db, world, store.storage(), { status });
      await expect(assertProviderAdmitted(db, provider.organizationId)).rejects.toMatchObject({
        status: 403,
        message: `This provider is not admitted by the Ambito (status ${status}): offerings cannot be submitted until it is`,
        details: { status },
      });
    }
    const company = await db.organization.findFirst({ where: { allianceId: world.allianceId, kind: 'AMBITO' } });
    await expect(assertProviderAdmitted(db, company!.id)).rejects.toThrow(/no adhesion on file/);
    await expect(assertProviderAdmitted(db, 'not-a-uuid')).rejects.toBeInstanceOf(Forbidden);
  });

  it('the public sees only ADMITTED providers of the alliance', async () => {
    const db = getDb();
    const otherWorld = await createProviderWorld(db);
    const admitted = await createProviderProfile(db, world, store.storage(), { status: 'ADMITTED', legalName: 'AAA Ammesso pubblico' });
    const pending = await createProviderProfile(db, world, store.storage(), { status: 'PENDING' });
    const foreign = await createProviderProfile(db, otherWorld, store.storage(), { status: 'ADMITTED' });
    const profile = await getProviderPublicProfile(db, { allianceId: world.allianceId, organizationId: admitted.organizationId });
    expect(profile).toMatchObject({ legalName: 'AAA Ammesso pubblico', providerKind: 'COOPERATIVA_SOCIALE', comuni: expect.any(Array) });
    expect(profile).not.toHaveProperty('contactEmail');
    expect(profile).not.toHaveProperty('iban');
    await expect(getProviderPublicProfile(db, { allianceId: world.allianceId, organizationId: pending.organizationId })).rejects.toBeInstanceOf(NotFound);
    await expect(getProviderPublicProfile(db, { allianceId: world.allianceId, organizationId: foreign.organizationId })).rejects.toBeInstanceOf(NotFound);

    const list = await listAdmittedProviders(db, { allianceId: world.allianceId });
    expect(list.map((p) => p.organizationId)).toContain(admitted.organizationId);
    expect(list.map((p) => p.organizationId)).not.toContain(pending.organizationId);
    expect(list.map((p) => p.organizationId)).not.toContain(foreign.organizationId);
    expect(list[0]!.legalName).toBe('AAA Ammesso pubblico');
  });
});
