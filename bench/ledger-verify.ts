// Ledger benchmark (not a test): `npx tsx bench/ledger-verify.ts [--entries 1000000] [--ops 4000] [--concurrency 16] [--keep]`
//
// 1. Creates a database of its own, migrates it, and generates a ledger of --entries entries
//    (balanced two-entry transactions: top-ups, allocations into wallets, spending to providers)
//    with INSERT … SELECT generate_series, then sets every cached balance from the entries.
// 2. Runs verifyLedger in this process and `conciliamo ledger verify --json` as a child process:
//    wall time and peak memory of each.
// 3. Measures posting throughput: --concurrency clients posting small transfers through
//    postTransaction, against a minimal hand-written SQL transaction doing the same writes (same
//    triggers), and the same SQL with the triggers silenced (what the database's guarantees
//    cost). Two workloads: transfers between random wallets, and every transfer into one hot
//    provider payable. Prints ops/s and p50/p95/p99 latency. Also one allocation transaction from
//    a budget into every wallet of an alliance (one entry per wallet).
// 4. Verifies again (the postings must leave the ledger clean) and drops the database.
//
// Environment: BENCH_DATABASE_URL (an admin connection, default postgresql://postgres@127.0.0.1:5432/postgres).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { postTransaction } from '~/domain/ledger/ledger.server';
import { verifyLedger } from '~/domain/ledger/verify.server';
import { createDb } from '~/utils/db.server';
import { migrate } from '~/utils/migrations.server';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i === -1) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} needs a positive whole number`);
  return value;
}

const ENTRIES = option('entries', 1_000_000);
const OPS = option('ops', 4_000);
const CONCURRENCY = option('concurrency', 16);
const KEEP = process.argv.includes('--keep');
const ALLIANCES = 2;
const WALLETS = Math.max(ALLIANCES, Math.min(10_000, Math.floor(ENTRIES / 100)));

const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const dbName = `conciliamo_bench_ledger_${randomBytes(4).toString('hex')}`;
const dbUrl = (() => {
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  return url.toString();
})();

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : 0)} ms`;

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------------------------
// 1. Data

