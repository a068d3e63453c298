import { describe, expect, it } from 'vitest';
import checkoutSession from '../../../tests/fixtures/stripe/fixtures3_checkout.session.json' with { type: 'json' };
import charge from '../../../tests/fixtures/stripe/fixtures3_charge.json' with { type: 'json' };
import event from '../../../tests/fixtures/stripe/fixtures3_event.json' with { type: 'json' };
import { readPaymentEvent, type StripeEventEnvelope } from './payments.fns';

// Stripe's real object shapes (tests/fixtures/stripe), in the real event envelope.

const TOP_UP_ID = '6f1c1f0e-3f55-4c1a-9a53-0d2f3c1b2a10';

function envelope(type: string, object: unknown): StripeEventEnvelope {
  return { ...structuredClone(event), type, data: { object } } as StripeEventEnvelope;
}

describe('readPaymentEvent', () => {
  it('reads a paid Checkout Session, finding the top-up in metadata or client_reference_id', () => {
    const session = { ...checkoutSession, payment_status: 'paid', status: 'complete', amount_total: 150_000, currency: 'EUR', metadata: { topUpId: TOP_UP_ID } };
    expect(readPaymentEvent(envelope('checkout.session.completed', session))).toEqual({
      kind: 'session_paid',
      sessionId: checkoutSession.id,
      paymentIntentId: checkoutSession.payment_intent,
      topUpId: TOP_UP_ID,
      amountCents: 150_000,
      currency: 'eur',
    });
    const byReference = { ...session, metadata: {}, client_reference_id: TOP_UP_ID.toUpperCase() };
    expect(readPaymentEvent(envelope('checkout.session.async_payment_succeeded', byReference))).toMatchObject({ kind: 'session_paid', topUpId: TOP_UP_ID });
  });

  it('waits when a completed session is not paid yet (SEPA Direct Debit)', () => {
    // The fixture itself is unpaid.
    expect(readPaymentEvent(envelope('checkout.session.completed', checkoutSession))).toEqual({
      kind: 'session_awaiting',
      sessionId: checkoutSession.id,
      paymentIntentId: checkoutSession.payment_intent,
      topUpId: null,
    });
  });

  it('reads failures and expiry of a session', () => {
    expect(readPaymentEvent(envelope('checkout.session.async_payment_failed', checkoutSession))).toMatchObject({ kind: 'session_failed' });
    expect(readPaymentEvent(envelope('checkout.session.expired', checkoutSession))).toMatchObject({ kind: 'session_expired', sessionId: checkoutSession.id });
  });

  it('reads the payment intent of the fixture event', () => {
    const pi = { ...event.data.object, metadata: { topUpId: TOP_UP_ID } };
    expect(readPaymentEvent(envelope('payment_intent.succeeded', pi))).toEqual({
      kind: 'payment_succeeded',
      paymentIntentId: 'pi_1MoS6tLgUG5tbmjcQ62U6djv',
      topUpId: TOP_UP_ID,
      amountCents: 1099,
      currency: 'usd',
    });
    const failed = { ...pi, status: 'requires_payment_method', amount_received: 0, last_payment_error: { code: 'card_declined', decline_code: 'insufficient_funds', message: 'Your card has insufficient funds.' } };
    expect(readPaymentEvent(envelope('payment_intent.payment_failed', failed))).toEqual({
      kind: 'payment_failed',
      paymentIntentId: 'pi_1MoS6tLgUG5tbmjcQ62U6djv',
      topUpId: TOP_UP_ID,
      reason: 'insufficient_funds: Your card has insufficient funds.',
    });
  });

  it('reads the cumulative refunded amount of a charge', () => {
    const refunded = { ...charge, payment_intent: 'pi_123', amount: 5000, amount_refunded: 2000, currency: 'eur' };
    expect(readPaymentEvent(envelope('charge.refunded', refunded))).toEqual({
      kind: 'charge_refunded',
      chargeId: charge.id,
      paymentIntentId: 'pi_123',
      topUpId: null,
      refundedTotalCents: 2000,
      currency: 'eur',
    });
  });

  it('ignores other event types and objects that lack what it needs', () => {
    // The fixture event as it is: payment_intent.created.
    expect(readPaymentEvent(event as StripeEventEnvelope)).toEqual({ kind: 'ignored', reason: 'unhandled_type' });
    expect(readPaymentEvent(envelope('checkout.session.completed', { id: 'cs_x' }))).toEqual({ kind: 'ignored', reason: 'malformed' });
    expect(readPaymentEvent(envelope('charge.refunded', { ...charge, payment_intent: 'not-a-pi' }))).toEqual({ kind: 'ignored', reason: 'malformed' });
    // A topUpId that is not a UUID is not trusted.
    expect(readPaymentEvent(envelope('payment_intent.succeeded', { ...event.data.object, metadata: { topUpId: "1' OR 1=1" } }))).toMatchObject({ topUpId: null });
  });
});
