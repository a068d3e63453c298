import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES } from '~/domain/auth/roles';
import { makeCodiceFiscalePersona, makePartitaIva } from '~/domain/identifiers/identifiers.fns';
import { disconnectRedis } from '~/utils/redis.server';
import { action as adhesionAction, loader as adhesionLoader } from '../../app/routes/aderisci_.azienda';
import { action as decideAction, loader as reviewLoader } from '../../app/routes/alleanza.aziende.$id';
import { loader as listLoader } from '../../app/routes/alleanza.aziende._index';
import { action as sitesAction, loader as sitesLoader } from '../../app/routes/azienda.sedi';
import { getDb, useTestDatabase } from '../setup/database';
import { makeRequest, responseOf } from './auth-fixtures';
import { failureOf, freshPartitaIva, sessionFor, type Session } from './providers-fixtures';
import { createCompanyWorld, type CompanyWorld } from './roster-fixtures';

// A company joins: the public request (/aderisci/azienda) with its identifier checks and duplicate
// message, the alliance admin's list and decision (audit, e-mail, HR invited as COMPANY_ADMIN),
// who may see a request (every role of both alliances), and the company's sites.

useTestDatabase();
afterAll(async () => {
  await disconnectRedis();
});

let world: CompanyWorld;
let otherWorld: CompanyWorld;
beforeAll(async () => {
  world = await createCompanyWorld(getDb());
  otherWorld = await createCompanyWorld(getDb());
});

let ipCounter = 0;
function fields(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    alleanza: world.slug,
    legalName: 'Calzificio di prova S.r.l.',
    codiceFiscale: freshPartitaIva(),
    partitaIva: '',
    address: 'Via Provinciale 12',
    comuneId: world.comuneIds[2]!,
    sizeBand: 'MICRO',
    atecoCode: '143100',
    hrGivenName: 'Laura',
    hrFamilyName: 'Ferrari',
    hrEmail: `laura.ferrari.${Math.random().toString(36).slice(2, 8)}@esempio.it`,
    hrPhone: '035 123456',
    privacy: 'on',
    ...overrides,
  };
}

async function submit(form: Record<string, string>): Promise<Response> {
  ipCounter++;
  return responseOf(() => adhesionAction({ request: makeRequest('/aderisci/azienda', { form, ip: `203.0.113.${ipCounter}` }), params: {}, context: {} }));
}

async function decide(session: Session, id: string, form: Record<string, string>) {
  return responseOf(() => decideAction({ request: makeRequest(`/alleanza/aziende/${id}`, { form, cookie: session.cookie }), params: { id }, context: {} }));
}

