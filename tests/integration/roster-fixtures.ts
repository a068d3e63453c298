import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { RoleName } from '~/domain/auth/roles';
import type { RosterActor } from '~/domain/roster/roster.server';
import { requireMembership } from '~/utils/auth.server';
import type { Db } from '~/utils/db.server';
import { makeRequest } from './auth-fixtures';
import { createProviderWorld, freshPartitaIva, sessionFor, type ProviderWorld, type Session } from './providers-fixtures';

// Shared set-up of the companies-*.test.ts and roster-*.test.ts files: an alliance with an admitted
// company (sites Albino/ALB01 and Nembro) and its HR login, a second company of the same alliance,
// the roster fixtures, and what "nothing written" is measured with.

export interface CompanyWorld extends ProviderWorld {
  companyId: string;
  hr: Session;
  sites: { albino: string; nembro: string };
  other: { companyId: string; hr: Session };
}

export async function createAdmittedCompany(db: Db, world: ProviderWorld, legalName: string) {
  const company = await db.organization.create({
    data: { allianceId: world.allianceId, kind: 'COMPANY', legalName, codiceFiscale: freshPartitaIva(), comuneId: world.comuneIds[0] },
  });
  await db.companyProfile.create({
    data: {
      organizationId: company.id,
      status: 'ADMITTED',
      sizeBand: 'SMALL',
      hrGivenName: 'Ufficio',
      hrFamilyName: 'Personale',
      hrEmail: `hr.${company.id.slice(0, 8)}@esempio.it`,
      privacyConsentAt: new Date(),
      decidedAt: new Date(),
    },
  });
  const hr = await sessionFor(db, company.id, 'COMPANY_ADMIN');
  return { companyId: company.id, hr };
}

export async function createCompanyWorld(db: Db): Promise<CompanyWorld> {
  const world = await createProviderWorld(db);
  const main = await createAdmittedCompany(db, world, 'Tessiture di prova S.p.A.');
  const albino = await db.companySite.create({ data: { organizationId: main.companyId, name: 'Albino', code: 'ALB01', address: 'Via Roma 1', comuneId: world.comuneIds[0] } });
  const nembro = await db.companySite.create({ data: { organizationId: main.companyId, name: 'Nembro', address: 'Via Garibaldi 2', comuneId: world.comuneIds[1] } });
  const other = await createAdmittedCompany(db, world, 'Altra azienda di prova S.r.l.');
  return { ...world, ...main, sites: { albino: albino.id, nembro: nembro.id }, other };
}

/** The signed-in actor of a session cookie, as a loader sees it. */
export async function actorOf(cookie: string, roles?: RoleName[]) {
  return requireMembership(makeRequest('/', { cookie }), roles ? { roles } : {});
}

export function rosterActor(world: { companyId: string; allianceId: string }, userId: string | null = null): RosterActor {
  return { organizationId: world.companyId, allianceId: world.allianceId, userId, apiKeyId: null, ipAddress: null };
}

const FIXTURES = path.resolve('tests/fixtures/roster');
export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(path.join(FIXTURES, name)));
}

/** Row counts of everything an import could write. */
export async function writtenState(db: Db) {
  const [users, memberships, profiles, mails, outbox, audit] = await Promise.all([
    db.user.count(),
    db.membership.count(),
    db.employeeProfile.count(),
    db.mailMessage.count(),
    db.outboxEvent.count(),
    db.auditEvent.count({ where: { action: 'roster.imported' } }),
  ]);
  return { users, memberships, profiles, mails, outbox, audit };
}
