import { commitAllocationRun, listRunLines, previewAllocationRun } from '~/domain/allocations/allocations.server';
import { InsufficientFunds } from '~/domain/ledger/ledger.server';
import { setManualAmounts, setRules } from '~/domain/plans/plans.server';
import { Conflict } from '~/utils/errors.server';
import { getDb, useTestDatabase } from '../setup/database';
import { activePlan, addEmployee, addPerson, budgetCents, createPlansWorld, expectCleanLedger, topUpBudget, walletCents, type PlansWorld } from './plans-fixtures';

// Allocation runs on a real database: the preview's totals per rule and per employee, the commit
// as one ledger transaction, idempotency per run, deltas on later runs, and a run larger than the
// budget refused with nothing written.

useTestDatabase();

let world: PlansWorld;

beforeAll(async () => {
  world = await createPlansWorld(getDb(), [
    { category: 'operai', children: 2, dependents: 0 },
    { category: 'impiegati', children: 0, dependents: 1 },
    { category: 'operai', children: 1, dependents: 2 },
    // Left before today: not on the roster of a run.
    { category: 'operai', children: 3, terminationDate: '2021-06-30' },
    // Hired in the future: not yet on the roster.
    { category: 'impiegati', hireDate: '2099-01-01' },
  ]);
});

describe('preview', () => {
  it('computes totals per rule, per employee and the shortfall against the budget, and moves nothing', async () => {
    const db = getDb();
    const planId = await activePlan(db, world, { flatCents: 20_000 });
    await setRules(db, world.admin.actor, planId, [
      { kind: 'FLAT', employeeCategory: null, amountCents: 20_000 },
      { kind: 'PER_CHILD', employeeCategory: null, amountCents: 10_000 },
      { kind: 'PER_DEPENDENT', employeeCategory: null, amountCents: 15_000 },
      { kind: 'BY_CATEGORY', employeeCategory: 'operai', amountCents: 5_000 },
      { kind: 'MANUAL', employeeCategory: null, amountCents: null },
    ]);
    await setManualAmounts(db, world.admin.actor, planId, `${world.employees[1]!.email}; 75,00`);
    const before = await budgetCents(db, world.tenant);

    const run = await previewAllocationRun(db, world.admin.actor, planId);
    expect(run.status).toBe('PREVIEWED');
    expect(run.totals.eligibleEmployees).toBe(3);
    expect(run.totals.rules.map((r) => [r.kind, r.employees, r.units, r.totalCents])).toEqual([
      ['FLAT', 3, 3, 60_000],
      ['PER_CHILD', 2, 3, 30_000],
      ['PER_DEPENDENT', 2, 3, 45_000],
      ['BY_CATEGORY', 2, 2, 10_000],
      ['MANUAL', 1, 1, 7_500],
    ]);
    expect(run.totalCents).toBe(152_500);
    expect(run.employeeCount).toBe(3);
    expect(run.budgetCents).toBe(before);
    expect(run.shortfallCents).toBe(Math.max(0, 152_500 - before));

    const lines = await listRunLines(db, world.admin.actor, planId, run.id, { page: 1, sort: 'amount', dir: 'desc' });
    expect(lines.total).toBe(3);
    expect(lines.rows.map((l) => [l.membershipId, l.amountCents])).toEqual([
      [world.employees[2]!.membershipId, 20_000 + 10_000 + 30_000 + 5_000],
      [world.employees[0]!.membershipId, 20_000 + 20_000 + 5_000],
      [world.employees[1]!.membershipId, 20_000 + 15_000 + 7_500],
    ]);
    expect(await budgetCents(db, world.tenant)).toBe(before);
    expect(await db.ledgerTransaction.count({ where: { idempotencyKey: `allocation-run:${run.id}` } })).toBe(0);
  });
});