describe('the public adhesion request', () => {
  it('shows the alliances, then the chosen alliance with its municipalities', async () => {
    const first = (await (await responseOf(() => adhesionLoader({ request: makeRequest('/aderisci/azienda'), params: {}, context: {} }))).json()) as { step: string; alliances: Array<{ slug: string }> };
    expect(first.step).toBe('alliance');
    expect(first.alliances.map((a) => a.slug)).toEqual(expect.arrayContaining([world.slug, otherWorld.slug]));
    const second = (await (await responseOf(() => adhesionLoader({ request: makeRequest(`/aderisci/azienda?alleanza=${world.slug}`), params: {}, context: {} }))).json()) as {
      step: string;
      form: { comuni: Array<{ id: string }> };
    };
    expect(second.step).toBe('request');
    expect(second.form.comuni).toHaveLength(5);
    expect((await responseOf(() => adhesionLoader({ request: makeRequest('/aderisci/azienda?alleanza=nessuna'), params: {}, context: {} }))).status).toBe(404);
  });

  it('creates a PENDING company, audits it and e-mails the HR contact and the alliance admin', async () => {
    const db = getDb();
    const form = fields();
    const response = await submit(form);
    expect(response.status).toBe(302);
    expect(response.headers.get('Location')).toBe(`/aderisci/azienda?alleanza=${world.slug}&inviata=1`);
    const organization = await db.organization.findFirstOrThrow({ where: { codiceFiscale: form.codiceFiscale }, include: { companyProfile: true } });
    expect(organization).toMatchObject({ kind: 'COMPANY', allianceId: world.allianceId, comuneId: world.comuneIds[2] });
    expect(organization.companyProfile).toMatchObject({ status: 'PENDING', sizeBand: 'MICRO', atecoCode: '14.31.00', hrEmail: form.hrEmail, decidedAt: null });
    expect(organization.companyProfile!.privacyConsentAt).toBeInstanceOf(Date);
    expect(await db.auditEvent.count({ where: { action: 'company.adhesion_requested', organizationId: organization.id } })).toBe(1);
    const mails = await db.mailMessage.findMany({ where: { dedupeKey: { startsWith: `company-adhesion:${organization.id}` } } });
    expect(mails.map((m) => m.toAddress).sort()).toEqual([form.hrEmail, world.admin.email].sort());
  });

  it('refuses wrong check digits, a missing consent and a municipality of another alliance, keeping what was typed', async () => {
    const db = getDb();
    const before = await db.companyProfile.count();
    const good = makePartitaIva(7_000_123);
    const wrong = good.slice(0, 10) + String((Number(good[10]) + 1) % 10);
    const response = await submit(fields({ codiceFiscale: wrong, privacy: '', hrEmail: 'non-valida' }));
    expect(response.status).toBe(422);
    const failure = await failureOf(response);
    expect(failure.fieldErrors).toMatchObject({
      codiceFiscale: 'validation.codiceFiscale.checkDigit',
      privacy: 'companies.validation.privacy',
      hrEmail: 'validation.email',
    });
    expect(failure.values.legalName).toBe('Calzificio di prova S.r.l.');
    const outside = await submit(fields({ comuneId: otherWorld.comuneIds[0]! }));
    expect((await failureOf(outside)).fieldErrors).toEqual({ comuneId: 'validation.organization.comuneNotFound' });
    // A sole trader's 16-character codice fiscale is accepted.
    const soleTrader = makeCodiceFiscalePersona({ givenName: 'Laura', familyName: 'Ferrari', gender: 'F', birthDate: '1980-05-04', birthplace: 'Bergamo', province: 'BG' });
    expect((await submit(fields({ codiceFiscale: soleTrader }))).status).toBe(302);
    expect(await db.companyProfile.count()).toBe(before + 1);
  });

  it('tells plainly that the company is already registered', async () => {
    const db = getDb();
    const existing = await db.organization.findUniqueOrThrow({ where: { id: world.companyId } });
    const response = await submit(fields({ codiceFiscale: existing.codiceFiscale }));
    expect(response.status).toBe(409);
    expect((await failureOf(response)).fieldErrors).toEqual({ codiceFiscale: 'companies.adhesion.duplicate' });
    // The same company may join another alliance.
    expect((await submit(fields({ alleanza: otherWorld.slug, comuneId: '', codiceFiscale: existing.codiceFiscale }))).status).toBe(302);
  });
});

