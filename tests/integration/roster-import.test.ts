import { beforeAll, describe, expect, it } from 'vitest';
import { syntheticCodiceFiscale, syntheticEmployee, SYNTHETIC_HEADERS, syntheticRow, toCsv } from '~/domain/roster/roster.synthetic';
import {
  chooseRosterMapping,
  commitRosterImport,
  getRosterImport,
  listEmployeesForAllocation,
  processRosterJob,
  runRosterCommit,
  sendRosterInvitations,
  SYNC_ROW_LIMIT,
  uploadRoster,
} from '~/domain/roster/roster.server';
import { jobs } from '~/jobs/registry';
import { processors } from '~/jobs/processors.server';
import { createCompanyWorld, fixture, rosterActor, writtenState, type CompanyWorld } from './roster-fixtures';
import { useTemporaryStorage } from './providers-fixtures';
import { getDb, useTestDatabase } from '../setup/database';

// The roster import end to end against PostgreSQL: every bad-row kind is listed by the dry run and
// nothing is written, every encoding and format gives the same roster, the mapping step, the
// all-or-nothing and idempotent commit, the invitations, and the background job with its progress.

useTestDatabase();
const { storage } = useTemporaryStorage();
let world: CompanyWorld;

beforeAll(async () => {
  world = await createCompanyWorld(getDb());
});

async function freshWorld(): Promise<CompanyWorld> {
  return createCompanyWorld(getDb());
}

async function upload(w: CompanyWorld, name: string, bytes = fixture(name)) {
  return uploadRoster(getDb(), rosterActor(w), { fileName: name, bytes, storage: storage() });
}

describe('every bad-row kind: the dry run lists it and nothing is written', () => {
  const cases: Array<[string, { row: number; column: string | null; code: string }]> = [
    ['bad-carattere-controllo.csv', { row: 4, column: 'Codice fiscale', code: 'cfCheckDigit' }],
    ['bad-duplicato-nel-file.csv', { row: 4, column: 'Codice fiscale', code: 'duplicateInFile' }],
    ['bad-duplicato-in-azienda.csv', { row: 4, column: 'Email', code: 'duplicateInCompany' }],
    ['bad-data.csv', { row: 4, column: 'Data assunzione', code: 'date' }],
    ['bad-cessazione-prima-assunzione.csv', { row: 4, column: 'Data cessazione', code: 'terminationBeforeHire' }],
    ['bad-email.csv', { row: 4, column: 'Email', code: 'email' }],
    ['bad-sede-sconosciuta.csv', { row: 4, column: 'Sede', code: 'unknownSite' }],
    ['bad-codifica.csv', { row: 4, column: 'Nome', code: 'encoding' }],
  ];

  beforeAll(async () => {
    // The company's roster already holds the person whose e-mail bad-duplicato-in-azienda.csv reuses.
    const db = getDb();
    const seeded = await upload(world, 'seed.csv', new Uint8Array(Buffer.from(toCsv([
      SYNTHETIC_HEADERS,
      [syntheticCodiceFiscale(990), 'Presente', 'Già', 'gia.in.azienda@esempio.it', '01/01/2010', '', 'Albino', 'impiegati', '0', '0'],
    ]))));
    await commitRosterImport(db, rosterActor(world), { importId: seeded.id, storage: storage() });
  });

  for (const [name, expected] of cases) {
    it(`${name}: ${expected.code} on row ${expected.row}, commit refused, nothing written`, async () => {
      const db = getDb();
      const before = await writtenState(db);
      const dryRun = await upload(world, name);
      expect(dryRun.status).toBe('VALIDATED');
      expect(dryRun.counts).toMatchObject({ total: 3, errors: 1 });
      expect(dryRun.errors).toEqual([expect.objectContaining(expected)]);
      await expect(commitRosterImport(db, rosterActor(world), { importId: dryRun.id, storage: storage() })).rejects.toMatchObject({ status: 409 });
      // Even forced past the guard, the commit re-validates inside its transaction and writes nothing.
      await db.rosterImport.update({ where: { id: dryRun.id }, data: { status: 'COMMITTING' } });
      expect((await runRosterCommit(db, dryRun.id, { storage: storage() })).outcome).toBe('stale');
      expect(await writtenState(db)).toEqual(before);
      expect((await getRosterImport(db, rosterActor(world), dryRun.id)).status).toBe('VALIDATED');
    });
  }

  it('a missing required column: the mapping step is asked, and a mapping without it is refused', async () => {
    const db = getDb();
    const before = await writtenState(db);
    const uploaded = await upload(world, 'bad-colonna-mancante.csv');
    expect(uploaded.status).toBe('UPLOADED');
    expect(uploaded.suggestion.missing).toEqual(['hireDate']);
    await expect(
      chooseRosterMapping(db, rosterActor(world), { importId: uploaded.id, mapping: { codiceFiscale: 0, familyName: 1, givenName: 2, email: 3 }, storage: storage() }),
    ).rejects.toMatchObject({ status: 422, fieldErrors: { 'map.hireDate': 'roster.mapping.missingColumn' } });
    await expect(commitRosterImport(db, rosterActor(world), { importId: uploaded.id, storage: storage() })).rejects.toMatchObject({ status: 409 });
    expect(await writtenState(db)).toEqual(before);
  });

  it('a file that is not a roster at all is refused before anything is stored', async () => {
    const db = getDb();
    const imports = await db.rosterImport.count();
    await expect(upload(world, 'x.csv', new Uint8Array([0x25, 0x50, 0x44, 0x46, 0, 1, 2]))).rejects.toMatchObject({ status: 422, fieldErrors: { file: 'roster.file.binary' } });
    await expect(upload(world, 'x.xls', new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))).rejects.toMatchObject({ fieldErrors: { file: 'roster.file.legacyXls' } });
    expect(await db.rosterImport.count()).toBe(imports);
  });
});

