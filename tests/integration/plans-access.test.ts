import { randomUUID } from 'node:crypto';
import { previewAllocationRun } from '~/domain/allocations/allocations.server';
import { login } from '~/domain/auth/auth.server';
import { activatePlan, createPlan, getPlanDetail, setCarnet, setRules, updatePlan } from '~/domain/plans/plans.server';
import { Conflict, NotFound, ValidationFailed } from '~/utils/errors.server';
import * as allocationsRoute from '../../app/routes/azienda.piani.$id_.assegnazioni';
import * as planRoute from '../../app/routes/azienda.piani.$id';
import * as plansRoute from '../../app/routes/azienda.piani._index';
import * as newPlanRoute from '../../app/routes/azienda.piani.nuovo';
import { getDb, useTestDatabase } from '../setup/database';
import { cookieFor, makeRequest, responseOf, testPasswordHash, PASSWORD } from './auth-fixtures';
import { activePlan, createPlansWorld, draft, topUpBudget, type Person, type PlansWorld } from './plans-fixtures';

// The company's plan pages: a company admin sees and changes only their company's plans (another
// company's plan, run or a malformed id is 404, as for other roles), and plan validation reaches
// the forms as field errors with what was typed kept.

useTestDatabase();

let a: PlansWorld;
let b: PlansWorld;
let planA: string;
let planB: string;
let runB: string;
const cookies = new Map<string, string>();

async function cookieOf(person: Person): Promise<string> {
  const cached = cookies.get(person.userId);
  if (cached) return cached;
  await getDb().user.update({ where: { id: person.userId }, data: { passwordHash: await testPasswordHash() } });
  const signed = await login(getDb(), { email: person.email, password: PASSWORD, ipAddress: `198.51.100.${cookies.size + 20}` });
  const cookie = await cookieFor(signed.token);
  cookies.set(person.userId, cookie);
  return cookie;
}

type Loader = (args: { request: Request; params: Record<string, string>; context: object }) => Promise<unknown>;

async function get(route: { loader: Loader }, path: string, person: Person | null, params: Record<string, string> = {}) {
  const cookie = person ? await cookieOf(person) : null;
  return responseOf(() => route.loader({ request: makeRequest(path, { cookie }), params, context: {} }));
}

async function post(route: { action: Loader }, path: string, person: Person, form: Record<string, string>, params: Record<string, string> = {}) {
  const request = makeRequest(path, { cookie: await cookieOf(person), form });
  request.headers.set('Origin', 'http://localhost');
  return responseOf(() => route.action({ request, params, context: {} }));
}

beforeAll(async () => {
  const db = getDb();
  a = await createPlansWorld(db, [{}, {}]);
  b = await createPlansWorld(db, [{}]);
  planA = await activePlan(db, a, { draft: { name: 'Piano Alfa' } });
  planB = await activePlan(db, b, { draft: { name: 'Piano Beta' } });
  await topUpBudget(db, b.tenant, 50_000);
  runB = (await previewAllocationRun(db, b.admin.actor, planB)).id;
});

