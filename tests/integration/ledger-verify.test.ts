import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type pg from 'pg';
import { createHold, postHold } from '~/domain/ledger/ledger.server';
import { verifyLedger, type LedgerVerification } from '~/domain/ledger/verify.server';
import { runJob, type JobContext, type JobHandle } from '~/jobs/processors.server';
import { getDb, useTestDatabase } from '../setup/database';
import { createLedgerWorld, fundWallet, SYSTEM, topUp, withPg, type LedgerWorld } from './ledger-fixtures';

// verifyLedger finds what the triggers would have refused, when someone bypasses them (here as
// the PostgreSQL superuser with session_replication_role = replica, which silences triggers):
// a tampered cached balance, a missing or an extra entry, a forbidden negative balance, an entry
// on another alliance's account. Each case tampers, checks, undoes, and checks clean again.
// Then the CLI's exit codes and the nightly job.

const ctx = useTestDatabase();
const ROOT = path.resolve(import.meta.dirname, '../..');
let world: LedgerWorld;

beforeAll(async () => {
  const db = getDb();
  world = await createLedgerWorld(db, { employees: 2 });
  await topUp(db, world, 50_000);
  await fundWallet(db, world, world.employees[0]!.wallet.id, 10_000);
  await fundWallet(db, world, world.employees[1]!.wallet.id, 5_000);
  const holdKey = `voucher:${randomUUID()}`;
  await createHold(db, { allianceId: world.tenant.allianceId, from: { accountId: world.employees[0]!.wallet.id }, amountCents: 4_000, holdKey, idempotencyKey: `hold:${holdKey}`, actor: SYSTEM });
  await postHold(db, { allianceId: world.tenant.allianceId, holdKey, amountCents: 1_500, to: { accountId: world.payable.id }, idempotencyKey: `redeem:${holdKey}`, actor: SYSTEM });
});

/** Runs `sql` with triggers silenced, as a careless superuser would. */
async function bypassingTriggers(sql: (client: pg.Client) => Promise<void>): Promise<void> {
  await withPg(ctx.databaseUrl, async (client) => {
    await client.query('BEGIN');
    await client.query('SET LOCAL session_replication_role = replica');
    await sql(client);
    await client.query('COMMIT');
  });
}

function codes(result: LedgerVerification): string[] {
  return result.problems.map((p) => p.code).sort();
}

