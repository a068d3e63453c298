// Roster import benchmark (not a test): `npx tsx bench/roster-import.ts [--rows 50000] [--invites 500] [--keep]`
//
// 1. Creates a database of its own, migrates it, and creates an admitted company with two sites.
// 2. Generates --rows employees (valid codici fiscali, Italian dates, `;` CSV as payroll software
//    writes it) and loads the same file into a scratch table with PostgreSQL COPY (psql \copy,
//    client side, as an application would send it): the reference rows/s.
// 3. Imports the same file through the import functions the page and the job use: uploadRoster
//    (parse, store, record), the validation job (every row validated and compared with the
//    roster) and the commit job (one transaction: users, memberships, profiles, audit, the
//    invitation job in the outbox). Prints each phase, the total, rows/s and the share of COPY.
// 4. Imports the same file again (must change nothing) and sends --invites invitation e-mails
//    through the invitation job (inviteMember per employee) to measure that rate.
// 5. Prints wall time and peak memory (maxRSS), then drops the database.
//
// Environment: BENCH_DATABASE_URL (an admin connection, default postgresql://postgres@127.0.0.1:5432/postgres).
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { processRosterJob, sendRosterInvitations, uploadRoster, commitRosterImport, type RosterActor } from '~/domain/roster/roster.server';
import { SYNTHETIC_HEADERS, syntheticEmployee, syntheticRow, toCsv } from '~/domain/roster/roster.synthetic';
import { LocalFolderStorage } from '~/domain/storage/storage.server';
import { createDb } from '~/utils/db.server';
import { migrate } from '~/utils/migrations.server';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i === -1) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} needs a whole number`);
  return value;
}

const ROWS = option('rows', 50_000);
const INVITES = option('invites', 500);
const KEEP = process.argv.includes('--keep');

const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const dbName = `conciliamo_bench_roster_${randomBytes(4).toString('hex')}`;
const dbUrl = (() => {
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  return url.toString();
})();
process.env.DATABASE_URL ??= dbUrl;
process.env.APP_URL ??= 'http://localhost:3000';
process.env.LOG_LEVEL ??= 'silent';

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const sec = (msValue: number) => `${(msValue / 1000).toFixed(2)} s`;
const rate = (rows: number, msValue: number) => `${Math.round(rows / (msValue / 1000)).toLocaleString('en-US')} rows/s`;

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function timed<T>(label: string, fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await fn();
  const took = performance.now() - started;
  console.log(`  ${label.padEnd(44)} ${sec(took)}`);
  return { value, ms: took };
}

async function main() {
  const wallStart = performance.now();
  const rssBefore = process.memoryUsage().rss;
  console.log(`Roster import benchmark: ${ROWS.toLocaleString('en-US')} employees, database ${dbName}`);
  await admin((c) => c.query(`CREATE DATABASE "${dbName}"`));
  const storageDir = mkdtempSync(path.join(tmpdir(), 'roster-bench-'));
  const db = createDb(dbUrl, { max: 4 });
  try {
    await migrate(dbUrl);

    // An admitted company with two sites and an HR person.
    const alliance = await db.alliance.create({
      data: { slug: 'bench', name: 'Alleanza bench', shortName: 'bench', description: '-', capofila: '-', territory: '-' },
    });
    const company = await db.organization.create({ data: { allianceId: alliance.id, kind: 'COMPANY', legalName: 'Bench S.p.A.', codiceFiscale: '02410411016' } });
    await db.companyProfile.create({
      data: {
        organizationId: company.id,
        status: 'ADMITTED',
        sizeBand: 'LARGE',
        hrGivenName: 'Ufficio',
        hrFamilyName: 'Personale',
        hrEmail: 'hr@bench.example.it',
        privacyConsentAt: new Date(),
        decidedAt: new Date(),
      },
    });
    await db.companySite.createMany({
      data: [
        { organizationId: company.id, name: 'Albino', code: 'ALB', address: 'Via Roma 1', outsideComune: 'Albino' },
        { organizationId: company.id, name: 'Nembro', code: 'NEM', address: 'Via Garibaldi 2', outsideComune: 'Nembro' },
      ],
    });
    const hr = await db.user.create({ data: { email: 'hr@bench.example.it', givenName: 'Ufficio', familyName: 'Personale' } });
    await db.membership.create({ data: { userId: hr.id, organizationId: company.id, role: 'COMPANY_ADMIN' } });
    const actor: RosterActor = { organizationId: company.id, allianceId: alliance.id, userId: hr.id, apiKeyId: null, ipAddress: null };

    // The file.
    const generated = await timed(`generate ${ROWS} rows (CSV text)`, async () => {
      const rows = [SYNTHETIC_HEADERS];
      for (let i = 0; i < ROWS; i++) rows.push(syntheticRow(syntheticEmployee(i), i % 3 === 0 ? 'Nembro' : 'ALB'));
      return Buffer.from(toCsv(rows, ';'), 'utf8');
    });
    const bytes = new Uint8Array(generated.value);
    const csvPath = path.join(storageDir, 'roster.csv');
    writeFileSync(csvPath, bytes);
    console.log(`  file: ${mb(bytes.byteLength)}`);

    // The reference: COPY of the same rows into a scratch table.
    const client = new pg.Client({ connectionString: dbUrl });
    await client.connect();
    await client.query(`CREATE TABLE roster_copy (codice_fiscale text, family_name text, given_name text, email text, hire_date date,
      termination_date date, site text, category text, children int, dependents int)`);
    await client.end();
    const copy = await timed('COPY into a scratch table (psql \\copy)', async () => {
      const result = spawnSync(
        'psql',
        [dbUrl, '-v', 'ON_ERROR_STOP=1', '-c', 'SET datestyle = ISO, DMY', '-c', `\\copy roster_copy FROM '${csvPath}' WITH (FORMAT csv, DELIMITER ';', HEADER true)`],
        { encoding: 'utf8' },
      );
      if (result.status !== 0) throw new Error(`psql failed: ${result.stderr}`);
      return result.stdout.trim();
    });

    // The import, phase by phase, as the page and the job run it.
    const storage = new LocalFolderStorage(storageDir);
    console.log('Import through the domain functions:');
    const upload = await timed('upload: parse, store, record (uploadRoster)', () => uploadRoster(db, actor, { fileName: 'dipendenti.csv', bytes, storage }));
    const validation = await timed('dry run: validate and compare (job)', () => processRosterJob(db, { importId: upload.value.id, phase: 'validate' }, { storage }));
    if (validation.value.outcome !== 'validated' || validation.value.counts?.errors) throw new Error(`validation: ${JSON.stringify(validation.value)}`);
    const queued = await timed('commit request (commitRosterImport)', () => commitRosterImport(db, actor, { importId: upload.value.id, storage }));
    if (queued.value.status !== 'COMMITTING') throw new Error(`expected the commit job, got ${queued.value.status}`);
    const commit = await timed('commit: one transaction (job)', () => processRosterJob(db, { importId: upload.value.id, phase: 'commit' }, { storage }));
    if (commit.value.outcome !== 'committed') throw new Error(`commit: ${JSON.stringify(commit.value)}`);
    const importMs = upload.ms + validation.ms + queued.ms + commit.ms;
    const profiles = await db.employeeProfile.count({ where: { organizationId: company.id } });
    if (profiles !== ROWS) throw new Error(`expected ${ROWS} profiles, found ${profiles}`);

    console.log('Re-import of the same file (must change nothing):');
    const again = await timed('upload + dry run + commit', async () => {
      const second = await uploadRoster(db, actor, { fileName: 'dipendenti.csv', bytes, storage });
      await processRosterJob(db, { importId: second.id, phase: 'validate' }, { storage });
      await commitRosterImport(db, actor, { importId: second.id, storage });
      return processRosterJob(db, { importId: second.id, phase: 'commit' }, { storage });
    });
    if (again.value.counts?.unchanged !== ROWS) throw new Error(`re-import changed something: ${JSON.stringify(again.value.counts)}`);

    let inviteLine = '';
    if (INVITES > 0) {
      // Only the first --invites people wait for their e-mail; the others are marked as invited.
      await db.$executeRaw`UPDATE "EmployeeProfile" SET "invitedAt" = now() WHERE "organizationId" = ${company.id}::uuid
        AND "membershipId" NOT IN (SELECT "membershipId" FROM "EmployeeProfile" WHERE "organizationId" = ${company.id}::uuid ORDER BY "membershipId" LIMIT ${INVITES})`;
      const invites = await timed(`invitation job, ${INVITES} e-mails (inviteMember each)`, () => sendRosterInvitations(db, upload.value.id));
      if (invites.value.invited !== INVITES) throw new Error(`expected ${INVITES} invitations, sent ${invites.value.invited}`);
      inviteLine = `invitations: ${rate(INVITES, invites.ms).replace('rows', 'e-mails')}`;
    }

    const peak = process.resourceUsage().maxRSS * 1024;
    console.log('\nResults');
    console.log(`  COPY:           ${rate(ROWS, copy.ms)} (${sec(copy.ms)})`);
    console.log(`  import:         ${rate(ROWS, importMs)} (${sec(importMs)}: upload ${sec(upload.ms)}, dry run ${sec(validation.ms)}, commit ${sec(queued.ms + commit.ms)})`);
    console.log(`  import / COPY:  ${((copy.ms / importMs) * 100).toFixed(1)} % (goal ≥ 20 %)`);
    console.log(`  commit alone:   ${rate(ROWS, commit.ms)}; re-import (all unchanged): ${sec(again.ms)}`);
    if (inviteLine) console.log(`  ${inviteLine}`);
    console.log(`  wall time:      ${sec(performance.now() - wallStart)}; peak RSS ${mb(peak)} (RSS before ${mb(rssBefore)})`);
  } finally {
    await db.$disconnect();
    rmSync(storageDir, { recursive: true, force: true });
    if (KEEP) console.log(`kept database ${dbName}`);
    else await admin((c) => c.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`));
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
