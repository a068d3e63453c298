import { randomInt } from 'node:crypto';
import { commitAllocationRun, previewAllocationRun } from '~/domain/allocations/allocations.server';
import { romeToday, type PlanDraft } from '~/domain/plans/plans.fns';
import { activatePlan, createPlan, declarePremi, getCompanyBudgetCents, setCarnet, setRules, type CompanyScope } from '~/domain/plans/plans.server';
import { newPaymentReference } from '~/domain/topups/topups.fns';
import { creditLockedTopUp, lockTopUp } from '~/domain/topups/topups.server';
import type { DbTx } from '~/utils/db.server';

// Demo welfare plans (issue 4, part P): one current plan per demo company with employees, its
// rules, carnet and caps, activated and allocated through the same domain functions the pages use,
// so every demo employee has a balance. The W.IN. companies return unspent credit to the company;
// Networking 2.0's donate it to the alliance's solidarity fund. The company of W.IN.'s demo HR login
// also offers the premio di risultato conversion (window open all year) with a premio declared for
// each employee. A company whose budget cannot cover its allocation first receives a confirmed demo
// bank transfer (through the top-ups' own functions). Runs inside the demo seed's transaction, after
// the companies, the roster and the top-ups.

const CARNET: Array<{ slug: string; capCents: number | null; reimbursable: boolean }> = [
  { slug: 'nido-prima-infanzia', capCents: 150_000, reimbursable: true },
  { slug: 'centri-estivi', capCents: 60_000, reimbursable: true },
  { slug: 'baby-sitting', capCents: 50_000, reimbursable: false },
  { slug: 'pre-post-scuola', capCents: null, reimbursable: false },
  { slug: 'badantato-assistente-familiare', capCents: null, reimbursable: false },
  { slug: 'assistenza-domiciliare', capCents: null, reimbursable: false },
  { slug: 'trasporto-accompagnamento', capCents: 30_000, reimbursable: false },
  { slug: 'maggiordomo-aziendale', capCents: 25_800, reimbursable: false },
];

const PREMIO_AGREEMENT = 'Accordo territoriale W.IN. per il welfare aziendale in Valle Seriana, sottoscritto il 15/12/2025';

export async function seedDemoPlans(tx: DbTx, options: { companyAdminEmails: Record<string, string> }): Promise<{ plans: number; wallets: number }> {
  const year = Number(romeToday().slice(0, 4));
  const categories = await tx.serviceCategory.findMany({ where: { slug: { in: CARNET.map((c) => c.slug) } }, select: { id: true, slug: true } });
  const categoryId = new Map(categories.map((c) => [c.slug, c.id]));
  const companies = await tx.organization.findMany({
    where: { kind: 'COMPANY', memberships: { some: { role: 'EMPLOYEE' } } },
    orderBy: { legalName: 'asc' },
    select: { id: true, allianceId: true, legalName: true, alliance: { select: { slug: true } } },
  });
  let plans = 0;
  let wallets = 0;
  for (const company of companies) {
    const hr = await tx.membership.findFirst({
      where: { organizationId: company.id, role: 'COMPANY_ADMIN', user: { email: options.companyAdminEmails[company.alliance.slug] ?? '' } },
      select: { userId: true },
    });
    const scope: CompanyScope = { allianceId: company.allianceId, companyId: company.id, userId: hr?.userId ?? null };
    const withPremio = Boolean(hr) && company.alliance.slug === 'val-seriana';
    const draft: PlanDraft = {
      name: `Piano welfare ${year}`,
      startsOn: `${year}-01-01`,
      endsOn: `${year}-12-31`,
      companyFundingCents: 1_200_000,
      publicFundingCents: company.alliance.slug === 'val-cavallina' ? 300_000 : 0,
      publicFundingSource: company.alliance.slug === 'val-cavallina' ? 'Regione Lombardia – piano territoriale di conciliazione' : null,
      premioConversion: withPremio,
      premioWindowStartsOn: withPremio ? `${year}-01-01` : null,
      premioWindowEndsOn: withPremio ? `${year}-12-31` : null,
      premioCapCents: withPremio ? 150_000 : null,
      agreementKind: withPremio ? 'TERRITORIAL' : null,
      agreementReference: withPremio ? PREMIO_AGREEMENT : null,
      reimbursementsAllowed: true,
      leaverGraceDays: 90,
      endRule: company.alliance.slug === 'val-cavallina' ? 'DONATE_TO_SOLIDARITY_FUND' : 'RETURN_TO_COMPANY',
      carryOverPlanId: null,
    };
    const { id: planId } = await createPlan(tx, scope, draft);
    await setRules(tx, scope, planId, [
      { kind: 'FLAT', employeeCategory: null, amountCents: 25_000 },
      { kind: 'PER_CHILD', employeeCategory: null, amountCents: 10_000 },
      { kind: 'PER_DEPENDENT', employeeCategory: null, amountCents: 15_000 },
    ]);
    await setCarnet(tx, scope, planId, {
      categories: CARNET.filter((c) => categoryId.has(c.slug)).map((c) => ({ categoryId: categoryId.get(c.slug)!, capCents: c.capCents, reimbursable: c.reimbursable })),
      offeringIds: [],
    });
    await activatePlan(tx, scope, planId);
    if (withPremio) {
      const employees = await tx.membership.findMany({
        where: { organizationId: company.id, role: 'EMPLOYEE' },
        orderBy: { createdAt: 'asc' },
        select: { user: { select: { email: true } } },
      });
      const lines = employees.map((e, i) => `${e.user.email}; ${800 + (i % 5) * 100}`);
      await declarePremi(tx, scope, planId, lines.join('\n'));
    }
    plans++;

    const run = await previewAllocationRun(tx, scope, planId);
    if (run.totalCents === 0) continue;
    if ((await getCompanyBudgetCents(tx, scope)) < run.totalCents) await fundCompany(tx, company.allianceId, company.id, run.totalCents * 2);
    await commitAllocationRun(tx, scope, planId, run.id);
    wallets += run.employeeCount;
  }
  return { plans, wallets };
}

/** A bank transfer declared and confirmed by the alliance's admin, rounded up to € 1.000. */
async function fundCompany(tx: DbTx, allianceId: string, companyId: string, cents: number): Promise<void> {
  const admin = await tx.membership.findFirst({ where: { role: 'ALLIANCE_ADMIN', organization: { allianceId } }, select: { userId: true } });
  if (!admin) throw new Error(`Demo alliance ${allianceId} has no administrator to confirm a top-up`);
  const amountCents = Math.ceil(cents / 100_000) * 100_000;
  const topUp = await tx.topUp.create({
    data: {
      allianceId,
      companyId,
      amountCents,
      method: 'BANK_TRANSFER',
      status: 'DECLARED',
      paymentReference: newPaymentReference((n) => randomInt(n)),
    },
  });
  const locked = await lockTopUp(tx, topUp.id);
  await creditLockedTopUp(tx, locked!, {
    ledgerActor: { userId: admin.userId },
    confirmedById: admin.userId,
    bank: { bankReference: `TRN DEMO ${topUp.paymentReference}`, receivedOn: new Date(`${romeToday()}T00:00:00.000Z`) },
    auditAction: 'topup.confirmed',
    auditMetadata: { demo: true },
  });
}
