import { createHash, randomUUID } from 'node:crypto';
import type { Actor } from '~/domain/auth/actor';
import { recordAudit } from '~/domain/audit/audit.server';
import { clampPage, pageCount } from '~/domain/directory/directory.fns';
import { ensureAccount, InsufficientFunds, postTransaction } from '~/domain/ledger/ledger.server';
import { dateOfDay, dayOf, romeToday, type RuleKindName } from '~/domain/plans/plans.fns';
import { companyScopeOf, findCompanyPlan, getCompanyBudgetCents, ledgerActorOfScope, type AuditContext, type CompanyScope } from '~/domain/plans/plans.server';
import { ensureWallets } from '~/domain/wallets/wallets.server';
import { Prisma } from '~/generated/prisma/client';
import type { Db, DbTx } from '~/utils/db.server';
import { Conflict, isDomainError, NotFound } from '~/utils/errors.server';
import {
  computeAllocation,
  linesDigestInput,
  previewExpired,
  shortfallCents,
  type AllocationLine,
  type EmployeeForAllocation,
  type LineSort,
  type RuleTotal,
} from './allocations.fns';
import { employeesForAllocation } from './employees.server';

// Allocation runs: the company previews what a plan's rules give each employee (totals per rule,
// the grand total, any shortfall against the budget), then commits exactly that preview as ONE
// ledger transaction COMPANY_BUDGET → every wallet, under the idempotency key
// `allocation-run:<runId>`. The ledger refuses a debit beyond the budget (nothing is written: the
// run is marked FAILED); concurrent commits of one plan are serialised by the plan's row lock, and
// concurrent debits of one budget by the ledger's conditional update.

/** Long enough for 50,000 wallets on a modest machine; the run is one database transaction. */
const COMMIT_TRANSACTION = { isolationLevel: 'ReadCommitted', maxWait: 15_000, timeout: 600_000 } as const;

export const LINES_PAGE_SIZE = 25;

function isFullClient(db: Db | DbTx): db is Db {
  return typeof (db as Partial<Db>).$transaction === 'function';
}

/** `fn` in a new transaction with `options`, or inside the caller's transaction (demo seed, benchmarks). */
function runTransaction<T>(db: Db | DbTx, fn: (tx: DbTx) => Promise<T>): Promise<T> {
  return isFullClient(db) ? db.$transaction(fn, COMMIT_TRANSACTION) : fn(db);
}

export interface RunTotals {
  rules: RuleTotal[];
  eligibleEmployees: number;
  targetCents: number;
  alreadyAllocatedCents: number;
  aboveTarget: number;
}

export interface RunView {
  id: string;
  planId: string;
  status: 'PREVIEWED' | 'COMMITTED' | 'FAILED';
  asOf: string;
  employeeCount: number;
  totalCents: number;
  budgetCents: number;
  shortfallCents: number;
  totals: RunTotals;
  failureReason: string | null;
  createdAt: string;
  committedAt: string | null;
  createdByName: string | null;
  committedByName: string | null;
  expired: boolean;
}

const RUN_SELECT = {
  id: true,
  planId: true,
  status: true,
  asOf: true,
  employeeCount: true,
  totalCents: true,
  budgetCents: true,
  shortfallCents: true,
  totals: true,
  linesDigest: true,
  failureReason: true,
  createdAt: true,
  committedAt: true,
  createdBy: { select: { givenName: true, familyName: true } },
  committedBy: { select: { givenName: true, familyName: true } },
} satisfies Prisma.AllocationRunSelect;

type RunRow = Prisma.AllocationRunGetPayload<{ select: typeof RUN_SELECT }>;

function runView(row: RunRow, now = new Date()): RunView {
  const person = (p: { givenName: string; familyName: string } | null) => (p ? `${p.givenName} ${p.familyName}` : null);
  return {
    id: row.id,
    planId: row.planId,
    status: row.status,
    asOf: dayOf(row.asOf),
    employeeCount: row.employeeCount,
    totalCents: Number(row.totalCents),
    budgetCents: Number(row.budgetCents),
    shortfallCents: Number(row.shortfallCents),
    totals: row.totals as unknown as RunTotals,
    failureReason: row.failureReason,
    createdAt: row.createdAt.toISOString(),
    committedAt: row.committedAt?.toISOString() ?? null,
    createdByName: person(row.createdBy),
    committedByName: person(row.committedBy),
    expired: row.status === 'PREVIEWED' && previewExpired(row.createdAt, now),
  };
}

export function digestLines(lines: readonly AllocationLine[]): string {
  return createHash('sha256').update(linesDigestInput(lines)).digest('hex');
}

