import pg from 'pg';
import { addDays, romeToday } from '~/domain/plans/plans.fns';
import { declarePremi } from '~/domain/plans/plans.server';
import { convertPremio, getMyPremioOffers } from '~/domain/plans/premio.server';
import { Conflict, NotFound, ValidationFailed } from '~/utils/errors.server';
import { createDb } from '~/utils/db.server';
import { getDb, useTestDatabase } from '../setup/database';
import { outcome } from './ledger-fixtures';
import { activePlan, createPlansWorld, expectCleanLedger, walletCents, type PlansWorld } from './plans-fixtures';

// The premio di risultato conversion: declared by the company, chosen by the worker within the
// window, recorded with the agreement reference (final), credited through the ledger once.

const ctx = useTestDatabase();
const today = romeToday();
const year = Number(today.slice(0, 4));
let world: PlansWorld;
let planId: string;

const AGREEMENT = 'Accordo territoriale Val Seriana del 12/12/2025, prot. 4411';

beforeAll(async () => {
  const db = getDb();
  world = await createPlansWorld(db, [{}, {}, {}]);
  planId = await activePlan(db, world, {
    flatCents: 1_000,
    draft: {
      premioConversion: true,
      agreementKind: 'TERRITORIAL',
      agreementReference: AGREEMENT,
      premioWindowStartsOn: `${year}-01-01`,
      premioWindowEndsOn: `${year}-12-31`,
      premioCapCents: 150_000,
    },
  });
  await declarePremi(db, world.admin.actor, planId, [`${world.employees[0]!.email}; 1.200,00`, `${world.employees[1]!.email}; 2.000`].join('\n'));
});

describe('premio conversion', () => {
  it('shows each worker their declared premio and the convertible maximum (declared, within the cap)', async () => {
    const [first] = await getMyPremioOffers(getDb(), world.employees[0]!.actor);
    expect(first).toMatchObject({ planId, state: 'open', declaredCents: 120_000, maxCents: 120_000, agreementReference: AGREEMENT, convertedCents: null });
    const [second] = await getMyPremioOffers(getDb(), world.employees[1]!.actor);
    expect(second).toMatchObject({ declaredCents: 200_000, maxCents: 150_000 });
    const [third] = await getMyPremioOffers(getDb(), world.employees[2]!.actor);
    expect(third).toMatchObject({ declaredCents: null, maxCents: 0 });
  });

  it('credits the wallet through the ledger and records amount, agreement and time; audited', async () => {
    const db = getDb();
    const employee = world.employees[0]!;
    const result = await convertPremio(db, employee.actor, { planId, amountCents: 80_000 });
    expect(result).toMatchObject({ convertedCents: 80_000, agreementReference: AGREEMENT, alreadyConverted: false });
    expect(await walletCents(db, employee.membershipId, planId)).toBe(80_000);
    const row = await db.premioConversion.findUniqueOrThrow({ where: { planId_membershipId: { planId, membershipId: employee.membershipId } } });
    expect(row).toMatchObject({ declaredCents: 120_000, convertedCents: 80_000, agreementReference: AGREEMENT, ledgerTransactionId: result.ledgerTransactionId });
    expect(row.convertedAt).toBeInstanceOf(Date);
    const transaction = await db.ledgerTransaction.findUniqueOrThrow({ where: { id: result.ledgerTransactionId }, include: { entries: { include: { account: true } } } });
    expect(transaction.idempotencyKey).toBe(`premio:${row.id}`);
    expect(transaction.metadata).toMatchObject({ reason: 'premio_conversion', planId });
    expect(transaction.entries.map((e) => [e.account.kind, Number(e.amountCents)]).sort()).toEqual([
      ['EMPLOYEE_WALLET', 80_000],
      ['EXTERNAL_FUNDING', -80_000],
    ]);
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: 'premio.converted', subjectId: row.id } });
    expect(audit.metadata).toMatchObject({ convertedCents: 80_000, agreementReference: AGREEMENT });
    await expectCleanLedger(db);
  });

  it('is final: a second choice returns the first and moves nothing, the database refuses edits', async () => {
    const db = getDb();
    const employee = world.employees[0]!;
    const again = await convertPremio(db, employee.actor, { planId, amountCents: 120_000 });
    expect(again).toMatchObject({ alreadyConverted: true, convertedCents: 80_000 });
    expect(await walletCents(db, employee.membershipId, planId)).toBe(80_000);
    await expect(
      db.premioConversion.update({ where: { planId_membershipId: { planId, membershipId: employee.membershipId } }, data: { convertedCents: 100_000 } }),
    ).rejects.toThrow();
    // The company cannot re-declare it either.
    const declared = await declarePremi(db, world.admin.actor, planId, `${employee.email}; 5.000`);
    expect(declared).toEqual({ declared: 0, alreadyConverted: 1 });
  });

  it('refuses above the maximum, without a declaration, or outside the window — nothing written', async () => {
    const db = getDb();
    const entries = await db.ledgerEntry.count();
    await expect(convertPremio(db, world.employees[1]!.actor, { planId, amountCents: 150_001 })).rejects.toBeInstanceOf(ValidationFailed);
    await expect(convertPremio(db, world.employees[2]!.actor, { planId, amountCents: 100 })).rejects.toMatchObject({ details: { reason: 'premio_not_declared' } });
    await expect(convertPremio(db, world.employees[1]!.actor, { planId, amountCents: 100 }, { today: addDays(`${year}-12-31`, 1) })).rejects.toBeInstanceOf(Conflict);
    expect(await db.ledgerEntry.count()).toBe(entries);
    expect(await walletCents(db, world.employees[1]!.membershipId, planId)).toBe(0);
  });

  it('a plan of another company is not found', async () => {
    const other = await createPlansWorld(getDb(), [{}]);
    await expect(convertPremio(getDb(), other.employees[0]!.actor, { planId, amountCents: 100 })).rejects.toBeInstanceOf(NotFound);
  });

  it('double submit at once: one conversion, one ledger transaction', async () => {
    const pool = createDb(ctx.databaseUrl, { max: 10 });
    try {
      const employee = world.employees[1]!;
      const results = await Promise.all(Array.from({ length: 8 }, () => outcome(convertPremio(pool, employee.actor, { planId, amountCents: 150_000 }))));
      expect(results.every((r) => r.ok)).toBe(true);
      expect(results.filter((r) => r.ok && !r.value.alreadyConverted)).toHaveLength(1);
      expect(await walletCents(getDb(), employee.membershipId, planId)).toBe(150_000);
      await expectCleanLedger(getDb());
    } finally {
      await pool.$disconnect();
    }
  });

  it('the database itself refuses a plan offering conversion without an agreement reference', async () => {
    const client = new pg.Client({ connectionString: ctx.databaseUrl });
    await client.connect();
    try {
      await expect(
        client.query(`UPDATE "WelfarePlan" SET "agreementReference" = NULL WHERE "id" = $1`, [planId]),
      ).rejects.toThrow(/WelfarePlan_premio_needs_agreement/);
      await expect(client.query(`UPDATE "WelfarePlan" SET "agreementReference" = '  ' WHERE "id" = $1`, [planId])).rejects.toThrow(/WelfarePlan_/);
      await expect(
        client.query(`UPDATE "WelfarePlan" SET "premioWindowEndsOn" = "endsOn" + 10 WHERE "id" = $1`, [planId]),
      ).rejects.toThrow(/WelfarePlan_premio_needs_agreement/);
    } finally {
      await client.end();
    }
  });
});
