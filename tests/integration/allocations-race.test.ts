import { commitAllocationRun, previewAllocationRun } from '~/domain/allocations/allocations.server';
import { InsufficientFunds } from '~/domain/ledger/ledger.server';
import { createDb, type Db } from '~/utils/db.server';
import { getDb, useTestDatabase } from '../setup/database';
import { outcome } from './ledger-fixtures';
import { activePlan, budgetCents, createPlansWorld, expectCleanLedger, topUpBudget, walletCents, type PlansWorld } from './plans-fixtures';

// Concurrent allocation commits on real transactions (a pool of 20 connections): together they
// never take more than the company budget holds, and one run is never committed twice.

const ctx = useTestDatabase();
let world: PlansWorld;
let pool: Db;

beforeAll(async () => {
  world = await createPlansWorld(getDb(), [{}, {}, {}]);
  pool = createDb(ctx.databaseUrl, { max: 20 });
});
afterAll(async () => {
  await pool.$disconnect();
});

function tally(results: Array<{ ok: boolean; name?: string }>) {
  const counts: Record<string, number> = {};
  for (const r of results) {
    const key = r.ok ? 'ok' : (r.name ?? 'error');
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

describe('concurrent allocation runs', () => {
  it('12 runs of 300 € against a 1,000 € budget, committed at once: exactly 3 commit, the budget never goes below zero', async () => {
    const db = getDb();
    const plans: string[] = [];
    for (let i = 0; i < 12; i++) plans.push(await activePlan(db, world, { flatCents: 10_000, draft: { name: `Piano concorrente ${i}` } }));
    const start = await budgetCents(db, world.tenant);
    await topUpBudget(db, world.tenant, 100_000 - start);
    const runs = [];
    for (const planId of plans) runs.push({ planId, run: await previewAllocationRun(db, world.admin.actor, planId) });
    expect(runs.every((r) => r.run.totalCents === 30_000)).toBe(true);

    const results = await Promise.all(runs.map(({ planId, run }) => outcome(commitAllocationRun(pool, world.admin.actor, planId, run.id))));
    expect(tally(results)).toEqual({ ok: 3, InsufficientFunds: 9 });
    for (const r of results) if (!r.ok) expect(r.error).toBeInstanceOf(InsufficientFunds);

    expect(await budgetCents(db, world.tenant)).toBe(10_000);
    const statuses = await db.allocationRun.groupBy({ by: ['status'], where: { planId: { in: plans } }, _count: true });
    expect(Object.fromEntries(statuses.map((s) => [s.status, s._count]))).toEqual({ COMMITTED: 3, FAILED: 9 });
    // Only the committed plans' wallets hold credit.
    const committedPlans = runs.filter((_, i) => results[i]!.ok).map((r) => r.planId);
    let walletTotal = 0;
    for (const planId of plans) for (const e of world.employees) walletTotal += await walletCents(db, e.membershipId, planId);
    expect(walletTotal).toBe(90_000);
    for (const planId of committedPlans) expect(await walletCents(db, world.employees[0]!.membershipId, planId)).toBe(10_000);
    await expectCleanLedger(db);
  });

  it('the same run committed 10 times at once moves the money once', async () => {
    const db = getDb();
    const planId = await activePlan(db, world, { flatCents: 5_000, draft: { name: 'Piano doppio clic' } });
    await topUpBudget(db, world.tenant, 15_000);
    const before = await budgetCents(db, world.tenant);
    const run = await previewAllocationRun(db, world.admin.actor, planId);

    const results = await Promise.all(Array.from({ length: 10 }, () => outcome(commitAllocationRun(pool, world.admin.actor, planId, run.id))));
    expect(tally(results)).toEqual({ ok: 10 });
    const replays = results.filter((r) => r.ok && r.value.replayed).length;
    expect(replays).toBe(9);
    expect(await budgetCents(db, world.tenant)).toBe(before - 15_000);
    expect(await db.ledgerTransaction.count({ where: { idempotencyKey: `allocation-run:${run.id}` } })).toBe(1);
    for (const e of world.employees) expect(await walletCents(db, e.membershipId, planId)).toBe(5_000);
    await expectCleanLedger(db);
  });

  it('runs of one plan previewed together: the first commit wins, the others are stale, never a double allocation', async () => {
    const db = getDb();
    const planId = await activePlan(db, world, { flatCents: 2_000, draft: { name: 'Piano anteprime parallele' } });
    await topUpBudget(db, world.tenant, 60_000);
    const runs = [];
    for (let i = 0; i < 5; i++) runs.push(await previewAllocationRun(db, world.admin.actor, planId));
    const results = await Promise.all(runs.map((run) => outcome(commitAllocationRun(pool, world.admin.actor, planId, run.id))));
    expect(tally(results)).toEqual({ ok: 1, Conflict: 4 });
    for (const e of world.employees) expect(await walletCents(db, e.membershipId, planId)).toBe(2_000);
    await expectCleanLedger(db);
  });
});
