import { recordAudit } from '~/domain/audit/audit.server';
import { ensureAccount, InsufficientFunds, postTransaction } from '~/domain/ledger/ledger.server';
import { readPaymentEvent, type PaymentEventAction, type StripeEventEnvelope } from '~/domain/payments/payments.fns';
import { InvalidWebhook, type PaymentGateway } from '~/domain/payments/payments.server';
import type { TopUp } from '~/generated/prisma/client';
import type { Db, DbTx } from '~/utils/db.server';
import { NotFound } from '~/utils/errors.server';
import { isCredited, refundDelta } from './topups.fns';
import { companyBudgetKey, creditLockedTopUp, lockTopUp, mailCompanyAdmins, refundIdempotencyKey } from './topups.server';

// POST /webhooks/stripe (docs/decisions/0009-top-ups-and-stripe.md). The signature is checked by
// the official library over the raw body (tolerance 300 s): unsigned, wrongly signed or stale →
// 400 and nothing written. A verified event is then processed in ONE database transaction that
// first records its id in StripeEvent (primary key): a redelivery — also twenty at once — waits
// for the first and becomes a no-op. Events about the same payment (checkout.session.completed and
// payment_intent.succeeded, in any order) lock the TopUp row and credit through the ledger key
// topup:<id>:credit, so a payment is credited exactly once. Anything that is not ours, or not
// understood, is recorded and answered 200 (Stripe would retry a 4xx/5xx for days).

const SYSTEM_ACTOR = { system: 'stripe' } as const;
const TRANSACTION_OPTIONS = { isolationLevel: 'ReadCommitted', maxWait: 20_000, timeout: 30_000 } as const;

export type WebhookOutcome =
  | 'credited'
  | 'already_credited'
  | 'awaiting_payment'
  | 'failed'
  | 'ignored_already_credited'
  | 'expired'
  | 'ignored_not_pending'
  | 'refunded'
  | 'refunded_with_shortfall'
  | 'refund_already_recorded'
  | 'refund_without_credit'
  | 'amount_mismatch'
  | 'payment_mismatch'
  | 'ignored_unknown_payment'
  | 'ignored_unhandled_type'
  | 'ignored_malformed';

export type WebhookResult =
  | { status: 400; error: string }
  | { status: 200; eventId: string; duplicate: true }
  | { status: 200; eventId: string; duplicate: false; outcome: WebhookOutcome; topUpId: string | null };

/**
 * Verifies and processes one webhook delivery. `gateway` null (Stripe not configured) is NotFound:
 * the endpoint does not exist.
 */
export async function handleStripeWebhook(db: Db, gateway: PaymentGateway | null, input: { payload: string; signature: string | null }): Promise<WebhookResult> {
  if (!gateway) throw new NotFound('Payments by Stripe are not configured');
  let event: StripeEventEnvelope;
  try {
    event = gateway.verifyWebhook(input.payload, input.signature) as unknown as StripeEventEnvelope;
  } catch (error) {
    if (error instanceof InvalidWebhook) return { status: 400, error: error.message };
    throw error;
  }
  return processStripeEvent(db, event);
}

/** Processes a verified event exactly once (by its id). */
export async function processStripeEvent(db: Db, event: StripeEventEnvelope): Promise<WebhookResult> {
  return db.$transaction(async (tx) => {
    const inserted = await tx.$queryRaw<Array<{ id: string }>>`
      INSERT INTO "StripeEvent" ("id", "type", "livemode", "eventCreatedAt", "outcome")
      VALUES (${event.id}, ${event.type}, ${Boolean(event.livemode)}, ${new Date(event.created * 1000)}, 'processing')
      ON CONFLICT ("id") DO NOTHING
      RETURNING "id"`;
    if (inserted.length === 0) return { status: 200 as const, eventId: event.id, duplicate: true as const };
    const { outcome, topUpId } = await dispatch(tx, event.id, readPaymentEvent(event));
    await tx.stripeEvent.update({ where: { id: event.id }, data: { outcome, topUpId } });
    return { status: 200 as const, eventId: event.id, duplicate: false as const, outcome, topUpId };
  }, TRANSACTION_OPTIONS);
}

interface Handled {
  outcome: WebhookOutcome;
  topUpId: string | null;
}