describe('encodings and formats', () => {
  it('UTF-8 with ";", UTF-8 with BOM and ",", Windows-1252 and XLSX write the same roster', async () => {
    const db = getDb();
    const rosters: string[] = [];
    for (const name of ['dipendenti-puntoevirgola-utf8.csv', 'dipendenti-virgola-utf8-bom.csv', 'dipendenti-windows-1252.csv', 'dipendenti.xlsx']) {
      const w = await freshWorld();
      const dryRun = await upload(w, name);
      expect(dryRun.counts, name).toEqual({ total: 5, new: 5, updated: 0, unchanged: 0, leavers: 1, errors: 0 });
      const committed = await commitRosterImport(db, rosterActor(w), { importId: dryRun.id, storage: storage() });
      expect(committed.status, name).toBe('COMMITTED');
      const profiles = await db.employeeProfile.findMany({
        where: { organizationId: w.companyId },
        orderBy: { codiceFiscale: 'asc' },
        select: { codiceFiscale: true, givenName: true, familyName: true, email: true, hireDate: true, terminationDate: true, category: true, childrenCount: true, dependentsCount: true, site: { select: { name: true } } },
      });
      rosters.push(JSON.stringify(profiles));
    }
    expect(new Set(rosters).size).toBe(1);
    const one = JSON.parse(rosters[0]!) as Array<{ givenName: string; familyName: string; codiceFiscale: string; site: { name: string } | null }>;
    expect(one.map((p) => `${p.givenName} ${p.familyName}`).sort()).toEqual(['Anna Locatelli', 'Chiara Rota', 'Mosè Pesenti', 'Nicolò Bonetti', 'Noè Carrà']);
    // The omocode codice fiscale is accepted as written, and the site matched by its code.
    expect(one.find((p) => p.familyName === 'Rota')).toMatchObject({ codiceFiscale: syntheticCodiceFiscale(103, { omocode: true }), site: { name: 'Albino' } });
  });
});

