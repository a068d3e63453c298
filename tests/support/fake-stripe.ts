import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import checkoutSessionFixture from '../fixtures/stripe/fixtures3_checkout.session.json' with { type: 'json' };
import chargeFixture from '../fixtures/stripe/fixtures3_charge.json' with { type: 'json' };
import eventFixture from '../fixtures/stripe/fixtures3_event.json' with { type: 'json' };

// A local stand-in for the part of Stripe's API the platform calls (POST /v1/checkout/sessions),
// answering with Stripe's own object shapes (tests/fixtures/stripe), and builders for the webhook
// events Stripe sends, signed the way Stripe signs them. The official `stripe` library talks to
// it through STRIPE_API_BASE, so the request it records is exactly what Stripe would receive.

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The form body as Stripe's API reads it (bracket keys nested, e.g. line_items[0][price_data]). */
  body: Record<string, unknown>;
  rawBody: string;
}

export interface FakeStripe {
  /** e.g. http://127.0.0.1:54321 — the value of STRIPE_API_BASE. */
  url: string;
  requests: RecordedRequest[];
  /** Checkout Sessions created so far, by id (the JSON the API answered). */
  sessions: Map<string, Record<string, unknown>>;
  /** The next `times` API calls (every one with Infinity, until recover()) answer this HTTP status with a Stripe error body. */
  fail(status: number, options?: { times?: number; message?: string }): void;
  recover(): void;
  close(): Promise<void>;
}

function randomId(prefix: string): string {
  return `${prefix}${randomBytes(12).toString('base64url').replace(/[-_]/g, 'x')}`;
}

/** Stripe's form encoding (a[b][0][c]=x) back to objects and arrays. */
export function parseStripeForm(raw: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    const path = key.replace(/\]/g, '').split('[');
    let node: Record<string, unknown> | unknown[] = root;
    path.forEach((part, i) => {
      const last = i === path.length - 1;
      const nextIsIndex = !last && /^\d+$/.test(path[i + 1]!);
      const container = node as Record<string, unknown>;
      if (last) {
        container[part] = value;
        return;
      }
      container[part] ??= nextIsIndex ? [] : {};
      node = container[part] as Record<string, unknown>;
    });
  }
  return root;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Request-Id': randomId('req_') });
  res.end(JSON.stringify(body));
}

function stripeError(status: number, message: string) {
  return { error: { type: status >= 500 ? 'api_error' : 'invalid_request_error', message } };
}

/** A Checkout Session as Stripe answers POST /v1/checkout/sessions: open and unpaid. */
function createdSession(body: Record<string, unknown>): Record<string, unknown> {
  const id = randomId('cs_test_');
  const items = (body.line_items as Array<{ quantity?: string; price_data?: { currency?: string; unit_amount?: string } }> | undefined) ?? [];
  const total = items.reduce((sum, item) => sum + Number(item.price_data?.unit_amount ?? 0) * Number(item.quantity ?? 1), 0);
  const now = Math.floor(Date.now() / 1000);
  return {
    ...structuredClone(checkoutSessionFixture),
    id,
    amount_subtotal: total,
    amount_total: total,
    currency: items[0]?.price_data?.currency ?? null,
    client_reference_id: body.client_reference_id ?? null,
    customer_email: body.customer_email ?? null,
    customer_details: null,
    metadata: body.metadata ?? {},
    payment_intent: null,
    payment_method_types: body.payment_method_types ?? ['card'],
    success_url: body.success_url,
    cancel_url: body.cancel_url,
    locale: body.locale ?? null,
    created: now,
    expires_at: now + 24 * 3600,
    url: `https://checkout.stripe.com/c/pay/${id}`,
  };
}

