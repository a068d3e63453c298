import { randomUUID } from 'node:crypto';
import { createHold, ensureAccount, getHold, postHold, postTransaction, voidHold } from '~/domain/ledger/ledger.server';
import { verifyLedger } from '~/domain/ledger/verify.server';
import { createDb, type Db } from '~/utils/db.server';
import { Conflict } from '~/utils/errors.server';
import { getDb, useTestDatabase } from '../setup/database';
import { balanceOf, createLedgerWorld, fundWallet, outcome, SYSTEM, type LedgerWorld } from './ledger-fixtures';

// Many concurrent real transactions from a pool of 20 connections: the ledger must neither
// overdraw an account nor move more than a hold holds, whatever the interleaving.

const ctx = useTestDatabase();
let world: LedgerWorld;
let pool: Db;

beforeAll(async () => {
  world = await createLedgerWorld(getDb(), { employees: 2 });
  pool = createDb(ctx.databaseUrl, { max: 20 });
});
afterAll(async () => {
  await pool.$disconnect();
});

async function newWallet(cents: number) {
  const wallet = await ensureAccount(getDb(), {
    allianceId: world.tenant.allianceId,
    kind: 'EMPLOYEE_WALLET',
    membershipId: world.employees[0]!.membershipId,
    planId: randomUUID(),
  });
  if (cents > 0) await fundWallet(getDb(), world, wallet.id, cents);
  return wallet;
}

function tally(results: Array<Awaited<ReturnType<typeof outcome>>>) {
  const counts: Record<string, number> = {};
  for (const r of results) {
    const name = r.ok ? 'ok' : r.name;
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}

async function expectCleanLedger() {
  const verification = await verifyLedger(getDb());
  expect(verification.problems).toEqual([]);
  expect(verification.ok).toBe(true);
}

describe('concurrent postings', () => {
  it('200 concurrent debits of 10 € against a 1,000 € wallet: exactly 100 succeed, the rest InsufficientFunds, balance 0', async () => {
    const wallet = await newWallet(100_000);
    const payableBefore = await balanceOf(getDb(), world.payable.id);
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        outcome(
          postTransaction(pool, {
            allianceId: world.tenant.allianceId,
            kind: 'ADJUSTMENT',
            idempotencyKey: `debit:${wallet.id}:${i}`,
            actor: SYSTEM,
            entries: [
              { accountId: wallet.id, amountCents: -1_000 },
              { accountId: world.payable.id, amountCents: 1_000 },
            ],
          }),
        ),
      ),
    );
    expect(tally(results)).toEqual({ ok: 100, InsufficientFunds: 100 });
    for (const r of results) if (!r.ok) expect(r.error).toMatchObject({ accountKind: 'EMPLOYEE_WALLET', shortfallCents: 1_000 });
    expect(await balanceOf(getDb(), wallet.id)).toBe(0);
    expect(await balanceOf(getDb(), world.payable.id)).toBe(payableBefore + 100_000);
    expect(await getDb().ledgerTransaction.count({ where: { idempotencyKey: { startsWith: `debit:${wallet.id}:` } } })).toBe(100);
    await expectCleanLedger();
  });

  it('transfers in both directions between two accounts at once: no deadlock leaks out, totals kept', async () => {
    const a = await newWallet(50_000);
    const b = await newWallet(50_000);
    const results = await Promise.all(
      Array.from({ length: 120 }, (_, i) => {
        const [from, to] = i % 2 === 0 ? [a, b] : [b, a];
        return outcome(
          postTransaction(pool, {
            allianceId: world.tenant.allianceId,
            kind: 'ADJUSTMENT',
            idempotencyKey: `swap:${a.id}:${i}`,
            actor: SYSTEM,
            entries: [
              { accountId: from.id, amountCents: -100 },
              { accountId: to.id, amountCents: 100 },
            ],
          }),
        );
      }),
    );
    expect(tally(results)).toEqual({ ok: 120 });
    expect(await balanceOf(getDb(), a.id)).toBe(50_000);
    expect(await balanceOf(getDb(), b.id)).toBe(50_000);
  });

  it('the same idempotency key posted 30 times at once: one transaction, 29 replays of it', async () => {
    const wallet = await newWallet(5_000);
    const key = `once:${wallet.id}`;
    const results = await Promise.all(
      Array.from({ length: 30 }, () =>
        postTransaction(pool, {
          allianceId: world.tenant.allianceId,
          kind: 'ADJUSTMENT',
          idempotencyKey: key,
          actor: SYSTEM,
          entries: [
            { accountId: wallet.id, amountCents: -2_000 },
            { accountId: world.payable.id, amountCents: 2_000 },
          ],
        }),
      ),
    );
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect(await balanceOf(getDb(), wallet.id)).toBe(3_000);
    expect(await getDb().ledgerTransaction.count({ where: { idempotencyKey: key } })).toBe(1);
  });

  it('verifies while postings run and sees no false problem (one snapshot)', async () => {
    const wallet = await newWallet(20_000);
    const postings = Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        postTransaction(pool, {
          allianceId: world.tenant.allianceId,
          kind: 'ADJUSTMENT',
          idempotencyKey: `during-verify:${wallet.id}:${i}`,
          actor: SYSTEM,
          entries: [
            { accountId: wallet.id, amountCents: -100 },
            { accountId: world.payable.id, amountCents: 100 },
          ],
        }),
      ),
    );
    const verifications = await Promise.all(Array.from({ length: 4 }, () => verifyLedger(pool)));
    await postings;
    for (const v of verifications) expect(v.problems).toEqual([]);
    expect(await balanceOf(getDb(), wallet.id)).toBe(10_000);
  });
});

