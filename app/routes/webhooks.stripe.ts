import type { ActionFunctionArgs } from '@remix-run/node';
import { json } from '@remix-run/node';
import { getPaymentGateway } from '~/domain/payments/payments.server';
import { handleStripeWebhook } from '~/domain/topups/stripe-webhook.server';
import { getDb } from '~/utils/db.server';
import { domainErrorResponse } from '~/utils/http.server';
import { logger } from '~/utils/logger.server';

// POST /webhooks/stripe: Stripe's signed events (docs/decisions/0009-top-ups-and-stripe.md). The
// body is read raw — the signature covers the exact bytes — and verified by the official library;
// 400 and nothing written when it is unsigned, wrongly signed or older than 300 s. 404 when Stripe
// is not configured. Every verified event answers 200 once recorded (a redelivery too).

export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== 'POST') return new Response('Method Not Allowed', { status: 405, headers: { Allow: 'POST' } });
  const payload = await request.text();
  try {
    const result = await handleStripeWebhook(getDb(), getPaymentGateway(), { payload, signature: request.headers.get('stripe-signature') });
    if (result.status === 400) {
      logger.warn({ reason: result.error }, 'stripe webhook refused');
      return json({ error: 'invalid_signature' }, { status: 400 });
    }
    return json({ received: true, duplicate: result.duplicate, ...(result.duplicate ? {} : { outcome: result.outcome }) });
  } catch (error) {
    throw domainErrorResponse(error);
  }
}

export function loader() {
  return new Response('Method Not Allowed', { status: 405, headers: { Allow: 'POST' } });
}