async function expectClean(): Promise<void> {
  const result = await verifyLedger(getDb());
  expect(result.problems).toEqual([]);
  expect(result.ok).toBe(true);
}

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/conciliamo.js'), ...args], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: ctx.databaseUrl, NODE_ENV: 'test', LOG_LEVEL: 'silent' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('verifyLedger', () => {
  it('finds nothing wrong in a ledger written through the functions', async () => {
    const result = await verifyLedger(getDb());
    expect(result).toMatchObject({ ok: true, problems: [], truncated: false });
    expect(result.checked.accounts).toBeGreaterThanOrEqual(7);
    expect(result.checked.transactions).toBeGreaterThanOrEqual(7);
    expect(result.checked.entries).toBe(result.checked.transactions * 2);
  });

  it('detects a tampered cached balance', async () => {
    const wallet = world.employees[1]!.wallet;
    await bypassingTriggers((c) => c.query(`UPDATE "LedgerAccount" SET "balanceCents" = "balanceCents" + 100 WHERE "id" = $1`, [wallet.id]).then(() => undefined));
    const result = await verifyLedger(getDb());
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([
      expect.objectContaining({
        code: 'BALANCE_MISMATCH',
        accountId: wallet.id,
        ledgerKey: wallet.ledgerKey,
        allianceId: world.tenant.allianceId,
        expectedCents: '5000',
        actualCents: '5100',
      }),
    ]);
    expect(result.problems[0]!.message).toContain('cached balance 5100 cents, its entries sum to 5000 cents');
    await bypassingTriggers((c) => c.query(`UPDATE "LedgerAccount" SET "balanceCents" = "balanceCents" - 100 WHERE "id" = $1`, [wallet.id]).then(() => undefined));
    await expectClean();
  });

  it('detects a missing entry', async () => {
    const wallet = world.employees[1]!.wallet;
    let removed: { id: string; transactionId: string; accountId: string; amountCents: string; createdAt: Date } | undefined;
    await bypassingTriggers(async (c) => {
      const { rows } = await c.query(`DELETE FROM "LedgerEntry" WHERE "id" = (SELECT max("id") FROM "LedgerEntry" WHERE "accountId" = $1) RETURNING *`, [wallet.id]);
      removed = rows[0];
    });
    const result = await verifyLedger(getDb());
    expect(codes(result)).toEqual(['BALANCE_MISMATCH', 'TOO_FEW_ENTRIES', 'UNBALANCED_TRANSACTION']);
    expect(result.problems.find((p) => p.code === 'UNBALANCED_TRANSACTION')).toMatchObject({ transactionId: removed!.transactionId, actualCents: '-5000' });
    await bypassingTriggers((c) =>
      c
        .query(`INSERT INTO "LedgerEntry" ("id", "transactionId", "accountId", "amountCents", "createdAt") VALUES ($1, $2, $3, $4, $5)`, [
          removed!.id,
          removed!.transactionId,
          removed!.accountId,
          removed!.amountCents,
          removed!.createdAt,
        ])
        .then(() => undefined),
    );
    await expectClean();
  });

  it('detects an extra entry appended later to a committed transaction', async () => {
    const tx = await topUp(getDb(), world, 300);
    let entryId = '';
    await bypassingTriggers(async (c) => {
      const { rows } = await c.query(`INSERT INTO "LedgerEntry" ("transactionId", "accountId", "amountCents", "createdAt") VALUES ($1, $2, 300, now() + interval '1 hour') RETURNING "id"`, [
        tx.id,
        world.fund.id,
      ]);
      entryId = String(rows[0].id);
    });
    const result = await verifyLedger(getDb());
    expect(codes(result)).toEqual(['BALANCE_MISMATCH', 'ENTRY_OUTSIDE_TRANSACTION', 'UNBALANCED_TRANSACTION']);
    expect(result.problems.find((p) => p.code === 'BALANCE_MISMATCH')).toMatchObject({ accountId: world.fund.id, expectedCents: '300', actualCents: '0' });
    await bypassingTriggers((c) => c.query(`DELETE FROM "LedgerEntry" WHERE "id" = $1`, [entryId]).then(() => undefined));
    await expectClean();
  });

  it('detects entries that take a wallet below zero, on another alliance’s account', async () => {
    const other = await createLedgerWorld(getDb(), { employees: 0 });
    const wallet = world.employees[1]!.wallet;
    const id = randomUUID();
    await bypassingTriggers(async (c) => {
      await c.query(`INSERT INTO "LedgerTransaction" ("id", "allianceId", "kind", "idempotencyKey", "actorSystem", "createdAt") VALUES ($1, $2, 'ADJUSTMENT', $3, 'sql', now())`, [
        id,
        world.tenant.allianceId,
        `tamper:${id}`,
      ]);
      await c.query(`INSERT INTO "LedgerEntry" ("transactionId", "accountId", "amountCents", "createdAt") VALUES ($1, $2, -9000, now()), ($1, $3, 9000, now())`, [
        id,
        wallet.id,
        other.fund.id,
      ]);
      // The CHECK on the cached balance holds even with triggers silenced: the cached balances stay.
    });
    const result = await verifyLedger(getDb());
    expect(codes(result)).toEqual(['BALANCE_MISMATCH', 'BALANCE_MISMATCH', 'CROSS_ALLIANCE_ENTRY', 'NEGATIVE_BALANCE']);
    expect(result.problems.find((p) => p.code === 'NEGATIVE_BALANCE')).toMatchObject({ accountId: wallet.id, expectedCents: '-4000', actualCents: '5000' });
    expect(result.problems.find((p) => p.code === 'NEGATIVE_BALANCE')!.message).toContain('may not go negative but is at -4000 cents');
    expect(result.problems.find((p) => p.code === 'CROSS_ALLIANCE_ENTRY')).toMatchObject({ transactionId: id, idempotencyKey: `tamper:${id}` });

    await bypassingTriggers(async (c) => {
      await c.query(`DELETE FROM "LedgerEntry" WHERE "transactionId" = $1`, [id]);
      await c.query(`DELETE FROM "LedgerTransaction" WHERE "id" = $1`, [id]);
    });
    await expectClean();
  });

  it('lists at most maxProblems per check and says it truncated', async () => {
    const ids = world.employees.map((e) => e.wallet.id);
    await bypassingTriggers((c) => c.query(`UPDATE "LedgerAccount" SET "balanceCents" = "balanceCents" + 1 WHERE "id" = ANY($1::uuid[])`, [ids]).then(() => undefined));
    const result = await verifyLedger(getDb(), { maxProblems: 1 });
    expect(result).toMatchObject({ ok: false, truncated: true });
    expect(result.problems).toHaveLength(1);
    await bypassingTriggers((c) => c.query(`UPDATE "LedgerAccount" SET "balanceCents" = "balanceCents" - 1 WHERE "id" = ANY($1::uuid[])`, [ids]).then(() => undefined));
    await expectClean();
  });
});

