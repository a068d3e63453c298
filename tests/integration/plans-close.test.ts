import { commitAllocationRun, previewAllocationRun } from '~/domain/allocations/allocations.server';
import { ensureAccount, postTransaction } from '~/domain/ledger/ledger.server';
import { addDays, dateOfDay, romeToday } from '~/domain/plans/plans.fns';
import { applyLeaversEndOfAccess, closeDuePlans, runPlanClose, sendExpiryReminders } from '~/domain/plans/close.server';
import { createPlan } from '~/domain/plans/plans.server';
import { listMyMovements } from '~/domain/wallets/wallets.server';
import { runJob, type JobContext } from '~/jobs/processors.server';
import { jobs } from '~/jobs/registry';
import { getDb, useTestDatabase } from '../setup/database';
import { activePlan, addEmployee, budgetCents, createPlansWorld, draft, expectCleanLedger, topUpBudget, walletCents, type PlansWorld } from './plans-fixtures';

// The end of a plan's period: each end rule, leavers after their grace days, re-running changes
// nothing, and the 30- and 7-day reminders are each sent once.

useTestDatabase();

const today = romeToday();

async function allocatedPlan(world: PlansWorld, flatCents: number, overrides: Parameters<typeof activePlan>[2] = {}) {
  const db = getDb();
  const planId = await activePlan(db, world, { flatCents, ...overrides });
  await topUpBudget(db, world.tenant, flatCents * world.employees.length);
  const run = await previewAllocationRun(db, world.admin.actor, planId);
  await commitAllocationRun(db, world.admin.actor, planId, run.id);
  return planId;
}

/** Moves the plan's period into the past (as if time had passed). */
async function endYesterday(planId: string) {
  await getDb().welfarePlan.update({ where: { id: planId }, data: { startsOn: dateOfDay(addDays(today, -200)), endsOn: dateOfDay(addDays(today, -1)) } });
}

/** Spends part of a wallet, as a voucher redemption would (the money leaves the wallet). */
async function spend(world: PlansWorld, membershipId: string, planId: string, cents: number) {
  const db = getDb();
  const payable = await ensureAccount(db, { allianceId: world.tenant.allianceId, kind: 'PROVIDER_PAYABLE', organizationId: world.tenant.providerId });
  await postTransaction(db, {
    allianceId: world.tenant.allianceId,
    kind: 'ADJUSTMENT',
    idempotencyKey: `test-spend:${membershipId}:${planId}`,
    actor: { system: 'test' },
    entries: [
      { ledgerKey: `wallet:${membershipId}:${planId}`, amountCents: -cents },
      { accountId: payable.id, amountCents: cents },
    ],
  });
}

async function closeTransactions(planId: string) {
  return getDb().ledgerTransaction.findMany({ where: { idempotencyKey: { startsWith: `plan-close:${planId}:` } }, include: { entries: true } });
}