/** The day whose roster a run uses: today, kept inside the plan's period. */
export function runDate(plan: { startsOn: string; endsOn: string }, today = romeToday()): string {
  if (today < plan.startsOn) return plan.startsOn;
  if (today > plan.endsOn) return plan.endsOn;
  return today;
}

/** Per employee of the plan, what committed ALLOCATION transactions already put in their wallet. */
async function alreadyAllocated(db: DbTx, allianceId: string, planId: string): Promise<Map<string, number>> {
  const rows = await db.$queryRaw<Array<{ membershipId: string; total: bigint }>>`
    SELECT a."membershipId", sum(e."amountCents")::bigint AS total
    FROM "LedgerAccount" a
    JOIN "LedgerEntry" e ON e."accountId" = a."id"
    JOIN "LedgerTransaction" t ON t."id" = e."transactionId"
    WHERE a."kind" = 'EMPLOYEE_WALLET' AND a."planId" = ${planId}::uuid AND a."allianceId" = ${allianceId}::uuid AND t."kind" = 'ALLOCATION'
    GROUP BY a."membershipId"`;
  return new Map(rows.map((r) => [r.membershipId, Number(r.total)]));
}

/** Computes what a run of the plan would move now: rules × roster − what earlier runs gave. */
export async function computeRun(db: DbTx, scope: CompanyScope, planId: string, asOf: string) {
  const [rules, manual, employees, already] = await Promise.all([
    db.welfarePlanRule.findMany({ where: { planId }, orderBy: { position: 'asc' }, select: { id: true, kind: true, employeeCategory: true, amountCents: true } }),
    db.welfarePlanManualAmount.findMany({ where: { planId }, select: { membershipId: true, amountCents: true } }),
    employeesForAllocation(db, { companyId: scope.companyId, asOf }),
    alreadyAllocated(db, scope.allianceId, planId),
  ]);
  return computeAllocation({
    rules: rules.map((r) => ({ id: r.id, kind: r.kind as RuleKindName, employeeCategory: r.employeeCategory, amountCents: r.amountCents })),
    employees: employees as EmployeeForAllocation[],
    manualAmounts: new Map(manual.map((m) => [m.membershipId, m.amountCents])),
    alreadyAllocated: already,
  });
}

function activePlanOrConflict(status: string): void {
  if (status !== 'ACTIVE') {
    throw new Conflict('Credit is allocated only in an active plan', { reason: 'plan_not_active', messageKey: 'allocations.error.notActive' });
  }
}

/**
 * Computes a run and records it as PREVIEWED with its lines (what the commit will move, exactly).
 * Nothing moves yet. Returns the run.
 */
export async function previewAllocationRun(db: Db | DbTx, actor: Actor | CompanyScope, planId: string, context: AuditContext = {}): Promise<RunView> {
  const scope = companyScopeOf(actor);
  const runId = randomUUID();
  await runTransaction(db, async (tx) => {
    const plan = await findCompanyPlan(tx, scope, planId);
    activePlanOrConflict(plan.status);
    const asOf = runDate({ startsOn: dayOf(plan.startsOn), endsOn: dayOf(plan.endsOn) });
    const computed = await computeRun(tx, scope, planId, asOf);
    const budgetCents = await getCompanyBudgetCents(tx, scope);
    const totals: RunTotals = {
      rules: computed.rules,
      eligibleEmployees: computed.eligibleEmployees,
      targetCents: computed.targetCents,
      alreadyAllocatedCents: computed.alreadyAllocatedCents,
      aboveTarget: computed.aboveTarget,
    };
    await tx.allocationRun.create({
      data: {
        id: runId,
        planId,
        asOf: dateOfDay(asOf),
        employeeCount: computed.lines.length,
        totalCents: BigInt(computed.totalCents),
        budgetCents: BigInt(budgetCents),
        shortfallCents: BigInt(shortfallCents(computed.totalCents, budgetCents)),
        totals: totals as unknown as Prisma.InputJsonObject,
        linesDigest: digestLines(computed.lines),
        createdById: scope.userId,
      },
    });
    const CHUNK = 20_000;
    for (let start = 0; start < computed.lines.length; start += CHUNK) {
      const chunk = computed.lines.slice(start, start + CHUNK);
      await tx.$executeRaw`
        INSERT INTO "AllocationRunLine" ("runId", "membershipId", "targetCents", "alreadyCents", "amountCents")
        SELECT ${runId}::uuid, x.m, x.t, x.a, x.n
        FROM unnest(${chunk.map((l) => l.membershipId)}::uuid[], ${chunk.map((l) => l.targetCents)}::int[],
                    ${chunk.map((l) => l.alreadyCents)}::int[], ${chunk.map((l) => l.amountCents)}::int[]) AS x(m, t, a, n)`;
    }
    await recordAudit(tx, {
      action: 'allocation.previewed',
      allianceId: scope.allianceId,
      organizationId: scope.companyId,
      actorUserId: scope.userId,
      subjectType: 'AllocationRun',
      subjectId: runId,
      ipAddress: context.ipAddress ?? null,
      metadata: { planId, employees: computed.lines.length, totalCents: computed.totalCents, budgetCents },
    });
  });
  return getAllocationRun(db, scope, planId, runId);
}

