import { verify } from '@node-rs/argon2';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ALLIANCE_LEVEL_ROLES, ROLES } from '~/domain/auth/roles';
import { validateCodiceFiscale, validatePartitaIva } from '~/domain/identifiers/identifiers.fns';
import { Conflict } from '~/utils/errors.server';
import { DEMO_ALLIANCES, demoPerson } from '../../prisma/seed/demo-data';
import { DEMO_ROLE_ORGANIZATION_KIND, readDemoAccounts, seedDemo, type SeedDemoResult } from '../../prisma/seed/demo';
import { getDb, useTestDatabase } from '../setup/database';

useTestDatabase();

// People named in the source documents (shared/seeds): contact persons, consultants, researchers.
// Demo people are generated and must never carry these names.
const DENIED_PEOPLE = [
  "Barbara Dell'Acqua",
  'Michela Bonin',
  'Maria Rita Colombo',
  'Clelia Mazzone',
  'Isabella Airoidi',
  'Monica Rigo',
  "Adele Dell'Acqua",
  'Antonietta Mottola',
  'Marinella Zambrano',
  'Angela Sandini',
  'Lucia Agostinelli',
  'Davide Vassallo',
  'Giuseppe Assuntino',
  'Marzia Cesprini',
  'Sofia Panfili',
  'Simona Maiocchi',
  'Elena Barazzetta',
  'Franca Maino',
  'Chiara Agostini',
  'Maurizio Ferrera',
];
const DENIED_FAMILY_NAMES = DENIED_PEOPLE.map((p) => p.split(' ').slice(-1)[0]!.toLowerCase());

let first: SeedDemoResult;
let firstDurationMs = 0;

beforeAll(async () => {
  const started = performance.now();
  first = await seedDemo(getDb());
  firstDurationMs = performance.now() - started;
});

afterEach(() => {
  process.env.NODE_ENV = 'test';
});