describe('conciliamo ledger verify', () => {
  it('exits 0 on a clean ledger, in words and as JSON', async () => {
    const human = await runCli(['ledger', 'verify']);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^Ledger verified in \d+ ms: \d+ accounts, \d+ transactions, \d+ entries; no problems\.$/m);
    const json = await runCli(['ledger', 'verify', '--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, problems: [], truncated: false });
  });

  it('exits 1 and prints each problem on a tampered ledger; 2 on a bad option', async () => {
    const wallet = world.employees[0]!.wallet;
    await bypassingTriggers((c) => c.query(`UPDATE "LedgerAccount" SET "balanceCents" = "balanceCents" - 7 WHERE "id" = $1`, [wallet.id]).then(() => undefined));
    try {
      const human = await runCli(['ledger', 'verify']);
      expect(human.code).toBe(1);
      expect(human.stdout).toContain('Ledger verification found 1 problems');
      expect(human.stdout).toContain(`  - BALANCE_MISMATCH: Account ${wallet.ledgerKey} (EMPLOYEE_WALLET)`);
      expect(human.stderr).toContain('error: Ledger verification failed: 1 problems');
      const json = await runCli(['ledger', 'verify', '--json']);
      expect(json.code).toBe(1);
      expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, problems: [{ code: 'BALANCE_MISMATCH', accountId: wallet.id }] });
    } finally {
      await bypassingTriggers((c) => c.query(`UPDATE "LedgerAccount" SET "balanceCents" = "balanceCents" + 7 WHERE "id" = $1`, [wallet.id]).then(() => undefined));
    }
    const usage = await runCli(['ledger', 'verify', '--max-problems', '0']);
    expect(usage.code).toBe(2);
    const help = await runCli(['ledger', 'verify', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Example');
  });
});

describe('the nightly ledger:verify job', () => {
  const handle: JobHandle = { id: 'test', queueName: 'ledger', name: 'verify', data: {}, attemptsMade: 0, opts: { attempts: 3 }, updateProgress: async () => undefined };
  function context(lines: string[]): JobContext {
    const log = (level: string) => (obj: unknown, msg?: string) => void lines.push(`${level}: ${msg ?? ''} ${JSON.stringify(obj)}`);
    return { db: getDb(), transport: { name: 'none', send: async () => ({ messageId: 'x' }), close() {} }, logger: { info: log('info'), warn: log('warn'), error: log('error') } as never };
  }

  it('logs a clean ledger and audits nothing', async () => {
    const lines: string[] = [];
    const before = await getDb().auditEvent.count({ where: { action: 'ledger.verify_failed' } });
    await runJob(handle, context(lines));
    expect(lines.some((l) => l.startsWith('info: ledger verified: no problems'))).toBe(true);
    expect(await getDb().auditEvent.count({ where: { action: 'ledger.verify_failed' } })).toBe(before);
  });

  it('logs and audits problems, per alliance, with ids and codes only', async () => {
    const wallet = world.employees[0]!.wallet;
    await bypassingTriggers((c) => c.query(`UPDATE "LedgerAccount" SET "balanceCents" = "balanceCents" + 42 WHERE "id" = $1`, [wallet.id]).then(() => undefined));
    try {
      const lines: string[] = [];
      await runJob(handle, context(lines));
      expect(lines.some((l) => l.startsWith('error: ledger verification found problems'))).toBe(true);
      const events = await getDb().auditEvent.findMany({ where: { action: 'ledger.verify_failed' } });
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        allianceId: world.tenant.allianceId,
        subjectType: 'Ledger',
        metadata: { problemCount: 1, counts: { BALANCE_MISMATCH: 1 }, problems: [{ code: 'BALANCE_MISMATCH', accountId: wallet.id, actualCents: expect.any(String) }] },
      });
    } finally {
      await bypassingTriggers((c) => c.query(`UPDATE "LedgerAccount" SET "balanceCents" = "balanceCents" - 42 WHERE "id" = $1`, [wallet.id]).then(() => undefined));
    }
    await expectClean();
  });
});

describe('statistics after bulk changes', () => {
  it('analyses the ledger tables changed by more than a tenth before verifying, and only those', async () => {
    const { refreshStaleLedgerStatistics } = await import('~/domain/ledger/verify.server');
    await refreshStaleLedgerStatistics(getDb());
    // 3,000 header rows in and out again (no entries, so nothing to tamper): 6,000 modifications.
    await bypassingTriggers(async (c) => {
      await c.query(
        `INSERT INTO "LedgerTransaction" ("id", "allianceId", "kind", "idempotencyKey", "actorSystem")
         SELECT gen_random_uuid(), $1, 'ADJUSTMENT', 'bulk-stats:' || g, 'test' FROM generate_series(1, 3000) g`,
        [world.tenant.allianceId],
      );
      await c.query(`DELETE FROM "LedgerTransaction" WHERE "idempotencyKey" LIKE 'bulk-stats:%'`);
    });
    await withPg(ctx.databaseUrl, (c) => c.query('SELECT pg_stat_force_next_flush()').then(() => undefined));
    let analysed: string[] = [];
    await expect.poll(async () => (analysed = await refreshStaleLedgerStatistics(getDb())), { timeout: 10_000, interval: 250 }).toContain('LedgerTransaction');
    expect(analysed).not.toContain('LedgerEntry');
    await expectClean();
  });
});