export async function getAllocationRun(db: DbTx, actor: Actor | CompanyScope, planId: string, runId: string): Promise<RunView> {
  const scope = companyScopeOf(actor);
  await findCompanyPlan(db, scope, planId);
  if (!/^[0-9a-f-]{36}$/i.test(runId)) throw new NotFound('Allocation run not found');
  const row = await db.allocationRun.findFirst({ where: { id: runId, planId }, select: RUN_SELECT });
  if (!row) throw new NotFound('Allocation run not found');
  return runView(row);
}

export interface RunLineRow {
  membershipId: string;
  name: string;
  email: string;
  targetCents: number;
  alreadyCents: number;
  amountCents: number;
}

/** One page of a run's lines with the employees' names (server-side sort and paging). */
export async function listRunLines(
  db: DbTx,
  actor: Actor,
  planId: string,
  runId: string,
  query: { page: number; sort: LineSort; dir: 'asc' | 'desc' },
) {
  const run = await getAllocationRun(db, actor, planId, runId);
  const total = await db.allocationRunLine.count({ where: { runId: run.id } });
  const page = clampPage(query.page, total, LINES_PAGE_SIZE);
  const order: Prisma.AllocationRunLineOrderByWithRelationInput[] =
    query.sort === 'amount'
      ? [{ amountCents: query.dir }, { membershipId: 'asc' }]
      : [{ membership: { user: { familyName: query.dir } } }, { membership: { user: { givenName: query.dir } } }, { membershipId: 'asc' }];
  const rows = await db.allocationRunLine.findMany({
    where: { runId: run.id },
    orderBy: order,
    skip: (page - 1) * LINES_PAGE_SIZE,
    take: LINES_PAGE_SIZE,
    select: {
      membershipId: true,
      targetCents: true,
      alreadyCents: true,
      amountCents: true,
      membership: { select: { user: { select: { givenName: true, familyName: true, email: true } } } },
    },
  });
  return {
    rows: rows.map(
      (r): RunLineRow => ({
        membershipId: r.membershipId,
        name: `${r.membership.user.familyName} ${r.membership.user.givenName}`,
        email: r.membership.user.email,
        targetCents: r.targetCents,
        alreadyCents: r.alreadyCents,
        amountCents: r.amountCents,
      }),
    ),
    total,
    page,
    pages: pageCount(total, LINES_PAGE_SIZE),
  };
}

/** The plan's runs, newest first. */
export async function listAllocationRuns(db: DbTx, actor: Actor, planId: string): Promise<RunView[]> {
  const scope = companyScopeOf(actor);
  await findCompanyPlan(db, scope, planId);
  const rows = await db.allocationRun.findMany({ where: { planId }, orderBy: { createdAt: 'desc' }, take: 100, select: RUN_SELECT });
  return rows.map((r) => runView(r));
}

/** The company's latest committed runs across plans (the plans page's allocation history). */
export async function listRecentCommittedRuns(db: DbTx, actor: Actor, limit = 10): Promise<Array<RunView & { planName: string }>> {
  const scope = companyScopeOf(actor);
  const rows = await db.allocationRun.findMany({
    where: { status: 'COMMITTED', plan: { companyId: scope.companyId, allianceId: scope.allianceId } },
    orderBy: { committedAt: 'desc' },
    take: limit,
    select: { ...RUN_SELECT, plan: { select: { name: true } } },
  });
  return rows.map((r) => ({ ...runView(r), planName: r.plan.name }));
}

export interface CommitResult {
  run: RunView;
  /** The run had already been committed (a double submit): nothing new was written. */
  replayed: boolean;
}

async function markFailed(db: Db, runId: string, reason: string): Promise<void> {
  await db.allocationRun.updateMany({ where: { id: runId, status: 'PREVIEWED' }, data: { status: 'FAILED', failureReason: reason } });
}

/**
 * Commits a previewed run: every line moves from the company budget to the employee's wallet of
 * the plan in ONE ledger transaction, or nothing moves. Idempotent per run (a second commit returns
 * the first). Refused (Conflict) when the preview expired or another run of the plan was committed
 * after it; when the budget cannot cover it the ledger refuses (InsufficientFunds, run FAILED).
 */
