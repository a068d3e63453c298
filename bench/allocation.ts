// Allocation benchmark (not a test): `npx tsx bench/allocation.ts [--employees 50000] [--keep]`
//
// 1. Creates a database of its own and migrates it; one alliance, one company with --employees
//    employees on the roster (users, EMPLOYEE memberships and EmployeeProfiles written set-based
//    with generate_series: categories, children and dependants vary), and a company budget topped
//    up through the ledger.
// 2. Creates a plan through the domain functions (FLAT + PER_CHILD + PER_DEPENDENT + BY_CATEGORY),
//    activates it, then times one allocation run as the company's page does it: the preview
//    (roster read, per-rule and per-employee computation, lines written) and the commit (wallet
//    accounts created in bulk, ONE ledger transaction budget → every wallet, run marked COMMITTED).
// 3. Prints wall time of each step, the process's peak RSS, and checks the outcome: every wallet
//    holds its line, the budget went down by the total, `verifyLedger` finds nothing.
//
// Environment: BENCH_DATABASE_URL (an admin connection, default postgresql://postgres@127.0.0.1:5432/postgres).
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { commitAllocationRun, previewAllocationRun } from '~/domain/allocations/allocations.server';
import { ensureAccount, postTransaction } from '~/domain/ledger/ledger.server';
import { verifyLedger } from '~/domain/ledger/verify.server';
import { activatePlan, createPlan, getCompanyBudgetCents, setCarnet, setRules, type CompanyScope } from '~/domain/plans/plans.server';
import { createDb } from '~/utils/db.server';
import { migrate } from '~/utils/migrations.server';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i === -1) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} needs a positive whole number`);
  return value;
}

const EMPLOYEES = option('employees', 50_000);
const KEEP = process.argv.includes('--keep');
const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const dbName = `conciliamo_bench_alloc_${randomBytes(4).toString('hex')}`;
const dbUrl = (() => {
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  return url.toString();
})();

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
/** Peak resident set size of this process so far (bytes). */
const peakRss = () => process.resourceUsage().maxRSS * 1024;

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function timed<T>(label: string, fn: () => Promise<T>, rows: Array<[string, string]>): Promise<T> {
  const started = performance.now();
  const result = await fn();
  const elapsed = performance.now() - started;
  rows.push([label, `${seconds(elapsed)} (peak RSS so far ${mb(peakRss())})`]);
  console.log(`  ${label}: ${seconds(elapsed)}`);
  return result;
}

async function seedCompany(): Promise<{ allianceId: string; companyId: string }> {
  const allianceId = randomUUID();
  const companyId = randomUUID();
  const client = new pg.Client({ connectionString: dbUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO "Alliance" ("id", "slug", "name", "shortName", "description", "capofila", "territory")
       VALUES ($1, 'bench', 'Alleanza benchmark', 'Bench', 'Benchmark', 'Comune capofila', 'Territorio')`,
      [allianceId],
    );
    await client.query(
      `INSERT INTO "Organization" ("id", "allianceId", "kind", "legalName", "codiceFiscale") VALUES ($1, $2, 'COMPANY', 'Grande Manifattura S.p.A.', '01234567897')`,
      [companyId, allianceId],
    );
    await client.query(
      `INSERT INTO "CompanyProfile" ("organizationId", "status", "sizeBand", "hrGivenName", "hrFamilyName", "hrEmail", "privacyConsentAt", "decidedAt", "updatedAt")
       VALUES ($1, 'ADMITTED', 'LARGE', 'Ufficio', 'Personale', 'hr@bench.example.it', now(), now(), now())`,
      [companyId],
    );
    // Users, memberships and roster records: one INSERT … SELECT each. Version-4 UUIDs built from md5.
    const uuid = (salt: string) =>
      `(substr(md5('${salt}' || n), 1, 8) || '-' || substr(md5('${salt}' || n), 9, 4) || '-4' || substr(md5('${salt}' || n), 14, 3) || '-8' || substr(md5('${salt}' || n), 18, 3) || '-' || substr(md5('${salt}' || n), 21, 12))::uuid`;
    await client.query(
      `INSERT INTO "User" ("id", "email", "givenName", "familyName", "updatedAt")
       SELECT ${uuid('u')}, 'dipendente' || n || '@bench.example.it', 'Nome' || n, 'Cognome' || n, now() FROM generate_series(1, $1) n`,
      [EMPLOYEES],
    );
    await client.query(
      `INSERT INTO "Membership" ("id", "userId", "organizationId", "role", "status")
       SELECT ${uuid('m')}, ${uuid('u')}, $2, 'EMPLOYEE', 'ACTIVE' FROM generate_series(1, $1) n`,
      [EMPLOYEES, companyId],
    );
    // A codice fiscale of the right shape per person: six letters from the number, fixed rest.
    const letters = [0, 1, 2, 3, 4, 5].map((k) => `chr(65 + ((n / ${26 ** k}) % 26)::int)`).join(' || ');
    await client.query(
      `INSERT INTO "EmployeeProfile" ("membershipId", "organizationId", "codiceFiscale", "givenName", "familyName", "email", "hireDate", "category", "childrenCount", "dependentsCount", "updatedAt")
       SELECT ${uuid('m')}, $2, ${letters} || '80A01H501U', 'Nome' || n, 'Cognome' || n, 'dipendente' || n || '@bench.example.it',
              DATE '2015-01-01' + (n % 3000), (ARRAY['operai', 'impiegati', 'quadri'])[1 + n % 3], n % 4, (n % 7 = 0)::int, now()
       FROM generate_series(1, $1) n`,
      [EMPLOYEES, companyId],
    );
    await client.query('COMMIT');
  } finally {
    await client.end();
  }
  return { allianceId, companyId };
}

