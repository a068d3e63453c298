import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { ensureAccount, postTransaction, type LedgerAccountView } from '~/domain/ledger/ledger.server';
import type { Db } from '~/utils/db.server';
import { createTenant, type Tenant } from './auth-fixtures';

// Shared set-up of the ledger-*.test.ts files: an alliance with a company, a provider and
// employees, their ledger accounts, and money put in through the ledger itself.

export const SYSTEM = { system: 'test' } as const;

export interface LedgerWorld {
  tenant: Tenant;
  planId: string;
  bank: LedgerAccountView;
  budget: LedgerAccountView;
  payable: LedgerAccountView;
  fund: LedgerAccountView;
  employees: Array<{ membershipId: string; wallet: LedgerAccountView }>;
}

/** A membership without a password (hashing is slow and not needed here). */
async function createEmployee(db: Db, organizationId: string): Promise<string> {
  const user = await db.user.create({
    data: { email: `dipendente.${randomUUID().slice(0, 12)}@example.it`, givenName: 'Dip', familyName: 'Endente', passwordHash: null },
  });
  const membership = await db.membership.create({ data: { userId: user.id, organizationId, role: 'EMPLOYEE' } });
  return membership.id;
}

export async function createLedgerWorld(db: Db, options: { employees?: number } = {}): Promise<LedgerWorld> {
  const tenant = await createTenant(db);
  const planId = randomUUID();
  const allianceId = tenant.allianceId;
  const bank = await ensureAccount(db, { allianceId, kind: 'BANK_CLEARING' });
  const budget = await ensureAccount(db, { allianceId, kind: 'COMPANY_BUDGET', organizationId: tenant.companyId });
  const payable = await ensureAccount(db, { allianceId, kind: 'PROVIDER_PAYABLE', organizationId: tenant.providerId });
  const fund = await ensureAccount(db, { allianceId, kind: 'SOLIDARITY_FUND' });
  const employees = [];
  for (let i = 0; i < (options.employees ?? 2); i++) {
    const membershipId = await createEmployee(db, tenant.companyId);
    const wallet = await ensureAccount(db, { allianceId, kind: 'EMPLOYEE_WALLET', membershipId, planId });
    employees.push({ membershipId, wallet });
  }
  return { tenant, planId, bank, budget, payable, fund, employees };
}

/** Bank transfer into the company budget. */
export async function topUp(db: Db, world: LedgerWorld, cents: number, key = `topup:${randomUUID()}`) {
  return postTransaction(db, {
    allianceId: world.tenant.allianceId,
    kind: 'TOP_UP',
    idempotencyKey: key,
    actor: SYSTEM,
    entries: [
      { accountId: world.bank.id, amountCents: -cents },
      { accountId: world.budget.id, amountCents: cents },
    ],
  });
}

/** Budget → one wallet. */
export async function allocate(db: Db, world: LedgerWorld, walletId: string, cents: number, key = `alloc:${randomUUID()}`) {
  return postTransaction(db, {
    allianceId: world.tenant.allianceId,
    kind: 'ALLOCATION',
    idempotencyKey: key,
    actor: SYSTEM,
    entries: [
      { accountId: world.budget.id, amountCents: -cents },
      { accountId: walletId, amountCents: cents },
    ],
  });
}

/** Tops up the budget and moves `cents` into the wallet. */
export async function fundWallet(db: Db, world: LedgerWorld, walletId: string, cents: number): Promise<void> {
  await topUp(db, world, cents);
  await allocate(db, world, walletId, cents);
}

export async function balanceOf(db: Db, accountId: string): Promise<number> {
  const row = await db.ledgerAccount.findUniqueOrThrow({ where: { id: accountId }, select: { balanceCents: true } });
  return Number(row.balanceCents);
}

/** Runs SQL on a connection of its own (superuser in tests), outside Prisma. */
export async function withPg<T>(databaseUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** What a promise settled to: the value, or the error's class name. */
export async function outcome<T>(promise: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown; name: string }> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    return { ok: false, error, name: error instanceof Error ? error.constructor.name : typeof error };
  }
}
