import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureAccount, postTransaction } from '~/domain/ledger/ledger.server';
import * as allianceRoute from '~/routes/alleanza.ricariche._index';
import * as webhookRoute from '~/routes/webhooks.stripe';
import { getDb, useTestDatabase } from '../setup/database';
import {
  checkoutSessionObject,
  newPaymentIntentId,
  paymentIntentObject,
  refundedChargeObject,
  signatureFor,
  startFakeStripe,
  stripeEvent,
  type FakeStripe,
} from '../support/fake-stripe';
import { configureStripe, deliver, outcomeOf, startCheckout, WEBHOOK_SECRET } from './stripe-fixtures';
import { budgetCents, call, callWith, createTopUpWorld, expectLedgerClean, type TopUpWorld } from './topups-fixtures';

// POST /webhooks/stripe with Stripe's real payload shapes (tests/fixtures/stripe), signed with the
// official library's test header. The budget is credited only by a verified event, exactly once per
// payment: redeliveries (twenty at once), both events of one payment in either order, failures and
// refunds (also when the budget was already spent), and every refused signature writes nothing.

useTestDatabase();

let world: TopUpWorld;
let fake: FakeStripe;

beforeAll(async () => {
  fake = await startFakeStripe();
  configureStripe(fake);
  world = await createTopUpWorld(getDb());
});

afterAll(async () => {
  configureStripe(null);
  await fake.close();
});

afterEach(async () => {
  await expectLedgerClean(getDb());
});

interface Started {
  id: string;
  sessionId: string;
  amountCents: number;
  paymentIntentId: string;
}

async function started(amount: string, cents: number, method: 'STRIPE_CARD' | 'STRIPE_SEPA' = 'STRIPE_CARD'): Promise<Started> {
  const id = await startCheckout(world.companyAdmin, amount, method);
  const topUp = await getDb().topUp.findUniqueOrThrow({ where: { id } });
  expect(topUp.amountCents).toBe(cents);
  return { id, sessionId: topUp.stripeCheckoutSessionId!, amountCents: cents, paymentIntentId: newPaymentIntentId() };
}

const sessionCompleted = (s: Started, paymentStatus: 'paid' | 'unpaid' = 'paid', type = 'checkout.session.completed') =>
  stripeEvent(type, checkoutSessionObject({ sessionId: s.sessionId, amountCents: s.amountCents, topUpId: s.id, paymentIntentId: s.paymentIntentId, paymentStatus }));
const intentSucceeded = (s: Started) =>
  stripeEvent('payment_intent.succeeded', paymentIntentObject({ paymentIntentId: s.paymentIntentId, amountCents: s.amountCents, topUpId: s.id, status: 'succeeded' }));
const intentFailed = (s: Started) =>
  stripeEvent(
    'payment_intent.payment_failed',
    paymentIntentObject({ paymentIntentId: s.paymentIntentId, amountCents: s.amountCents, topUpId: s.id, status: 'requires_payment_method', lastPaymentError: { code: 'card_declined', message: 'Your card was declined.' } }),
  );

async function creditCount(id: string): Promise<number> {
  return getDb().ledgerTransaction.count({ where: { idempotencyKey: `topup:${id}:credit` } });
}

async function snapshot() {
  const db = getDb();
  return {
    events: await db.stripeEvent.count(),
    transactions: await db.ledgerTransaction.count(),
    topUps: await db.topUp.findMany({ orderBy: { id: 'asc' }, select: { id: true, status: true, updatedAt: true } }),
  };
}

