import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { hash } from '@node-rs/argon2';
import { z } from 'zod';
import { ROLES, type RoleName } from '~/domain/auth/roles';
import { createOrganization } from '~/domain/organizations/organizations.server';
import type { OrganizationKind } from '~/generated/prisma/enums';
import type { Db } from '~/utils/db.server';
import { Conflict } from '~/utils/errors.server';
import { DEMO_ALLIANCES, demoPerson, emailPart } from './demo-data';
import { seedDemoCompanies } from './demo-companies';
import { seedDemoNews } from './demo-news';
import { seedDemoOfferings } from './demo-offerings';
import { seedDemoPlans } from './demo-plans';
import { seedDemoProviders } from './demo-providers';
import { seedDemoTopUps } from './demo-topups';

// Demo data for development, the browser tests and a first look at the platform: the two
// alliances with their territory, organisations, one login per role per alliance (listed in
// demo-accounts.json, which the start script prints and the README lists) and a roster of
// employees per company. Everything is written in one transaction; production is refused.

export const DEMO_ACCOUNTS_FILE = fileURLToPath(new URL('./demo-accounts.json', import.meta.url));

/** The word of each role in the demo e-mail addresses: lavoratore.val-seriana@demo.conciliamo.it */
export const DEMO_ROLE_WORDS: Record<RoleName, string> = {
  EMPLOYEE: 'lavoratore',
  COMPANY_ADMIN: 'azienda',
  PROVIDER_OPERATOR: 'ente',
  AMBITO_CURATOR: 'ambito',
  ALLIANCE_ADMIN: 'alleanza',
  AUDITOR: 'revisore',
};

/** The kind of organisation each demo login belongs to. */
export const DEMO_ROLE_ORGANIZATION_KIND: Record<RoleName, OrganizationKind> = {
  EMPLOYEE: 'COMPANY',
  COMPANY_ADMIN: 'COMPANY',
  PROVIDER_OPERATOR: 'PROVIDER',
  AMBITO_CURATOR: 'AMBITO',
  ALLIANCE_ADMIN: 'AMBITO',
  AUDITOR: 'AMBITO',
};

export const DEMO_EMAIL_DOMAIN = 'demo.conciliamo.it';

const DemoAccountsSchema = z.object({
  password: z.string().min(12),
  accounts: z
    .array(
      z.object({
        alliance: z.string().min(1),
        allianceName: z.string().min(1),
        role: z.enum(ROLES),
        roleLabel: z.string().min(1),
        email: z.email(),
        organization: z.string().min(1),
      }),
    )
    .min(1),
});

export type DemoAccounts = z.infer<typeof DemoAccountsSchema>;
export type DemoAccount = DemoAccounts['accounts'][number];