describe('the alliance admin decides', () => {
  async function pendingCompany(): Promise<{ id: string; hrEmail: string }> {
    const form = fields();
    await submit(form);
    const org = await getDb().organization.findFirstOrThrow({ where: { codiceFiscale: form.codiceFiscale, allianceId: world.allianceId } });
    return { id: org.id, hrEmail: form.hrEmail! };
  }

  it('lists pending requests of the own alliance only', async () => {
    const pending = await pendingCompany();
    const body = (await (await responseOf(() => listLoader({ request: makeRequest('/alleanza/aziende', { cookie: world.admin.cookie }), params: {}, context: {} }))).json()) as {
      companies: { rows: Array<{ id: string; status: string }>; pending: number };
    };
    expect(body.companies.rows.map((r) => r.id)).toContain(pending.id);
    expect(body.companies.rows.every((r) => r.status === 'PENDING')).toBe(true);
    const other = (await (await responseOf(() => listLoader({ request: makeRequest('/alleanza/aziende?status=ALL', { cookie: otherWorld.admin.cookie }), params: {}, context: {} }))).json()) as {
      companies: { rows: Array<{ id: string }> };
    };
    expect(other.companies.rows.map((r) => r.id)).not.toContain(pending.id);
  });

  it('admits: status, audit, e-mail, and the HR contact invited as COMPANY_ADMIN; never twice', async () => {
    const db = getDb();
    const pending = await pendingCompany();
    const response = await decide(world.admin, pending.id, { decision: 'ADMIT' });
    expect(response.status).toBe(302);
    const profile = await db.companyProfile.findUniqueOrThrow({ where: { organizationId: pending.id } });
    expect(profile).toMatchObject({ status: 'ADMITTED', decidedById: world.admin.userId, rejectionReason: null });
    expect(await db.auditEvent.count({ where: { action: 'company.admitted', organizationId: pending.id, actorUserId: world.admin.userId } })).toBe(1);
    const hr = await db.membership.findFirstOrThrow({ where: { organizationId: pending.id, role: 'COMPANY_ADMIN', user: { email: pending.hrEmail } } });
    expect(hr.status).toBe('INVITED');
    const mails = await db.mailMessage.findMany({ where: { toAddress: pending.hrEmail } });
    expect(mails.map((m) => m.dedupeKey)).toEqual(expect.arrayContaining([`company-decision:${pending.id}`, expect.stringMatching(/^invitation:/)]));

    const again = await decide(world.admin, pending.id, { decision: 'REJECT', reason: 'ripensamento' });
    expect(again.status).toBe(409);
    expect((await db.companyProfile.findUniqueOrThrow({ where: { organizationId: pending.id } })).status).toBe('ADMITTED');
  });

  it('rejects only with a reason, which the company reads', async () => {
    const db = getDb();
    const pending = await pendingCompany();
    const noReason = await decide(world.admin, pending.id, { decision: 'REJECT', reason: ' ' });
    expect(noReason.status).toBe(422);
    expect((await failureOf(noReason)).fieldErrors).toEqual({ reason: 'companies.decision.reasonRequired' });
    expect((await decide(world.admin, pending.id, { decision: 'REJECT', reason: 'Sede legale fuori dal territorio' })).status).toBe(302);
    expect(await db.companyProfile.findUniqueOrThrow({ where: { organizationId: pending.id } })).toMatchObject({ status: 'REJECTED', rejectionReason: 'Sede legale fuori dal territorio' });
    const mail = await db.mailMessage.findUniqueOrThrow({ where: { dedupeKey: `company-decision:${pending.id}` } });
    expect(mail.textBody).toContain('Sede legale fuori dal territorio');
    expect(await db.membership.count({ where: { organizationId: pending.id } })).toBe(0);
  });

  it('a request by id: the own alliance admin only; every other role and the other alliance get 404', async () => {
    const db = getDb();
    const pending = await pendingCompany();
    const load = (cookie: string | null, id = pending.id) =>
      responseOf(() => reviewLoader({ request: makeRequest(`/alleanza/aziende/${id}`, { cookie }), params: { id }, context: {} }));
    expect((await load(world.admin.cookie)).status).toBe(200);
    expect((await load(null)).status).toBe(302);
    const orgFor = (role: string, w: CompanyWorld) => (['AMBITO_CURATOR', 'ALLIANCE_ADMIN', 'AUDITOR'].includes(role) ? w.leadId : role === 'PROVIDER_OPERATOR' ? null : w.companyId);
    for (const w of [world, otherWorld]) {
      for (const role of ROLES) {
        if (w === world && role === 'ALLIANCE_ADMIN') continue;
        let organizationId = orgFor(role, w);
        if (!organizationId) organizationId = (await db.organization.create({ data: { allianceId: w.allianceId, kind: 'PROVIDER', legalName: 'Coop', codiceFiscale: freshPartitaIva() } })).id;
        const session = await sessionFor(db, organizationId, role);
        expect((await load(session.cookie)).status, `${role} of ${w === world ? 'the same' : 'another'} alliance`).toBe(404);
      }
    }
    expect((await load(world.admin.cookie, 'not-a-uuid')).status).toBe(404);
    expect((await load(world.admin.cookie, '00000000-0000-4000-8000-000000000000')).status).toBe(404);
    // Deciding from the other alliance is 404 as well, and changes nothing.
    expect((await decide(otherWorld.admin, pending.id, { decision: 'ADMIT' })).status).toBe(404);
    expect((await db.companyProfile.findUniqueOrThrow({ where: { organizationId: pending.id } })).status).toBe('PENDING');
  });
});