describe('exactly once', () => {
  it('credits once when the same event is delivered 20 times concurrently', async () => {
    const db = getDb();
    const s = await started('2.000,00', 200_000);
    const before = await budgetCents(db, world.tenant.companyId);
    const event = sessionCompleted(s);
    const answers = await Promise.all(Array.from({ length: 20 }, () => deliver(event.payload).then(outcomeOf)));
    expect(answers.filter((a) => !a.duplicate)).toEqual([{ received: true, duplicate: false, outcome: 'credited' }]);
    expect(answers.filter((a) => a.duplicate)).toHaveLength(19);

    expect(await budgetCents(db, world.tenant.companyId)).toBe(before + 200_000);
    expect(await creditCount(s.id)).toBe(1);
    expect(await db.stripeEvent.findUniqueOrThrow({ where: { id: event.id } })).toMatchObject({ outcome: 'credited', topUpId: s.id, type: 'checkout.session.completed' });
    const topUp = await db.topUp.findUniqueOrThrow({ where: { id: s.id } });
    expect(topUp).toMatchObject({ status: 'CREDITED', stripePaymentIntentId: s.paymentIntentId, confirmedById: null });
    expect(topUp.receiptSeq).toBeGreaterThan(0);
    const transaction = await db.ledgerTransaction.findUniqueOrThrow({ where: { idempotencyKey: `topup:${s.id}:credit` }, include: { entries: { include: { account: true } } } });
    expect(transaction.actorSystem).toBe('stripe');
    expect(Object.fromEntries(transaction.entries.map((e) => [e.account.kind, Number(e.amountCents)]))).toEqual({ STRIPE_CLEARING: -200_000, COMPANY_BUDGET: 200_000 });
    expect(await db.auditEvent.count({ where: { action: 'topup.credited', subjectId: s.id } })).toBe(1);
    expect(await db.mailMessage.count({ where: { dedupeKey: { startsWith: `topup:${s.id}:credited:` } } })).toBe(2);
  });

  it('SEPA: payment_intent.succeeded after an unpaid checkout.session.completed credits once; the later async success changes nothing', async () => {
    const db = getDb();
    const s = await started('750', 75_000, 'STRIPE_SEPA');
    const before = await budgetCents(db, world.tenant.companyId);
    expect(await outcomeOf(await deliver(sessionCompleted(s, 'unpaid').payload))).toMatchObject({ outcome: 'awaiting_payment' });
    expect(await db.topUp.findUniqueOrThrow({ where: { id: s.id } })).toMatchObject({ status: 'PENDING_PAYMENT', stripePaymentIntentId: s.paymentIntentId });
    expect(await budgetCents(db, world.tenant.companyId)).toBe(before);

    expect(await outcomeOf(await deliver(intentSucceeded(s).payload))).toMatchObject({ outcome: 'credited' });
    expect(await outcomeOf(await deliver(sessionCompleted(s, 'paid', 'checkout.session.async_payment_succeeded').payload))).toMatchObject({ outcome: 'already_credited' });
    expect(await budgetCents(db, world.tenant.companyId)).toBe(before + 75_000);
    expect(await creditCount(s.id)).toBe(1);
  });

  it('payment_intent.succeeded BEFORE checkout.session.completed (out of order) credits once', async () => {
    const db = getDb();
    const s = await started('310', 31_000);
    const before = await budgetCents(db, world.tenant.companyId);
    // The PaymentIntent is not known yet: the event finds the top-up through its metadata.
    expect(await outcomeOf(await deliver(intentSucceeded(s).payload))).toMatchObject({ outcome: 'credited' });
    expect(await outcomeOf(await deliver(sessionCompleted(s).payload))).toMatchObject({ outcome: 'already_credited' });
    expect(await budgetCents(db, world.tenant.companyId)).toBe(before + 31_000);
    expect(await creditCount(s.id)).toBe(1);
  });

  it('every event of one payment arriving at the same moment, each three times, credits once', async () => {
    const db = getDb();
    const s = await started('420', 42_000, 'STRIPE_SEPA');
    const before = await budgetCents(db, world.tenant.companyId);
    // The SEPA mandate is accepted first: the top-up knows its session and PaymentIntent.
    expect(await outcomeOf(await deliver(sessionCompleted(s, 'unpaid').payload))).toMatchObject({ outcome: 'awaiting_payment' });
    const events = [sessionCompleted(s), sessionCompleted(s, 'paid', 'checkout.session.async_payment_succeeded'), intentSucceeded(s)];
    const answers = await Promise.all([...events, ...events, ...events].map((e) => deliver(e.payload).then(outcomeOf)));
    expect(answers.filter((x) => x.outcome === 'credited')).toHaveLength(1);
    expect(answers.filter((x) => x.outcome === 'already_credited')).toHaveLength(2);
    expect(answers.filter((x) => x.duplicate)).toHaveLength(6);
    expect(await budgetCents(db, world.tenant.companyId)).toBe(before + 42_000);
    expect(await creditCount(s.id)).toBe(1);
  });
});

