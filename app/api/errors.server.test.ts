import { z } from 'zod';
import { Conflict, Forbidden, NotFound, RateLimited, Unauthenticated, ValidationFailed } from '~/utils/errors.server';
import { REQUEST_ID_HEADER } from '~/utils/http.server';
import { apiError, apiNotFound, methodNotAllowed, withApi, type ApiErrorBody } from './errors.server';

const request = (path = '/api/v1/things', init?: RequestInit) => new Request(`http://localhost${path}`, init);

async function call(handler: () => unknown, req = request()) {
  const wrapped = withApi(async () => handler() as object);
  const response = await wrapped({ request: req });
  return { response, body: (await response.json()) as ApiErrorBody & Record<string, unknown> };
}

describe('apiError', () => {
  it('answers { error: { code, message, details } } as JSON, not cacheable', async () => {
    const response = apiError('conflict', 'Already there', { id: 'x' }, 409);
    expect(response.status).toBe(409);
    expect(response.headers.get('Content-Type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('Cache-Control')).toBe('no-store');
    expect(await response.json()).toEqual({ error: { code: 'conflict', message: 'Already there', details: { id: 'x' } } });
  });

  it('adds Retry-After to 429 and WWW-Authenticate to 401', () => {
    expect(apiError('rate_limited', 'Slow down', { retryAfterSeconds: 42.2 }, 429).headers.get('Retry-After')).toBe('43');
    expect(apiError('unauthenticated', 'Who?', null, 401).headers.get('WWW-Authenticate')).toMatch(/^Bearer/);
  });
});

describe('withApi', () => {
  it('turns a returned object into a 200 JSON answer with Cache-Control: no-store', async () => {
    const { response, body } = await call(() => ({ hello: 'world', when: new Date('2026-01-02T03:04:05Z') }));
    expect(response.status).toBe(200);
    expect(response.headers.get('Cache-Control')).toBe('no-store');
    expect(body).toEqual({ hello: 'world', when: '2026-01-02T03:04:05.000Z' });
  });

  it('keeps a returned Response and its own Cache-Control', async () => {
    const wrapped = withApi(async () => new Response('{}', { headers: { 'Cache-Control': 'public, max-age=60' } }));
    expect((await wrapped({ request: request() })).headers.get('Cache-Control')).toBe('public, max-age=60');
  });

  it.each([
    [new NotFound('Voucher not found'), 404, 'not_found'],
    [new Forbidden('Role'), 403, 'forbidden'],
    [new Unauthenticated(), 401, 'unauthenticated'],
    [new Conflict('Twice'), 409, 'conflict'],
  ])('maps %s to its status and code', async (error, status, code) => {
    const { response, body } = await call(() => {
      throw error;
    });
    expect(response.status).toBe(status);
    expect(body.error).toEqual({ code, message: error.message, details: null });
  });

  it('maps ValidationFailed and ZodError to 422 with field paths', async () => {
    const failed = await call(() => {
      throw new ValidationFailed('Bad', { name: 'validation.required' });
    });
    expect(failed.response.status).toBe(422);
    expect(failed.body.error).toEqual({ code: 'validation_failed', message: 'Bad', details: { fieldErrors: { name: 'validation.required' } } });

    const schema = z.object({ items: z.array(z.object({ quantity: z.number().int().positive() })) });
    const zod = await call(() => schema.parse({ items: [{ quantity: 1 }, { quantity: -1 }] }));
    expect(zod.response.status).toBe(422);
    expect(zod.body.error.code).toBe('validation_failed');
    expect(Object.keys((zod.body.error.details as { fieldErrors: Record<string, string> }).fieldErrors)).toEqual(['items.1.quantity']);
  });

  it('maps RateLimited to 429 with Retry-After', async () => {
    const { response, body } = await call(() => {
      throw new RateLimited(120);
    });
    expect(response.status).toBe(429);
    expect(response.headers.get('Retry-After')).toBe('120');
    expect(body.error.details).toEqual({ retryAfterSeconds: 120 });
  });

  it('hides unexpected errors behind internal_error and the request id', async () => {
    const req = request('/api/v1/boom', { headers: { [REQUEST_ID_HEADER]: 'req-123' } });
    const { response, body } = await call(() => {
      throw new Error('secret database detail');
    }, req);
    expect(response.status).toBe(500);
    expect(body.error).toEqual({ code: 'internal_error', message: expect.any(String), details: { requestId: 'req-123' } });
    expect(JSON.stringify(body)).not.toContain('secret database detail');
    expect(response.headers.get('X-Request-Id')).toBe('req-123');

    const anonymous = await call(() => {
      throw new TypeError('x');
    });
    expect((anonymous.body.error.details as { requestId: string }).requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('turns a page guard’s thrown redirect or bare 404 into JSON errors', async () => {
    const redirected = await call(() => {
      throw new Response(null, { status: 302, headers: { Location: '/accedi' } });
    });
    expect(redirected.response.status).toBe(401);
    expect(redirected.body.error.code).toBe('unauthenticated');
    const missing = await call(() => {
      throw new Response('Not found', { status: 404 });
    });
    expect(missing.response.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');
  });
});

describe('fallback answers', () => {
  it('describes unknown paths and unsupported methods', async () => {
    const notFound = apiNotFound(request('/api/v1/nope', { method: 'DELETE' }));
    expect(notFound.status).toBe(404);
    expect(await notFound.json()).toEqual({
      error: { code: 'not_found', message: 'No API endpoint at DELETE /api/v1/nope', details: { method: 'DELETE', path: '/api/v1/nope' } },
    });
    const notAllowed = methodNotAllowed(request('/api/v1/me', { method: 'POST' }), ['GET']);
    expect(notAllowed.status).toBe(405);
    expect(notAllowed.headers.get('Allow')).toBe('GET');
  });
});
