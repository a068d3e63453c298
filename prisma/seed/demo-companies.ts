import { createOrganization } from '~/domain/organizations/organizations.server';
import { makeCodiceFiscalePersona, makePartitaIva } from '~/domain/identifiers/identifiers.fns';
import type { DbTx } from '~/utils/db.server';

// Demo companies (issue 4, part C): every demo company is ADMITTED with two sites (its own
// municipality and another of the alliance), and each of its employees has a roster record with a
// valid generated codice fiscale, hire date, site, category and dependants. One more company waits
// for the W.IN. alliance admin's decision. Runs inside the demo seed's transaction, after the
// organisations and people, before the top-ups and plans that read the roster.

const CATEGORIES = ['impiegati', 'operai', 'operai', 'quadri'];
const BIRTHPLACES: Array<{ birthplace: string; province: string }> = [
  { birthplace: 'Bergamo', province: 'BG' },
  { birthplace: 'Albino', province: 'BG' },
  { birthplace: 'Lovere', province: 'BG' },
  { birthplace: 'Seriate', province: 'BG' },
  { birthplace: 'Brescia', province: 'BS' },
];

export const PENDING_DEMO_COMPANY = {
  alliance: 'val-seriana',
  legalName: 'Calzificio Val Gandino S.r.l.',
  codiceFiscale: makePartitaIva(2_410_414),
};

function isoDate(year: number, month: number, day: number): string {
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** `pendingOrganizations`: organisations this created (the pending request), for the seed's summary. */
export async function seedDemoCompanies(tx: DbTx): Promise<{ companies: number; employees: number; pendingOrganizations: number }> {
  const companies = await tx.organization.findMany({
    where: { kind: 'COMPANY' },
    orderBy: { legalName: 'asc' },
    select: {
      id: true,
      allianceId: true,
      legalName: true,
      address: true,
      comune: { select: { id: true, name: true } },
      memberships: {
        where: { role: { in: ['COMPANY_ADMIN', 'EMPLOYEE'] } },
        orderBy: { createdAt: 'asc' },
        select: { id: true, role: true, user: { select: { email: true, givenName: true, familyName: true } } },
      },
    },
  });
  let employeeCount = 0;
  let person = 0;
  for (const [c, company] of companies.entries()) {
    const hr = company.memberships.find((m) => m.role === 'COMPANY_ADMIN')?.user;
    await tx.companyProfile.create({
      data: {
        organizationId: company.id,
        status: 'ADMITTED',
        sizeBand: c % 2 === 0 ? 'SMALL' : 'MEDIUM',
        atecoCode: ['13.20.00', '25.62.00', '10.51.20'][c % 3]!,
        hrGivenName: hr?.givenName ?? 'Ufficio',
        hrFamilyName: hr?.familyName ?? 'Personale',
        hrEmail: hr?.email ?? `personale.${c}@demo.conciliamo.it`,
        privacyConsentAt: new Date('2026-01-15T09:00:00Z'),
        submittedAt: new Date('2026-01-15T09:00:00Z'),
        decidedAt: new Date('2026-01-20T10:00:00Z'),
      },
    });
    const other = await tx.comune.findFirst({
      where: { allianceId: company.allianceId, id: { not: company.comune?.id } },
      orderBy: { name: 'asc' },
      select: { id: true, name: true },
    });
    const sites = [];
    if (company.comune) {
      sites.push(
        await tx.companySite.create({
          data: { organizationId: company.id, name: company.comune.name, code: `S${c}01`, address: company.address ?? `Via Roma ${c + 1}, ${company.comune.name}`, comuneId: company.comune.id },
          select: { id: true },
        }),
      );
    }
    if (other) {
      sites.push(
        await tx.companySite.create({
          data: { organizationId: company.id, name: other.name, code: `S${c}02`, address: `Via Provinciale ${c + 10}, ${other.name}`, comuneId: other.id },
          select: { id: true },
        }),
      );
    }

    const used = new Set<string>();
    const employees = company.memberships.filter((m) => m.role === 'EMPLOYEE');
    for (const [i, m] of employees.entries()) {
      const n = person++;
      const place = BIRTHPLACES[n % BIRTHPLACES.length]!;
      let codiceFiscale = '';
      // Same name and birth date would give the same code: move the day until it is new.
      for (let bump = 0; !codiceFiscale || used.has(codiceFiscale); bump++) {
        codiceFiscale = makeCodiceFiscalePersona({
          givenName: m.user.givenName,
          familyName: m.user.familyName,
          gender: /a$/i.test(m.user.givenName) ? 'F' : 'M',
          birthDate: isoDate(1965 + (n % 35), 1 + (n % 12), 1 + ((n + bump) % 28)),
          ...place,
        });
      }
      used.add(codiceFiscale);
      const leaving = i === employees.length - 1 && employees.length > 3;
      await tx.employeeProfile.create({
        data: {
          membershipId: m.id,
          organizationId: company.id,
          codiceFiscale,
          givenName: m.user.givenName,
          familyName: m.user.familyName,
          email: m.user.email,
          hireDate: new Date(`${isoDate(2008 + (n % 16), 1 + (n % 12), 1)}T00:00:00Z`),
          // The last employee of a larger demo company is leaving at the end of next quarter.
          terminationDate: leaving ? new Date(`${isoDate(new Date().getUTCFullYear() + 1, 3, 31)}T00:00:00Z`) : null,
          siteId: sites.length ? sites[i % sites.length]!.id : null,
          category: CATEGORIES[n % CATEGORIES.length]!,
          childrenCount: n % 3,
          dependentsCount: n % 5 === 0 ? 1 : 0,
        },
      });
      employeeCount++;
    }
  }

  // One adhesion request waiting for the alliance admin.
  const alliance = await tx.alliance.findUnique({ where: { slug: PENDING_DEMO_COMPANY.alliance }, select: { id: true, comuni: { where: { name: 'Gandino' }, select: { id: true } } } });
  if (alliance) {
    const pending = await createOrganization(tx, {
      allianceId: alliance.id,
      kind: 'COMPANY',
      legalName: PENDING_DEMO_COMPANY.legalName,
      codiceFiscale: PENDING_DEMO_COMPANY.codiceFiscale,
      partitaIva: PENDING_DEMO_COMPANY.codiceFiscale,
      comuneId: alliance.comuni[0]?.id,
      address: 'Via Provinciale 12, Gandino',
      email: 'personale@calzificio-valgandino.example.it',
    });
    await tx.companyProfile.create({
      data: {
        organizationId: pending.id,
        status: 'PENDING',
        sizeBand: 'MICRO',
        atecoCode: '14.31.00',
        hrGivenName: 'Ufficio',
        hrFamilyName: 'Personale',
        hrEmail: 'personale@calzificio-valgandino.example.it',
        privacyConsentAt: new Date(),
      },
    });
  }
  return { companies: companies.length, employees: employeeCount, pendingOrganizations: alliance ? 1 : 0 };
}