describe('failures never credit', () => {
  it('async_payment_failed and payment_intent.payment_failed mark the top-up FAILED and move no money', async () => {
    const db = getDb();
    const s = await started('600', 60_000, 'STRIPE_SEPA');
    const before = await budgetCents(db, world.tenant.companyId);
    const transactions = await db.ledgerTransaction.count();
    expect(await outcomeOf(await deliver(sessionCompleted(s, 'unpaid').payload))).toMatchObject({ outcome: 'awaiting_payment' });
    expect(await outcomeOf(await deliver(intentFailed(s).payload))).toMatchObject({ outcome: 'failed' });
    expect(await outcomeOf(await deliver(sessionCompleted(s, 'unpaid', 'checkout.session.async_payment_failed').payload))).toMatchObject({ outcome: 'failed' });
    const topUp = await db.topUp.findUniqueOrThrow({ where: { id: s.id } });
    expect(topUp).toMatchObject({ status: 'FAILED', creditTransactionId: null, receiptSeq: null });
    expect(topUp.failureReason).toContain('card_declined');
    expect(await budgetCents(db, world.tenant.companyId)).toBe(before);
    expect(await db.ledgerTransaction.count()).toBe(transactions);
    expect(await db.mailMessage.count({ where: { dedupeKey: `topup:${s.id}:failed:${world.companyAdmin.userId}` } })).toBe(1);
  });

  it('a failure delivered after the success does not undo the credit', async () => {
    const db = getDb();
    const s = await started('150', 15_000);
    await deliver(sessionCompleted(s).payload);
    expect(await outcomeOf(await deliver(intentFailed(s).payload))).toMatchObject({ outcome: 'ignored_already_credited' });
    expect((await db.topUp.findUniqueOrThrow({ where: { id: s.id } })).status).toBe('CREDITED');
  });

  it('an amount different from the top-up’s is not credited and is flagged for the alliance admin', async () => {
    const db = getDb();
    const s = await started('100', 10_000);
    const tampered = stripeEvent('payment_intent.succeeded', paymentIntentObject({ paymentIntentId: s.paymentIntentId, amountCents: 1_000, topUpId: s.id, status: 'succeeded' }));
    expect(await outcomeOf(await deliver(tampered.payload))).toMatchObject({ outcome: 'amount_mismatch' });
    expect(await db.topUp.findUniqueOrThrow({ where: { id: s.id } })).toMatchObject({ status: 'PENDING_PAYMENT', needsAttention: true, attentionReason: 'amount_mismatch' });
    expect(await creditCount(s.id)).toBe(0);
  });

  it('an expired session cancels the pending top-up', async () => {
    const db = getDb();
    const s = await started('100', 10_000);
    const expired = stripeEvent('checkout.session.expired', checkoutSessionObject({ sessionId: s.sessionId, amountCents: s.amountCents, topUpId: s.id, paymentIntentId: null, paymentStatus: 'unpaid', status: 'expired' }));
    expect(await outcomeOf(await deliver(expired.payload))).toMatchObject({ outcome: 'expired' });
    expect(await db.topUp.findUniqueOrThrow({ where: { id: s.id } })).toMatchObject({ status: 'CANCELLED', cancelReason: 'checkout_expired' });
  });

  it('records and ignores events about payments that are not ours or not handled', async () => {
    const db = getDb();
    const foreign = stripeEvent('payment_intent.succeeded', paymentIntentObject({ paymentIntentId: newPaymentIntentId(), amountCents: 5_000, topUpId: null, status: 'succeeded' }));
    expect(await outcomeOf(await deliver(foreign.payload))).toMatchObject({ outcome: 'ignored_unknown_payment' });
    const other = stripeEvent('customer.created', { id: 'cus_123', object: 'customer' });
    expect(await outcomeOf(await deliver(other.payload))).toMatchObject({ outcome: 'ignored_unhandled_type' });
    expect(await db.stripeEvent.count({ where: { id: { in: [foreign.id, other.id] } } })).toBe(2);
  });
});