async function generate(): Promise<{ transactions: number; seconds: number }> {
  const transactions = Math.floor(ENTRIES / 2);
  const spends = transactions - 2 * WALLETS;
  if (spends < 0) throw new Error(`--entries must be at least ${4 * WALLETS}`);
  const perWallet = Math.ceil(spends / WALLETS);
  // Each wallet receives enough for all its spends (at most 997 cents each): balances stay ≥ 0.
  const allocation = perWallet * 1_000 + 1_000;
  const client = new pg.Client({ connectionString: dbUrl });
  await client.connect();
  const started = performance.now();
  try {
    // Generated ids must be valid v4 UUIDs (the ledger's zod schemas check them).
    await client.query(`CREATE FUNCTION pg_temp.bench_uuid(text) RETURNS uuid LANGUAGE sql IMMUTABLE AS
      $$ SELECT overlay(overlay(md5($1) placing '4' from 13) placing '8' from 17)::uuid $$`);
    await client.query('BEGIN');
    // A data generator, not the application: triggers silenced, balances set from the entries below.
    await client.query('SET LOCAL session_replication_role = replica');
    await client.query(`
      INSERT INTO "Alliance" ("id", "slug", "name", "shortName", "description", "capofila", "territory")
      SELECT pg_temp.bench_uuid('alliance' || a), 'bench-' || a, 'Alleanza ' || a, 'A' || a, 'bench', 'bench', 'bench'
      FROM generate_series(1, ${ALLIANCES}) a`);
    await client.query(`
      INSERT INTO "Organization" ("id", "allianceId", "kind", "legalName", "codiceFiscale")
      SELECT pg_temp.bench_uuid(kind || a), pg_temp.bench_uuid('alliance' || a), kind::"OrganizationKind", kind || ' ' || a,
             lpad((CASE kind WHEN 'COMPANY' THEN 10000000000 ELSE 20000000000 END + a)::text, 11, '0')
      FROM generate_series(1, ${ALLIANCES}) a CROSS JOIN (VALUES ('COMPANY'), ('PROVIDER')) k(kind)`);
    await client.query(`
      INSERT INTO "User" ("id", "email", "givenName", "familyName", "updatedAt")
      SELECT pg_temp.bench_uuid('user' || w), 'bench' || w || '@example.it', 'Bench', 'Worker', now()
      FROM generate_series(1, ${WALLETS}) w`);
    await client.query(`
      INSERT INTO "Membership" ("id", "userId", "organizationId", "role")
      SELECT pg_temp.bench_uuid('membership' || w), pg_temp.bench_uuid('user' || w), pg_temp.bench_uuid('COMPANY' || (1 + (w - 1) % ${ALLIANCES})), 'EMPLOYEE'
      FROM generate_series(1, ${WALLETS}) w`);
    await client.query(`
      INSERT INTO "LedgerAccount" ("id", "allianceId", "kind", "ledgerKey", "organizationId", "allowNegative")
      SELECT pg_temp.bench_uuid(kind || a), pg_temp.bench_uuid('alliance' || a), kind::"LedgerAccountKind",
             CASE kind WHEN 'BANK_CLEARING' THEN 'bank:' || pg_temp.bench_uuid('alliance' || a)
                       WHEN 'COMPANY_BUDGET' THEN 'budget:' || pg_temp.bench_uuid('COMPANY' || a)
                       ELSE 'payable:' || pg_temp.bench_uuid('PROVIDER' || a) END,
             CASE kind WHEN 'BANK_CLEARING' THEN NULL WHEN 'COMPANY_BUDGET' THEN pg_temp.bench_uuid('COMPANY' || a) ELSE pg_temp.bench_uuid('PROVIDER' || a) END,
             kind = 'BANK_CLEARING'
      FROM generate_series(1, ${ALLIANCES}) a CROSS JOIN (VALUES ('BANK_CLEARING'), ('COMPANY_BUDGET'), ('PROVIDER_PAYABLE')) k(kind)`);
    await client.query(`
      INSERT INTO "LedgerAccount" ("id", "allianceId", "kind", "ledgerKey", "membershipId", "planId")
      SELECT pg_temp.bench_uuid('wallet' || w), pg_temp.bench_uuid('alliance' || (1 + (w - 1) % ${ALLIANCES})), 'EMPLOYEE_WALLET',
             'wallet:' || pg_temp.bench_uuid('membership' || w) || ':' || pg_temp.bench_uuid('plan' || (1 + (w - 1) % ${ALLIANCES})),
             pg_temp.bench_uuid('membership' || w), pg_temp.bench_uuid('plan' || (1 + (w - 1) % ${ALLIANCES}))
      FROM generate_series(1, ${WALLETS}) w`);
    // Transaction n: 1..W top-up of wallet n's company budget, W+1..2W allocation to wallet n-W,
    // then spending from wallet 1 + n % W to its alliance's provider.
    const plan = `
      SELECT n, w, 1 + (w - 1) % ${ALLIANCES} AS a,
             CASE WHEN n <= ${WALLETS} THEN 'TOP_UP' WHEN n <= ${2 * WALLETS} THEN 'ALLOCATION' ELSE 'ADJUSTMENT' END AS kind,
             CASE WHEN n <= ${2 * WALLETS} THEN ${allocation} ELSE 1 + n % 997 END AS amount,
             timestamptz '2026-01-01 00:00:00+00' + n * interval '1 millisecond' AS at
      FROM (SELECT n, CASE WHEN n <= ${WALLETS} THEN n WHEN n <= ${2 * WALLETS} THEN n - ${WALLETS} ELSE 1 + n % ${WALLETS} END AS w
            FROM generate_series(1, ${transactions}) n) g`;
    await client.query(`
      INSERT INTO "LedgerTransaction" ("id", "allianceId", "kind", "idempotencyKey", "actorSystem", "createdAt")
      SELECT pg_temp.bench_uuid('tx' || n), pg_temp.bench_uuid('alliance' || a), kind::"LedgerTransactionKind", 'bench:' || n, 'bench', at
      FROM (${plan}) p`);
    await client.query(`
      INSERT INTO "LedgerEntry" ("transactionId", "accountId", "amountCents", "createdAt")
      SELECT pg_temp.bench_uuid('tx' || n), e.account, e.amount, at
      FROM (${plan}) p
      CROSS JOIN LATERAL (VALUES
        (CASE kind WHEN 'TOP_UP' THEN pg_temp.bench_uuid('BANK_CLEARING' || a) WHEN 'ALLOCATION' THEN pg_temp.bench_uuid('COMPANY_BUDGET' || a) ELSE pg_temp.bench_uuid('wallet' || w) END, -amount),
        (CASE kind WHEN 'TOP_UP' THEN pg_temp.bench_uuid('COMPANY_BUDGET' || a) WHEN 'ALLOCATION' THEN pg_temp.bench_uuid('wallet' || w) ELSE pg_temp.bench_uuid('PROVIDER_PAYABLE' || a) END, amount)
      ) e(account, amount)`);
    await client.query(`
      UPDATE "LedgerAccount" a SET "balanceCents" = s.total
      FROM (SELECT "accountId", sum("amountCents") AS total FROM "LedgerEntry" GROUP BY "accountId") s
      WHERE s."accountId" = a."id"`);
    await client.query('COMMIT');
    await client.query('ANALYZE');
  } finally {
    await client.end();
  }
  return { transactions, seconds: (performance.now() - started) / 1000 };
}