describe('commit', () => {
  it('writes users, INVITED memberships and profiles, audits, and sends each invitation once', async () => {
    const db = getDb();
    const w = await freshWorld();
    const dryRun = await upload(w, 'dipendenti-puntoevirgola-utf8.csv');
    const committed = await commitRosterImport(db, rosterActor(w, w.hr.userId), { importId: dryRun.id, storage: storage() });
    expect(committed).toMatchObject({ status: 'COMMITTED', counts: { new: 5 } });
    const memberships = await db.membership.findMany({ where: { organizationId: w.companyId, role: 'EMPLOYEE' }, include: { employeeProfile: true } });
    expect(memberships).toHaveLength(5);
    expect(memberships.every((m) => m.status === 'INVITED' && m.employeeProfile?.createdByImportId === dryRun.id)).toBe(true);
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: 'roster.imported', subjectId: dryRun.id } });
    expect(audit).toMatchObject({ organizationId: w.companyId, actorUserId: w.hr.userId, metadata: expect.objectContaining({ new: 5, updated: 0 }) });
    const outbox = await db.outboxEvent.findMany({ where: { jobName: jobs.rosterInvite.name } });
    expect(outbox.map((o) => o.payload)).toContainEqual({ importId: dryRun.id });

    // The invitation job (run twice, as a retry would): one e-mail per new employee.
    const mailsBefore = await db.mailMessage.count();
    const log = { info: () => undefined, warn: () => undefined, error: () => undefined };
    const handle = { id: '1', queueName: 'roster', name: 'invite', data: { importId: dryRun.id }, attemptsMade: 0, opts: {}, updateProgress: async () => undefined };
    await processors['roster:invite']({ importId: dryRun.id }, handle, { db, transport: {} as never, logger: log });
    expect(await sendRosterInvitations(db, dryRun.id)).toEqual({ invited: 0 });
    const mails = await db.mailMessage.findMany({ where: { toAddress: { in: memberships.map((m) => m.employeeProfile!.email) } } });
    expect(mails).toHaveLength(5);
    expect(await db.mailMessage.count()).toBe(mailsBefore + 5);
    expect(await db.userToken.count({ where: { purpose: 'INVITATION', membershipId: { in: memberships.map((m) => m.id) } } })).toBe(5);
  });

  it('is idempotent: the same file again changes nothing, a changed file updates and records leavers', async () => {
    const db = getDb();
    const w = await freshWorld();
    const first = await upload(w, 'dipendenti.xlsx');
    await commitRosterImport(db, rosterActor(w), { importId: first.id, storage: storage() });
    const snapshot = JSON.stringify(await db.employeeProfile.findMany({ where: { organizationId: w.companyId }, orderBy: { codiceFiscale: 'asc' }, omit: { updatedAt: true } }));
    const state = await writtenState(db);

    const again = await upload(w, 'dipendenti-windows-1252.csv');
    expect(again.counts).toEqual({ total: 5, new: 0, updated: 0, unchanged: 5, leavers: 0, errors: 0 });
    expect((await commitRosterImport(db, rosterActor(w), { importId: again.id, storage: storage() })).status).toBe('COMMITTED');
    expect(JSON.stringify(await db.employeeProfile.findMany({ where: { organizationId: w.companyId }, orderBy: { codiceFiscale: 'asc' }, omit: { updatedAt: true } }))).toBe(snapshot);
    expect(await writtenState(db)).toEqual({ ...state, audit: state.audit + 1 });

    const changed = Buffer.from(fixture('dipendenti-puntoevirgola-utf8.csv')).toString('utf8').replace('01/02/2015;;Albino', '01/02/2015;30/06/2027;Albino');
    const third = await upload(w, 'changed.csv', new Uint8Array(Buffer.from(changed)));
    expect(third.counts).toEqual({ total: 5, new: 0, updated: 1, unchanged: 4, leavers: 1, errors: 0 });
    await commitRosterImport(db, rosterActor(w), { importId: third.id, storage: storage() });
    const leaver = await db.employeeProfile.findFirstOrThrow({ where: { organizationId: w.companyId, familyName: 'Bonetti' }, include: { membership: true } });
    expect(leaver.terminationDate?.toISOString().slice(0, 10)).toBe('2027-06-30');
    // Leaving keeps access: the membership is untouched (the plan's end rule applies later).
    expect(leaver.membership.status).toBe('INVITED');
  });

  it('takes over the membership of an employee invited without a roster record', async () => {
    const db = getDb();
    const w = await freshWorld();
    // Users are global: other tests of this file may have created this one in another company.
    const user = await db.user.upsert({ where: { email: 'noe.carra@esempio.it' }, create: { email: 'noe.carra@esempio.it', givenName: 'Noè', familyName: 'Carrà' }, update: {} });
    const mailsBefore = await db.mailMessage.count({ where: { toAddress: 'noe.carra@esempio.it' } });
    const membership = await db.membership.create({ data: { userId: user.id, organizationId: w.companyId, role: 'EMPLOYEE', status: 'ACTIVE' } });
    const dryRun = await upload(w, 'dipendenti-puntoevirgola-utf8.csv');
    expect(dryRun.counts.new).toBe(5);
    await commitRosterImport(db, rosterActor(w), { importId: dryRun.id, storage: storage() });
    expect(await db.employeeProfile.findUniqueOrThrow({ where: { membershipId: membership.id } })).toMatchObject({ familyName: 'Carrà' });
    expect((await db.membership.findUniqueOrThrow({ where: { id: membership.id } })).status).toBe('ACTIVE');
    await sendRosterInvitations(db, dryRun.id);
    // The active employee gets no invitation; the four new ones do.
    expect(await db.mailMessage.count({ where: { toAddress: 'noe.carra@esempio.it' } })).toBe(mailsBefore);
    expect(await db.employeeProfile.count({ where: { createdByImportId: dryRun.id, invitedAt: { not: null } } })).toBe(4);
  });

  it('another company of the same alliance cannot read or commit the import: 404', async () => {
    const db = getDb();
    const dryRun = await upload(world, 'dipendenti-puntoevirgola-utf8.csv');
    const other = { companyId: world.other.companyId, allianceId: world.allianceId };
    await expect(getRosterImport(db, rosterActor(other), dryRun.id)).rejects.toMatchObject({ status: 404 });
    await expect(commitRosterImport(db, rosterActor(other), { importId: dryRun.id, storage: storage() })).rejects.toMatchObject({ status: 404 });
    await expect(getRosterImport(db, rosterActor(world), 'not-a-uuid')).rejects.toMatchObject({ status: 404 });
  });
});

