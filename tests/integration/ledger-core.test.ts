import { randomUUID } from 'node:crypto';
import {
  ensureAccount,
  getBalance,
  getTransaction,
  InsufficientFunds,
  listEntries,
  postTransaction,
} from '~/domain/ledger/ledger.server';
import { Conflict, NotFound, ValidationFailed } from '~/utils/errors.server';
import { getDb, useTestDatabase } from '../setup/database';
import { createTenant } from './auth-fixtures';
import { allocate, balanceOf, createLedgerWorld, fundWallet, outcome, SYSTEM, topUp, withPg, type LedgerWorld } from './ledger-fixtures';

// The ledger core against real PostgreSQL: accounts, balanced postings, idempotency, overdrafts,
// and what the database refuses on its own when SQL is written by hand.

const ctx = useTestDatabase();
let world: LedgerWorld;

beforeAll(async () => {
  world = await createLedgerWorld(getDb(), { employees: 3 });
});

async function countTransactions(key: string): Promise<number> {
  return getDb().ledgerTransaction.count({ where: { idempotencyKey: key } });
}

describe('accounts', () => {
  it('creates an account once per logical key, at zero, with the negative rule of its kind', async () => {
    const db = getDb();
    const allianceId = world.tenant.allianceId;
    const spec = { allianceId, kind: 'EMPLOYEE_WALLET' as const, membershipId: world.employees[0]!.membershipId, planId: world.planId };
    const again = await ensureAccount(db, spec);
    expect(again.id).toBe(world.employees[0]!.wallet.id);
    expect(again).toMatchObject({ ledgerKey: `wallet:${spec.membershipId}:${spec.planId}`, balanceCents: 0, allowNegative: false, currency: 'EUR' });
    expect(world.bank.allowNegative).toBe(true);

    // Twenty concurrent calls for a new account: one row, one id.
    const planId = randomUUID();
    const results = await Promise.all(Array.from({ length: 20 }, () => ensureAccount(db, { ...spec, planId })));
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(await db.ledgerAccount.count({ where: { planId } })).toBe(1);
  });

  it('refuses owners of another alliance (404) and incomplete specs (422)', async () => {
    const db = getDb();
    const other = await createTenant(db);
    await expect(ensureAccount(db, { allianceId: world.tenant.allianceId, kind: 'COMPANY_BUDGET', organizationId: other.companyId })).rejects.toBeInstanceOf(NotFound);
    await expect(
      ensureAccount(db, { allianceId: world.tenant.allianceId, kind: 'EMPLOYEE_WALLET', membershipId: world.employees[0]!.membershipId, planId: null }),
    ).rejects.toBeInstanceOf(ValidationFailed);
    expect(await db.ledgerAccount.count({ where: { organizationId: other.companyId } })).toBe(0);
  });

  it('reads a balance by id or key, and hides accounts of another alliance', async () => {
    const db = getDb();
    await topUp(db, world, 12_345);
    const byKey = await getBalance(db, { allianceId: world.tenant.allianceId, account: { ledgerKey: world.budget.ledgerKey } });
    const byId = await getBalance(db, { allianceId: world.tenant.allianceId, account: { accountId: world.budget.id } });
    expect(byKey).toEqual(byId);
    expect(byKey.balanceCents).toBe(await balanceOf(db, world.budget.id));
    const other = await createTenant(db);
    await expect(getBalance(db, { allianceId: other.allianceId, account: { accountId: world.budget.id } })).rejects.toBeInstanceOf(NotFound);
    await expect(getBalance(db, { allianceId: 'not-a-uuid', account: { accountId: world.budget.id } })).rejects.toBeInstanceOf(NotFound);
    await expect(getBalance(db, { allianceId: world.tenant.allianceId, account: { accountId: 'not-a-uuid' } })).rejects.toBeInstanceOf(NotFound);
    await expect(getBalance(db, { allianceId: world.tenant.allianceId, account: { ledgerKey: 'wallet:nobody' } })).rejects.toBeInstanceOf(NotFound);
  });
});