describe('the company’s sites', () => {
  async function post(session: Session, form: Record<string, string>) {
    return responseOf(() => sitesAction({ request: makeRequest('/azienda/sedi', { form, cookie: session.cookie }), params: {}, context: {} }));
  }

  it('adds, edits and deletes sites; names are unique accent- and case-free; a site with employees stays', async () => {
    const db = getDb();
    expect((await post(world.hr, { name: 'Bergamo', code: 'BG1', address: 'Via XX Settembre 3', location: 'outside', outsideComune: 'Bergamo' })).status).toBe(302);
    const site = await db.companySite.findFirstOrThrow({ where: { organizationId: world.companyId, name: 'Bergamo' } });
    expect(site).toMatchObject({ comuneId: null, outsideComune: 'Bergamo', code: 'BG1' });

    const duplicate = await post(world.hr, { name: 'ALBINO', address: 'x', location: 'alliance', comuneId: world.comuneIds[0]! });
    expect((await failureOf(duplicate)).fieldErrors).toEqual({ name: 'companies.validation.siteNameTaken' });
    const foreignComune = await post(world.hr, { name: 'Lovere', address: 'x', location: 'alliance', comuneId: otherWorld.comuneIds[0]! });
    expect((await failureOf(foreignComune)).fieldErrors).toEqual({ comuneId: 'validation.organization.comuneNotFound' });
    const missing = await post(world.hr, { name: 'Senza comune', address: 'x', location: 'alliance' });
    expect((await failureOf(missing)).fieldErrors).toEqual({ comuneId: 'companies.validation.siteComune' });

    expect((await post(world.hr, { intent: 'update', siteId: site.id, name: 'Bergamo centro', address: 'Via XX Settembre 3', location: 'alliance', comuneId: world.comuneIds[3]! })).status).toBe(302);
    expect(await db.companySite.findUniqueOrThrow({ where: { id: site.id } })).toMatchObject({ name: 'Bergamo centro', comuneId: world.comuneIds[3], outsideComune: null, code: null });

    // Another company's HR cannot touch it: 404.
    expect((await post(world.other.hr, { intent: 'delete', siteId: site.id })).status).toBe(404);
    expect((await post(world.hr, { intent: 'delete', siteId: site.id })).status).toBe(302);
    expect(await db.companySite.count({ where: { id: site.id } })).toBe(0);

    const membership = await db.membership.create({ data: { userId: world.hr.userId, organizationId: world.companyId, role: 'EMPLOYEE' } });
    await db.employeeProfile.create({
      data: { membershipId: membership.id, organizationId: world.companyId, codiceFiscale: 'RSSMRA85T10A562S', givenName: 'Mario', familyName: 'Rossi', email: 'mario@esempio.it', hireDate: new Date('2020-01-01'), siteId: world.sites.nembro },
    });
    const inUse = await post(world.hr, { intent: 'delete', siteId: world.sites.nembro });
    expect(inUse.status).toBe(409);
    expect((await failureOf(inUse)).fieldErrors).toEqual({ site: 'companies.sites.inUse' });
    const sites = (await (await responseOf(() => sitesLoader({ request: makeRequest('/azienda/sedi', { cookie: world.hr.cookie }), params: {}, context: {} }))).json()) as {
      sites: Array<{ name: string; employees: number }>;
    };
    expect(sites.sites.find((s) => s.name === 'Nembro')?.employees).toBe(1);
  });

  it('the database keeps a site in its company’s alliance and a roster record on its own company’s site', async () => {
    const db = getDb();
    await expect(
      db.companySite.create({ data: { organizationId: world.companyId, name: 'Fuori', address: 'x', comuneId: otherWorld.comuneIds[0] } }),
    ).rejects.toThrow();
    const membership = await db.membership.create({ data: { userId: world.other.hr.userId, organizationId: world.companyId, role: 'EMPLOYEE' } });
    await expect(
      db.employeeProfile.create({
        data: { membershipId: membership.id, organizationId: world.companyId, codiceFiscale: 'VRDLGU80A01A794X', givenName: 'Luigi', familyName: 'Verdi', email: 'luigi@esempio.it', hireDate: new Date('2020-01-01'), siteId: otherWorld.sites.albino },
      }),
    ).rejects.toThrow(/not a site of the employee/);
    await expect(
      db.employeeProfile.create({
        data: { membershipId: world.hr.userId, organizationId: world.companyId, codiceFiscale: 'VRDLGU80A01A794X', givenName: 'Luigi', familyName: 'Verdi', email: 'luigi@esempio.it', hireDate: new Date('2020-01-01') },
      }),
    ).rejects.toThrow();
  });
});