// ---------------------------------------------------------------------------------------------
// 2. Verify: in process and through the CLI

async function verifyInProcess() {
  const db = createDb(dbUrl, { max: 2 });
  try {
    await db.$queryRaw`SELECT 1`; // Prisma loads its query compiler on the first query: not part of the verification
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
    const started = performance.now();
    const result = await verifyLedger(db);
    const wall = performance.now() - started;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, wall, rssBefore, peak, maxRss: process.resourceUsage().maxRSS * 1024 };
  } finally {
    await db.$disconnect();
  }
}

function readHighWaterMark(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : 0;
  } catch {
    return 0;
  }
}

function verifyThroughCli(): Promise<{ code: number | null; wall: number; peak: number; durationMs: number | null; ok: boolean | null }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/conciliamo.js'), 'ledger', 'verify', '--json'], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: dbUrl, LOG_LEVEL: 'silent' },
    });
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, readHighWaterMark(child.pid!))), 20);
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => process.stderr.write(chunk));
    child.on('error', reject);
    child.on('exit', () => {
      peak = Math.max(peak, readHighWaterMark(child.pid!));
    });
    child.on('close', (code) => {
      clearInterval(sampler);
      let parsed: { durationMs?: number; ok?: boolean } = {};
      try {
        parsed = JSON.parse(stdout) as typeof parsed;
      } catch {
        // Reported as null below.
      }
      resolve({ code, wall: performance.now() - started, peak, durationMs: parsed.durationMs ?? null, ok: parsed.ok ?? null });
    });
  });
}

// ---------------------------------------------------------------------------------------------
// 3. Posting throughput

