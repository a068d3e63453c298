import { randomUUID } from 'node:crypto';
import { createHold, ensureAccount, getHold, InsufficientFunds, postHold, voidHold } from '~/domain/ledger/ledger.server';
import { Conflict, NotFound, ValidationFailed } from '~/utils/errors.server';
import { getDb, useTestDatabase } from '../setup/database';
import { balanceOf, createLedgerWorld, fundWallet, SYSTEM, type LedgerWorld } from './ledger-fixtures';

// Two-phase holds (TigerBeetle's pending transfers): wallet → hold → provider payable, or back.

useTestDatabase();
let world: LedgerWorld;

beforeAll(async () => {
  world = await createLedgerWorld(getDb(), { employees: 2 });
});

async function freshWallet(cents: number) {
  const db = getDb();
  const membershipId = world.employees[0]!.membershipId;
  const wallet = await ensureAccount(db, { allianceId: world.tenant.allianceId, kind: 'EMPLOYEE_WALLET', membershipId, planId: randomUUID() });
  if (cents > 0) await fundWallet(db, world, wallet.id, cents);
  return wallet;
}

describe('holds', () => {
  it('holds, posts in parts, and voids the rest back to the wallet', async () => {
    const db = getDb();
    const wallet = await freshWallet(10_000);
    const payableBefore = await balanceOf(db, world.payable.id);
    const holdKey = `voucher:${randomUUID()}`;
    const allianceId = world.tenant.allianceId;

    const held = await createHold(db, { allianceId, from: { accountId: wallet.id }, amountCents: 6_000, holdKey, idempotencyKey: `hold:${holdKey}`, actor: SYSTEM });
    expect(held.hold).toMatchObject({ holdKey, sourceAccountId: wallet.id, heldCents: 6_000, postedCents: 0, remainingCents: 6_000, status: 'HELD' });
    expect(held.transaction).toMatchObject({ kind: 'HOLD', metadata: { holdKey }, replayed: false });
    expect(await balanceOf(db, wallet.id)).toBe(4_000);
    expect(await balanceOf(db, held.hold.accountId)).toBe(6_000);

    const first = await postHold(db, { allianceId, holdKey, amountCents: 2_500, to: { accountId: world.payable.id }, idempotencyKey: `redeem:${holdKey}:1`, actor: SYSTEM });
    expect(first.hold).toMatchObject({ postedCents: 2_500, remainingCents: 3_500, status: 'PARTIALLY_POSTED' });
    const second = await postHold(db, { allianceId, holdKey, amountCents: 1_000, to: { ledgerKey: world.payable.ledgerKey }, idempotencyKey: `redeem:${holdKey}:2`, actor: SYSTEM });
    expect(second.hold).toMatchObject({ postedCents: 3_500, remainingCents: 2_500 });

    const voided = await voidHold(db, { allianceId, holdKey, idempotencyKey: `cancel:${holdKey}`, actor: SYSTEM });
    expect(voided.hold).toMatchObject({ heldCents: 6_000, postedCents: 3_500, voidedCents: 2_500, remainingCents: 0, status: 'VOIDED' });
    expect(voided.transaction.entries.find((e) => e.accountId === wallet.id)?.amountCents).toBe(2_500);
    expect(await balanceOf(db, wallet.id)).toBe(6_500);
    expect(await balanceOf(db, world.payable.id)).toBe(payableBefore + 3_500);
    expect(await balanceOf(db, held.hold.accountId)).toBe(0);

    // Closed for good.
    await expect(postHold(db, { allianceId, holdKey, amountCents: 1, to: { accountId: world.payable.id }, idempotencyKey: `redeem:${holdKey}:3`, actor: SYSTEM })).rejects.toMatchObject({
      details: { reason: 'hold_closed' },
    });
    await expect(voidHold(db, { allianceId, holdKey, idempotencyKey: `cancel:${holdKey}:again`, actor: SYSTEM })).rejects.toBeInstanceOf(Conflict);
    expect(await getHold(db, { allianceId, holdKey })).toMatchObject({ status: 'VOIDED', remainingCents: 0 });
  });

  it('posts at most what remains (InsufficientFunds on the HOLD), and a fully posted hold cannot be voided', async () => {
    const db = getDb();
    const wallet = await freshWallet(1_000);
    const holdKey = `booking:${randomUUID()}`;
    const allianceId = world.tenant.allianceId;
    await createHold(db, { allianceId, from: { accountId: wallet.id }, amountCents: 1_000, holdKey, idempotencyKey: `hold:${holdKey}`, actor: SYSTEM });
    const over = await postHold(db, { allianceId, holdKey, amountCents: 1_001, to: { accountId: world.payable.id }, idempotencyKey: `redeem:${holdKey}:x`, actor: SYSTEM }).catch(
      (e: unknown) => e,
    );
    expect(over).toBeInstanceOf(InsufficientFunds);
    expect(over).toMatchObject({ accountKind: 'HOLD', shortfallCents: 1 });
    const full = await postHold(db, { allianceId, holdKey, amountCents: 1_000, to: { accountId: world.payable.id }, idempotencyKey: `redeem:${holdKey}`, actor: SYSTEM });
    expect(full.hold.status).toBe('POSTED');
    await expect(voidHold(db, { allianceId, holdKey, idempotencyKey: `cancel:${holdKey}`, actor: SYSTEM })).rejects.toMatchObject({ details: { reason: 'hold_closed' } });
  });

  it('refuses a hold beyond the wallet (InsufficientFunds, nothing held) and a second hold with the same key', async () => {
    const db = getDb();
    const wallet = await freshWallet(500);
    const allianceId = world.tenant.allianceId;
    const holdKey = `voucher:${randomUUID()}`;
    const error = await createHold(db, { allianceId, from: { accountId: wallet.id }, amountCents: 501, holdKey, idempotencyKey: `hold:${holdKey}`, actor: SYSTEM }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InsufficientFunds);
    expect(error).toMatchObject({ accountKind: 'EMPLOYEE_WALLET', shortfallCents: 1 });
    expect(await balanceOf(db, wallet.id)).toBe(500);
    expect(await db.ledgerAccount.count({ where: { ledgerKey: `hold:${holdKey}` } })).toBe(0);

    await createHold(db, { allianceId, from: { accountId: wallet.id }, amountCents: 200, holdKey, idempotencyKey: `hold:${holdKey}`, actor: SYSTEM });
    await expect(
      createHold(db, { allianceId, from: { accountId: wallet.id }, amountCents: 100, holdKey, idempotencyKey: `hold:${holdKey}:second`, actor: SYSTEM }),
    ).rejects.toMatchObject({ details: { reason: 'hold_exists' } });
    expect(await balanceOf(db, wallet.id)).toBe(300);
  });

  it('replays each step with the same idempotency key, and refuses the key with other content', async () => {
    const db = getDb();
    const wallet = await freshWallet(3_000);
    const allianceId = world.tenant.allianceId;
    const holdKey = `voucher:${randomUUID()}`;
    const hold = { allianceId, from: { accountId: wallet.id }, amountCents: 3_000, holdKey, idempotencyKey: `hold:${holdKey}`, actor: SYSTEM };
    const first = await createHold(db, hold);
    const again = await createHold(db, hold);
    expect(again.transaction).toMatchObject({ id: first.transaction.id, replayed: true });
    await expect(createHold(db, { ...hold, amountCents: 2_999 })).rejects.toMatchObject({ details: { reason: 'idempotency_conflict' } });

    const post = { allianceId, holdKey, amountCents: 1_000, to: { accountId: world.payable.id }, idempotencyKey: `redeem:${holdKey}`, actor: SYSTEM };
    const posted = await postHold(db, post);
    const repost = await postHold(db, post);
    expect(repost.transaction).toMatchObject({ id: posted.transaction.id, replayed: true });
    expect(repost.hold.postedCents).toBe(1_000);
    await expect(postHold(db, { ...post, amountCents: 999 })).rejects.toMatchObject({ details: { reason: 'idempotency_conflict' } });

    const cancel = { allianceId, holdKey, idempotencyKey: `cancel:${holdKey}`, actor: SYSTEM };
    const voided = await voidHold(db, cancel);
    const revoid = await voidHold(db, cancel);
    expect(revoid.transaction).toMatchObject({ id: voided.transaction.id, replayed: true });
    expect(await balanceOf(db, wallet.id)).toBe(2_000);
  });

  it('holds only from wallets, budgets and funds; posts only to payables; hides other alliances’ holds', async () => {
    const db = getDb();
    const allianceId = world.tenant.allianceId;
    await expect(
      createHold(db, { allianceId, from: { accountId: world.bank.id }, amountCents: 1, holdKey: `x:${randomUUID()}`, idempotencyKey: `x:${randomUUID()}`, actor: SYSTEM }),
    ).rejects.toBeInstanceOf(ValidationFailed);
    const wallet = await freshWallet(100);
    const holdKey = `voucher:${randomUUID()}`;
    await createHold(db, { allianceId, from: { accountId: wallet.id }, amountCents: 100, holdKey, idempotencyKey: `hold:${holdKey}`, actor: SYSTEM });
    await expect(
      postHold(db, { allianceId, holdKey, amountCents: 10, to: { accountId: world.employees[1]!.wallet.id }, idempotencyKey: `r:${randomUUID()}`, actor: SYSTEM }),
    ).rejects.toBeInstanceOf(ValidationFailed);
    const other = await createLedgerWorld(db, { employees: 0 });
    await expect(getHold(db, { allianceId: other.tenant.allianceId, holdKey })).rejects.toBeInstanceOf(NotFound);
    await expect(voidHold(db, { allianceId: other.tenant.allianceId, holdKey, idempotencyKey: `v:${randomUUID()}`, actor: SYSTEM })).rejects.toBeInstanceOf(NotFound);
    await expect(getHold(db, { allianceId, holdKey: 'no such key' })).rejects.toBeInstanceOf(NotFound);
  });
});