async function main() {
  console.log(`Allocation benchmark: ${EMPLOYEES.toLocaleString('en')} employees in one company, one run (database ${dbName})`);
  await admin((c) => c.query(`CREATE DATABASE "${dbName}"`));
  const db = createDb(dbUrl, { max: 4 });
  const rows: Array<[string, string]> = [];
  try {
    await migrate(dbUrl);
    const { allianceId, companyId } = await timed('roster written (users, memberships, profiles)', seedCompany, rows);
    const scope: CompanyScope = { allianceId, companyId, userId: null };

    const budget = await ensureAccount(db, { allianceId, kind: 'COMPANY_BUDGET', organizationId: companyId });
    const bank = await ensureAccount(db, { allianceId, kind: 'BANK_CLEARING' });
    await postTransaction(db, {
      allianceId,
      kind: 'TOP_UP',
      idempotencyKey: 'bench:topup',
      actor: { system: 'bench' },
      entries: [
        { accountId: bank.id, amountCents: -5_000_000_000 },
        { accountId: budget.id, amountCents: 5_000_000_000 },
      ],
    });
    const year = new Date().getUTCFullYear();
    const { id: planId } = await createPlan(db, scope, {
      name: 'Piano welfare benchmark',
      startsOn: `${year}-01-01`,
      endsOn: `${year}-12-31`,
      companyFundingCents: 0,
      publicFundingCents: 0,
      publicFundingSource: null,
      premioConversion: false,
      premioWindowStartsOn: null,
      premioWindowEndsOn: null,
      premioCapCents: null,
      agreementKind: null,
      agreementReference: null,
      reimbursementsAllowed: false,
      leaverGraceDays: 90,
      endRule: 'RETURN_TO_COMPANY',
      carryOverPlanId: null,
    });
    await setRules(db, scope, planId, [
      { kind: 'FLAT', employeeCategory: null, amountCents: 30_000 },
      { kind: 'PER_CHILD', employeeCategory: null, amountCents: 10_000 },
      { kind: 'PER_DEPENDENT', employeeCategory: null, amountCents: 15_000 },
      { kind: 'BY_CATEGORY', employeeCategory: 'operai', amountCents: 5_000 },
    ]);
    const category = await db.serviceCategory.findUniqueOrThrow({ where: { slug: 'centri-estivi' } });
    await setCarnet(db, scope, planId, { categories: [{ categoryId: category.id, capCents: null, reimbursable: false }], offeringIds: [] });
    await activatePlan(db, scope, planId);

    const rssBefore = peakRss();
    const heapBefore = process.memoryUsage().heapUsed;
    const wallStart = performance.now();
    const run = await timed('preview (roster read, computation, lines written)', () => previewAllocationRun(db, scope, planId), rows);
    const budgetBefore = await getCompanyBudgetCents(db, scope);
    const result = await timed('commit (wallets created, one ledger transaction)', () => commitAllocationRun(db, scope, planId, run.id), rows);
    const wall = performance.now() - wallStart;
    rows.push(['allocation run total (preview + commit)', seconds(wall)]);
    rows.push(['peak RSS of the process', `${mb(peakRss())} (${mb(rssBefore)} before the run; heap used ${mb(heapBefore)} → ${mb(process.memoryUsage().heapUsed)})`]);

    // The outcome.
    const budgetAfter = await getCompanyBudgetCents(db, scope);
    const [check] = await db.$queryRaw<Array<{ wallets: bigint; total: bigint; mismatched: bigint }>>`
      SELECT count(*)::bigint AS wallets, coalesce(sum(a."balanceCents"), 0)::bigint AS total,
             count(*) FILTER (WHERE a."balanceCents" <> l."amountCents")::bigint AS mismatched
      FROM "AllocationRunLine" l JOIN "LedgerAccount" a ON a."ledgerKey" = 'wallet:' || l."membershipId" || ':' || ${planId}
      WHERE l."runId" = ${run.id}::uuid`;
    const entries = await db.ledgerEntry.count({ where: { transaction: { idempotencyKey: `allocation-run:${run.id}` } } });
    // As autovacuum soon would: without fresh statistics on the 50,000 new entries the verification's
    // joins are planned for tiny tables (a minute instead of a fraction of a second).
    await db.$executeRawUnsafe('ANALYZE "LedgerEntry", "LedgerTransaction", "LedgerAccount"');
    const verification = await timed('verifyLedger afterwards (tables analysed)', () => verifyLedger(db), rows);
    console.log('');
    console.log(`| measure (${EMPLOYEES.toLocaleString('en')} employees) | figure |`);
    console.log('|---|---|');
    for (const [label, value] of rows) console.log(`| ${label} | ${value} |`);
    console.log('');
    console.log(
      `Run ${result.run.status}: ${run.employeeCount.toLocaleString('en')} wallets, total ${(run.totalCents / 100).toLocaleString('it-IT')} €, ` +
        `${entries.toLocaleString('en')} ledger entries in one transaction; budget ${budgetBefore} → ${budgetAfter} cents; ` +
        `wallets checked ${Number(check!.wallets)}, mismatched ${Number(check!.mismatched)}, sum ${Number(check!.total)}; verifyLedger ${verification.ok ? 'clean' : 'PROBLEMS'}.`,
    );
    const ok =
      result.run.status === 'COMMITTED' &&
      run.employeeCount === EMPLOYEES &&
      Number(check!.mismatched) === 0 &&
      Number(check!.total) === run.totalCents &&
      budgetBefore - budgetAfter === run.totalCents &&
      entries === EMPLOYEES + 1 &&
      verification.ok;
    if (!ok) {
      process.exitCode = 1;
      console.error('The allocation did not produce the expected ledger.');
    }
  } finally {
    await db.$disconnect();
    if (!KEEP) await admin((c) => c.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`));
    else console.log(`Kept database ${dbName}`);
  }
}

await main();
