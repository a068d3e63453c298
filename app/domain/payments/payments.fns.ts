import { z } from 'zod';

// Reading Stripe events (no I/O): what a verified event means for a top-up. Only the fields we
// use are read, leniently, so a newer API version that adds fields changes nothing; an event whose
// object lacks what we need is "malformed" and ignored (recorded, answered 200, never retried).

const idOrObject = (prefix: string) =>
  z
    .union([z.string(), z.object({ id: z.string() }).loose()])
    .nullish()
    .transform((v) => (v ? (typeof v === 'string' ? v : v.id) : null))
    .refine((v) => v === null || v.startsWith(prefix));

const metadataSchema = z
  .record(z.string(), z.string())
  .nullish()
  .transform((m) => m ?? {});

const uuid = z.uuid();

function topUpIdFrom(...candidates: Array<string | null | undefined>): string | null {
  for (const c of candidates) if (c && uuid.safeParse(c).success) return c.toLowerCase();
  return null;
}

const CheckoutSessionSchema = z
  .object({
    id: z.string().startsWith('cs_'),
    object: z.literal('checkout.session'),
    amount_total: z.number().int().nullish(),
    currency: z.string().nullish(),
    payment_status: z.string(),
    payment_intent: idOrObject('pi_'),
    client_reference_id: z.string().nullish(),
    metadata: metadataSchema,
  })
  .loose();

const PaymentIntentSchema = z
  .object({
    id: z.string().startsWith('pi_'),
    object: z.literal('payment_intent'),
    amount: z.number().int(),
    amount_received: z.number().int().nullish(),
    currency: z.string(),
    status: z.string(),
    metadata: metadataSchema,
    last_payment_error: z
      .object({ code: z.string().nullish(), decline_code: z.string().nullish(), message: z.string().nullish() })
      .loose()
      .nullish(),
  })
  .loose();

const ChargeSchema = z
  .object({
    id: z.string().startsWith('ch_'),
    object: z.literal('charge'),
    amount: z.number().int(),
    amount_refunded: z.number().int(),
    currency: z.string(),
    payment_intent: idOrObject('pi_'),
    metadata: metadataSchema,
  })
  .loose();

export interface StripeEventEnvelope {
  id: string;
  type: string;
  created: number;
  livemode: boolean;
  data: { object: unknown };
}

export type PaymentEventAction =
  /** Paid now (card), or the asynchronous payment (SEPA) succeeded. */
  | { kind: 'session_paid'; sessionId: string; paymentIntentId: string | null; topUpId: string | null; amountCents: number | null; currency: string | null }
  /** Completed but the money is still on its way (SEPA Direct Debit): wait for payment_intent.succeeded. */
  | { kind: 'session_awaiting'; sessionId: string; paymentIntentId: string | null; topUpId: string | null }
  | { kind: 'session_failed'; sessionId: string; paymentIntentId: string | null; topUpId: string | null }
  | { kind: 'session_expired'; sessionId: string; topUpId: string | null }
  | { kind: 'payment_succeeded'; paymentIntentId: string; topUpId: string | null; amountCents: number; currency: string }
  | { kind: 'payment_failed'; paymentIntentId: string; topUpId: string | null; reason: string }
  /** `refundedTotalCents` is cumulative (Stripe's amount_refunded on the charge). */
  | { kind: 'charge_refunded'; chargeId: string; paymentIntentId: string | null; topUpId: string | null; refundedTotalCents: number; currency: string }
  | { kind: 'ignored'; reason: 'unhandled_type' | 'malformed' };

/** The event types the webhook endpoint should be subscribed to. */
export const HANDLED_EVENT_TYPES = [
  'checkout.session.completed',
  'checkout.session.async_payment_succeeded',
  'checkout.session.async_payment_failed',
  'checkout.session.expired',
  'payment_intent.succeeded',
  'payment_intent.payment_failed',
  'charge.refunded',
] as const;

function failureReason(pi: z.infer<typeof PaymentIntentSchema>): string {
  const error = pi.last_payment_error;
  const code = error?.decline_code ?? error?.code ?? 'payment_failed';
  const message = error?.message ? `: ${error.message}` : '';
  return `${code}${message}`.slice(0, 500);
}

/** What a verified Stripe event asks of the top-ups. */
export function readPaymentEvent(event: StripeEventEnvelope): PaymentEventAction {
  const object = event.data?.object;
  switch (event.type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded':
    case 'checkout.session.async_payment_failed':
    case 'checkout.session.expired': {
      const parsed = CheckoutSessionSchema.safeParse(object);
      if (!parsed.success) return { kind: 'ignored', reason: 'malformed' };
      const s = parsed.data;
      const topUpId = topUpIdFrom(s.metadata.topUpId, s.client_reference_id);
      if (event.type === 'checkout.session.expired') return { kind: 'session_expired', sessionId: s.id, topUpId };
      if (event.type === 'checkout.session.async_payment_failed') {
        return { kind: 'session_failed', sessionId: s.id, paymentIntentId: s.payment_intent, topUpId };
      }
      if (s.payment_status === 'paid') {
        return {
          kind: 'session_paid',
          sessionId: s.id,
          paymentIntentId: s.payment_intent,
          topUpId,
          amountCents: s.amount_total ?? null,
          currency: s.currency ? s.currency.toLowerCase() : null,
        };
      }
      return { kind: 'session_awaiting', sessionId: s.id, paymentIntentId: s.payment_intent, topUpId };
    }
    case 'payment_intent.succeeded':
    case 'payment_intent.payment_failed': {
      const parsed = PaymentIntentSchema.safeParse(object);
      if (!parsed.success) return { kind: 'ignored', reason: 'malformed' };
      const pi = parsed.data;
      const topUpId = topUpIdFrom(pi.metadata.topUpId);
      if (event.type === 'payment_intent.payment_failed') {
        return { kind: 'payment_failed', paymentIntentId: pi.id, topUpId, reason: failureReason(pi) };
      }
      return { kind: 'payment_succeeded', paymentIntentId: pi.id, topUpId, amountCents: pi.amount_received ?? pi.amount, currency: pi.currency.toLowerCase() };
    }
    case 'charge.refunded': {
      const parsed = ChargeSchema.safeParse(object);
      if (!parsed.success) return { kind: 'ignored', reason: 'malformed' };
      const ch = parsed.data;
      return {
        kind: 'charge_refunded',
        chargeId: ch.id,
        paymentIntentId: ch.payment_intent,
        topUpId: topUpIdFrom(ch.metadata.topUpId),
        refundedTotalCents: ch.amount_refunded,
        currency: ch.currency.toLowerCase(),
      };
    }
    default:
      return { kind: 'ignored', reason: 'unhandled_type' };
  }
}