describe('refunds', () => {
  it('a full refund reverses the credit (COMPANY_BUDGET → STRIPE_CLEARING) and marks the top-up REFUNDED', async () => {
    const db = getDb();
    const s = await started('1.000', 100_000);
    const before = await budgetCents(db, world.tenant.companyId);
    await deliver(sessionCompleted(s).payload);
    const refund = stripeEvent('charge.refunded', refundedChargeObject({ paymentIntentId: s.paymentIntentId, amountCents: 100_000, amountRefunded: 100_000 }));
    const answers = await Promise.all([deliver(refund.payload), deliver(refund.payload)].map((p) => p.then(outcomeOf)));
    expect(answers.filter((a) => a.outcome === 'refunded')).toHaveLength(1);
    expect(await budgetCents(db, world.tenant.companyId)).toBe(before);
    expect(await db.topUp.findUniqueOrThrow({ where: { id: s.id } })).toMatchObject({ status: 'REFUNDED', refundedCents: 100_000, refundShortfallCents: 0, needsAttention: false });
    const reversal = await db.ledgerTransaction.findUniqueOrThrow({ where: { idempotencyKey: `topup:${s.id}:refund:100000` }, include: { entries: { include: { account: true } } } });
    expect(reversal.kind).toBe('TOP_UP_REVERSAL');
    expect(Object.fromEntries(reversal.entries.map((e) => [e.account.kind, Number(e.amountCents)]))).toEqual({ COMPANY_BUDGET: -100_000, STRIPE_CLEARING: 100_000 });
  });

  it('partial refunds reverse each new part once (Stripe sends the cumulative amount)', async () => {
    const db = getDb();
    const s = await started('500', 50_000);
    const before = await budgetCents(db, world.tenant.companyId);
    await deliver(intentSucceeded(s).payload);
    const chargeId = 'ch_partialrefundtest01';
    const first = stripeEvent('charge.refunded', refundedChargeObject({ chargeId, paymentIntentId: s.paymentIntentId, amountCents: 50_000, amountRefunded: 20_000 }));
    const second = stripeEvent('charge.refunded', refundedChargeObject({ chargeId, paymentIntentId: s.paymentIntentId, amountCents: 50_000, amountRefunded: 50_000 }));
    expect(await outcomeOf(await deliver(first.payload))).toMatchObject({ outcome: 'refunded' });
    expect(await db.topUp.findUniqueOrThrow({ where: { id: s.id } })).toMatchObject({ status: 'CREDITED', refundedCents: 20_000 });
    expect(await outcomeOf(await deliver(second.payload))).toMatchObject({ outcome: 'refunded' });
    // The first event again, as a new delivery of an older state: nothing more to reverse.
    const stale = stripeEvent('charge.refunded', refundedChargeObject({ chargeId, paymentIntentId: s.paymentIntentId, amountCents: 50_000, amountRefunded: 20_000 }));
    expect(await outcomeOf(await deliver(stale.payload))).toMatchObject({ outcome: 'refund_already_recorded' });
    expect(await db.topUp.findUniqueOrThrow({ where: { id: s.id } })).toMatchObject({ status: 'REFUNDED', refundedCents: 50_000 });
    expect(await budgetCents(db, world.tenant.companyId)).toBe(before);
  });

  it('a refund of money already allocated answers 200, takes back what the budget holds and flags the shortfall', async () => {
    const db = getDb();
    // A company of its own, so the budget holds exactly this top-up.
    const s = await (async () => {
      const id = await startCheckout(world.neighbourAdmin, '800');
      const topUp = await db.topUp.findUniqueOrThrow({ where: { id } });
      return { id, sessionId: topUp.stripeCheckoutSessionId!, amountCents: 80_000, paymentIntentId: newPaymentIntentId() };
    })();
    await deliver(sessionCompleted(s).payload);
    expect(await budgetCents(db, world.neighbourCompanyId)).toBe(80_000);

    // 650,00 € allocated to an employee's wallet: the budget keeps 150,00 €.
    const employee = await db.user.create({ data: { email: `dip.${s.id.slice(0, 8)}@example.it`, givenName: 'Dip', familyName: 'Endente' } });
    const membership = await db.membership.create({ data: { userId: employee.id, organizationId: world.neighbourCompanyId, role: 'EMPLOYEE' } });
    const wallet = await ensureAccount(db, { allianceId: world.tenant.allianceId, kind: 'EMPLOYEE_WALLET', membershipId: membership.id, planId: '00000000-0000-4000-8000-000000000001' });
    await postTransaction(db, {
      allianceId: world.tenant.allianceId,
      kind: 'ALLOCATION',
      idempotencyKey: `test:alloc:${s.id}`,
      actor: { system: 'test' },
      entries: [
        { ledgerKey: `budget:${world.neighbourCompanyId}`, amountCents: -65_000 },
        { accountId: wallet.id, amountCents: 65_000 },
      ],
    });

    const refund = stripeEvent('charge.refunded', refundedChargeObject({ paymentIntentId: s.paymentIntentId, amountCents: 80_000, amountRefunded: 80_000 }));
    expect(await outcomeOf(await deliver(refund.payload))).toMatchObject({ outcome: 'refunded_with_shortfall' });
    expect(await budgetCents(db, world.neighbourCompanyId)).toBe(0);
    expect(await db.topUp.findUniqueOrThrow({ where: { id: s.id } })).toMatchObject({
      status: 'REFUNDED',
      refundedCents: 80_000,
      refundShortfallCents: 65_000,
      needsAttention: true,
      attentionReason: 'refund_shortfall',
    });
    const reversal = await db.ledgerTransaction.findUniqueOrThrow({ where: { idempotencyKey: `topup:${s.id}:refund:80000` }, include: { entries: true } });
    expect(reversal.entries.map((e) => Math.abs(Number(e.amountCents)))).toEqual([15_000, 15_000]);
    expect(await db.auditEvent.count({ where: { action: 'topup.refund_shortfall', subjectId: s.id } })).toBe(1);

    // The alliance admin sees it among the top-ups to check, and closes it with a note.
    const page = (await (await call(allianceRoute.loader, '/alleanza/ricariche?filter=ATTENTION', { cookie: world.allianceAdmin.cookie })).json()) as {
      page: { topUps: { rows: Array<{ id: string; refundShortfallCents: number; attentionReason: string }> } };
    };
    expect(page.page.topUps.rows.find((r) => r.id === s.id)).toMatchObject({ refundShortfallCents: 65_000, attentionReason: 'refund_shortfall' });
    const resolved = await call(allianceRoute.action, '/alleanza/ricariche', {
      cookie: world.allianceAdmin.cookie,
      form: { intent: 'resolve', topUpId: s.id, note: 'L’azienda ha versato la differenza con bonifico' },
    });
    expect(((await resolved.json()) as { ok: boolean }).ok).toBe(true);
    expect((await db.topUp.findUniqueOrThrow({ where: { id: s.id } })).needsAttention).toBe(false);
    expect(await db.auditEvent.count({ where: { action: 'topup.attention_resolved', subjectId: s.id, actorUserId: world.allianceAdmin.userId } })).toBe(1);
  });
});