describe('commit', () => {
  it('moves budget into every wallet in one ledger transaction, and a second commit changes nothing', async () => {
    const db = getDb();
    const planId = await activePlan(db, world, { flatCents: 25_000 });
    await topUpBudget(db, world.tenant, 100_000);
    const before = await budgetCents(db, world.tenant);
    const run = await previewAllocationRun(db, world.admin.actor, planId);
    expect(run.totalCents).toBe(75_000);

    const first = await commitAllocationRun(db, world.admin.actor, planId, run.id);
    expect(first.replayed).toBe(false);
    expect(first.run.status).toBe('COMMITTED');
    expect(await budgetCents(db, world.tenant)).toBe(before - 75_000);
    for (const e of world.employees.slice(0, 3)) expect(await walletCents(db, e.membershipId, planId)).toBe(25_000);
    expect(await walletCents(db, world.employees[3]!.membershipId, planId)).toBe(0);

    const transaction = await db.ledgerTransaction.findUniqueOrThrow({ where: { idempotencyKey: `allocation-run:${run.id}` }, include: { entries: true } });
    expect(transaction.kind).toBe('ALLOCATION');
    expect(transaction.entries).toHaveLength(4);

    const second = await commitAllocationRun(db, world.admin.actor, planId, run.id);
    expect(second.replayed).toBe(true);
    expect(await budgetCents(db, world.tenant)).toBe(before - 75_000);
    expect(await db.ledgerTransaction.count({ where: { idempotencyKey: { startsWith: 'allocation-run:' }, metadata: { path: ['planId'], equals: planId } } })).toBe(1);
    await expectCleanLedger(db);
  });

  it('gives a later run only what is new: a new hire and a raised rule', async () => {
    const db = getDb();
    const planId = await activePlan(db, world, { flatCents: 10_000 });
    await topUpBudget(db, world.tenant, 200_000);
    const first = await previewAllocationRun(db, world.admin.actor, planId);
    await commitAllocationRun(db, world.admin.actor, planId, first.id);

    const hire = await addEmployee(db, world.tenant.companyId, { category: 'impiegati' });
    await setRules(db, world.admin.actor, planId, [{ kind: 'FLAT', employeeCategory: null, amountCents: 12_000 }]);
    const second = await previewAllocationRun(db, world.admin.actor, planId);
    // Three old employees get 20 € more each, the new hire 120 €.
    expect(second.totals.alreadyAllocatedCents).toBe(30_000);
    expect(second.totalCents).toBe(3 * 2_000 + 12_000);
    await commitAllocationRun(db, world.admin.actor, planId, second.id);
    expect(await walletCents(db, hire.membershipId, planId)).toBe(12_000);
    expect(await walletCents(db, world.employees[0]!.membershipId, planId)).toBe(12_000);

    // Nothing left to give: the preview says so and the commit is refused.
    const third = await previewAllocationRun(db, world.admin.actor, planId);
    expect(third.totalCents).toBe(0);
    await expect(commitAllocationRun(db, world.admin.actor, planId, third.id)).rejects.toBeInstanceOf(Conflict);
    await expectCleanLedger(db);
  });

  it('refuses a run larger than the budget: nothing written, the run FAILED', async () => {
    const db = getDb();
    const planId = await activePlan(db, world, { flatCents: 9_000_000 });
    const before = await budgetCents(db, world.tenant);
    const run = await previewAllocationRun(db, world.admin.actor, planId);
    expect(run.shortfallCents).toBeGreaterThan(0);
    const entriesBefore = await db.ledgerEntry.count();
    const accountsBefore = await db.ledgerAccount.count({ where: { planId } });

    const error = await commitAllocationRun(db, world.admin.actor, planId, run.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InsufficientFunds);
    expect((error as InsufficientFunds).shortfallCents).toBe(run.totalCents - before);
    expect((error as InsufficientFunds).accountKind).toBe('COMPANY_BUDGET');

    expect(await budgetCents(db, world.tenant)).toBe(before);
    expect(await db.ledgerEntry.count()).toBe(entriesBefore);
    expect(await db.ledgerAccount.count({ where: { planId } })).toBe(accountsBefore);
    expect(await db.ledgerTransaction.count({ where: { idempotencyKey: `allocation-run:${run.id}` } })).toBe(0);
    const failed = await db.allocationRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(failed.status).toBe('FAILED');
    expect(failed.failureReason).toMatch(/^insufficient_funds/);
    // A failed run cannot be committed later, even after a top-up.
    await topUpBudget(db, world.tenant, 100_000_000);
    await expect(commitAllocationRun(db, world.admin.actor, planId, run.id)).rejects.toMatchObject({ details: { reason: 'run_failed' } });
    await expectCleanLedger(db);
  });

  it('refuses a stale preview once another run of the plan was committed after it', async () => {
    const db = getDb();
    const planId = await activePlan(db, world, { flatCents: 1_000 });
    await topUpBudget(db, world.tenant, 10_000);
    const a = await previewAllocationRun(db, world.admin.actor, planId);
    const b = await previewAllocationRun(db, world.admin.actor, planId);
    await commitAllocationRun(db, world.admin.actor, planId, b.id);
    await expect(commitAllocationRun(db, world.admin.actor, planId, a.id)).rejects.toMatchObject({ details: { reason: 'preview_stale' } });
    expect((await db.allocationRun.findUniqueOrThrow({ where: { id: a.id } })).status).toBe('FAILED');
    await expectCleanLedger(db);
  });

  it('gives credit to an employee invited without a roster record (a small company), never to a suspended one', async () => {
    const db = getDb();
    const invited = await addPerson(db, world.tenant.companyId, 'EMPLOYEE', 'invitato');
    const suspended = await addEmployee(db, world.tenant.companyId, { category: 'operai' });
    await db.membership.update({ where: { id: suspended.membershipId }, data: { status: 'SUSPENDED' } });
    const planId = await activePlan(db, world, { flatCents: 3_000 });
    await topUpBudget(db, world.tenant, 50_000);
    const run = await previewAllocationRun(db, world.admin.actor, planId);
    const lines = await listRunLines(db, world.admin.actor, planId, run.id, { page: 1, sort: 'name', dir: 'asc' });
    const who = lines.rows.map((l) => l.membershipId);
    expect(who).toContain(invited.membershipId);
    expect(who).not.toContain(suspended.membershipId);
    await commitAllocationRun(db, world.admin.actor, planId, run.id);
    expect(await walletCents(db, invited.membershipId, planId)).toBe(3_000);
    await expectCleanLedger(db);
  });

  it('keeps the run history: committed runs cannot be changed, lines cannot be added or edited', async () => {
    const db = getDb();
    const committed = await db.allocationRun.findFirstOrThrow({ where: { status: 'COMMITTED' } });
    await expect(db.allocationRun.update({ where: { id: committed.id }, data: { totalCents: 1n } })).rejects.toThrow();
    await expect(db.allocationRunLine.updateMany({ where: { runId: committed.id }, data: { amountCents: 1 } })).rejects.toThrow();
    await expect(db.allocationRun.delete({ where: { id: committed.id } })).rejects.toThrow();
  });
});
