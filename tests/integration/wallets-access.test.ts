import { randomUUID } from 'node:crypto';
import { commitAllocationRun, previewAllocationRun } from '~/domain/allocations/allocations.server';
import { login } from '~/domain/auth/auth.server';
import { createPlan } from '~/domain/plans/plans.server';
import { getMyWallets, getWalletBalancesForMemberships, listMyMovements } from '~/domain/wallets/wallets.server';
import { getWalletBalancesForMemberships as fromPlans } from '~/domain/plans/plans.server';
import { NotFound } from '~/utils/errors.server';
import * as homeRoute from '../../app/routes/lavoratore._index';
import * as premioRoute from '../../app/routes/lavoratore.premio';
import * as walletRoute from '../../app/routes/lavoratore.portafoglio';
import { getDb, useTestDatabase } from '../setup/database';
import { cookieFor, makeRequest, PASSWORD, responseOf, testPasswordHash } from './auth-fixtures';
import { activePlan, createPlansWorld, draft, topUpBudget, type Person, type PlansWorld } from './plans-fixtures';

// The employee's wallet: their own balances and movements only. Another employee's wallet is never
// reachable, another company's plan is 404; the company's employees table gets balances per membership.

useTestDatabase();

let a: PlansWorld;
let b: PlansWorld;
let planA: string;
let planB: string;
let draftA: string;

type Loader = (args: { request: Request; params: Record<string, string>; context: object }) => Promise<unknown>;

async function cookieOf(person: Person): Promise<string> {
  await getDb().user.update({ where: { id: person.userId }, data: { passwordHash: await testPasswordHash() } });
  const signed = await login(getDb(), { email: person.email, password: PASSWORD, ipAddress: '198.51.100.77' });
  return cookieFor(signed.token);
}

async function get(route: unknown, path: string, person: Person) {
  const cookie = await cookieOf(person);
  return responseOf(() => (route as { loader: Loader }).loader({ request: makeRequest(path, { cookie }), params: {}, context: {} }));
}

async function allocate(world: PlansWorld, planId: string, cents: number) {
  const db = getDb();
  await topUpBudget(db, world.tenant, cents * world.employees.length);
  const run = await previewAllocationRun(db, world.admin.actor, planId);
  await commitAllocationRun(db, world.admin.actor, planId, run.id);
}

beforeAll(async () => {
  const db = getDb();
  a = await createPlansWorld(db, [{}, {}]);
  b = await createPlansWorld(db, [{}]);
  planA = await activePlan(db, a, { flatCents: 40_000, draft: { name: 'Piano Alfa' } });
  planB = await activePlan(db, b, { flatCents: 99_000, draft: { name: 'Piano Beta' } });
  draftA = (await createPlan(db, a.admin.actor, draft({ name: 'Bozza Alfa' }))).id;
  await allocate(a, planA, 40_000);
  await allocate(b, planB, 99_000);
});

describe('the employee’s wallet', () => {
  it('shows the balance, the last day and the plan in plain words', async () => {
    const wallets = await getMyWallets(getDb(), a.employees[0]!.actor);
    expect(wallets).toHaveLength(1);
    expect(wallets[0]).toMatchObject({ planId: planA, planName: 'Piano Alfa', balanceCents: 40_000, status: 'ACTIVE', endRule: 'RETURN_TO_COMPANY', leaverGraceDays: 30 });
    expect(wallets[0]!.carnet.map((c) => c.fiscalBasis)).toEqual(['art. 51 c. 2 lett. f-bis']);

    const response = await get(walletRoute, '/lavoratore/portafoglio', a.employees[0]!);
    expect(response.status).toBe(200);
    const data = (await response.json()) as { selected: { planId: string }; movements: { rows: Array<{ amountCents: number; kind: string }>; total: number } };
    expect(data.selected.planId).toBe(planA);
    expect(data.movements.rows).toMatchObject([{ kind: 'ALLOCATION', amountCents: 40_000 }]);
  });

  it('another company’s plan and a draft are 404; the movements are only the employee’s own', async () => {
    expect((await get(walletRoute, `/lavoratore/portafoglio?piano=${planB}`, a.employees[0]!)).status).toBe(404);
    expect((await get(walletRoute, `/lavoratore/portafoglio?piano=${draftA}`, a.employees[0]!)).status).toBe(404);
    expect((await get(walletRoute, `/lavoratore/portafoglio?piano=${randomUUID()}`, a.employees[0]!)).status).toBe(404);
    await expect(listMyMovements(getDb(), a.employees[0]!.actor, { piano: planB, page: 1, sort: 'date', dir: 'desc' })).rejects.toBeInstanceOf(NotFound);

    const mine = await listMyMovements(getDb(), a.employees[0]!.actor, { piano: planA, page: 1, sort: 'amount', dir: 'desc' });
    const colleague = await listMyMovements(getDb(), a.employees[1]!.actor, { piano: planA, page: 1, sort: 'amount', dir: 'desc' });
    expect(mine.total).toBe(1);
    expect(colleague.total).toBe(1);
    expect(mine.rows[0]!.id).not.toBe(colleague.rows[0]!.id);
  });

  it('is a page for employees only: the company admin gets 404', async () => {
    expect((await get(walletRoute, '/lavoratore/portafoglio', a.admin)).status).toBe(404);
    expect((await get(premioRoute, '/lavoratore/premio', a.admin)).status).toBe(404);
    await expect(getMyWallets(getDb(), a.admin.actor)).rejects.toBeInstanceOf(NotFound);
  });

  it('the employee home shows the wallet summary, the premio page opens', async () => {
    const home = await get(homeRoute, '/lavoratore', a.employees[1]!);
    expect(home.status).toBe(200);
    expect(((await home.json()) as { active: Array<{ balanceCents: number }> }).active).toEqual([expect.objectContaining({ planId: planA, balanceCents: 40_000 })]);
    expect((await get(premioRoute, '/lavoratore/premio', a.employees[1]!)).status).toBe(200);
  });
});

describe('balances for the company’s employees table', () => {
  it('sums each membership’s wallets in plans that are not closed', async () => {
    const ids = [...a.employees, ...b.employees].map((e) => e.membershipId);
    const balances = await getWalletBalancesForMemberships(getDb(), ids);
    expect(Object.fromEntries(balances)).toEqual({
      [a.employees[0]!.membershipId]: 40_000,
      [a.employees[1]!.membershipId]: 40_000,
      [b.employees[0]!.membershipId]: 99_000,
    });
    expect(fromPlans).toBe(getWalletBalancesForMemberships);
    expect((await getWalletBalancesForMemberships(getDb(), [])).size).toBe(0);
  });
});