/** The Stripe top-up an event is about, locked; by the Stripe id first, then by our metadata. */
async function findLockedTopUp(tx: DbTx, by: { sessionId?: string; paymentIntentId?: string | null; topUpId: string | null }): Promise<TopUp | null> {
  let id: string | null = null;
  if (by.sessionId) id = (await tx.topUp.findUnique({ where: { stripeCheckoutSessionId: by.sessionId }, select: { id: true } }))?.id ?? null;
  if (!id && by.paymentIntentId) id = (await tx.topUp.findUnique({ where: { stripePaymentIntentId: by.paymentIntentId }, select: { id: true } }))?.id ?? null;
  if (!id && by.topUpId) id = by.topUpId;
  if (!id) return null;
  const topUp = await lockTopUp(tx, id);
  if (!topUp || topUp.method === 'BANK_TRANSFER') return null;
  return topUp;
}

async function flag(tx: DbTx, topUp: TopUp, reason: string, eventId: string, metadata: Record<string, unknown> = {}): Promise<void> {
  await tx.topUp.update({ where: { id: topUp.id }, data: { needsAttention: true, attentionReason: reason } });
  await recordAudit(tx, {
    action: 'topup.attention_flagged',
    allianceId: topUp.allianceId,
    organizationId: topUp.companyId,
    subjectType: 'TopUp',
    subjectId: topUp.id,
    metadata: { reason, stripeEventId: eventId, ...metadata },
  });
}

/**
 * Stores the Stripe ids the event tells us, when we did not know them yet. A different id than the
 * one recorded means the event is not about this top-up's payment: false, and the top-up is flagged.
 */
async function linkStripeIds(tx: DbTx, topUp: TopUp, ids: { sessionId?: string; paymentIntentId?: string | null }, eventId: string): Promise<boolean> {
  const sessionClash = ids.sessionId && topUp.stripeCheckoutSessionId && topUp.stripeCheckoutSessionId !== ids.sessionId;
  const intentClash = ids.paymentIntentId && topUp.stripePaymentIntentId && topUp.stripePaymentIntentId !== ids.paymentIntentId;
  if (sessionClash || intentClash) {
    await flag(tx, topUp, 'payment_mismatch', eventId, { sessionId: ids.sessionId ?? null, paymentIntentId: ids.paymentIntentId ?? null });
    return false;
  }
  const data: { stripeCheckoutSessionId?: string; stripePaymentIntentId?: string } = {};
  if (ids.sessionId && !topUp.stripeCheckoutSessionId) data.stripeCheckoutSessionId = ids.sessionId;
  if (ids.paymentIntentId && !topUp.stripePaymentIntentId) data.stripePaymentIntentId = ids.paymentIntentId;
  if (Object.keys(data).length > 0) Object.assign(topUp, await tx.topUp.update({ where: { id: topUp.id }, data }));
  return true;
}

/** Money arrived: credit once, when the amount is exactly the top-up's. */
async function creditPaid(tx: DbTx, topUp: TopUp, paid: { amountCents: number | null; currency: string | null; paymentIntentId: string | null }, eventId: string, eventType: string): Promise<Handled> {
  if (isCredited(topUp.status)) return { outcome: 'already_credited', topUpId: topUp.id };
  if (paid.amountCents !== topUp.amountCents || paid.currency !== 'eur') {
    await flag(tx, topUp, 'amount_mismatch', eventId, { paidCents: paid.amountCents, currency: paid.currency, expectedCents: topUp.amountCents });
    return { outcome: 'amount_mismatch', topUpId: topUp.id };
  }
  await creditLockedTopUp(tx, topUp, {
    ledgerActor: SYSTEM_ACTOR,
    confirmedById: null,
    paymentIntentId: paid.paymentIntentId,
    auditAction: 'topup.credited',
    auditMetadata: { stripeEventId: eventId, stripeEventType: eventType, paymentIntentId: paid.paymentIntentId },
  });
  return { outcome: 'credited', topUpId: topUp.id };
}