describe('the mapping step', () => {
  it('unknown headers wait for a mapping; the chosen columns are then validated and committed', async () => {
    const db = getDb();
    const w = await freshWorld();
    const uploaded = await upload(w, 'intestazioni-sconosciute.csv');
    expect(uploaded).toMatchObject({ status: 'UPLOADED', headers: ['CF dipendente', 'Cognome', 'Nome', 'Posta', 'Assunto il', 'Reparto'] });
    expect(uploaded.suggestion.missing.sort()).toEqual(['codiceFiscale', 'email', 'hireDate']);
    expect(uploaded.samples[0]![1]).toBe('Bonetti');
    await expect(
      chooseRosterMapping(db, rosterActor(w), { importId: uploaded.id, mapping: { codiceFiscale: 0, familyName: 1, givenName: 2, email: 3, hireDate: 3 }, storage: storage() }),
    ).rejects.toMatchObject({ fieldErrors: { 'map.hireDate': 'roster.mapping.columnTwice' } });
    const mapped = await chooseRosterMapping(db, rosterActor(w), {
      importId: uploaded.id,
      mapping: { codiceFiscale: 0, familyName: 1, givenName: 2, email: 3, hireDate: 4 },
      storage: storage(),
    });
    expect(mapped).toMatchObject({ status: 'VALIDATED', errorCount: 0, counts: { new: 5 } });
    expect((await commitRosterImport(db, rosterActor(w), { importId: uploaded.id, storage: storage() })).status).toBe('COMMITTED');
    expect(await db.employeeProfile.count({ where: { organizationId: w.companyId, siteId: null } })).toBe(5);
  });
});

