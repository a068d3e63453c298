import Stripe from 'stripe';
import { afterEach, describe, expect, it, vi } from 'vitest';
import vector from '../../../tests/fixtures/stripe/signature_vector_DERIVED.json' with { type: 'json' };
import { parseEnv } from '~/utils/env.server';
import { getPaymentGateway, InvalidWebhook, stripeConfigOf, WEBHOOK_TOLERANCE_SECONDS } from './payments.server';

const BASE_ENV = { DATABASE_URL: 'postgresql://localhost/x', NODE_ENV: 'test' };

function gatewayWith(secret: string) {
  const env = parseEnv({ ...BASE_ENV, STRIPE_SECRET_KEY: 'sk_test_unit', STRIPE_WEBHOOK_SECRET: secret, STRIPE_API_BASE: 'http://127.0.0.1:9' });
  const gateway = getPaymentGateway(env);
  if (!gateway) throw new Error('expected a gateway');
  return gateway;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('configuration', () => {
  it('has no gateway unless both the secret key and the webhook secret are set', () => {
    expect(stripeConfigOf(parseEnv(BASE_ENV))).toBeNull();
    expect(stripeConfigOf(parseEnv({ ...BASE_ENV, STRIPE_SECRET_KEY: 'sk_test_x' }))).toBeNull();
    expect(getPaymentGateway(parseEnv({ ...BASE_ENV, STRIPE_WEBHOOK_SECRET: 'whsec_x' }))).toBeNull();
    const config = stripeConfigOf(parseEnv({ ...BASE_ENV, STRIPE_SECRET_KEY: 'sk_test_x', STRIPE_WEBHOOK_SECRET: 'whsec_x', STRIPE_API_BASE: 'http://127.0.0.1:12111' }));
    expect(config?.apiBase?.port).toBe('12111');
  });
});

describe('webhook signatures (official library, tolerance 300 s)', () => {
  it('accepts the independently derived vector inside the tolerance and refuses it after', () => {
    const gateway = gatewayWith(vector.secret);
    vi.useFakeTimers();
    vi.setSystemTime((vector.timestamp + 60) * 1000);
    expect(gateway.verifyWebhook(vector.payload, vector.header).id).toBe('evt_1MoS6tLgUG5tbmjchDsX6fiT');
    vi.setSystemTime((vector.timestamp + WEBHOOK_TOLERANCE_SECONDS + 1) * 1000);
    expect(() => gateway.verifyWebhook(vector.payload, vector.header)).toThrow(InvalidWebhook);
  });

  it('refuses a payload changed by one byte, another secret, or no header', () => {
    vi.useFakeTimers();
    vi.setSystemTime((vector.timestamp + 1) * 1000);
    const gateway = gatewayWith(vector.secret);
    expect(() => gateway.verifyWebhook(vector.payload.replace('1099', '1098'), vector.header)).toThrow(InvalidWebhook);
    expect(() => gatewayWith('whsec_another_secret').verifyWebhook(vector.payload, vector.header)).toThrow(InvalidWebhook);
    expect(() => gateway.verifyWebhook(vector.payload, null)).toThrow(InvalidWebhook);
    expect(() => gateway.verifyWebhook(vector.payload, 'garbage')).toThrow(InvalidWebhook);
  });

  it('agrees with generateTestHeaderString for a fresh event', () => {
    const gateway = gatewayWith('whsec_fresh');
    const payload = JSON.stringify({ id: 'evt_fresh', object: 'event', type: 'charge.refunded', data: { object: {} } });
    const header = new Stripe('sk_test_x').webhooks.generateTestHeaderString({ payload, secret: 'whsec_fresh' });
    expect(gateway.verifyWebhook(payload, header).id).toBe('evt_fresh');
  });
});