interface Throughput {
  label: string;
  ops: number;
  errors: number;
  seconds: number;
  opsPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  /** CPU time of this (client) process per operation: what the posting path costs outside PostgreSQL. */
  clientCpuMs: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function runClients(label: string, ops: number, op: (i: number) => Promise<void>): Promise<Throughput> {
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (;;) {
        const i = next++;
        if (i >= ops) return;
        const t0 = performance.now();
        try {
          await op(i);
        } catch (error) {
          errors++;
          if (errors <= 3) console.error(`${label}: ${(error as Error).message}`);
        }
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  latencies.sort((a, b) => a - b);
  return {
    label,
    ops,
    errors,
    seconds,
    opsPerSecond: ops / seconds,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    clientCpuMs: (cpu.user + cpu.system) / 1000 / ops,
  };
}

interface Wallet {
  id: string;
  allianceId: string;
  ledgerKey: string;
}

async function throughput(): Promise<Throughput[]> {
  const pool = new pg.Pool({ connectionString: dbUrl, max: CONCURRENCY });
  const db = createDb(dbUrl, { max: CONCURRENCY });
  try {
    const { rows: wallets } = await pool.query<Wallet>(
      `SELECT "id", "allianceId", "ledgerKey" FROM "LedgerAccount" WHERE "kind" = 'EMPLOYEE_WALLET' ORDER BY "ledgerKey"`,
    );
    const { rows: payables } = await pool.query<{ id: string; allianceId: string }>(`SELECT "id", "allianceId" FROM "LedgerAccount" WHERE "kind" = 'PROVIDER_PAYABLE'`);
    const byAlliance = new Map<string, Wallet[]>();
    for (const w of wallets) byAlliance.set(w.allianceId, [...(byAlliance.get(w.allianceId) ?? []), w]);
    const hotPayable = payables[0]!;
    const hotWallets = byAlliance.get(hotPayable.allianceId)!;
    const allianceIds = [...byAlliance.keys()];

    /** Transfer i: 1 cent from one wallet to another of the same alliance (spread), or into the hot payable. */
    const transfer = (run: string, i: number, hot: boolean) => {
      const list = hot ? hotWallets : byAlliance.get(allianceIds[i % allianceIds.length]!)!;
      const from = list[(i * 7919) % list.length]!;
      const to = hot ? { id: hotPayable.id } : list[(i * 104_729 + 1) % list.length]!;
      const target = to.id === from.id ? list[(i + 1) % list.length]! : to;
      return { key: `${run}:${i}`, allianceId: from.allianceId, from: from.id, to: target.id };
    };

    const viaFunction = (run: string, hot: boolean) => async (i: number) => {
      const t = transfer(run, i, hot);
      await postTransaction(db, {
        allianceId: t.allianceId,
        kind: 'ADJUSTMENT',
        idempotencyKey: t.key,
        actor: { system: 'bench' },
        entries: [
          { accountId: t.from, amountCents: -1 },
          { accountId: t.to, amountCents: 1 },
        ],
      });
    };
    const viaSql = (run: string, hot: boolean, silenced: boolean) => async (i: number) => {
      const t = transfer(run, i, hot);
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        if (silenced) await client.query('SET LOCAL session_replication_role = replica');
        const { rows } = await client.query<{ id: string }>(
          `INSERT INTO "LedgerTransaction" ("id", "allianceId", "kind", "idempotencyKey", "actorSystem") VALUES (gen_random_uuid(), $1, 'ADJUSTMENT', $2, 'bench') RETURNING "id"`,
          [t.allianceId, t.key],
        );
        const [a, b] = t.from < t.to ? [t.from, t.to] : [t.to, t.from];
        await client.query(`INSERT INTO "LedgerEntry" ("transactionId", "accountId", "amountCents") VALUES ($1, $2, $3), ($1, $4, $5)`, [
          rows[0]!.id,
          a,
          a === t.from ? -1 : 1,
          b,
          b === t.from ? -1 : 1,
        ]);
        if (silenced) {
          // What the entry trigger does, without its checks; in the same (sorted) lock order.
          for (const id of [a, b]) await client.query(`UPDATE "LedgerAccount" SET "balanceCents" = "balanceCents" + $2 WHERE "id" = $1`, [id, id === t.from ? -1 : 1]);
        }
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      } finally {
        client.release();
      }
    };

    // Warm both paths (connections, prepared plans) outside the measurement.
    await runClients('warm-up', CONCURRENCY * 4, viaFunction('warm-fn', false));
    await runClients('warm-up', CONCURRENCY * 4, viaSql('warm-sql', false, false));

    const results: Throughput[] = [];
    for (const hot of [false, true]) {
      const workload = hot ? 'hot payable' : 'spread';
      const run = hot ? 'hot' : 'spread';
      results.push(await runClients(`postTransaction (${workload})`, OPS, viaFunction(`fn-${run}`, hot)));
      results.push(await runClients(`hand-written SQL (${workload})`, OPS, viaSql(`sql-${run}`, hot, false)));
      results.push(await runClients(`SQL, triggers silenced (${workload})`, OPS, viaSql(`raw-${run}`, hot, true)));
    }
    return results;
  } finally {
    await pool.end();
    await db.$disconnect();
  }
}

/** One ALLOCATION transaction from a company budget into every wallet of its alliance (one entry each). */
async function bulkAllocation(): Promise<{ entries: number; ms: number }> {
  const db = createDb(dbUrl, { max: 2 });
  try {
    const budget = (await db.ledgerAccount.findFirstOrThrow({ where: { kind: 'COMPANY_BUDGET' } })) as { id: string; allianceId: string };
    const bank = await db.ledgerAccount.findFirstOrThrow({ where: { kind: 'BANK_CLEARING', allianceId: budget.allianceId } });
    const wallets = await db.ledgerAccount.findMany({ where: { kind: 'EMPLOYEE_WALLET', allianceId: budget.allianceId }, select: { id: true } });
    const total = wallets.length * 100;
    await postTransaction(db, {
      allianceId: budget.allianceId,
      kind: 'TOP_UP',
      idempotencyKey: 'bulk:top-up',
      actor: { system: 'bench' },
      entries: [
        { accountId: bank.id, amountCents: -total },
        { accountId: budget.id, amountCents: total },
      ],
    });
    const started = performance.now();
    const tx = await postTransaction(db, {
      allianceId: budget.allianceId,
      kind: 'ALLOCATION',
      idempotencyKey: 'bulk:allocation',
      actor: { system: 'bench' },
      entries: [{ accountId: budget.id, amountCents: -total }, ...wallets.map((w) => ({ accountId: w.id, amountCents: 100 }))],
    });
    return { entries: tx.entries.length, ms: performance.now() - started };
  } finally {
    await db.$disconnect();
  }
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const version = await admin(async (c) => (await c.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version);
  console.log(`Ledger benchmark: ${ENTRIES.toLocaleString('en')} entries, ${WALLETS.toLocaleString('en')} wallets, PostgreSQL ${version}, Node ${process.version}`);
  await admin((c) => c.query(`CREATE DATABASE "${dbName}"`));
  try {
    await migrate(dbUrl);
    const generated = await generate();
    console.log(`Generated ${generated.transactions.toLocaleString('en')} transactions / ${(generated.transactions * 2).toLocaleString('en')} entries in ${generated.seconds.toFixed(1)} s`);

    const inProcess = await verifyInProcess();
    if (!inProcess.result.ok) throw new Error(`verifyLedger found problems in generated data: ${JSON.stringify(inProcess.result.problems.slice(0, 3))}`);
    console.log(
      `verifyLedger (in process): ${ms(inProcess.wall)} wall for ${inProcess.result.checked.entries.toLocaleString('en')} entries; ` +
        `RSS ${mb(inProcess.rssBefore)} before, peak ${mb(inProcess.peak)} during (process maxRSS ${mb(inProcess.maxRss)})`,
    );
    const cli = await verifyThroughCli();
    console.log(
      `conciliamo ledger verify --json: exit ${cli.code}, ok=${cli.ok}, ${ms(cli.wall)} wall (process start included; verification ${cli.durationMs} ms), peak RSS ${mb(cli.peak)}`,
    );
    if (cli.code !== 0) throw new Error('the CLI found problems');

    const bulk = await bulkAllocation();
    console.log(`One ALLOCATION transaction of ${bulk.entries.toLocaleString('en')} entries through postTransaction: ${ms(bulk.ms)}`);

    const results = await throughput();
    console.log(`\nPosting throughput: ${CONCURRENCY} concurrent clients, ${OPS.toLocaleString('en')} transfers of 1 cent per row`);
    console.log('| variant | ops/s | p50 | p95 | p99 | client CPU/op | errors |');
    console.log('|---|---:|---:|---:|---:|---:|---:|');
    for (const r of results) {
      console.log(`| ${r.label} | ${r.opsPerSecond.toFixed(0)} | ${ms(r.p50)} | ${ms(r.p95)} | ${ms(r.p99)} | ${ms(r.clientCpuMs)} | ${r.errors} |`);
    }

    const after = await verifyInProcess();
    console.log(`\nverifyLedger after the postings: ok=${after.result.ok}, ${after.result.checked.entries.toLocaleString('en')} entries, ${ms(after.wall)}`);
    if (!after.result.ok) throw new Error(`problems after postings: ${JSON.stringify(after.result.problems.slice(0, 3))}`);
  } finally {
    if (KEEP) console.log(`Kept database ${dbName}`);
    else await admin((c) => c.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`));
  }
}

await main();
