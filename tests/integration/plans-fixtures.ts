import { randomUUID } from 'node:crypto';
import type { Actor, ActorMembership } from '~/domain/auth/actor';
import type { RoleName } from '~/domain/auth/roles';
import { ensureAccount, postTransaction } from '~/domain/ledger/ledger.server';
import { verifyLedger } from '~/domain/ledger/verify.server';
import type { PlanDraft } from '~/domain/plans/plans.fns';
import { createPlan, setCarnet, setRules, activatePlan } from '~/domain/plans/plans.server';
import type { Db } from '~/utils/db.server';
import { createTenant, type Tenant } from './auth-fixtures';

// Shared set-up of the plans-*, allocations-* and wallets-* tests: an alliance with a company,
// its HR administrator and employees with roster records (EmployeeProfile), actors for the domain
// functions, money put in the company budget through the ledger, and a ready-to-use plan.

export interface Person {
  userId: string;
  membershipId: string;
  email: string;
  actor: Actor;
}

export interface PlansWorld {
  tenant: Tenant;
  admin: Person;
  employees: Person[];
}

export interface EmployeeSpec {
  category?: string | null;
  children?: number;
  dependents?: number;
  hireDate?: string;
  terminationDate?: string | null;
}

let counter = 0;
/** A codice fiscale of the right shape (the check character is not verified by the database). */
function fakeCodiceFiscale(n: number): string {
  const letters = Array.from({ length: 6 }, (_, i) => String.fromCharCode(65 + (Math.floor(n / 26 ** i) % 26))).join('');
  return `${letters}80A01H501U`;
}

export async function actorFor(db: Db, membershipId: string): Promise<Actor> {
  const m = await db.membership.findUniqueOrThrow({
    where: { id: membershipId },
    include: { user: true, organization: { include: { alliance: true } } },
  });
  const membership: ActorMembership = {
    id: m.id,
    role: m.role as RoleName,
    organizationId: m.organizationId,
    organizationKind: m.organization.kind,
    organizationName: m.organization.legalName,
    allianceId: m.organization.allianceId,
    allianceSlug: m.organization.alliance.slug,
    allianceName: m.organization.alliance.name,
    ambitoId: m.organization.ambitoId,
  };
  return {
    user: { id: m.user.id, email: m.user.email, givenName: m.user.givenName, familyName: m.user.familyName, locale: m.user.locale, totpEnabled: false },
    sessionId: 'test-session',
    membership,
    memberships: [membership],
  };
}

export async function addPerson(db: Db, organizationId: string, role: RoleName, label = 'persona'): Promise<Person> {
  counter++;
  const email = `${label}.${counter}.${randomUUID().slice(0, 8)}@example.it`;
  const user = await db.user.create({ data: { email, givenName: `Nome${counter}`, familyName: `Cognome${String(counter).padStart(4, '0')}`, passwordHash: null } });
  const membership = await db.membership.create({ data: { userId: user.id, organizationId, role } });
  return { userId: user.id, membershipId: membership.id, email, actor: await actorFor(db, membership.id) };
}

async function ensureCompanyProfile(db: Db, organizationId: string): Promise<void> {
  await db.companyProfile.upsert({
    where: { organizationId },
    create: {
      organizationId,
      status: 'ADMITTED',
      sizeBand: 'SMALL',
      hrGivenName: 'Ufficio',
      hrFamilyName: 'Personale',
      hrEmail: `hr.${organizationId.slice(0, 8)}@example.it`,
      privacyConsentAt: new Date(),
      decidedAt: new Date(),
    },
    update: {},
  });
}