async function markFailed(tx: DbTx, topUp: TopUp, reason: string, eventId: string): Promise<Handled> {
  // A failure never undoes money that arrived (a late or out-of-order failure event after success).
  if (isCredited(topUp.status)) return { outcome: 'ignored_already_credited', topUpId: topUp.id };
  if (topUp.status === 'FAILED') return { outcome: 'failed', topUpId: topUp.id };
  const updated = await tx.topUp.update({ where: { id: topUp.id }, data: { status: 'FAILED', failureReason: reason } });
  await recordAudit(tx, {
    action: 'topup.failed',
    allianceId: topUp.allianceId,
    organizationId: topUp.companyId,
    subjectType: 'TopUp',
    subjectId: topUp.id,
    metadata: { reason, stripeEventId: eventId, amountCents: topUp.amountCents },
  });
  await mailCompanyAdmins(tx, updated, 'failed', {}, { onlyUserId: topUp.declaredById });
  return { outcome: 'failed', topUpId: topUp.id };
}

/** Runs `fn` inside a savepoint: on InsufficientFunds the transaction is rolled back to before it and goes on. */
async function withSavepoint<T>(tx: DbTx, name: string, fn: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: InsufficientFunds }> {
  await tx.$executeRawUnsafe(`SAVEPOINT ${name}`);
  try {
    const value = await fn();
    await tx.$executeRawUnsafe(`RELEASE SAVEPOINT ${name}`);
    return { ok: true, value };
  } catch (error) {
    await tx.$executeRawUnsafe(`ROLLBACK TO SAVEPOINT ${name}`);
    if (error instanceof InsufficientFunds) return { ok: false, error };
    throw error;
  }
}

/**
 * Stripe gave money back: reverse it from the budget (COMPANY_BUDGET → STRIPE_CLEARING). When the
 * budget no longer holds it (already allocated to wallets), reverse what is there, record the
 * shortfall and flag the top-up for the alliance admin — the webhook still answers 200.
 */
async function reverseRefund(tx: DbTx, topUp: TopUp, refundedTotalCents: number, eventId: string): Promise<Handled> {
  if (!isCredited(topUp.status)) {
    await flag(tx, topUp, 'refund_without_credit', eventId, { refundedTotalCents });
    return { outcome: 'refund_without_credit', topUpId: topUp.id };
  }
  const { deltaCents, fullyRefunded } = refundDelta({ amountCents: topUp.amountCents, alreadyRefundedCents: topUp.refundedCents, refundedTotalCents });
  if (deltaCents === 0) return { outcome: 'refund_already_recorded', topUpId: topUp.id };

  const budgetKey = companyBudgetKey(topUp.allianceId, topUp.companyId);
  const clearing = await ensureAccount(tx, { allianceId: topUp.allianceId, kind: 'STRIPE_CLEARING' });
  const key = refundIdempotencyKey(topUp.id, topUp.refundedCents + deltaCents);
  const reverse = (cents: number) =>
    postTransaction(tx, {
      allianceId: topUp.allianceId,
      kind: 'TOP_UP_REVERSAL',
      idempotencyKey: key,
      actor: SYSTEM_ACTOR,
      metadata: { topUpId: topUp.id, refundedTotalCents, reason: 'stripe_refund' },
      entries: [
        { ledgerKey: budgetKey, amountCents: -cents },
        { accountId: clearing.id, amountCents: cents },
      ],
    });

  let reversedCents = deltaCents;
  const full = await withSavepoint(tx, 'topup_refund_full', () => reverse(deltaCents));
  if (!full.ok) {
    // What the budget still holds can be taken back; the rest is owed by the company.
    const available = deltaCents - full.error.shortfallCents;
    reversedCents = 0;
    if (available > 0) {
      const partial = await withSavepoint(tx, 'topup_refund_partial', () => reverse(available));
      if (partial.ok) reversedCents = available;
    }
  }
  const shortfallCents = deltaCents - reversedCents;
  const updated = await tx.topUp.update({
    where: { id: topUp.id },
    data: {
      refundedCents: topUp.refundedCents + deltaCents,
      refundShortfallCents: topUp.refundShortfallCents + shortfallCents,
      ...(fullyRefunded ? { status: 'REFUNDED' as const } : {}),
      ...(shortfallCents > 0 ? { needsAttention: true, attentionReason: 'refund_shortfall' } : {}),
    },
  });
  await recordAudit(tx, {
    action: shortfallCents > 0 ? 'topup.refund_shortfall' : 'topup.refunded',
    allianceId: topUp.allianceId,
    organizationId: topUp.companyId,
    subjectType: 'TopUp',
    subjectId: topUp.id,
    metadata: { stripeEventId: eventId, refundedTotalCents, reversedCents, shortfallCents, fullyRefunded },
  });
  await mailCompanyAdmins(tx, updated, 'refunded', { refunded: formatEuro(deltaCents) }, { dedupeSuffix: `:${topUp.refundedCents + deltaCents}` });
  return { outcome: shortfallCents > 0 ? 'refunded_with_shortfall' : 'refunded', topUpId: topUp.id };
}