describe('closing a plan at its end date', () => {
  it('RETURN_TO_COMPANY: unspent credit goes back to the budget, the plan closes, re-running changes nothing', async () => {
    const db = getDb();
    const world = await createPlansWorld(db, [{}, {}, {}]);
    const planId = await allocatedPlan(world, 10_000);
    await spend(world, world.employees[0]!.membershipId, planId, 4_000);
    await spend(world, world.employees[2]!.membershipId, planId, 10_000);
    await endYesterday(planId);
    const budgetBefore = await budgetCents(db, world.tenant);

    const result = await closeDuePlans(db);
    expect(result.plans).toBeGreaterThanOrEqual(1);
    const plan = await db.welfarePlan.findUniqueOrThrow({ where: { id: planId } });
    expect(plan.status).toBe('CLOSED');
    expect(plan.closedAt).not.toBeNull();
    expect(await budgetCents(db, world.tenant)).toBe(budgetBefore + 6_000 + 10_000);
    for (const e of world.employees) expect(await walletCents(db, e.membershipId, planId)).toBe(0);
    const transactions = await closeTransactions(planId);
    // The fully spent wallet had nothing to move.
    expect(transactions.map((t) => t.idempotencyKey).sort()).toEqual(
      [world.employees[0]!, world.employees[1]!].map((e) => `plan-close:${planId}:${e.membershipId}`).sort(),
    );
    expect(transactions.every((t) => t.kind === 'PLAN_CLOSE')).toBe(true);
    expect(await db.auditEvent.count({ where: { action: 'plan.closed', subjectId: planId } })).toBe(1);

    const entries = await db.ledgerEntry.count();
    await runPlanClose(db);
    await runPlanClose(db);
    expect(await db.ledgerEntry.count()).toBe(entries);
    expect(await budgetCents(db, world.tenant)).toBe(budgetBefore + 16_000);
    expect(await db.auditEvent.count({ where: { action: 'plan.closed', subjectId: planId } })).toBe(1);
    // A closed plan is history.
    await expect(db.welfarePlan.update({ where: { id: planId }, data: { name: 'Cambiato' } })).rejects.toThrow();
    await expectCleanLedger(db);
  });

  it('DONATE_TO_SOLIDARITY_FUND: unspent credit goes to the alliance fund', async () => {
    const db = getDb();
    const world = await createPlansWorld(db, [{}, {}]);
    const planId = await allocatedPlan(world, 7_500, { draft: { endRule: 'DONATE_TO_SOLIDARITY_FUND' } });
    await endYesterday(planId);
    const fund = await ensureAccount(db, { allianceId: world.tenant.allianceId, kind: 'SOLIDARITY_FUND' });
    await runPlanClose(db);
    const after = await db.ledgerAccount.findUniqueOrThrow({ where: { id: fund.id } });
    expect(Number(after.balanceCents)).toBe(15_000);
    expect((await closeTransactions(planId)).every((t) => (t.metadata as { endRule?: string }).endRule === 'DONATE_TO_SOLIDARITY_FUND')).toBe(true);
    await runPlanClose(db);
    expect(Number((await db.ledgerAccount.findUniqueOrThrow({ where: { id: fund.id } })).balanceCents)).toBe(15_000);
    await expectCleanLedger(db);
  });

  it('CARRY_OVER: unspent credit moves to each employee’s wallet in the next plan', async () => {
    const db = getDb();
    const world = await createPlansWorld(db, [{}, {}]);
    const year = Number(today.slice(0, 4));
    const next = await createPlan(db, world.admin.actor, draft({ name: 'Piano successivo', startsOn: `${year + 1}-01-01`, endsOn: `${year + 1}-12-31` }));
    const planId = await allocatedPlan(world, 12_000, { draft: { endRule: 'CARRY_OVER', carryOverPlanId: next.id } });
    await spend(world, world.employees[1]!.membershipId, planId, 2_000);
    await endYesterday(planId);
    await runPlanClose(db);
    expect(await walletCents(db, world.employees[0]!.membershipId, next.id)).toBe(12_000);
    expect(await walletCents(db, world.employees[1]!.membershipId, next.id)).toBe(10_000);
    expect(await walletCents(db, world.employees[0]!.membershipId, planId)).toBe(0);
    await runPlanClose(db);
    expect(await walletCents(db, world.employees[0]!.membershipId, next.id)).toBe(12_000);

    // The employee sees both sides of the carry-over in plain words.
    await db.welfarePlan.update({ where: { id: next.id }, data: { status: 'ACTIVE', activatedAt: new Date() } });
    const actor = world.employees[0]!.actor;
    const oldMoves = await listMyMovements(db, actor, { piano: planId, page: 1, sort: 'date', dir: 'asc' });
    expect(oldMoves.rows.map((r) => [r.kind, r.amountCents])).toEqual([
      ['ALLOCATION', 12_000],
      ['PLAN_CLOSE', -12_000],
    ]);
    const newMoves = await listMyMovements(db, actor, { piano: next.id, page: 1, sort: 'date', dir: 'asc' });
    expect(newMoves.rows.map((r) => [r.kind, r.amountCents])).toEqual([['PLAN_CLOSE', 12_000]]);
    await expectCleanLedger(db);
  });
});

describe('leavers', () => {
  it('after the grace days a leaver’s credit follows the end rule; within them it stays; re-running changes nothing', async () => {
    const db = getDb();
    const world = await createPlansWorld(db, [{}]);
    const gone = await addEmployee(db, world.tenant.companyId, { hireDate: '2020-01-01', terminationDate: addDays(today, 100) });
    const leaving = await addEmployee(db, world.tenant.companyId, { hireDate: '2020-01-01', terminationDate: addDays(today, 100) });
    world.employees.push(gone, leaving);
    const planId = await allocatedPlan(world, 5_000, { draft: { leaverGraceDays: 30 } });
    // Both were employed on the run's day; now one left 31 days ago, the other 10 days ago.
    await db.employeeProfile.update({ where: { membershipId: gone.membershipId }, data: { terminationDate: dateOfDay(addDays(today, -31)) } });
    await db.employeeProfile.update({ where: { membershipId: leaving.membershipId }, data: { terminationDate: dateOfDay(addDays(today, -10)) } });
    const budgetBefore = await budgetCents(db, world.tenant);

    expect(await walletCents(db, gone.membershipId, planId)).toBe(5_000);
    const first = await applyLeaversEndOfAccess(db);
    expect(first.wallets).toBe(1);
    expect(await walletCents(db, gone.membershipId, planId)).toBe(0);
    expect(await walletCents(db, leaving.membershipId, planId)).toBe(5_000);
    expect(await walletCents(db, world.employees[0]!.membershipId, planId)).toBe(5_000);
    expect(await budgetCents(db, world.tenant)).toBe(budgetBefore + 5_000);
    expect((await closeTransactions(planId)).map((t) => (t.metadata as { reason?: string }).reason)).toEqual(['leaver']);

    expect((await applyLeaversEndOfAccess(db)).wallets).toBe(0);
    // Twenty-one days later the second leaver's grace is over too.
    expect((await applyLeaversEndOfAccess(db, { today: addDays(today, 21) })).wallets).toBe(1);
    expect(await walletCents(db, leaving.membershipId, planId)).toBe(0);
    expect((await db.welfarePlan.findUniqueOrThrow({ where: { id: planId } })).status).toBe('ACTIVE');
    await expectCleanLedger(db);
  });
});