export async function startFakeStripe(): Promise<FakeStripe> {
  const requests: RecordedRequest[] = [];
  const sessions = new Map<string, Record<string, unknown>>();
  const idempotent = new Map<string, { status: number; body: unknown }>();
  let failure: { status: number; message: string; remaining: number } | null = null;

  const server: Server = createServer((req, res) => {
    void (async () => {
      const rawBody = await readBody(req);
      const path = (req.url ?? '/').split('?')[0]!;
      const body = parseStripeForm(rawBody);
      requests.push({ method: req.method ?? 'GET', path, headers: req.headers, body, rawBody });
      if (failure) {
        const { status, message } = failure;
        failure.remaining -= 1;
        if (failure.remaining <= 0) failure = null;
        send(res, status, stripeError(status, message));
        return;
      }
      const key = req.headers['idempotency-key'];
      const replay = typeof key === 'string' ? idempotent.get(key) : undefined;
      if (replay) {
        send(res, replay.status, replay.body);
        return;
      }
      if (!String(req.headers.authorization ?? '').startsWith('Bearer sk_')) {
        send(res, 401, stripeError(401, 'Invalid API Key provided'));
        return;
      }
      if (req.method === 'POST' && path === '/v1/checkout/sessions') {
        const session = createdSession(body);
        sessions.set(session.id as string, session);
        if (typeof key === 'string') idempotent.set(key, { status: 200, body: session });
        send(res, 200, session);
        return;
      }
      send(res, 404, stripeError(404, `Unrecognized request URL (${req.method}: ${path})`));
    })().catch((error: unknown) => send(res, 500, stripeError(500, String(error))));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    sessions,
    fail(status, { times = 1, message = 'Something went wrong on Stripe’s end' } = {}) {
      failure = { status, message, remaining: times };
    },
    recover() {
      failure = null;
    },
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

// ---------------------------------------------------------------------------------------------
// Webhook events, in the envelope of tests/fixtures/stripe/fixtures3_event.json

export interface BuiltEvent {
  id: string;
  /** The exact bytes to POST (and to sign). */
  payload: string;
}

export function stripeEvent(type: string, object: Record<string, unknown>, options: { id?: string; created?: number } = {}): BuiltEvent {
  const id = options.id ?? randomId('evt_');
  const event = {
    ...structuredClone(eventFixture),
    id,
    type,
    created: options.created ?? Math.floor(Date.now() / 1000),
    api_version: '2025-10-29.clover',
    data: { object },
    request: { id: null, idempotency_key: null },
  };
  return { id, payload: JSON.stringify(event) };
}

/** A Checkout Session as checkout.session.* events carry it. */
export function checkoutSessionObject(input: {
  sessionId: string;
  amountCents: number;
  topUpId: string;
  paymentIntentId: string | null;
  paymentStatus: 'paid' | 'unpaid';
  status?: 'open' | 'complete' | 'expired';
  paymentMethodTypes?: string[];
  currency?: string;
}): Record<string, unknown> {
  return {
    ...structuredClone(checkoutSessionFixture),
    id: input.sessionId,
    amount_subtotal: input.amountCents,
    amount_total: input.amountCents,
    currency: input.currency ?? 'eur',
    client_reference_id: input.topUpId,
    metadata: { topUpId: input.topUpId },
    payment_intent: input.paymentIntentId,
    payment_method_types: input.paymentMethodTypes ?? ['card'],
    payment_status: input.paymentStatus,
    status: input.status ?? 'complete',
  };
}

/** A PaymentIntent as payment_intent.* events carry it (the envelope's own object, re-filled). */
export function paymentIntentObject(input: {
  paymentIntentId: string;
  amountCents: number;
  topUpId: string | null;
  status: 'succeeded' | 'requires_payment_method' | 'processing';
  lastPaymentError?: { code: string; message: string } | null;
  paymentMethodTypes?: string[];
}): Record<string, unknown> {
  const base = structuredClone(eventFixture.data.object) as Record<string, unknown>;
  return {
    ...base,
    id: input.paymentIntentId,
    amount: input.amountCents,
    amount_received: input.status === 'succeeded' ? input.amountCents : 0,
    client_secret: `${input.paymentIntentId}_secret_test`,
    currency: 'eur',
    latest_charge: null,
    metadata: input.topUpId ? { topUpId: input.topUpId } : {},
    payment_method_types: input.paymentMethodTypes ?? ['card'],
    status: input.status,
    last_payment_error: input.lastPaymentError ? { type: 'card_error', ...input.lastPaymentError } : null,
  };
}

/** A Charge as charge.refunded carries it: `amountRefunded` is the cumulative refunded amount. */
export function refundedChargeObject(input: { chargeId?: string; paymentIntentId: string; amountCents: number; amountRefunded: number }): Record<string, unknown> {
  return {
    ...structuredClone(chargeFixture),
    id: input.chargeId ?? randomId('ch_'),
    amount: input.amountCents,
    amount_captured: input.amountCents,
    amount_refunded: input.amountRefunded,
    captured: true,
    currency: 'eur',
    payment_intent: input.paymentIntentId,
    refunded: input.amountRefunded >= input.amountCents,
  };
}

const signer = new Stripe('sk_test_signer_only');

/** The Stripe-Signature header Stripe would send for `payload` at `timestamp` (seconds). */
export function signatureFor(payload: string, secret: string, timestamp = Math.floor(Date.now() / 1000)): string {
  return signer.webhooks.generateTestHeaderString({ payload, secret, timestamp });
}

export function newPaymentIntentId(): string {
  return randomId('pi_');
}

export function newSessionId(): string {
  return randomId('cs_test_');
}