/** An employee of the company with a roster record. */
export async function addEmployee(db: Db, organizationId: string, spec: EmployeeSpec = {}): Promise<Person> {
  await ensureCompanyProfile(db, organizationId);
  const person = await addPerson(db, organizationId, 'EMPLOYEE', 'dipendente');
  const n = counter;
  await db.employeeProfile.create({
    data: {
      membershipId: person.membershipId,
      organizationId,
      codiceFiscale: fakeCodiceFiscale(n * 7 + 11),
      givenName: `Nome${n}`,
      familyName: `Cognome${n}`,
      email: person.email,
      hireDate: new Date(`${spec.hireDate ?? '2020-01-01'}T00:00:00Z`),
      terminationDate: spec.terminationDate ? new Date(`${spec.terminationDate}T00:00:00Z`) : null,
      category: spec.category === undefined ? 'impiegati' : spec.category,
      childrenCount: spec.children ?? 0,
      dependentsCount: spec.dependents ?? 0,
    },
  });
  return person;
}

export async function createPlansWorld(db: Db, employees: EmployeeSpec[] = [{}, {}]): Promise<PlansWorld> {
  const tenant = await createTenant(db);
  const admin = await addPerson(db, tenant.companyId, 'COMPANY_ADMIN', 'hr');
  const people: Person[] = [];
  for (const spec of employees) people.push(await addEmployee(db, tenant.companyId, spec));
  return { tenant, admin, employees: people };
}

/** A bank transfer into the company budget, through the ledger. */
export async function topUpBudget(db: Db, tenant: Tenant, cents: number): Promise<void> {
  const bank = await ensureAccount(db, { allianceId: tenant.allianceId, kind: 'BANK_CLEARING' });
  const budget = await ensureAccount(db, { allianceId: tenant.allianceId, kind: 'COMPANY_BUDGET', organizationId: tenant.companyId });
  await postTransaction(db, {
    allianceId: tenant.allianceId,
    kind: 'TOP_UP',
    idempotencyKey: `test-topup:${randomUUID()}`,
    actor: { system: 'test' },
    entries: [
      { accountId: bank.id, amountCents: -cents },
      { accountId: budget.id, amountCents: cents },
    ],
  });
}

export async function budgetCents(db: Db, tenant: Tenant): Promise<number> {
  const row = await db.ledgerAccount.findUnique({ where: { ledgerKey: `budget:${tenant.companyId}` }, select: { balanceCents: true } });
  return Number(row?.balanceCents ?? 0);
}

export async function walletCents(db: Db, membershipId: string, planId: string): Promise<number> {
  const row = await db.ledgerAccount.findUnique({ where: { ledgerKey: `wallet:${membershipId}:${planId}` }, select: { balanceCents: true } });
  return Number(row?.balanceCents ?? 0);
}

export function draft(overrides: Partial<PlanDraft> = {}): PlanDraft {
  return {
    name: 'Piano welfare di prova',
    startsOn: '2026-01-01',
    endsOn: '2026-12-31',
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
    leaverGraceDays: 30,
    endRule: 'RETURN_TO_COMPANY',
    carryOverPlanId: null,
    ...overrides,
  };
}

/** A plan of today's year (so it is current), with a FLAT rule of `flatCents`, one category in the carnet, activated. */
export async function activePlan(db: Db, world: PlansWorld, options: { flatCents?: number; draft?: Partial<PlanDraft> } = {}): Promise<string> {
  const year = new Date().getUTCFullYear();
  const { id } = await createPlan(db, world.admin.actor, draft({ startsOn: `${year}-01-01`, endsOn: `${year}-12-31`, ...options.draft }));
  await setRules(db, world.admin.actor, id, [{ kind: 'FLAT', employeeCategory: null, amountCents: options.flatCents ?? 10_000 }]);
  const category = await db.serviceCategory.findUniqueOrThrow({ where: { slug: 'nido-prima-infanzia' } });
  await setCarnet(db, world.admin.actor, id, { categories: [{ categoryId: category.id, capCents: null, reimbursable: false }], offeringIds: [] });
  await activatePlan(db, world.admin.actor, id);
  return id;
}

export async function expectCleanLedger(db: Db): Promise<void> {
  const verification = await verifyLedger(db);
  if (!verification.ok) throw new Error(`ledger verify found problems: ${JSON.stringify(verification.problems.slice(0, 5))}`);
}