describe('company pages: own plans only', () => {
  it('lists only the company’s own plans', async () => {
    const response = await get(plansRoute as unknown as { loader: Loader }, '/azienda/piani', a.admin);
    expect(response.status).toBe(200);
    const data = (await response.json()) as { plans: Array<{ id: string; name: string }> };
    expect(data.plans.map((p) => p.id)).toEqual([planA]);
  });

  it('answers 404 for another company’s plan, a malformed id and an unknown id; 200 for its own', async () => {
    const route = planRoute as unknown as { loader: Loader };
    expect((await get(route, `/azienda/piani/${planA}`, a.admin, { id: planA })).status).toBe(200);
    expect((await get(route, `/azienda/piani/${planB}`, a.admin, { id: planB })).status).toBe(404);
    expect((await get(route, '/azienda/piani/not-a-uuid', a.admin, { id: 'not-a-uuid' })).status).toBe(404);
    expect((await get(route, `/azienda/piani/${randomUUID()}`, a.admin, { id: randomUUID() })).status).toBe(404);
    // An employee of the same company: the page does not exist for the role.
    expect((await get(route, `/azienda/piani/${planA}`, a.employees[0]!, { id: planA })).status).toBe(404);
    // Not signed in: to the login page.
    expect((await get(route, `/azienda/piani/${planA}`, null, { id: planA })).status).toBe(302);
  });

  it('allocation pages: another company’s plan or run is 404, and its commit does nothing', async () => {
    const route = allocationsRoute as unknown as { loader: Loader; action: Loader };
    expect((await get(route, `/azienda/piani/${planA}/assegnazioni`, a.admin, { id: planA })).status).toBe(200);
    expect((await get(route, `/azienda/piani/${planB}/assegnazioni`, a.admin, { id: planB })).status).toBe(404);
    // B's run under A's own plan: not found either.
    expect((await get(route, `/azienda/piani/${planA}/assegnazioni?esecuzione=${runB}`, a.admin, { id: planA })).status).toBe(404);
    const commit = await post(route, `/azienda/piani/${planB}/assegnazioni`, a.admin, { intent: 'commit', runId: runB }, { id: planB });
    expect(commit.status).toBe(404);
    expect((await getDb().allocationRun.findUniqueOrThrow({ where: { id: runB } })).status).toBe('PREVIEWED');
    const viaOwnPlan = await post(route, `/azienda/piani/${planA}/assegnazioni`, a.admin, { intent: 'commit', runId: runB }, { id: planA });
    expect(viaOwnPlan.status).toBe(404);
  });

  it('domain functions refuse other companies and other roles with NotFound', async () => {
    const db = getDb();
    await expect(getPlanDetail(db, a.admin.actor, planB)).rejects.toBeInstanceOf(NotFound);
    await expect(updatePlan(db, a.admin.actor, planB, draft())).rejects.toBeInstanceOf(NotFound);
    await expect(setRules(db, a.admin.actor, planB, [])).rejects.toBeInstanceOf(NotFound);
    await expect(previewAllocationRun(db, a.admin.actor, planB)).rejects.toBeInstanceOf(NotFound);
    await expect(getPlanDetail(db, a.employees[0]!.actor, planA)).rejects.toBeInstanceOf(NotFound);
    await expect(createPlan(db, a.employees[0]!.actor, draft())).rejects.toBeInstanceOf(NotFound);
  });
});