describe('signatures', () => {
  it('answers 400 and writes nothing for a missing, wrong, foreign-secret or stale signature, or an altered body', async () => {
    const s = await started('250', 25_000);
    const event = sessionCompleted(s);
    const before = await snapshot();
    const now = Math.floor(Date.now() / 1000);
    const cases: Array<[string, Promise<Response>]> = [
      ['no signature', deliver(event.payload, { signature: null })],
      ['garbage', deliver(event.payload, { signature: 'not a signature' })],
      ['other secret', deliver(event.payload, { secret: 'whsec_someone_else' })],
      ['stale (301 s)', deliver(event.payload, { timestamp: now - 301 })],
      ['from the future', deliver(event.payload, { timestamp: now + 3600 })],
      ['altered body', deliver(event.payload.replace(`"amount_total":${s.amountCents}`, `"amount_total":${s.amountCents * 10}`), { signature: signatureFor(event.payload, WEBHOOK_SECRET) })],
    ];
    for (const [label, pending] of cases) {
      const response = await pending;
      expect(response.status, label).toBe(400);
      expect(await response.json(), label).toEqual({ error: 'invalid_signature' });
    }
    expect(await snapshot()).toEqual(before);
    // The same event, signed properly, still goes through: nothing was recorded for it before.
    expect(await outcomeOf(await deliver(event.payload))).toMatchObject({ outcome: 'credited' });
  });

  it('accepts a signature 299 s old', async () => {
    const s = await started('260', 26_000);
    expect(await outcomeOf(await deliver(sessionCompleted(s).payload, { timestamp: Math.floor(Date.now() / 1000) - 299 }))).toMatchObject({ outcome: 'credited' });
  });

  it('is 404 when Stripe is not configured and 405 for anything but POST', async () => {
    const s = await started('270', 27_000);
    configureStripe(null);
    try {
      const before = await snapshot();
      expect((await deliver(sessionCompleted(s).payload)).status).toBe(404);
      expect(await snapshot()).toEqual(before);
    } finally {
      configureStripe(fake);
    }
    expect((await callWith(webhookRoute.loader, new Request('http://localhost/webhooks/stripe'))).status).toBe(405);
  });
});
