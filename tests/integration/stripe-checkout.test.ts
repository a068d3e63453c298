import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as detailRoute from '~/routes/azienda.ricariche.$id';
import * as listRoute from '~/routes/azienda.ricariche._index';
import { getDb, useTestDatabase } from '../setup/database';
import { startFakeStripe, type FakeStripe } from '../support/fake-stripe';
import { configureStripe, startCheckout } from './stripe-fixtures';
import { budgetCents, call, createTopUpWorld, expectLedgerClean, type TopUpWorld } from './topups-fixtures';

// Starting a card or SEPA payment: the official library creates the Checkout Session on the local
// fake Stripe (STRIPE_API_BASE) with exactly the top-up's amount and our metadata; nothing is
// credited until the webhook says so.

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

describe('Stripe Checkout', () => {
  it('offers card and SEPA next to the bank transfer when Stripe is configured', async () => {
    const page = (await (await call(listRoute.loader, '/azienda/ricariche', { cookie: world.companyAdmin.cookie })).json()) as { page: { stripeEnabled: boolean } };
    expect(page.page.stripeEnabled).toBe(true);
  });

  it('creates a session for exactly the amount, in euro, with the top-up in its metadata, and credits nothing', async () => {
    const db = getDb();
    const before = fake.requests.length;
    const id = await startCheckout(world.companyAdmin, '1.250,50');
    const requests = fake.requests.slice(before);
    expect(requests).toHaveLength(1);
    const request = requests[0]!;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/v1/checkout/sessions');
    expect(request.headers.authorization).toBe('Bearer sk_test_conciliamo');
    expect(request.headers['idempotency-key']).toBe(`topup-${id}-checkout`);
    const topUp = await db.topUp.findUniqueOrThrow({ where: { id } });
    expect(request.body).toMatchObject({
      mode: 'payment',
      payment_method_types: ['card'],
      line_items: [{ quantity: '1', price_data: { currency: 'eur', unit_amount: '125050', product_data: { name: 'Ricarica budget welfare – Tessiture di prova S.p.A.' } } }],
      client_reference_id: id,
      metadata: { topUpId: id, allianceId: world.tenant.allianceId, companyId: world.tenant.companyId, paymentReference: topUp.paymentReference },
      payment_intent_data: { metadata: { topUpId: id, allianceId: world.tenant.allianceId, companyId: world.tenant.companyId, paymentReference: topUp.paymentReference } },
      customer_email: world.companyAdmin.email,
      success_url: `http://localhost:3000/azienda/ricariche/${id}?esito=completato`,
      cancel_url: `http://localhost:3000/azienda/ricariche/${id}?esito=annullato`,
      locale: 'it',
    });
    const session = fake.sessions.get(topUp.stripeCheckoutSessionId!)!;
    expect(topUp).toMatchObject({ status: 'PENDING_PAYMENT', method: 'STRIPE_CARD', amountCents: 125_050, stripeCheckoutUrl: session.url, stripePaymentIntentId: null });
    expect(await budgetCents(db, world.tenant.companyId)).toBe(0);
    expect(await db.auditEvent.count({ where: { action: 'topup.checkout_started', subjectId: id } })).toBe(1);

    const detail = (await (await call(detailRoute.loader, `/azienda/ricariche/${id}?esito=completato`, { cookie: world.companyAdmin.cookie, params: { id } })).json()) as {
      topUp: { checkoutUrl: string; status: string };
      returned: string;
    };
    expect(detail.topUp).toMatchObject({ checkoutUrl: session.url, status: 'PENDING_PAYMENT' });
    expect(detail.returned).toBe('completato');
  });

  it('asks for SEPA Direct Debit when the company chooses it', async () => {
    const before = fake.requests.length;
    const id = await startCheckout(world.secondCompanyAdmin, '5000', 'STRIPE_SEPA');
    expect(fake.requests[before]!.body.payment_method_types).toEqual(['sepa_debit']);
    expect((await getDb().topUp.findUniqueOrThrow({ where: { id } })).method).toBe('STRIPE_SEPA');
  });

  it('marks the top-up failed and tells the company when Stripe cannot be reached', async () => {
    const db = getDb();
    const countBefore = await db.topUp.count({ where: { companyId: world.tenant.companyId } });
    // Every attempt fails, the library's own retries included.
    fake.fail(500, { times: Infinity });
    try {
      const response = await call(listRoute.action, '/azienda/ricariche', { cookie: world.companyAdmin.cookie, form: { amount: '900', method: 'STRIPE_CARD' } });
      expect(response.status).toBe(503);
      const body = (await response.json()) as { formError: string; values: Record<string, string> };
      expect(body.formError).toBe('topups.error.providerUnavailable');
      expect(body.values).toMatchObject({ amount: '900', method: 'STRIPE_CARD' });
    } finally {
      fake.recover();
    }
    const rows = await db.topUp.findMany({ where: { companyId: world.tenant.companyId }, orderBy: { createdAt: 'desc' } });
    expect(rows).toHaveLength(countBefore + 1);
    expect(rows[0]).toMatchObject({ status: 'FAILED', failureReason: 'checkout_unavailable', stripeCheckoutSessionId: null });
  });

  it('refuses an amount outside the limits before calling Stripe', async () => {
    const before = fake.requests.length;
    const response = await call(listRoute.action, '/azienda/ricariche', { cookie: world.companyAdmin.cookie, form: { amount: '0,30', method: 'STRIPE_CARD' } });
    expect(response.status).toBe(422);
    expect(fake.requests.length).toBe(before);
  });
});