describe('concurrent holds', () => {
  it('20 concurrent holds of 1 € on a 10 € wallet: exactly 10 are taken', async () => {
    const wallet = await newWallet(1_000);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => {
        const holdKey = `race-hold:${wallet.id}:${i}`;
        return outcome(
          createHold(pool, { allianceId: world.tenant.allianceId, from: { accountId: wallet.id }, amountCents: 100, holdKey, idempotencyKey: `hold:${holdKey}`, actor: SYSTEM }),
        );
      }),
    );
    expect(tally(results)).toEqual({ ok: 10, InsufficientFunds: 10 });
    expect(await balanceOf(getDb(), wallet.id)).toBe(0);
  });

  it('50 concurrent partial posts of 3 € on a 100 € hold never post more than held', async () => {
    const wallet = await newWallet(10_000);
    const holdKey = `race-post:${wallet.id}`;
    const allianceId = world.tenant.allianceId;
    await createHold(getDb(), { allianceId, from: { accountId: wallet.id }, amountCents: 10_000, holdKey, idempotencyKey: `hold:${holdKey}`, actor: SYSTEM });
    const payableBefore = await balanceOf(getDb(), world.payable.id);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        outcome(postHold(pool, { allianceId, holdKey, amountCents: 300, to: { accountId: world.payable.id }, idempotencyKey: `redeem:${holdKey}:${i}`, actor: SYSTEM })),
      ),
    );
    expect(tally(results)).toEqual({ ok: 33, InsufficientFunds: 17 });
    const hold = await getHold(getDb(), { allianceId, holdKey });
    expect(hold).toMatchObject({ heldCents: 10_000, postedCents: 9_900, remainingCents: 100, status: 'PARTIALLY_POSTED' });
    expect(await balanceOf(getDb(), world.payable.id)).toBe(payableBefore + 9_900);
    await expectCleanLedger();
  });

  it('voids racing posts: exactly the held amount moves in total, one void wins', async () => {
    const wallet = await newWallet(10_000);
    const holdKey = `race-void:${wallet.id}`;
    const allianceId = world.tenant.allianceId;
    await createHold(getDb(), { allianceId, from: { accountId: wallet.id }, amountCents: 10_000, holdKey, idempotencyKey: `hold:${holdKey}`, actor: SYSTEM });
    const payableBefore = await balanceOf(getDb(), world.payable.id);
    const operations = [
      ...Array.from({ length: 20 }, (_, i) => () =>
        postHold(pool, { allianceId, holdKey, amountCents: 700, to: { accountId: world.payable.id }, idempotencyKey: `redeem:${holdKey}:${i}`, actor: SYSTEM }),
      ),
      ...Array.from({ length: 5 }, (_, i) => () => voidHold(pool, { allianceId, holdKey, idempotencyKey: `cancel:${holdKey}:${i}`, actor: SYSTEM })),
    ];
    // Interleave the voids among the posts.
    operations.sort(() => Math.random() - 0.5);
    const results = await Promise.all(operations.map((op) => outcome(op())));
    for (const r of results) if (!r.ok) expect(r.error).toBeInstanceOf(Conflict);

    const hold = await getHold(getDb(), { allianceId, holdKey });
    expect(hold.status).toBe('VOIDED');
    expect(hold.remainingCents).toBe(0);
    expect(hold.postedCents + hold.voidedCents).toBe(10_000);
    expect(hold.postedCents % 700).toBe(0);
    const voids = await getDb().ledgerTransaction.count({ where: { idempotencyKey: { startsWith: `cancel:${holdKey}:` } } });
    expect(voids).toBe(1);
    expect(await balanceOf(getDb(), wallet.id)).toBe(hold.voidedCents);
    expect(await balanceOf(getDb(), world.payable.id)).toBe(payableBefore + hold.postedCents);
    expect(results.filter((r) => r.ok)).toHaveLength(1 + hold.postedCents / 700);
    await expectCleanLedger();
  });
});