describe('plan validation', () => {
  it('refuses premio conversion without the agreement reference: 422 with the field error, what was typed kept, nothing created', async () => {
    const before = await getDb().welfarePlan.count();
    const response = await post(newPlanRoute as unknown as { action: Loader }, '/azienda/piani/nuova', a.admin, {
      name: 'Piano con premio',
      startsOn: '01/01/2027',
      endsOn: '31/12/2027',
      premioConversion: 'on',
      agreementKind: 'COMPANY',
      premioWindowStartsOn: '2027-03-01',
      premioWindowEndsOn: '2027-03-31',
      leaverGraceDays: '60',
      endRule: 'RETURN_TO_COMPANY',
    });
    expect(response.status).toBe(422);
    const body = (await response.json()) as { fieldErrors: Record<string, string>; values: Record<string, string> };
    expect(body.fieldErrors).toEqual({ agreementReference: 'plans.validation.agreementRequired' });
    expect(body.values).toMatchObject({ name: 'Piano con premio', startsOn: '01/01/2027', premioConversion: 'on' });
    expect(await getDb().welfarePlan.count()).toBe(before);
  });

  it('creates a valid draft from the form (Italian dates and amounts) and redirects to it', async () => {
    const response = await post(newPlanRoute as unknown as { action: Loader }, '/azienda/piani/nuova', a.admin, {
      name: 'Piano 2027',
      startsOn: '01/01/2027',
      endsOn: '31/12/2027',
      companyFunding: '25.000,00',
      leaverGraceDays: '60',
      endRule: 'DONATE_TO_SOLIDARITY_FUND',
    });
    expect(response.status).toBe(302);
    const id = response.headers.get('Location')!.split('/').pop()!.split('?')[0]!;
    const plan = await getDb().welfarePlan.findUniqueOrThrow({ where: { id } });
    expect(plan).toMatchObject({ companyId: a.tenant.companyId, status: 'DRAFT', companyFundingCents: 2_500_000n, leaverGraceDays: 60, endRule: 'DONATE_TO_SOLIDARITY_FUND' });
    expect(await getDb().auditEvent.count({ where: { action: 'plan.created', subjectId: id } })).toBe(1);
  });

  it('checks caps, reimbursable categories and rules; lists what stops activation', async () => {
    const db = getDb();
    const { id } = await createPlan(db, a.admin.actor, draft({ name: 'Piano da completare', startsOn: '2027-01-01', endsOn: '2027-12-31' }));
    const category = await db.serviceCategory.findUniqueOrThrow({ where: { slug: 'centri-estivi' } });
    await expect(setCarnet(db, a.admin.actor, id, { categories: [{ categoryId: category.id, capCents: 0, reimbursable: false }], offeringIds: [] })).rejects.toMatchObject({
      fieldErrors: { [`cap_${category.id}`]: 'plans.validation.amountPositive' },
    });
    await expect(setCarnet(db, a.admin.actor, id, { categories: [{ categoryId: category.id, capCents: 30_000, reimbursable: true }], offeringIds: [] })).rejects.toMatchObject({
      fieldErrors: { [`reimbursable_${category.id}`]: 'plans.validation.reimbursementsOff' },
    });
    await expect(
      setRules(db, a.admin.actor, id, [
        { kind: 'FLAT', employeeCategory: null, amountCents: 100 },
        { kind: 'FLAT', employeeCategory: null, amountCents: 200 },
      ]),
    ).rejects.toBeInstanceOf(ValidationFailed);
    await expect(activatePlan(db, a.admin.actor, id)).rejects.toMatchObject({ fieldErrors: { activate: 'plans.activate.emptyCarnet' } });
    const detail = await getPlanDetail(db, a.admin.actor, id);
    expect(detail.activationProblems).toEqual(['plans.activate.emptyCarnet', 'plans.activate.noFunding']);
    await setCarnet(db, a.admin.actor, id, { categories: [{ categoryId: category.id, capCents: 30_000, reimbursable: false }], offeringIds: [] });
    await setRules(db, a.admin.actor, id, [{ kind: 'PER_CHILD', employeeCategory: null, amountCents: 10_000 }]);
    await activatePlan(db, a.admin.actor, id);
    await expect(activatePlan(db, a.admin.actor, id)).rejects.toBeInstanceOf(Conflict);
    // Once active, its first day is fixed.
    await expect(updatePlan(db, a.admin.actor, id, draft({ name: 'Piano da completare', startsOn: '2027-02-01', endsOn: '2027-12-31' }))).rejects.toMatchObject({
      fieldErrors: { startsOn: 'plans.validation.activeStartFixed' },
    });
  });

  it('carries over only into a later plan of the same company', async () => {
    const db = getDb();
    const { id } = await createPlan(db, a.admin.actor, draft({ name: 'Piano breve', startsOn: '2027-01-01', endsOn: '2027-06-30' }));
    await expect(updatePlan(db, a.admin.actor, id, draft({ startsOn: '2027-01-01', endsOn: '2027-06-30', endRule: 'CARRY_OVER', carryOverPlanId: planB }))).rejects.toMatchObject({
      fieldErrors: { carryOverPlanId: 'plans.validation.carryOverTarget' },
    });
    const later = await createPlan(db, a.admin.actor, draft({ name: 'Piano dopo', startsOn: '2027-07-01', endsOn: '2027-12-31' }));
    await updatePlan(db, a.admin.actor, id, draft({ name: 'Piano breve', startsOn: '2027-01-01', endsOn: '2027-06-30', endRule: 'CARRY_OVER', carryOverPlanId: later.id }));
    expect((await db.welfarePlan.findUniqueOrThrow({ where: { id } })).carryOverPlanId).toBe(later.id);
  });

  it('the plan page action saves rules from the form and reports line errors without saving', async () => {
    const route = planRoute as unknown as { action: Loader };
    const bad = await post(route, `/azienda/piani/${planA}`, a.admin, { intent: 'rules', flat: '100', byCategory: 'operai; cento' }, { id: planA });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { fieldErrors: Record<string, string> }).fieldErrors).toEqual({ byCategory: 'plans.lines.amount' });
    const ok = await post(route, `/azienda/piani/${planA}`, a.admin, { intent: 'rules', flat: '100', perChild: '50,50', byCategory: 'Operai; 30\nimpiegati; 20' }, { id: planA });
    expect(ok.status).toBe(200);
    const rules = await getDb().welfarePlanRule.findMany({ where: { planId: planA }, orderBy: { position: 'asc' } });
    expect(rules.map((r) => [r.kind, r.employeeCategory, r.amountCents])).toEqual([
      ['FLAT', null, 10_000],
      ['PER_CHILD', null, 5_050],
      ['BY_CATEGORY', 'operai', 3_000],
      ['BY_CATEGORY', 'impiegati', 2_000],
    ]);
    const unknown = await post(route, `/azienda/piani/${planA}`, a.admin, { intent: 'manual', lines: `${b.employees[0]!.email}; 10` }, { id: planA });
    expect(unknown.status).toBe(422);
    expect(((await unknown.json()) as { lineErrors: Array<{ line: number; messageKey: string }> }).lineErrors).toEqual([
      { line: 1, messageKey: 'plans.lines.unknownPerson', text: b.employees[0]!.email },
    ]);
  });
});
