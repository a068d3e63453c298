import { expect } from 'vitest';
import * as listRoute from '~/routes/azienda.ricariche._index';
import * as webhookRoute from '~/routes/webhooks.stripe';
import { resetEnvForTests } from '~/utils/env.server';
import { signatureFor, type FakeStripe } from '../support/fake-stripe';
import { call, callWith, type Person } from './topups-fixtures';

// Shared by the stripe-*.test.ts files: Stripe configured against the local fake, a top-up started
// through the company's page, and webhook deliveries signed like Stripe signs them.

export const WEBHOOK_SECRET = 'whsec_test_conciliamo_topups';

export function configureStripe(fake: FakeStripe | null): void {
  if (fake) {
    process.env.STRIPE_SECRET_KEY = 'sk_test_conciliamo';
    process.env.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET;
    process.env.STRIPE_API_BASE = fake.url;
  } else {
    delete process.env.STRIPE_SECRET_KEY;
    delete process.env.STRIPE_WEBHOOK_SECRET;
    delete process.env.STRIPE_API_BASE;
  }
  resetEnvForTests();
}

/** Starts a card (or SEPA) top-up through the company's page; returns its id. */
export async function startCheckout(person: Person, amount: string, method: 'STRIPE_CARD' | 'STRIPE_SEPA' = 'STRIPE_CARD'): Promise<string> {
  const response = await call(listRoute.action, '/azienda/ricariche', { cookie: person.cookie, form: { amount, method } });
  expect(response.status).toBe(302);
  const location = response.headers.get('Location')!;
  expect(location).toMatch(/^\/azienda\/ricariche\/[0-9a-f-]{36}$/);
  return location.split('/')[3]!;
}

export interface Delivery {
  /** Default: signed now with the endpoint's secret. null: no Stripe-Signature header. */
  signature?: string | null;
  secret?: string;
  timestamp?: number;
}

/** POSTs `payload` to /webhooks/stripe as Stripe does. */
export function deliver(payload: string, options: Delivery = {}): Promise<Response> {
  const headers = new Headers({ 'Content-Type': 'application/json; charset=utf-8', 'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)' });
  const signature = options.signature === undefined ? signatureFor(payload, options.secret ?? WEBHOOK_SECRET, options.timestamp) : options.signature;
  if (signature !== null) headers.set('Stripe-Signature', signature);
  return callWith(webhookRoute.action, new Request('http://localhost/webhooks/stripe', { method: 'POST', headers, body: payload }));
}

export async function outcomeOf(response: Response): Promise<{ duplicate: boolean; outcome?: string }> {
  expect(response.status).toBe(200);
  return (await response.json()) as { duplicate: boolean; outcome?: string };
}
