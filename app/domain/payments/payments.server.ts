import Stripe from 'stripe';
import { getEnv, type Env } from '~/utils/env.server';
import { ServiceUnavailable } from '~/utils/errors.server';

// The one door to Stripe (docs/decisions/0009-top-ups-and-stripe.md). The rest of the platform
// sees a small PaymentGateway: create a Checkout Session, verify a webhook. Behind it is the
// official `stripe` library; STRIPE_API_BASE points it elsewhere (tests run a local fake,
// tests/support/fake-stripe.ts), and without STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET there is
// no gateway at all: companies pay by bank transfer and the webhook answers 404.

/** Seconds a webhook's signed timestamp may be old (Stripe's default, stated on purpose). */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

export type CheckoutPaymentMethod = 'card' | 'sepa_debit';

export interface CheckoutRequest {
  topUpId: string;
  allianceId: string;
  companyId: string;
  amountCents: number;
  paymentMethod: CheckoutPaymentMethod;
  /** The line the payer sees, e.g. "Ricarica budget welfare – Tessiture Seriane S.p.A.". */
  productName: string;
  paymentReference: string;
  customerEmail: string | null;
  successUrl: string;
  cancelUrl: string;
  locale: 'it' | 'en';
}

export interface CheckoutSessionCreated {
  id: string;
  url: string;
  /** Usually null at creation (Stripe creates the PaymentIntent when the payer confirms). */
  paymentIntentId: string | null;
}

export interface PaymentGateway {
  createCheckoutSession(request: CheckoutRequest): Promise<CheckoutSessionCreated>;
  /** The event, when the `Stripe-Signature` header signs this exact payload and is fresh; throws InvalidWebhook otherwise. */
  verifyWebhook(payload: string, signatureHeader: string | null): Stripe.Event;
}

/** A webhook request without a valid, fresh signature. */
export class InvalidWebhook extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidWebhook';
  }
}

export interface StripeConfig {
  secretKey: string;
  webhookSecret: string;
  apiBase: URL | null;
}

/** The Stripe settings, or null when payments by Stripe are not configured. */
export function stripeConfigOf(env: Pick<Env, 'STRIPE_SECRET_KEY' | 'STRIPE_WEBHOOK_SECRET' | 'STRIPE_API_BASE'>): StripeConfig | null {
  if (!env.STRIPE_SECRET_KEY || !env.STRIPE_WEBHOOK_SECRET) return null;
  return { secretKey: env.STRIPE_SECRET_KEY, webhookSecret: env.STRIPE_WEBHOOK_SECRET, apiBase: env.STRIPE_API_BASE ? new URL(env.STRIPE_API_BASE) : null };
}

/** The official client, pointed at STRIPE_API_BASE when set. */
export function stripeClient(config: StripeConfig): Stripe {
  const base = config.apiBase;
  return new Stripe(config.secretKey, {
    maxNetworkRetries: 2,
    timeout: 20_000,
    telemetry: false,
    appInfo: { name: 'Conciliamo' },
    ...(base
      ? {
          host: base.hostname,
          port: base.port || (base.protocol === 'http:' ? 80 : 443),
          protocol: base.protocol === 'http:' ? ('http' as const) : ('https' as const),
        }
      : {}),
  });
}

function idOf(value: string | { id: string } | null | undefined): string | null {
  if (!value) return null;
  return typeof value === 'string' ? value : value.id;
}

class StripeGateway implements PaymentGateway {
  private readonly stripe: Stripe;

  constructor(private readonly config: StripeConfig) {
    this.stripe = stripeClient(config);
  }

  async createCheckoutSession(request: CheckoutRequest): Promise<CheckoutSessionCreated> {
    const metadata = {
      topUpId: request.topUpId,
      allianceId: request.allianceId,
      companyId: request.companyId,
      paymentReference: request.paymentReference,
    };
    try {
      const session = await this.stripe.checkout.sessions.create(
        {
          mode: 'payment',
          payment_method_types: [request.paymentMethod],
          line_items: [
            {
              quantity: 1,
              price_data: { currency: 'eur', unit_amount: request.amountCents, product_data: { name: request.productName } },
            },
          ],
          client_reference_id: request.topUpId,
          metadata,
          // The PaymentIntent carries the same metadata, so payment_intent.* events find the top-up
          // even when they arrive before checkout.session.completed.
          payment_intent_data: { metadata, description: `${request.productName} (${request.paymentReference})` },
          ...(request.customerEmail ? { customer_email: request.customerEmail } : {}),
          success_url: request.successUrl,
          cancel_url: request.cancelUrl,
          locale: request.locale,
        },
        // The same top-up never opens two sessions, even when this request is retried.
        { idempotencyKey: `topup-${request.topUpId}-checkout` },
      );
      if (!session.url) throw new Error('Stripe returned a Checkout Session without a URL');
      return { id: session.id, url: session.url, paymentIntentId: idOf(session.payment_intent) };
    } catch (error) {
      throw new ServiceUnavailable('The payment provider could not start the payment', {
        reason: 'payment_provider',
        messageKey: 'topups.error.providerUnavailable',
        cause: error instanceof Error ? error.message : String(error),
      });
    }
  }

  verifyWebhook(payload: string, signatureHeader: string | null): Stripe.Event {
    if (!signatureHeader) throw new InvalidWebhook('No Stripe-Signature header');
    let event: Stripe.Event;
    try {
      event = this.stripe.webhooks.constructEvent(payload, signatureHeader, this.config.webhookSecret, WEBHOOK_TOLERANCE_SECONDS);
    } catch (error) {
      throw new InvalidWebhook(error instanceof Error ? error.message : 'Invalid signature');
    }
    // The library refuses signatures older than the tolerance but not ones dated in the future;
    // Stripe never sends those, so a timestamp beyond the same tolerance ahead is refused too.
    const timestamp = Number(/(?:^|,)t=(\d+)/.exec(signatureHeader)?.[1]);
    if (!Number.isFinite(timestamp) || timestamp - Date.now() / 1000 > WEBHOOK_TOLERANCE_SECONDS) {
      throw new InvalidWebhook('Timestamp outside the tolerance zone');
    }
    return event;
  }
}

let cached: { key: string; gateway: PaymentGateway } | undefined;

/** The configured gateway (one per configuration), or null when Stripe is not configured. */
export function getPaymentGateway(env: Env = getEnv()): PaymentGateway | null {
  const config = stripeConfigOf(env);
  if (!config) return null;
  const key = `${config.secretKey}\n${config.webhookSecret}\n${config.apiBase?.href ?? ''}`;
  if (cached?.key !== key) cached = { key, gateway: new StripeGateway(config) };
  return cached.gateway;
}

/** Whether companies may pay by card or SEPA Direct Debit. */
export function stripeEnabled(env: Env = getEnv()): boolean {
  return stripeConfigOf(env) !== null;
}