describe('seedDemo', () => {
  it('loads the two alliances quickly and says what it created', async () => {
    const db = getDb();
    expect(first).toEqual({
      seeded: true,
      alliances: 2,
      organizations: await db.organization.count(),
      users: await db.user.count(),
    });
    // Not a benchmark: only catches a pathological regression (e.g. hashing a password per user),
    // with room for a loaded CI machine.
    expect(firstDurationMs, `seeding took ${Math.round(firstDurationMs)} ms`).toBeLessThan(30_000);
    const alliances = await db.alliance.findMany({ orderBy: { slug: 'asc' } });
    expect(alliances.map((a) => [a.slug, a.name, a.capofila])).toEqual([
      ['val-cavallina', 'Networking 2.0 – fare sistema per sostenere la famiglia che cura', 'Consorzio Servizi Val Cavallina'],
      ['val-seriana', 'W.IN. – Welfare Innovativo', 'Comune di Albino – Ambito territoriale n. 8 Valle Seriana'],
    ]);
  });

  it('creates both sets of Ambiti with real Bergamo municipalities', async () => {
    const db = getDb();
    const ambiti = await db.ambito.findMany({ include: { alliance: true, comuni: true } });
    const byAlliance = (slug: string) => ambiti.filter((a) => a.alliance.slug === slug).map((a) => a.code).sort();
    expect(byAlliance('val-seriana')).toEqual(['valle-seriana', 'valle-seriana-superiore-val-di-scalve']);
    expect(byAlliance('val-cavallina')).toEqual(['alto-sebino', 'basso-sebino', 'val-cavallina']);
    expect(ambiti.find((a) => a.code === 'valle-seriana')?.name).toBe('Ambito territoriale n. 8 Valle Seriana');
    for (const ambito of ambiti) expect(ambito.comuni.length, ambito.name).toBeGreaterThanOrEqual(4);
    const comuni = await db.comune.findMany({ include: { alliance: true } });
    for (const slug of ['val-seriana', 'val-cavallina']) {
      expect(comuni.filter((c) => c.alliance.slug === slug).length).toBeGreaterThanOrEqual(8);
    }
    for (const comune of comuni) {
      expect(comune.province).toBe('BG');
      expect(comune.istatCode, comune.name).toMatch(/^016\d{3}$/);
    }
    const albino = comuni.find((c) => c.name === 'Albino');
    expect(albino?.istatCode).toBe('016004');
    expect(comuni.find((c) => c.name === 'Trescore Balneario')?.istatCode).toBe('016218');
  });

  it('creates at least six organisations per alliance, of every working kind, with valid identifiers', async () => {
    const organizations = await getDb().organization.findMany({ include: { alliance: true, comune: true } });
    for (const slug of ['val-seriana', 'val-cavallina']) {
      const own = organizations.filter((o) => o.alliance.slug === slug);
      expect(own.length, slug).toBeGreaterThanOrEqual(6);
      const kinds = own.map((o) => o.kind);
      expect(kinds.filter((k) => k === 'AMBITO'), slug).toHaveLength(1);
      expect(kinds.filter((k) => k === 'COMPANY').length, slug).toBeGreaterThanOrEqual(3);
      expect(kinds.filter((k) => k === 'PROVIDER').length, slug).toBeGreaterThanOrEqual(3);
      expect(kinds.filter((k) => k === 'PUBLIC_BODY').length, slug).toBeGreaterThanOrEqual(1);
    }
    for (const org of organizations) {
      expect(validateCodiceFiscale(org.codiceFiscale), org.legalName).toMatchObject({ ok: true, value: org.codiceFiscale });
      if (org.partitaIva !== null) {
        expect(validatePartitaIva(org.partitaIva), org.legalName).toEqual({ ok: true, value: org.partitaIva });
      }
      expect(org.comune?.allianceId, org.legalName).toBe(org.allianceId);
      expect(org.ambitoId, org.legalName).toBe(org.comune?.ambitoId);
    }
  });

  it('creates the twelve demo logins of demo-accounts.json, each in the right alliance, role and organisation', async () => {
    const file = await readDemoAccounts();
    expect(file.accounts).toHaveLength(12);
    for (const slug of ['val-seriana', 'val-cavallina']) {
      expect(file.accounts.filter((a) => a.alliance === slug).map((a) => a.role).sort()).toEqual([...ROLES].sort());
    }
    const users = await getDb().user.findMany({
      where: { email: { in: file.accounts.map((a) => a.email) } },
      include: { memberships: { include: { organization: { include: { alliance: true } } } } },
    });
    expect(users).toHaveLength(12);
    for (const account of file.accounts) {
      const user = users.find((u) => u.email === account.email)!;
      expect(user.memberships, account.email).toHaveLength(1);
      const [membership] = user.memberships;
      expect(membership).toMatchObject({ role: account.role, status: 'ACTIVE' });
      expect(membership!.organization.alliance.slug).toBe(account.alliance);
      expect(membership!.organization.legalName).toBe(account.organization);
      expect(membership!.organization.kind).toBe(DEMO_ROLE_ORGANIZATION_KIND[account.role]);
      if (ALLIANCE_LEVEL_ROLES.includes(account.role)) expect(membership!.organization.kind).toBe('AMBITO');
      expect(user.passwordHash).toMatch(/^\$argon2id\$/);
    }
    const someone = users[0]!;
    expect(await verify(someone.passwordHash!, file.password)).toBe(true);
    expect(await verify(someone.passwordHash!, 'wrong-password')).toBe(false);
  });

  it('gives each company a roster of employees, and the employing cooperatives too', async () => {
    const organizations = await getDb().organization.findMany({
      include: { memberships: { where: { role: 'EMPLOYEE', status: 'ACTIVE' } }, companyProfile: { select: { status: true } } },
    });
    // Admitted companies; the one adhesion request still pending (prisma/seed/demo-companies.ts) has no staff yet.
    for (const company of organizations.filter((o) => o.kind === 'COMPANY' && o.companyProfile?.status === 'ADMITTED')) {
      expect(company.memberships.length, company.legalName).toBeGreaterThanOrEqual(10);
    }
    const cooperative = organizations.find((o) => o.legalName === 'Cooperativa Sociale Il Sorriso');
    expect(cooperative?.kind).toBe('PROVIDER');
    expect(cooperative?.memberships.length).toBeGreaterThan(0);
  });

  it('uses generated people only: no name of a person in the source documents', async () => {
    const users = await getDb().user.findMany({ select: { givenName: true, familyName: true, email: true } });
    expect(users.length).toBeGreaterThan(60);
    for (const user of users) {
      const full = `${user.givenName} ${user.familyName}`;
      expect(DENIED_PEOPLE, full).not.toContain(full);
      expect(DENIED_FAMILY_NAMES, full).not.toContain(user.familyName.toLowerCase());
      for (const family of DENIED_FAMILY_NAMES) expect(user.email.includes(family.replace(/'/g, '')), user.email).toBe(false);
    }
    // And the generator itself, beyond what one seed uses.
    for (let n = 0; n < 2_000; n++) {
      const person = demoPerson(n);
      expect(DENIED_FAMILY_NAMES).not.toContain(person.familyName.toLowerCase());
      expect(DENIED_PEOPLE).not.toContain(`${person.givenName} ${person.familyName}`);
    }
    const legalNames = DEMO_ALLIANCES.flatMap((a) => a.organizations.map((o) => o.legalName.toLowerCase()));
    for (const family of DENIED_FAMILY_NAMES) {
      for (const name of legalNames) expect(name.split(/\W+/), name).not.toContain(family);
    }
  });

  it('with ifEmpty does nothing on a database that has alliances', async () => {
    const db = getDb();
    const before = [await db.alliance.count(), await db.organization.count(), await db.user.count(), await db.membership.count()];
    expect(await seedDemo(db, { ifEmpty: true })).toEqual({ seeded: false, alliances: 0, organizations: 0, users: 0 });
    expect([await db.alliance.count(), await db.organization.count(), await db.user.count(), await db.membership.count()]).toEqual(before);
  });

  it('refuses to seed twice, with a clear message and nothing written', async () => {
    const db = getDb();
    const users = await db.user.count();
    const error = await seedDemo(db).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Conflict);
    expect((error as Error).message).toMatch(/^Demo data is already loaded \(alliance val-seriana, val-cavallina exists|^Demo data is already loaded \(alliance val-cavallina, val-seriana exists/);
    expect((error as Error).message).toContain('nothing was changed');
    expect(await db.user.count()).toBe(users);
    expect(await db.alliance.count()).toBe(2);
  });

  it('is refused when NODE_ENV is production', async () => {
    process.env.NODE_ENV = 'production';
    await expect(seedDemo(getDb(), { ifEmpty: true })).rejects.toThrow(
      'Refusing to load demo data with NODE_ENV=production: the demo logins share a published password',
    );
  });
});

describe('demo-accounts.json', () => {
  it('agrees with the demo data (checked when read)', async () => {
    await expect(readDemoAccounts()).resolves.toMatchObject({ password: 'Conciliamo-Demo-2026' });
  });

  it('is rejected when it names an organisation of the wrong kind or a wrong e-mail', async () => {
    const { mkdtemp, writeFile, readFile, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const dir = await mkdtemp(path.join(tmpdir(), 'demo-accounts-'));
    try {
      const original = JSON.parse(await readFile(path.resolve('prisma/seed/demo-accounts.json'), 'utf8')) as {
        accounts: Array<Record<string, string>>;
      };
      original.accounts[0]!.organization = 'Cooperativa Sociale Il Sorriso';
      original.accounts[1]!.email = 'someone@example.org';
      const file = path.join(dir, 'accounts.json');
      await writeFile(file, JSON.stringify(original));
      const error = (await readDemoAccounts(file).catch((e: unknown) => e)) as Error;
      expect(error.message).toContain('EMPLOYEE belongs to an organisation of kind COMPANY, not PROVIDER');
      expect(error.message).toContain('e-mail should be azienda.val-seriana@demo.conciliamo.it');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