function formatEuro(cents: number): string {
  return new Intl.NumberFormat('it-IT', { style: 'currency', currency: 'EUR' }).format(cents / 100);
}

async function dispatch(tx: DbTx, eventId: string, action: PaymentEventAction): Promise<Handled> {
  switch (action.kind) {
    case 'ignored':
      return { outcome: action.reason === 'malformed' ? 'ignored_malformed' : 'ignored_unhandled_type', topUpId: null };

    case 'session_paid':
    case 'session_awaiting':
    case 'session_failed': {
      const topUp = await findLockedTopUp(tx, { sessionId: action.sessionId, paymentIntentId: action.paymentIntentId, topUpId: action.topUpId });
      if (!topUp) return { outcome: 'ignored_unknown_payment', topUpId: null };
      if (!(await linkStripeIds(tx, topUp, { sessionId: action.sessionId, paymentIntentId: action.paymentIntentId }, eventId))) {
        return { outcome: 'payment_mismatch', topUpId: topUp.id };
      }
      if (action.kind === 'session_awaiting') return { outcome: isCredited(topUp.status) ? 'already_credited' : 'awaiting_payment', topUpId: topUp.id };
      if (action.kind === 'session_failed') return markFailed(tx, topUp, 'async_payment_failed', eventId);
      return creditPaid(tx, topUp, { amountCents: action.amountCents, currency: action.currency, paymentIntentId: action.paymentIntentId }, eventId, 'checkout.session');
    }

    case 'session_expired': {
      const topUp = await findLockedTopUp(tx, { sessionId: action.sessionId, topUpId: action.topUpId });
      if (!topUp) return { outcome: 'ignored_unknown_payment', topUpId: null };
      if (topUp.status !== 'PENDING_PAYMENT') return { outcome: 'ignored_not_pending', topUpId: topUp.id };
      await tx.topUp.update({ where: { id: topUp.id }, data: { status: 'CANCELLED', cancelReason: 'checkout_expired' } });
      return { outcome: 'expired', topUpId: topUp.id };
    }

    case 'payment_succeeded':
    case 'payment_failed': {
      const topUp = await findLockedTopUp(tx, { paymentIntentId: action.paymentIntentId, topUpId: action.topUpId });
      if (!topUp) return { outcome: 'ignored_unknown_payment', topUpId: null };
      if (!(await linkStripeIds(tx, topUp, { paymentIntentId: action.paymentIntentId }, eventId))) return { outcome: 'payment_mismatch', topUpId: topUp.id };
      if (action.kind === 'payment_failed') return markFailed(tx, topUp, action.reason, eventId);
      return creditPaid(tx, topUp, { amountCents: action.amountCents, currency: action.currency, paymentIntentId: action.paymentIntentId }, eventId, 'payment_intent');
    }

    case 'charge_refunded': {
      if (!action.paymentIntentId && !action.topUpId) return { outcome: 'ignored_unknown_payment', topUpId: null };
      const topUp = await findLockedTopUp(tx, { paymentIntentId: action.paymentIntentId, topUpId: action.topUpId });
      if (!topUp) return { outcome: 'ignored_unknown_payment', topUpId: null };
      if (action.paymentIntentId && topUp.stripePaymentIntentId && topUp.stripePaymentIntentId !== action.paymentIntentId) {
        await flag(tx, topUp, 'payment_mismatch', eventId, { paymentIntentId: action.paymentIntentId });
        return { outcome: 'payment_mismatch', topUpId: topUp.id };
      }
      if (action.currency !== 'eur') {
        await flag(tx, topUp, 'amount_mismatch', eventId, { currency: action.currency });
        return { outcome: 'amount_mismatch', topUpId: topUp.id };
      }
      return reverseRefund(tx, topUp, action.refundedTotalCents, eventId);
    }
  }
}