describe('expiry reminders', () => {
  it('30 and 7 days before the last day, to employees with credit, each once', async () => {
    const db = getDb();
    const world = await createPlansWorld(db, [{}, {}, {}]);
    const planId = await allocatedPlan(world, 3_000);
    await spend(world, world.employees[2]!.membershipId, planId, 3_000);
    const endsOn = '2030-06-30';
    await db.welfarePlan.update({ where: { id: planId }, data: { startsOn: dateOfDay('2029-07-01'), endsOn: dateOfDay(endsOn) } });
    const mails = () => db.mailMessage.findMany({ where: { dedupeKey: { startsWith: `plan-expiry:${planId}:` } }, orderBy: { dedupeKey: 'asc' } });

    await sendExpiryReminders(db, { today: '2030-05-30' });
    expect(await mails()).toHaveLength(0);

    const first = await sendExpiryReminders(db, { today: '2030-06-01' });
    expect(first.queued).toBe(2);
    const thirty = await mails();
    expect(thirty.map((m) => m.dedupeKey)).toEqual(
      [world.employees[0]!, world.employees[1]!].map((e) => `plan-expiry:${planId}:${e.membershipId}:${endsOn}:30`).sort(),
    );
    expect(thirty.map((m) => m.toAddress).sort()).toEqual([world.employees[0]!.email, world.employees[1]!.email].sort());
    expect(thirty[0]!.subject).toBe('Il tuo credito welfare scade il 30/06/2030');
    expect(thirty[0]!.textBody).toContain('30,00');
    expect(thirty[0]!.textBody).toContain('/lavoratore/portafoglio');

    expect((await sendExpiryReminders(db, { today: '2030-06-02' })).queued).toBe(0);
    expect((await sendExpiryReminders(db, { today: '2030-06-24' })).queued).toBe(2);
    expect((await sendExpiryReminders(db, { today: '2030-06-25' })).queued).toBe(0);
    expect((await sendExpiryReminders(db, { today: '2030-06-30' })).queued).toBe(0);
    expect((await mails()).map((m) => m.dedupeKey.split(':').pop()).sort()).toEqual(['30', '30', '7', '7']);
    expect(await db.outboxEvent.count({ where: { jobName: 'send-email' } })).toBeGreaterThanOrEqual(4);
  });
});

describe('the scheduled jobs', () => {
  it('plans:close and plans:remind run through the job registry and are idempotent', async () => {
    const db = getDb();
    const world = await createPlansWorld(db, [{}]);
    const planId = await allocatedPlan(world, 2_500);
    await endYesterday(planId);
    const logs: unknown[] = [];
    const context = { db, transport: {} as JobContext['transport'], logger: { info: (o: unknown) => logs.push(o), warn: () => undefined, error: () => undefined } };
    const handle = (definition: typeof jobs.planClose | typeof jobs.planReminders) =>
      ({ id: 'j1', queueName: definition.queue, name: definition.name, data: {}, attemptsMade: 0, opts: definition.options, updateProgress: async () => undefined }) as never;
    const budgetBefore = await budgetCents(db, world.tenant);
    await runJob(handle(jobs.planClose), context);
    await runJob(handle(jobs.planClose), context);
    await runJob(handle(jobs.planReminders), context);
    expect((await db.welfarePlan.findUniqueOrThrow({ where: { id: planId } })).status).toBe('CLOSED');
    expect(await budgetCents(db, world.tenant)).toBe(budgetBefore + 2_500);
    expect(await db.ledgerTransaction.count({ where: { idempotencyKey: { startsWith: `plan-close:${planId}:` } } })).toBe(1);
    expect(logs).toContainEqual(expect.objectContaining({ closedPlans: 1 }));
    expect(logs).toContainEqual(expect.objectContaining({ closedPlans: 0 }));
    await expectCleanLedger(db);
  });
});