/** Reads and checks demo-accounts.json against the demo data, so the two cannot disagree. */
export async function readDemoAccounts(file = DEMO_ACCOUNTS_FILE): Promise<DemoAccounts> {
  const parsed = DemoAccountsSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
  if (!parsed.success) {
    throw new Error(`${file} is not valid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const account of parsed.data.accounts) {
    const where = `${account.email} (${account.role})`;
    const alliance = DEMO_ALLIANCES.find((a) => a.slug === account.alliance);
    if (!alliance) {
      problems.push(`${where}: no demo alliance "${account.alliance}"`);
      continue;
    }
    if (account.allianceName !== alliance.name) problems.push(`${where}: allianceName should be "${alliance.name}"`);
    const expectedEmail = `${DEMO_ROLE_WORDS[account.role]}.${alliance.slug}@${DEMO_EMAIL_DOMAIN}`;
    if (account.email !== expectedEmail) problems.push(`${where}: e-mail should be ${expectedEmail}`);
    const organization = alliance.organizations.find((o) => o.legalName === account.organization);
    if (!organization) problems.push(`${where}: no organisation "${account.organization}" in ${alliance.slug}`);
    else if (organization.kind !== DEMO_ROLE_ORGANIZATION_KIND[account.role]) {
      problems.push(`${where}: ${account.role} belongs to an organisation of kind ${DEMO_ROLE_ORGANIZATION_KIND[account.role]}, not ${organization.kind}`);
    }
    if (seen.has(account.email)) problems.push(`${where}: listed twice`);
    seen.add(account.email);
  }
  if (problems.length) throw new Error(`${file} disagrees with prisma/seed/demo-data.ts:\n  - ${problems.join('\n  - ')}`);
  return parsed.data;
}

export interface SeedDemoResult {
  /** false when skipped because the database already had alliances (ifEmpty). */
  seeded: boolean;
  /** What this run created. */
  alliances: number;
  organizations: number;
  users: number;
}

// Serialises concurrent seeders (two `npm start` at once) so the emptiness check holds.
const SEED_LOCK_ID = 72707370;

/**
 * Loads the demo data. With `ifEmpty`, does nothing when any alliance exists; otherwise refuses
 * (Conflict, nothing written) when the demo alliances or logins are already there.
 * Refused when NODE_ENV is production: the demo logins share a published password.
 */
export async function seedDemo(db: Db, options: { ifEmpty?: boolean } = {}): Promise<SeedDemoResult> {
  if (process.env.NODE_ENV === 'production') {
    throw new Error('Refusing to load demo data with NODE_ENV=production: the demo logins share a published password');
  }
  const accounts = await readDemoAccounts();
  // One argon2id hash for every demo person keeps seeding fast; they all share the demo password.
  const passwordHash = await hash(accounts.password);

  return db.$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${SEED_LOCK_ID})`);
      if (options.ifEmpty && (await tx.alliance.count()) > 0) {
        return { seeded: false, alliances: 0, organizations: 0, users: 0 };
      }
      const slugs = DEMO_ALLIANCES.map((a) => a.slug);
      const existing = await tx.alliance.findMany({ where: { slug: { in: slugs } }, select: { slug: true } });
      if (existing.length > 0) {
        throw new Conflict(
          `Demo data is already loaded (alliance ${existing.map((a) => a.slug).join(', ')} exists); nothing was changed. ` +
            'Use --if-empty to skip when data exists, or seed an empty database.',
        );
      }
      const takenLogin = await tx.user.findFirst({
        where: { email: { in: accounts.accounts.map((a) => a.email) } },
        select: { email: true },
      });
      if (takenLogin) {
        throw new Conflict(`A user with the demo e-mail ${takenLogin.email} already exists; nothing was changed.`);
      }

      const users: Array<{ id: string; email: string; givenName: string; familyName: string; passwordHash: string; locale: string }> = [];
      const memberships: Array<{ userId: string; organizationId: string; role: RoleName }> = [];
      let personIndex = 0;
      const addPerson = (email: string | null, organizationId: string, role: RoleName) => {
        const person = demoPerson(personIndex);
        const id = randomUUID();
        const address =
          email ?? `${emailPart(person.givenName)}.${emailPart(person.familyName)}.${String(personIndex).padStart(3, '0')}@${DEMO_EMAIL_DOMAIN}`;
        personIndex++;
        users.push({ id, email: address, givenName: person.givenName, familyName: person.familyName, passwordHash, locale: 'it' });
        memberships.push({ userId: id, organizationId, role });
      };

      let organizationCount = 0;
      for (const data of DEMO_ALLIANCES) {
        const alliance = await tx.alliance.create({
          data: {
            slug: data.slug,
            name: data.name,
            shortName: data.shortName,
            description: data.description,
            capofila: data.capofila,
            territory: data.territory,
          },
        });
        const comuneIds = new Map<string, string>();
        const ambiti = data.ambiti.map((ambito) => ({ id: randomUUID(), allianceId: alliance.id, code: ambito.code, name: ambito.name }));
        await tx.ambito.createMany({ data: ambiti });
        const comuni = data.ambiti.flatMap((ambito, i) =>
          ambito.comuni.map((comune) => {
            const id = randomUUID();
            comuneIds.set(comune.name, id);
            return { id, allianceId: alliance.id, ambitoId: ambiti[i]!.id, name: comune.name, istatCode: comune.istatCode, province: 'BG' };
          }),
        );
        await tx.comune.createMany({ data: comuni });

        const organizationIds = new Map<string, string>();
        for (const org of data.organizations) {
          const comuneId = comuneIds.get(org.comune);
          if (!comuneId) throw new Error(`Demo organisation ${org.legalName}: comune ${org.comune} is not in ${data.slug}`);
          // Through the domain function, so demo identifiers pass the same checks as real ones.
          const created = await createOrganization(tx, {
            allianceId: alliance.id,
            kind: org.kind,
            legalName: org.legalName,
            codiceFiscale: org.codiceFiscale,
            partitaIva: org.partitaIva,
            comuneId,
            email: org.email,
          });
          organizationIds.set(org.legalName, created.id);
          organizationCount++;
        }

        for (const account of accounts.accounts.filter((a) => a.alliance === data.slug)) {
          addPerson(account.email, organizationIds.get(account.organization)!, account.role);
        }
        for (const org of data.organizations) {
          for (let i = 0; i < (org.employees ?? 0); i++) addPerson(null, organizationIds.get(org.legalName)!, 'EMPLOYEE');
        }
      }

      await tx.user.createMany({ data: users });
      await tx.membership.createMany({ data: memberships.map((m) => ({ ...m, status: 'ACTIVE' as const })) });
      await seedDemoProviders(tx);
      await seedDemoOfferings(tx);
      await seedDemoNews(tx);
      organizationCount += (await seedDemoCompanies(tx)).pendingOrganizations;
      await seedDemoTopUps(tx, { companyAdminEmails: Object.fromEntries(accounts.accounts.filter((a) => a.role === 'COMPANY_ADMIN').map((a) => [a.alliance, a.email])), allianceAdminEmails: Object.fromEntries(accounts.accounts.filter((a) => a.role === 'ALLIANCE_ADMIN').map((a) => [a.alliance, a.email])) });
      await seedDemoPlans(tx, { companyAdminEmails: Object.fromEntries(accounts.accounts.filter((a) => a.role === 'COMPANY_ADMIN').map((a) => [a.alliance, a.email])) });
      return { seeded: true, alliances: DEMO_ALLIANCES.length, organizations: organizationCount, users: users.length };
    },
    { timeout: 60_000, maxWait: 15_000 },
  );
}
