import type { Actor } from '~/domain/auth/actor';
import { recordAudit } from '~/domain/audit/audit.server';
import { inTransaction } from '~/domain/auth/transaction.server';
import { ledgerKeyFor } from '~/domain/ledger/ledger.fns';
import { parseEuroToCents } from '~/domain/offerings/offerings.fns';
import type { Prisma } from '~/generated/prisma/client';
import type { Db, DbTx } from '~/utils/db.server';
import { Conflict, NotFound, ValidationFailed } from '~/utils/errors.server';
import {
  activationProblems,
  dateOfDay,
  dayOf,
  parseAmountLines,
  romeToday,
  validateCarnet,
  validatePlanDraft,
  validateRules,
  type AmountLine,
  type AmountLineError,
  type CarnetCategoryDraft,
  type CarryOverTarget,
  type PlanDraft,
  type PlanEndRuleName,
  type PlanStatusName,
  type RuleDraft,
  type RuleKindName,
  type AgreementKindName,
} from './plans.fns';
import { planIdParam } from './plans.schema';

export { getWalletBalancesForMemberships } from '~/domain/wallets/wallets.server';

// Welfare plans, as the company's HR (COMPANY_ADMIN) manages them: create and edit a plan, its
// allocation rules, carnet and caps, manual amounts and declared premi; activate it. Every query
// carries the actor's company and alliance: a plan of another company is NotFound, like one that
// does not exist. Allocation runs: app/domain/allocations; wallets: app/domain/wallets; the
// premio conversion and the end of period: ./premio.server.ts, ./close.server.ts.

export interface CompanyScope {
  allianceId: string;
  companyId: string;
  /** The acting HR administrator; null for the platform itself (demo seed, benchmarks). */
  userId: string | null;
}

/**
 * The company an HR administrator acts for; any other role is NotFound (the pages do not exist for
 * it). The platform's own tools (demo seed, benchmarks) pass a CompanyScope directly.
 */
export function companyScopeOf(actor: Actor | CompanyScope): CompanyScope {
  if ('companyId' in actor) return actor;
  const membership = actor.membership;
  if (!membership || membership.role !== 'COMPANY_ADMIN') throw new NotFound('Not available for this role');
  return { allianceId: membership.allianceId, companyId: membership.organizationId, userId: actor.user.id };
}

/** Who moves money in the ledger for this scope. */
export function ledgerActorOfScope(scope: CompanyScope): { userId: string } | { system: string } {
  return scope.userId ? { userId: scope.userId } : { system: 'platform' };
}

export interface AuditContext {
  ipAddress?: string | null;
}

const PLAN_SELECT = {
  id: true,
  allianceId: true,
  companyId: true,
  name: true,
  startsOn: true,
  endsOn: true,
  status: true,
  companyFundingCents: true,
  publicFundingCents: true,
  publicFundingSource: true,
  premioConversion: true,
  premioWindowStartsOn: true,
  premioWindowEndsOn: true,
  premioCapCents: true,
  agreementKind: true,
  agreementReference: true,
  reimbursementsAllowed: true,
  leaverGraceDays: true,
  endRule: true,
  carryOverPlanId: true,
  activatedAt: true,
  closedAt: true,
  createdAt: true,
  updatedAt: true,
} satisfies Prisma.WelfarePlanSelect;

type PlanRow = Prisma.WelfarePlanGetPayload<{ select: typeof PLAN_SELECT }>;