describe('postTransaction', () => {
  it('posts a balanced transaction: entries written, cached balances moved', async () => {
    const db = getDb();
    const bankBefore = await balanceOf(db, world.bank.id);
    const budgetBefore = await balanceOf(db, world.budget.id);
    const key = `topup:${randomUUID()}`;
    const tx = await postTransaction(db, {
      allianceId: world.tenant.allianceId,
      kind: 'TOP_UP',
      idempotencyKey: key,
      actor: SYSTEM,
      metadata: { topUpId: 'T-1' },
      entries: [
        { ledgerKey: world.bank.ledgerKey, amountCents: -100_000 },
        { accountId: world.budget.id, amountCents: 100_000 },
      ],
    });
    expect(tx).toMatchObject({ kind: 'TOP_UP', idempotencyKey: key, replayed: false, metadata: { topUpId: 'T-1' }, actor: SYSTEM });
    expect(tx.entries).toHaveLength(2);
    expect(await balanceOf(db, world.bank.id)).toBe(bankBefore - 100_000);
    expect(await balanceOf(db, world.budget.id)).toBe(budgetBefore + 100_000);
    const stored = await db.ledgerEntry.findMany({ where: { transactionId: tx.id }, orderBy: { id: 'asc' } });
    expect(stored.map((e) => Number(e.amountCents)).sort((a, b) => a - b)).toEqual([-100_000, 100_000]);
    expect((await getTransaction(db, { allianceId: world.tenant.allianceId, idempotencyKey: key })).id).toBe(tx.id);
  });

  it('posts one-to-many transactions (a budget into several wallets)', async () => {
    const db = getDb();
    await topUp(db, world, 30_000);
    const before = await Promise.all(world.employees.map((e) => balanceOf(db, e.wallet.id)));
    await postTransaction(db, {
      allianceId: world.tenant.allianceId,
      kind: 'ALLOCATION',
      idempotencyKey: `alloc-run:${randomUUID()}`,
      actor: SYSTEM,
      entries: [{ accountId: world.budget.id, amountCents: -30_000 }, ...world.employees.map((e) => ({ accountId: e.wallet.id, amountCents: 10_000 }))],
    });
    const after = await Promise.all(world.employees.map((e) => balanceOf(db, e.wallet.id)));
    expect(after.map((a, i) => a - before[i]!)).toEqual([10_000, 10_000, 10_000]);
  });

  it('refuses unbalanced, one-sided, duplicate, fractional and oversized entries, writing nothing', async () => {
    const db = getDb();
    const base = { allianceId: world.tenant.allianceId, kind: 'ADJUSTMENT' as const, actor: SYSTEM };
    const cases: Array<[string, Array<{ accountId: string; amountCents: number }>, RegExp]> = [
      ['unbalanced', [{ accountId: world.bank.id, amountCents: -100 }, { accountId: world.budget.id, amountCents: 99 }], /sum to zero/],
      ['one entry', [{ accountId: world.bank.id, amountCents: -100 }], /entries/],
      ['duplicate', [{ accountId: world.bank.id, amountCents: -100 }, { accountId: world.bank.id, amountCents: 100 }], /once/],
      ['fraction', [{ accountId: world.bank.id, amountCents: -10.5 }, { accountId: world.budget.id, amountCents: 10.5 }], /ledger\.amount\.integer/],
      ['zero', [{ accountId: world.bank.id, amountCents: 0 }, { accountId: world.budget.id, amountCents: 0 }], /ledger\.amount\.zero/],
      [
        'beyond MAX_SAFE_INTEGER',
        [{ accountId: world.bank.id, amountCents: -(2 ** 54) }, { accountId: world.budget.id, amountCents: 2 ** 54 }],
        /ledger\.amount\.tooLarge/,
      ],
    ];
    for (const [label, entries, message] of cases) {
      const key = `bad:${label}:${randomUUID()}`;
      const result = await outcome(postTransaction(db, { ...base, idempotencyKey: key, entries }));
      expect(result.ok, label).toBe(false);
      if (!result.ok) {
        expect(result.error, label).toBeInstanceOf(ValidationFailed);
        expect((result.error as Error).message, label).toMatch(message);
      }
      expect(await countTransactions(key), label).toBe(0);
    }
  });

  it('refuses accounts of another alliance as if they did not exist', async () => {
    const db = getDb();
    const other = await createLedgerWorld(db, { employees: 0 });
    const key = `cross:${randomUUID()}`;
    await expect(
      postTransaction(db, {
        allianceId: world.tenant.allianceId,
        kind: 'ADJUSTMENT',
        idempotencyKey: key,
        actor: SYSTEM,
        entries: [
          { accountId: world.bank.id, amountCents: -100 },
          { accountId: other.budget.id, amountCents: 100 },
        ],
      }),
    ).rejects.toBeInstanceOf(NotFound);
    expect(await countTransactions(key)).toBe(0);
    expect(await balanceOf(db, other.budget.id)).toBe(0);
  });

  it('keeps hold transactions and hold accounts to the hold functions', async () => {
    const db = getDb();
    await expect(
      postTransaction(db, {
        allianceId: world.tenant.allianceId,
        kind: 'HOLD',
        idempotencyKey: `h:${randomUUID()}`,
        actor: SYSTEM,
        entries: [
          { accountId: world.bank.id, amountCents: -1 },
          { accountId: world.budget.id, amountCents: 1 },
        ],
      }),
    ).rejects.toThrow(/createHold/);
  });

  it('lets clearing accounts go negative and nothing else', async () => {
    const db = getDb();
    expect(await balanceOf(db, world.bank.id)).toBeLessThan(0);
  });
});