export async function commitAllocationRun(
  db: Db | DbTx,
  actor: Actor | CompanyScope,
  planId: string,
  runId: string,
  context: AuditContext = {},
): Promise<CommitResult> {
  const scope = companyScopeOf(actor);
  let replayed = false;
  try {
    await runTransaction(db, async (tx) => {
      const plan = await findCompanyPlan(tx, scope, planId, { lock: true });
      if (!/^[0-9a-f-]{36}$/i.test(runId)) throw new NotFound('Allocation run not found');
      const run = await tx.allocationRun.findFirst({ where: { id: runId, planId }, select: RUN_SELECT });
      if (!run) throw new NotFound('Allocation run not found');
      if (run.status === 'COMMITTED') {
        replayed = true;
        return;
      }
      if (run.status === 'FAILED') {
        throw new Conflict('This allocation run failed: preview again', { reason: 'run_failed', messageKey: 'allocations.error.failed' });
      }
      activePlanOrConflict(plan.status);
      if (previewExpired(run.createdAt)) {
        throw new Conflict('The preview is more than a day old: preview again', { reason: 'preview_expired', messageKey: 'allocations.error.expired' });
      }
      const later = await tx.allocationRun.count({ where: { planId, status: 'COMMITTED', committedAt: { gt: run.createdAt } } });
      if (later > 0) {
        throw new Conflict('Another run of this plan was committed after this preview', { reason: 'preview_stale', messageKey: 'allocations.error.stale' });
      }
      const lines = await tx.$queryRaw<Array<{ membershipId: string; targetCents: number; alreadyCents: number; amountCents: number }>>`
        SELECT "membershipId", "targetCents", "alreadyCents", "amountCents" FROM "AllocationRunLine" WHERE "runId" = ${runId}::uuid ORDER BY "membershipId"`;
      const total = lines.reduce((sum, l) => sum + l.amountCents, 0);
      if (digestLines(lines) !== run.linesDigest || total !== Number(run.totalCents)) {
        throw new Error(`Allocation run ${runId}: its lines do not match the preview`);
      }
      if (total === 0) {
        throw new Conflict('Nothing to allocate', { reason: 'nothing_to_allocate', messageKey: 'allocations.error.nothing' });
      }
      const budget = await ensureAccount(tx, { allianceId: scope.allianceId, kind: 'COMPANY_BUDGET', organizationId: scope.companyId });
      const wallets = await ensureWallets(tx, { allianceId: scope.allianceId, planId, membershipIds: lines.map((l) => l.membershipId) });
      const transaction = await postTransaction(tx, {
        allianceId: scope.allianceId,
        kind: 'ALLOCATION',
        idempotencyKey: `allocation-run:${runId}`,
        actor: ledgerActorOfScope(scope),
        metadata: { planId, runId, employees: lines.length },
        entries: [
          { accountId: budget.id, amountCents: -total },
          ...lines.map((l) => ({ accountId: wallets.get(l.membershipId)!, amountCents: l.amountCents })),
        ],
      });
      await tx.allocationRun.update({
        where: { id: runId },
        data: { status: 'COMMITTED', ledgerTransactionId: transaction.id, committedAt: new Date(), committedById: scope.userId },
      });
      await recordAudit(tx, {
        action: 'allocation.committed',
        allianceId: scope.allianceId,
        organizationId: scope.companyId,
        actorUserId: scope.userId,
        subjectType: 'AllocationRun',
        subjectId: runId,
        ipAddress: context.ipAddress ?? null,
        metadata: { planId, employees: lines.length, totalCents: total, ledgerTransactionId: transaction.id },
      });
    });
  } catch (error) {
    // Inside a caller's transaction nothing more can be written: the caller's transaction is aborted.
    if (!isFullClient(db)) throw error;
    if (error instanceof InsufficientFunds) {
      await markFailed(db, runId, `insufficient_funds:${error.shortfallCents}`);
      await recordAudit(db, {
        action: 'allocation.refused',
        allianceId: scope.allianceId,
        organizationId: scope.companyId,
        actorUserId: scope.userId,
        subjectType: 'AllocationRun',
        subjectId: runId,
        ipAddress: context.ipAddress ?? null,
        metadata: { planId, reason: 'insufficient_funds', shortfallCents: error.shortfallCents },
      });
    } else if (isDomainError(error) && error.status === 409) {
      const reason = (error.details as { reason?: string } | undefined)?.reason;
      if (reason === 'preview_expired' || reason === 'preview_stale' || reason === 'nothing_to_allocate') await markFailed(db, runId, reason);
    }
    throw error;
  }
  return { run: await getAllocationRun(db, scope, planId, runId), replayed };
}