export interface PlanView extends PlanDraft {
  id: string;
  allianceId: string;
  companyId: string;
  status: PlanStatusName;
  activatedAt: string | null;
  closedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export function planView(row: PlanRow): PlanView {
  return {
    id: row.id,
    allianceId: row.allianceId,
    companyId: row.companyId,
    name: row.name,
    startsOn: dayOf(row.startsOn),
    endsOn: dayOf(row.endsOn),
    status: row.status,
    companyFundingCents: Number(row.companyFundingCents),
    publicFundingCents: Number(row.publicFundingCents),
    publicFundingSource: row.publicFundingSource,
    premioConversion: row.premioConversion,
    premioWindowStartsOn: row.premioWindowStartsOn ? dayOf(row.premioWindowStartsOn) : null,
    premioWindowEndsOn: row.premioWindowEndsOn ? dayOf(row.premioWindowEndsOn) : null,
    premioCapCents: row.premioCapCents,
    agreementKind: row.agreementKind as AgreementKindName | null,
    agreementReference: row.agreementReference,
    reimbursementsAllowed: row.reimbursementsAllowed,
    leaverGraceDays: row.leaverGraceDays,
    endRule: row.endRule as PlanEndRuleName,
    carryOverPlanId: row.carryOverPlanId,
    activatedAt: row.activatedAt?.toISOString() ?? null,
    closedAt: row.closedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function draftData(draft: PlanDraft) {
  return {
    name: draft.name.trim(),
    startsOn: dateOfDay(draft.startsOn),
    endsOn: dateOfDay(draft.endsOn),
    companyFundingCents: BigInt(draft.companyFundingCents),
    publicFundingCents: BigInt(draft.publicFundingCents),
    publicFundingSource: draft.publicFundingSource?.trim() || null,
    premioConversion: draft.premioConversion,
    premioWindowStartsOn: draft.premioWindowStartsOn ? dateOfDay(draft.premioWindowStartsOn) : null,
    premioWindowEndsOn: draft.premioWindowEndsOn ? dateOfDay(draft.premioWindowEndsOn) : null,
    premioCapCents: draft.premioCapCents,
    agreementKind: draft.agreementKind,
    agreementReference: draft.agreementReference?.trim() || null,
    reimbursementsAllowed: draft.reimbursementsAllowed,
    leaverGraceDays: draft.leaverGraceDays,
    endRule: draft.endRule,
    carryOverPlanId: draft.carryOverPlanId,
  };
}

/** The plan `planId` of the scope's company (locked FOR UPDATE when `lock`), or NotFound. */
export async function findCompanyPlan(db: DbTx, scope: CompanyScope, planId: string, options: { lock?: boolean } = {}): Promise<PlanRow> {
  if (!planIdParam.safeParse(planId).success) throw new NotFound('Plan not found');
  if (options.lock) {
    await db.$queryRaw`SELECT 1 FROM "WelfarePlan" WHERE "id" = ${planId}::uuid AND "companyId" = ${scope.companyId}::uuid FOR UPDATE`;
  }
  const plan = await db.welfarePlan.findFirst({
    where: { id: planId, companyId: scope.companyId, allianceId: scope.allianceId },
    select: PLAN_SELECT,
  });
  if (!plan) throw new NotFound('Plan not found');
  return plan;
}

async function carryOverTarget(db: DbTx, scope: CompanyScope, draft: PlanDraft): Promise<CarryOverTarget | null> {
  if (!draft.carryOverPlanId || !planIdParam.safeParse(draft.carryOverPlanId).success) return null;
  const target = await db.welfarePlan.findFirst({
    where: { id: draft.carryOverPlanId, allianceId: scope.allianceId },
    select: { id: true, companyId: true, endsOn: true, status: true },
  });
  if (!target) return null;
  return { id: target.id, sameCompany: target.companyId === scope.companyId, endsOn: dayOf(target.endsOn), status: target.status };
}

async function checkDraft(db: DbTx, scope: CompanyScope, draft: PlanDraft, planId?: string): Promise<void> {
  const errors = validatePlanDraft(draft, { planId, carryOverTarget: await carryOverTarget(db, scope, draft) });
  if (Object.keys(errors).length > 0) throw new ValidationFailed('The plan is not valid', errors);
}

// ---------------------------------------------------------------------------------------------
// Listing and reading

export interface PlanListRow {
  id: string;
  name: string;
  startsOn: string;
  endsOn: string;
  status: PlanStatusName;
  endRule: PlanEndRuleName;
  premioConversion: boolean;
  wallets: number;
  allocatedCents: number;
  balanceCents: number;
  lastRunAt: string | null;
}

/** The company's plans, newest period first, with what was allocated and what remains in wallets. */
export async function listPlans(db: DbTx, actor: Actor): Promise<PlanListRow[]> {
  const scope = companyScopeOf(actor);
  const plans = await db.welfarePlan.findMany({
    where: { companyId: scope.companyId, allianceId: scope.allianceId },
    orderBy: [{ startsOn: 'desc' }, { createdAt: 'desc' }],
    select: { id: true, name: true, startsOn: true, endsOn: true, status: true, endRule: true, premioConversion: true },
  });
  if (plans.length === 0) return [];
  const ids = plans.map((p) => p.id);
  const [wallets, runs] = await Promise.all([
    db.$queryRaw<Array<{ planId: string; wallets: bigint; balance: bigint }>>`
      SELECT "planId", count(*)::bigint AS wallets, coalesce(sum("balanceCents"), 0)::bigint AS balance
      FROM "LedgerAccount"
      WHERE "kind" = 'EMPLOYEE_WALLET' AND "allianceId" = ${scope.allianceId}::uuid AND "planId" = ANY(${ids}::uuid[])
      GROUP BY "planId"`,
    db.allocationRun.groupBy({
      by: ['planId'],
      where: { planId: { in: ids }, status: 'COMMITTED' },
      _sum: { totalCents: true },
      _max: { committedAt: true },
    }),
  ]);
  const walletsBy = new Map(wallets.map((w) => [w.planId, w]));
  const runsBy = new Map(runs.map((r) => [r.planId, r]));
  return plans.map((p) => ({
    id: p.id,
    name: p.name,
    startsOn: dayOf(p.startsOn),
    endsOn: dayOf(p.endsOn),
    status: p.status,
    endRule: p.endRule,
    premioConversion: p.premioConversion,
    wallets: Number(walletsBy.get(p.id)?.wallets ?? 0),
    balanceCents: Number(walletsBy.get(p.id)?.balance ?? 0),
    allocatedCents: Number(runsBy.get(p.id)?._sum.totalCents ?? 0),
    lastRunAt: runsBy.get(p.id)?._max.committedAt?.toISOString() ?? null,
  }));
}

/** The company budget's balance (money topped up and not yet allocated). */
export async function getCompanyBudgetCents(db: DbTx, scope: { allianceId: string; companyId: string }): Promise<number> {
  const account = await db.ledgerAccount.findUnique({
    where: { ledgerKey: ledgerKeyFor({ allianceId: scope.allianceId, kind: 'COMPANY_BUDGET', organizationId: scope.companyId }) },
    select: { balanceCents: true, allianceId: true },
  });
  return account && account.allianceId === scope.allianceId ? Number(account.balanceCents) : 0;
}

export async function getBudgetForActor(db: DbTx, actor: Actor): Promise<{ balanceCents: number }> {
  return { balanceCents: await getCompanyBudgetCents(db, companyScopeOf(actor)) };
}

export interface CategoryOption {
  id: string;
  slug: string;
  nameIt: string;
  nameEn: string;
  fiscalBasis: string | null;
  isOrientamento: boolean;
}

export interface OfferingOption {
  offeringId: string;
  title: string;
  providerName: string;
  categoryId: string;
}

export interface PlanDetail {
  plan: PlanView;
  rules: Array<{ id: string; kind: RuleKindName; employeeCategory: string | null; amountCents: number | null; position: number }>;
  carnet: Array<{ categoryId: string; capCents: number | null; reimbursable: boolean }>;
  offeringIds: string[];
  categories: CategoryOption[];
  offerings: OfferingOption[];
  /** Other open plans of the company, for CARRY_OVER. */
  carryOverOptions: Array<{ id: string; name: string; startsOn: string; endsOn: string }>;
  carryOverPlanName: string | null;
  manualAmounts: Array<{ membershipId: string; name: string; email: string; amountCents: number }>;
  premi: Array<{ membershipId: string; name: string; email: string; declaredCents: number; convertedCents: number | null; convertedAt: string | null }>;
  /** Category codes found on the company's roster (hints for BY_CATEGORY rules). */
  rosterCategories: string[];
  activationProblems: string[];
  budgetCents: number;
}

export async function listServiceCategories(db: DbTx): Promise<CategoryOption[]> {
  return db.serviceCategory.findMany({
    orderBy: { sortOrder: 'asc' },
    select: { id: true, slug: true, nameIt: true, nameEn: true, fiscalBasis: true, isOrientamento: true },
  });
}

async function personLabels(db: DbTx, membershipIds: string[]): Promise<Map<string, { name: string; email: string }>> {
  if (membershipIds.length === 0) return new Map();
  const rows = await db.membership.findMany({
    where: { id: { in: membershipIds } },
    select: { id: true, user: { select: { givenName: true, familyName: true, email: true } } },
  });
  return new Map(rows.map((r) => [r.id, { name: `${r.user.familyName} ${r.user.givenName}`, email: r.user.email }]));
}

/** Everything the plan page shows and edits. */
export async function getPlanDetail(db: DbTx, actor: Actor, planId: string): Promise<PlanDetail> {
  const scope = companyScopeOf(actor);
  const row = await findCompanyPlan(db, scope, planId);
  const plan = planView(row);
  const [rules, carnet, offeringLinks, categories, offerings, others, manual, premi, rosterCategories, budgetCents] = await Promise.all([
    db.welfarePlanRule.findMany({ where: { planId }, orderBy: { position: 'asc' }, select: { id: true, kind: true, employeeCategory: true, amountCents: true, position: true } }),
    db.welfarePlanCategory.findMany({ where: { planId }, select: { categoryId: true, capCents: true, reimbursable: true } }),
    db.welfarePlanOffering.findMany({ where: { planId }, select: { offeringId: true } }),
    listServiceCategories(db),
    db.catalogueEntry.findMany({
      where: { allianceId: scope.allianceId, isOrientamento: false },
      orderBy: [{ sortTitle: 'asc' }],
      select: { offeringId: true, title: true, providerName: true, categoryId: true },
      take: 500,
    }),
    db.welfarePlan.findMany({
      where: { companyId: scope.companyId, allianceId: scope.allianceId, id: { not: planId }, status: { not: 'CLOSED' } },
      orderBy: { startsOn: 'asc' },
      select: { id: true, name: true, startsOn: true, endsOn: true },
    }),
    db.welfarePlanManualAmount.findMany({ where: { planId }, select: { membershipId: true, amountCents: true }, take: 1000 }),
    db.premioConversion.findMany({
      where: { planId },
      select: { membershipId: true, declaredCents: true, convertedCents: true, convertedAt: true },
      orderBy: { declaredAt: 'asc' },
      take: 1000,
    }),
    db.employeeProfile.findMany({
      where: { organizationId: scope.companyId, category: { not: null } },
      distinct: ['category'],
      select: { category: true },
      orderBy: { category: 'asc' },
      take: 50,
    }),
    getCompanyBudgetCents(db, scope),
  ]);
  const labels = await personLabels(db, [...manual.map((m) => m.membershipId), ...premi.map((p) => p.membershipId)]);
  const label = (id: string) => labels.get(id) ?? { name: '', email: '' };
  const carryTarget = await carryOverTarget(db, scope, plan);
  return {
    plan,
    rules,
    carnet,
    offeringIds: offeringLinks.map((o) => o.offeringId),
    categories,
    offerings,
    carryOverOptions: others.map((o) => ({ id: o.id, name: o.name, startsOn: dayOf(o.startsOn), endsOn: dayOf(o.endsOn) })),
    carryOverPlanName: plan.carryOverPlanId ? ((await db.welfarePlan.findUnique({ where: { id: plan.carryOverPlanId }, select: { name: true } }))?.name ?? null) : null,
    manualAmounts: manual.map((m) => ({ membershipId: m.membershipId, ...label(m.membershipId), amountCents: m.amountCents })),
    premi: premi.map((p) => ({
      membershipId: p.membershipId,
      ...label(p.membershipId),
      declaredCents: p.declaredCents,
      convertedCents: p.convertedCents,
      convertedAt: p.convertedAt?.toISOString() ?? null,
    })),
    rosterCategories: rosterCategories.map((c) => c.category!).filter(Boolean),
    activationProblems:
      plan.status === 'DRAFT'
        ? activationProblems(
            {
              draft: plan,
              rules: rules.length,
              carnetCategories: carnet.length,
              carnetOfferings: offeringLinks.length,
              reimbursableCategories: carnet.filter((c) => c.reimbursable).length,
              carryOverTarget: carryTarget,
              today: romeToday(),
            },
            plan.id,
          )
        : [],
    budgetCents,
  };
}

// ---------------------------------------------------------------------------------------------
// Writing

function assertEditable(plan: PlanRow): void {
  if (plan.status === 'CLOSED') {
    throw new Conflict('The plan is closed and cannot change', { reason: 'plan_closed', messageKey: 'plans.error.closed' });
  }
}

/** Creates a DRAFT plan for the actor's company. */
export async function createPlan(db: Db | DbTx, actor: Actor | CompanyScope, draft: PlanDraft, context: AuditContext = {}): Promise<{ id: string }> {
  const scope = companyScopeOf(actor);
  return inTransaction(db, async (tx) => {
    await checkDraft(tx, scope, draft);
    const plan = await tx.welfarePlan.create({
      data: { ...draftData(draft), allianceId: scope.allianceId, companyId: scope.companyId, createdById: scope.userId },
      select: { id: true },
    });
    await recordAudit(tx, {
      action: 'plan.created',
      allianceId: scope.allianceId,
      organizationId: scope.companyId,
      actorUserId: scope.userId,
      subjectType: 'WelfarePlan',
      subjectId: plan.id,
      ipAddress: context.ipAddress ?? null,
      metadata: { startsOn: draft.startsOn, endsOn: draft.endsOn, endRule: draft.endRule, premioConversion: draft.premioConversion },
    });
    return plan;
  });
}

/**
 * Edits the plan's own fields. An active plan keeps its start date (credit was already given for
 * that period) and cannot stop offering a conversion some worker already made.
 */
export async function updatePlan(db: Db | DbTx, actor: Actor | CompanyScope, planId: string, draft: PlanDraft, context: AuditContext = {}): Promise<void> {
  const scope = companyScopeOf(actor);
  await inTransaction(db, async (tx) => {
    const plan = await findCompanyPlan(tx, scope, planId, { lock: true });
    assertEditable(plan);
    await checkDraft(tx, scope, draft, planId);
    if (plan.status === 'ACTIVE') {
      if (draft.startsOn !== dayOf(plan.startsOn)) throw new ValidationFailed('An active plan keeps its start date', { startsOn: 'plans.validation.activeStartFixed' });
      if (draft.endsOn < romeToday()) throw new ValidationFailed('An active plan cannot end in the past', { endsOn: 'plans.validation.activeEndPast' });
      const converted = await tx.premioConversion.count({ where: { planId, convertedAt: { not: null } } });
      if (converted > 0 && (!draft.premioConversion || draft.agreementReference?.trim() !== plan.agreementReference)) {
        throw new ValidationFailed('Workers already converted under this agreement', { agreementReference: 'plans.validation.agreementInUse' });
      }
    }
    await tx.welfarePlan.update({ where: { id: planId }, data: draftData(draft) });
    await recordAudit(tx, {
      action: 'plan.updated',
      allianceId: scope.allianceId,
      organizationId: scope.companyId,
      actorUserId: scope.userId,
      subjectType: 'WelfarePlan',
      subjectId: planId,
      ipAddress: context.ipAddress ?? null,
      metadata: { status: plan.status, endsOn: draft.endsOn, endRule: draft.endRule, premioConversion: draft.premioConversion },
    });
  });
}

/** Replaces the plan's allocation rules (in the order given). */
export async function setRules(db: Db | DbTx, actor: Actor | CompanyScope, planId: string, rules: readonly RuleDraft[], context: AuditContext = {}): Promise<void> {
  const scope = companyScopeOf(actor);
  const errors = validateRules(rules);
  if (Object.keys(errors).length > 0) throw new ValidationFailed('The rules are not valid', errors);
  await inTransaction(db, async (tx) => {
    const plan = await findCompanyPlan(tx, scope, planId, { lock: true });
    assertEditable(plan);
    await tx.welfarePlanRule.deleteMany({ where: { planId } });
    if (rules.length > 0) {
      await tx.welfarePlanRule.createMany({
        data: rules.map((r, position) => ({ planId, kind: r.kind, employeeCategory: r.employeeCategory, amountCents: r.amountCents, position })),
      });
    }
    await recordAudit(tx, {
      action: 'plan.rules_set',
      allianceId: scope.allianceId,
      organizationId: scope.companyId,
      actorUserId: scope.userId,
      subjectType: 'WelfarePlan',
      subjectId: planId,
      ipAddress: context.ipAddress ?? null,
      metadata: { rules: rules.map((r) => ({ kind: r.kind, category: r.employeeCategory, amountCents: r.amountCents })) },
    });
  });
}

/** Replaces the carnet: categories (with caps and reimbursable flags) and specific offerings of the alliance. */
export async function setCarnet(
  db: Db | DbTx,
  actor: Actor | CompanyScope,
  planId: string,
  carnet: { categories: readonly CarnetCategoryDraft[]; offeringIds: readonly string[] },
  context: AuditContext = {},
): Promise<void> {
  const scope = companyScopeOf(actor);
  await inTransaction(db, async (tx) => {
    const plan = await findCompanyPlan(tx, scope, planId, { lock: true });
    assertEditable(plan);
    const errors = validateCarnet(carnet.categories, plan.reimbursementsAllowed);
    if (Object.keys(errors).length > 0) throw new ValidationFailed('The carnet is not valid', errors);
    const categoryIds = [...new Set(carnet.categories.map((c) => c.categoryId))];
    const known = await tx.serviceCategory.count({ where: { id: { in: categoryIds } } });
    if (known !== categoryIds.length) throw new ValidationFailed('Unknown category', { categories: 'validation.invalidChoice' });
    const offeringIds = [...new Set(carnet.offeringIds)];
    const offerings = await tx.offering.count({ where: { id: { in: offeringIds }, allianceId: scope.allianceId } });
    if (offerings !== offeringIds.length) throw new ValidationFailed('Unknown offering', { offerings: 'validation.invalidChoice' });
    await tx.welfarePlanCategory.deleteMany({ where: { planId } });
    await tx.welfarePlanOffering.deleteMany({ where: { planId } });
    if (carnet.categories.length > 0) {
      await tx.welfarePlanCategory.createMany({
        data: carnet.categories.map((c) => ({ planId, categoryId: c.categoryId, capCents: c.capCents, reimbursable: c.reimbursable })),
      });
    }
    if (offeringIds.length > 0) await tx.welfarePlanOffering.createMany({ data: offeringIds.map((offeringId) => ({ planId, offeringId })) });
    await recordAudit(tx, {
      action: 'plan.carnet_set',
      allianceId: scope.allianceId,
      organizationId: scope.companyId,
      actorUserId: scope.userId,
      subjectType: 'WelfarePlan',
      subjectId: planId,
      ipAddress: context.ipAddress ?? null,
      metadata: {
        categories: carnet.categories.map((c) => ({ categoryId: c.categoryId, capCents: c.capCents, reimbursable: c.reimbursable })),
        offerings: offeringIds.length,
      },
    });
  });
}

export interface ResolvedLines {
  resolved: Array<{ membershipId: string; cents: number; line: number }>;
  errors: AmountLineError[];
}

/**
 * The company's employees named by pasted lines (e-mail of the login or of the roster, or codice
 * fiscale of the roster): unknown people are line errors.
 */
export async function resolveEmployeeLines(db: DbTx, companyId: string, lines: readonly AmountLine[]): Promise<ResolvedLines> {
  const emails = lines.filter((l) => l.whoKind === 'email').map((l) => l.who);
  const cfs = lines.filter((l) => l.whoKind === 'codiceFiscale').map((l) => l.who);
  const [byLogin, byProfile] = await Promise.all([
    emails.length
      ? db.membership.findMany({
          where: { organizationId: companyId, role: 'EMPLOYEE', user: { email: { in: emails } } },
          select: { id: true, user: { select: { email: true } } },
        })
      : [],
    emails.length || cfs.length
      ? db.employeeProfile.findMany({
          where: { organizationId: companyId, OR: [{ email: { in: emails } }, { codiceFiscale: { in: cfs } }] },
          select: { membershipId: true, email: true, codiceFiscale: true },
        })
      : [],
  ]);
  const index = new Map<string, string>();
  for (const p of byProfile) {
    index.set(p.email, p.membershipId);
    index.set(p.codiceFiscale, p.membershipId);
  }
  for (const m of byLogin) index.set(m.user.email, m.id);
  const resolved: ResolvedLines['resolved'] = [];
  const errors: AmountLineError[] = [];
  const seen = new Set<string>();
  for (const line of lines) {
    const membershipId = index.get(line.who);
    if (!membershipId) errors.push({ line: line.line, messageKey: 'plans.lines.unknownPerson', text: line.who });
    else if (seen.has(membershipId)) errors.push({ line: line.line, messageKey: 'plans.lines.duplicate', text: line.who });
    else {
      seen.add(membershipId);
      resolved.push({ membershipId, cents: line.cents, line: line.line });
    }
  }
  return { resolved, errors };
}

export class LineErrors extends ValidationFailed {
  constructor(public readonly lineErrors: AmountLineError[]) {
    super('Some lines are not valid', { lines: 'plans.lines.invalid' });
  }
}

async function parseAndResolve(tx: DbTx, companyId: string, text: string): Promise<ResolvedLines['resolved']> {
  const parsed = parseAmountLines(text, parseEuroToCents);
  const { resolved, errors } = await resolveEmployeeLines(tx, companyId, parsed.lines);
  const all = [...parsed.errors, ...errors].sort((a, b) => a.line - b.line);
  if (all.length > 0) throw new LineErrors(all.slice(0, 200));
  return resolved;
}

/** Replaces the manual amounts (MANUAL rule) with the pasted lines: all valid, or nothing changes. */
export async function setManualAmounts(db: Db | DbTx, actor: Actor | CompanyScope, planId: string, text: string, context: AuditContext = {}): Promise<{ count: number; totalCents: number }> {
  const scope = companyScopeOf(actor);
  return inTransaction(db, async (tx) => {
    const plan = await findCompanyPlan(tx, scope, planId, { lock: true });
    assertEditable(plan);
    const resolved = await parseAndResolve(tx, scope.companyId, text);
    await tx.welfarePlanManualAmount.deleteMany({ where: { planId } });
    if (resolved.length > 0) {
      await tx.welfarePlanManualAmount.createMany({ data: resolved.map((r) => ({ planId, membershipId: r.membershipId, amountCents: r.cents })) });
    }
    const totalCents = resolved.reduce((s, r) => s + r.cents, 0);
    await recordAudit(tx, {
      action: 'plan.manual_amounts_set',
      allianceId: scope.allianceId,
      organizationId: scope.companyId,
      actorUserId: scope.userId,
      subjectType: 'WelfarePlan',
      subjectId: planId,
      ipAddress: context.ipAddress ?? null,
      metadata: { count: resolved.length, totalCents },
    });
    return { count: resolved.length, totalCents };
  });
}

/**
 * Declares the premio di risultato of the named workers (new ones added, amounts of those who have
 * not converted yet updated). A worker who already converted keeps the declaration they chose on.
 */
export async function declarePremi(
  db: Db | DbTx,
  actor: Actor | CompanyScope,
  planId: string,
  text: string,
  context: AuditContext = {},
): Promise<{ declared: number; alreadyConverted: number }> {
  const scope = companyScopeOf(actor);
  return inTransaction(db, async (tx) => {
    const plan = await findCompanyPlan(tx, scope, planId, { lock: true });
    assertEditable(plan);
    if (!plan.premioConversion) {
      throw new Conflict('The plan does not offer premio conversion', { reason: 'premio_not_offered', messageKey: 'plans.premio.notOffered' });
    }
    const resolved = await parseAndResolve(tx, scope.companyId, text);
    const existing = await tx.premioConversion.findMany({
      where: { planId, membershipId: { in: resolved.map((r) => r.membershipId) } },
      select: { membershipId: true, convertedAt: true },
    });
    const converted = new Set(existing.filter((e) => e.convertedAt).map((e) => e.membershipId));
    const open = resolved.filter((r) => !converted.has(r.membershipId));
    for (const r of open) {
      await tx.premioConversion.upsert({
        where: { planId_membershipId: { planId, membershipId: r.membershipId } },
        create: { planId, membershipId: r.membershipId, declaredCents: r.cents },
        update: { declaredCents: r.cents, declaredAt: new Date() },
      });
    }
    await recordAudit(tx, {
      action: 'plan.premi_declared',
      allianceId: scope.allianceId,
      organizationId: scope.companyId,
      actorUserId: scope.userId,
      subjectType: 'WelfarePlan',
      subjectId: planId,
      ipAddress: context.ipAddress ?? null,
      metadata: { declared: open.length, alreadyConverted: converted.size, totalCents: open.reduce((s, r) => s + r.cents, 0) },
    });
    return { declared: open.length, alreadyConverted: converted.size };
  });
}

/** DRAFT → ACTIVE when nothing stops it (activationProblems); its employees can then receive credit. */
export async function activatePlan(db: Db | DbTx, actor: Actor | CompanyScope, planId: string, context: AuditContext = {}): Promise<void> {
  const scope = companyScopeOf(actor);
  await inTransaction(db, async (tx) => {
    const row = await findCompanyPlan(tx, scope, planId, { lock: true });
    if (row.status !== 'DRAFT') throw new Conflict('The plan is not a draft', { reason: 'plan_not_draft', messageKey: 'plans.error.notDraft' });
    const plan = planView(row);
    const [rules, carnet, offerings] = await Promise.all([
      tx.welfarePlanRule.count({ where: { planId } }),
      tx.welfarePlanCategory.findMany({ where: { planId }, select: { reimbursable: true } }),
      tx.welfarePlanOffering.count({ where: { planId } }),
    ]);
    const problems = activationProblems(
      {
        draft: plan,
        rules,
        carnetCategories: carnet.length,
        carnetOfferings: offerings,
        reimbursableCategories: carnet.filter((c) => c.reimbursable).length,
        carryOverTarget: await carryOverTarget(tx, scope, plan),
        today: romeToday(),
      },
      planId,
    );
    if (problems.length > 0) throw new ValidationFailed('The plan cannot be activated yet', { activate: problems[0]! });
    await tx.welfarePlan.update({ where: { id: planId }, data: { status: 'ACTIVE', activatedAt: new Date() } });
    await recordAudit(tx, {
      action: 'plan.activated',
      allianceId: scope.allianceId,
      organizationId: scope.companyId,
      actorUserId: scope.userId,
      subjectType: 'WelfarePlan',
      subjectId: planId,
      ipAddress: context.ipAddress ?? null,
      metadata: { startsOn: plan.startsOn, endsOn: plan.endsOn, endRule: plan.endRule },
    });
  });
}