describe('idempotency', () => {
  it('replays the same content: same transaction, nothing written twice', async () => {
    const db = getDb();
    const key = `topup:${randomUUID()}`;
    const first = await topUp(db, world, 5_000, key);
    const budget = await balanceOf(db, world.budget.id);
    const entries = await db.ledgerEntry.count();
    const again = await postTransaction(db, {
      allianceId: world.tenant.allianceId,
      kind: 'TOP_UP',
      idempotencyKey: key,
      actor: { system: 'another-caller' },
      entries: [
        // Same content, other order and by key: still the same transaction.
        { accountId: world.budget.id, amountCents: 5_000 },
        { ledgerKey: world.bank.ledgerKey, amountCents: -5_000 },
      ],
    });
    expect(again.id).toBe(first.id);
    expect(again.replayed).toBe(true);
    expect(again.actor).toEqual(SYSTEM);
    expect(await balanceOf(db, world.budget.id)).toBe(budget);
    expect(await db.ledgerEntry.count()).toBe(entries);
    expect(await countTransactions(key)).toBe(1);
  });

  it('refuses the same key with different content (amount, kind, metadata): Conflict, nothing written', async () => {
    const db = getDb();
    const key = `topup:${randomUUID()}`;
    const first = await topUp(db, world, 5_000, key);
    const budget = await balanceOf(db, world.budget.id);
    const variants: Array<{ kind: 'TOP_UP' | 'ADJUSTMENT'; amount: number; metadata: Record<string, string> }> = [
      { kind: 'TOP_UP', amount: 5_001, metadata: {} },
      { kind: 'ADJUSTMENT', amount: 5_000, metadata: {} },
      { kind: 'TOP_UP', amount: 5_000, metadata: { note: 'other' } },
    ];
    for (const v of variants) {
      const error = await postTransaction(db, {
        allianceId: world.tenant.allianceId,
        kind: v.kind,
        idempotencyKey: key,
        actor: SYSTEM,
        metadata: v.metadata,
        entries: [
          { accountId: world.bank.id, amountCents: -v.amount },
          { accountId: world.budget.id, amountCents: v.amount },
        ],
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Conflict);
      expect((error as Conflict).details).toMatchObject({ reason: 'idempotency_conflict', transactionId: first.id });
    }
    expect(await balanceOf(db, world.budget.id)).toBe(budget);
    expect(await countTransactions(key)).toBe(1);
  });
});

describe('overdraft', () => {
  it('refuses a debit beyond the balance with InsufficientFunds (409, kind, shortfall) and writes nothing', async () => {
    const db = getDb();
    const wallet = world.employees[1]!.wallet;
    await fundWallet(db, world, wallet.id, 2_500);
    const walletBefore = await balanceOf(db, wallet.id);
    const payableBefore = await balanceOf(db, world.payable.id);
    const entriesBefore = await db.ledgerEntry.count();
    const key = `spend:${randomUUID()}`;
    const error = await postTransaction(db, {
      allianceId: world.tenant.allianceId,
      kind: 'ADJUSTMENT',
      idempotencyKey: key,
      actor: SYSTEM,
      entries: [
        { accountId: wallet.id, amountCents: -(walletBefore + 250) },
        { accountId: world.payable.id, amountCents: walletBefore + 250 },
      ],
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InsufficientFunds);
    expect(error).toBeInstanceOf(Conflict);
    expect(error).toMatchObject({ status: 409, accountId: wallet.id, accountKind: 'EMPLOYEE_WALLET', shortfallCents: 250 });
    expect(await countTransactions(key)).toBe(0);
    expect(await db.ledgerEntry.count()).toBe(entriesBefore);
    expect(await balanceOf(db, wallet.id)).toBe(walletBefore);
    expect(await balanceOf(db, world.payable.id)).toBe(payableBefore);
  });

  it('joins a caller transaction: the caller rolls back, nothing stays', async () => {
    const db = getDb();
    const wallet = world.employees[2]!.wallet;
    const before = await balanceOf(db, wallet.id);
    const key = `alloc:${randomUUID()}`;
    await topUp(db, world, 700);
    await expect(
      db.$transaction(async (tx) => {
        await postTransaction(tx, {
          allianceId: world.tenant.allianceId,
          kind: 'ALLOCATION',
          idempotencyKey: key,
          actor: SYSTEM,
          entries: [
            { accountId: world.budget.id, amountCents: -700 },
            { accountId: wallet.id, amountCents: 700 },
          ],
        });
        expect(await balanceOf(tx as never, wallet.id)).toBe(before + 700);
        throw new Error('caller changed its mind');
      }),
    ).rejects.toThrow('caller changed its mind');
    expect(await balanceOf(db, wallet.id)).toBe(before);
    expect(await countTransactions(key)).toBe(0);
  });
});

describe('listEntries', () => {
  it('pages an account’s entries newest first', async () => {
    const db = getDb();
    const fresh = await createLedgerWorld(db, { employees: 1 });
    const wallet = fresh.employees[0]!.wallet;
    await topUp(db, fresh, 1_000);
    for (let i = 1; i <= 5; i++) await allocate(db, fresh, wallet.id, i * 10, `alloc:list:${wallet.id}:${i}`);
    const first = await listEntries(db, { allianceId: fresh.tenant.allianceId, account: { accountId: wallet.id }, limit: 2 });
    expect(first.rows.map((r) => r.amountCents)).toEqual([50, 40]);
    expect(first.rows[0]).toMatchObject({ transactionKind: 'ALLOCATION', idempotencyKey: `alloc:list:${wallet.id}:5` });
    const second = await listEntries(db, { allianceId: fresh.tenant.allianceId, account: { accountId: wallet.id }, limit: 2, cursor: first.nextCursor });
    expect(second.rows.map((r) => r.amountCents)).toEqual([30, 20]);
    const third = await listEntries(db, { allianceId: fresh.tenant.allianceId, account: { accountId: wallet.id }, limit: 2, cursor: second.nextCursor });
    expect(third.rows.map((r) => r.amountCents)).toEqual([10]);
    expect(third.nextCursor).toBeNull();
    await expect(listEntries(db, { allianceId: world.tenant.allianceId, account: { accountId: wallet.id } })).rejects.toBeInstanceOf(NotFound);
  });
});

describe('the database on its own (SQL written by hand)', () => {
  async function header(client: import('pg').Client, key: string): Promise<string> {
    const id = randomUUID();
    await client.query(
      `INSERT INTO "LedgerTransaction" ("id", "allianceId", "kind", "idempotencyKey", "actorSystem") VALUES ($1, $2, 'ADJUSTMENT', $3, 'sql')`,
      [id, world.tenant.allianceId, key],
    );
    return id;
  }
  const entry = `INSERT INTO "LedgerEntry" ("transactionId", "accountId", "amountCents") VALUES ($1, $2, $3)`;

  it('refuses an unbalanced transaction at COMMIT (deferred constraint trigger), keeping nothing', async () => {
    const key = `sql:${randomUUID()}`;
    const budgetBefore = await balanceOf(getDb(), world.budget.id);
    await withPg(ctx.databaseUrl, async (client) => {
      await client.query('BEGIN');
      const id = await header(client, key);
      await client.query(entry, [id, world.bank.id, -100]);
      await client.query(entry, [id, world.budget.id, 99]); // accepted for now: checked at commit
      await expect(client.query('COMMIT')).rejects.toThrow(/unbalanced: its entries sum to -1 cents/);
    });
    expect(await countTransactions(key)).toBe(0);
    expect(await balanceOf(getDb(), world.budget.id)).toBe(budgetBefore);
  });

  it('accepts a balanced one written in several statements, and refuses a lone header or one entry', async () => {
    await withPg(ctx.databaseUrl, async (client) => {
      await client.query('BEGIN');
      const id = await header(client, `sql:${randomUUID()}`);
      await client.query(entry, [id, world.bank.id, -100]);
      await client.query(entry, [id, world.budget.id, 100]);
      await client.query('COMMIT');

      await client.query('BEGIN');
      await header(client, `sql:${randomUUID()}`);
      await expect(client.query('COMMIT')).rejects.toThrow(/0 entries: at least two are needed/);

      await client.query('BEGIN');
      const lone = await header(client, `sql:${randomUUID()}`);
      await client.query(entry, [lone, world.bank.id, -100]);
      await expect(client.query('COMMIT')).rejects.toThrow(/1 entries|unbalanced/);
    });
  });

  it('still checks a transaction when entries follow a SET CONSTRAINTS IMMEDIATE check', async () => {
    await withPg(ctx.databaseUrl, async (client) => {
      await client.query('BEGIN');
      const id = await header(client, `sql:${randomUUID()}`);
      await client.query(entry, [id, world.bank.id, -100]);
      await client.query(entry, [id, world.budget.id, 100]);
      await client.query('SET CONSTRAINTS ALL IMMEDIATE');
      await client.query('SET CONSTRAINTS ALL DEFERRED');
      await client.query(entry, [id, world.fund.id, 5]);
      await expect(client.query('COMMIT')).rejects.toThrow(/unbalanced: its entries sum to 5 cents/);
    });
  });

  it('refuses entries added to a committed transaction, zero entries, and entries on another alliance', async () => {
    const committed = await topUp(getDb(), world, 100);
    const other = await createLedgerWorld(getDb(), { employees: 0 });
    await withPg(ctx.databaseUrl, async (client) => {
      await client.query('BEGIN');
      await expect(client.query(entry, [committed.id, world.bank.id, -1])).rejects.toThrow(/is closed/);
      await client.query('ROLLBACK');

      await client.query('BEGIN');
      const id = await header(client, `sql:${randomUUID()}`);
      await expect(client.query(entry, [id, world.bank.id, 0])).rejects.toThrow(/LedgerEntry_amount_not_zero/);
      await client.query('ROLLBACK');

      await client.query('BEGIN');
      const cross = await header(client, `sql:${randomUUID()}`);
      await expect(client.query(entry, [cross, other.bank.id, -1])).rejects.toThrow(/not in the alliance/);
      await client.query('ROLLBACK');
    });
  });

  it('refuses an overdraft written by hand', async () => {
    const wallet = (await createLedgerWorld(getDb(), { employees: 1 })).employees[0]!.wallet;
    await withPg(ctx.databaseUrl, async (client) => {
      await client.query('BEGIN');
      const id = randomUUID();
      await client.query(
        `INSERT INTO "LedgerTransaction" ("id", "allianceId", "kind", "idempotencyKey", "actorSystem") VALUES ($1, $2, 'ADJUSTMENT', $3, 'sql')`,
        [id, wallet.allianceId, `sql:${randomUUID()}`],
      );
      await expect(client.query(entry, [id, wallet.id, -1])).rejects.toThrow(/Insufficient funds/);
      await client.query('ROLLBACK');
    });
    expect(await balanceOf(getDb(), wallet.id)).toBe(0);
  });

  it('refuses UPDATE and DELETE of entries and transactions, and TRUNCATE', async () => {
    await withPg(ctx.databaseUrl, async (client) => {
      await expect(client.query(`UPDATE "LedgerEntry" SET "amountCents" = "amountCents" * 2`)).rejects.toThrow(/LedgerEntry is append-only \(UPDATE refused\)/);
      await expect(client.query(`DELETE FROM "LedgerEntry"`)).rejects.toThrow(/LedgerEntry is append-only \(DELETE refused\)/);
      await expect(client.query(`UPDATE "LedgerTransaction" SET "metadata" = '{"x":1}'`)).rejects.toThrow(/append-only \(UPDATE refused\)/);
      await expect(client.query(`DELETE FROM "LedgerTransaction"`)).rejects.toThrow(/append-only \(DELETE refused\)/);
      // CASCADE: other capabilities' tables reference ledger transactions; the ledger's trigger still refuses.
      await expect(client.query(`TRUNCATE "LedgerEntry", "LedgerTransaction", "LedgerAccount" CASCADE`)).rejects.toThrow(/TRUNCATE refused/);
    });
    expect(await getDb().ledgerEntry.count()).toBeGreaterThan(0);
  });

  it('refuses a balance changed without an entry, any other account change, and deleting an account', async () => {
    await withPg(ctx.databaseUrl, async (client) => {
      await expect(client.query(`UPDATE "LedgerAccount" SET "balanceCents" = "balanceCents" + 100 WHERE "id" = $1`, [world.budget.id])).rejects.toThrow(
        /changes only through entries/,
      );
      await expect(client.query(`UPDATE "LedgerAccount" SET "allowNegative" = true WHERE "id" = $1`, [world.budget.id])).rejects.toThrow(/cannot be changed/);
      await expect(client.query(`DELETE FROM "LedgerAccount" WHERE "id" = $1`, [world.budget.id])).rejects.toThrow(/append-only \(DELETE refused\)/);
      await expect(
        client.query(
          `INSERT INTO "LedgerAccount" ("id", "allianceId", "kind", "ledgerKey", "allowNegative") VALUES ($1, $2, 'SOLIDARITY_FUND', $3, true)`,
          [randomUUID(), world.tenant.allianceId, `fund:${randomUUID()}`],
        ),
      ).rejects.toThrow(/LedgerAccount_allowNegative_kind/);
      await expect(
        client.query(`INSERT INTO "LedgerAccount" ("id", "allianceId", "kind", "ledgerKey", "balanceCents") VALUES ($1, $2, 'SOLIDARITY_FUND', $3, 100)`, [
          randomUUID(),
          world.tenant.allianceId,
          `fund:${randomUUID()}`,
        ]),
      ).rejects.toThrow(/starts at zero/);
    });
  });

  it('refuses a second transaction with the same idempotency key', async () => {
    const committed = await topUp(getDb(), world, 100);
    await withPg(ctx.databaseUrl, async (client) => {
      await expect(header(client, committed.idempotencyKey)).rejects.toThrow(/LedgerTransaction_idempotencyKey_key/);
    });
  });
});