describe('large files: the roster job', () => {
  it(`over ${SYNC_ROW_LIMIT} rows validates and commits in the job, reporting progress`, async () => {
    const db = getDb();
    const w = await freshWorld();
    const rows = Array.from({ length: SYNC_ROW_LIMIT + 500 }, (_, i) => syntheticRow(syntheticEmployee(5000 + i, { domain: 'grande.example.it' }), i % 2 ? 'Nembro' : 'ALB01'));
    const bytes = new Uint8Array(Buffer.from(toCsv([SYNTHETIC_HEADERS, ...rows], ',')));
    const uploaded = await upload(w, 'grande.csv', bytes);
    expect(uploaded).toMatchObject({ status: 'VALIDATING', background: true, progress: 0 });
    const validateJob = await db.outboxEvent.findFirstOrThrow({ where: { jobName: 'process', payload: { equals: { importId: uploaded.id, phase: 'validate' } } } });
    expect(validateJob.queue).toBe('roster');

    const log = { info: () => undefined, warn: () => undefined, error: () => undefined };
    const seen: number[] = [];
    const handle = (data: object) => ({ id: '1', queueName: 'roster', name: 'process', data, attemptsMade: 0, opts: {}, updateProgress: async (p: unknown) => void seen.push(p as number) });
    const payload = { importId: uploaded.id, phase: 'validate' as const };
    await processors['roster:process'](payload, handle(payload), { db, transport: {} as never, logger: log });
    const validated = await getRosterImport(db, rosterActor(w), uploaded.id);
    expect(validated).toMatchObject({ status: 'VALIDATED', progress: 100, counts: { total: SYNC_ROW_LIMIT + 500, new: SYNC_ROW_LIMIT + 500, errors: 0 } });

    const committing = await commitRosterImport(db, rosterActor(w), { importId: uploaded.id, storage: storage() });
    expect(committing.status).toBe('COMMITTING');
    expect(await db.employeeProfile.count({ where: { organizationId: w.companyId } })).toBe(0);
    // What the page polls while the job runs: the progress column, written outside the transaction.
    const polled: number[] = [];
    const commitPayload = { importId: uploaded.id, phase: 'commit' as const };
    const running = processRosterJob(db, commitPayload, {
      storage: storage(),
      reportProgress: async (p) => {
        seen.push(p);
        polled.push((await db.rosterImport.findUniqueOrThrow({ where: { id: uploaded.id } })).progress);
      },
    });
    expect((await running).outcome).toBe('committed');
    expect(polled.length).toBeGreaterThan(0);
    expect(polled.every((p) => p > 0 && p < 100)).toBe(true);
    expect(seen.at(-1)).toBe(100);
    expect(await getRosterImport(db, rosterActor(w), uploaded.id)).toMatchObject({ status: 'COMMITTED', progress: 100 });
    expect(await db.employeeProfile.count({ where: { organizationId: w.companyId } })).toBe(SYNC_ROW_LIMIT + 500);
    // A retried job finds the import committed and does nothing.
    expect((await processRosterJob(db, commitPayload, { storage: storage() })).outcome).toBe('skipped');
  });
});

describe('for the plans', () => {
  it('listEmployeesForAllocation: employed on the day, with category and dependants', async () => {
    const db = getDb();
    const w = await freshWorld();
    const dryRun = await upload(w, 'dipendenti-puntoevirgola-utf8.csv');
    await commitRosterImport(db, rosterActor(w), { importId: dryRun.id, storage: storage() });
    const list = await listEmployeesForAllocation(db, { companyId: w.companyId, asOf: '2020-06-01' });
    // Chiara Rota (hired 2020-03-01) is in; Anna Locatelli (2021) is not yet.
    expect(list.map((e) => e.category).sort()).toEqual(['impiegati', 'operai', 'operai', 'quadri']);
    const bonetti = list.find((e) => e.children === 2);
    expect(bonetti).toMatchObject({ category: 'impiegati', dependents: 0, hireDate: '2015-02-01', terminationDate: null, userId: expect.any(String) });
    const later = await listEmployeesForAllocation(db, { companyId: w.companyId, asOf: '2027-01-01' });
    expect(later).toHaveLength(4); // Mosè Pesenti left on 2026-12-31
    expect(later.find((e) => e.category === 'quadri')).toBeUndefined();
  });
});
