import { MeResponseSchema } from '~/api/endpoints';
import { requireApiActor } from '~/api/auth.server';
import { withApi, type ApiErrorBody } from '~/api/errors.server';
import { createApiKey, revokeApiKey } from '~/domain/api-keys/api-keys.server';
import { makePartitaIva } from '~/domain/identifiers/identifiers.fns';
import * as catchAll from '~/routes/api.v1.$';
import * as me from '~/routes/api.v1.me';
import * as openapi from '~/routes/api.v1.openapi[.json]';
import { getDb, useTestDatabase } from '../setup/database';

useTestDatabase();

type Loader = (args: { request: Request; params: Record<string, string>; context: Record<string, unknown> }) => Promise<Response>;
const call = (fn: unknown, request: Request, params: Record<string, string> = {}) => (fn as Loader)({ request, params, context: {} });
const get = (path: string, headers: Record<string, string> = {}) => new Request(`http://localhost${path}`, { headers });

async function expectApiError(response: Response, status: number, code: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get('Content-Type')).toMatch(/^application\/json/);
  const body = (await response.json()) as ApiErrorBody;
  expect(Object.keys(body)).toEqual(['error']);
  expect(Object.keys(body.error).sort()).toEqual(['code', 'details', 'message']);
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe('string');
  return body;
}

let companyKey: string;
let companyPrefix: string;
let companyId: string;
let revokedKey: string;

beforeAll(async () => {
  const db = getDb();
  const alliance = await db.alliance.create({
    data: { slug: 'win', name: 'W.IN. – Welfare Innovativo', shortName: 'W.IN.', description: 'Val Seriana', capofila: 'Comune di Albino', territory: 'Val Seriana' },
  });
  const taxId = makePartitaIva(4321);
  const company = await db.organization.create({
    data: { allianceId: alliance.id, kind: 'COMPANY', legalName: 'Tessitura Seriana Srl', codiceFiscale: taxId, partitaIva: taxId },
  });
  companyId = company.id;
  const created = await createApiKey(db, { organizationId: company.id, name: 'Payroll export' });
  companyKey = created.key;
  companyPrefix = created.prefix;
  const revoked = await createApiKey(db, { organizationId: company.id, name: 'Old integration' });
  await revokeApiKey(db, { id: revoked.id });
  revokedKey = revoked.key;
});

describe('GET /api/v1/me', () => {
  it('answers 401 with the JSON error shape without a key', async () => {
    const response = await call(me.loader, get('/api/v1/me'));
    const body = await expectApiError(response, 401, 'unauthenticated');
    expect(body.error.message).toMatch(/Authorization: Bearer/);
    expect(response.headers.get('WWW-Authenticate')).toMatch(/^Bearer/);
    expect(response.headers.get('Cache-Control')).toBe('no-store');
  });

  it('answers 401 for a malformed, unknown or revoked key', async () => {
    await expectApiError(await call(me.loader, get('/api/v1/me', { Authorization: 'Bearer nope' })), 401, 'unauthenticated');
    const unknown = companyKey.replace(`cnc_${companyPrefix}_`, `cnc_${companyPrefix === 'zzzzzzzz' ? 'yyyyyyyy' : 'zzzzzzzz'}_`);
    await expectApiError(await call(me.loader, get('/api/v1/me', { Authorization: `Bearer ${unknown}` })), 401, 'unauthenticated');
    const revoked = await expectApiError(await call(me.loader, get('/api/v1/me', { Authorization: `Bearer ${revokedKey}` })), 401, 'unauthenticated');
    expect(revoked.error.message).toBe('Invalid or revoked API key');
  });

  it('answers 200 with the key’s organisation, not cacheable', async () => {
    const response = await call(me.loader, get('/api/v1/me', { Authorization: `Bearer ${companyKey}` }));
    expect(response.status).toBe(200);
    expect(response.headers.get('Cache-Control')).toBe('no-store');
    const body = MeResponseSchema.parse(await response.json());
    expect(body.organization).toMatchObject({
      id: companyId,
      legalName: 'Tessitura Seriana Srl',
      kind: 'COMPANY',
      alliance: { slug: 'win', name: 'W.IN. – Welfare Innovativo' },
    });
    expect(body.apiKey).toMatchObject({ prefix: `cnc_${companyPrefix}`, name: 'Payroll export', role: 'COMPANY_ADMIN' });
    expect(body.apiKey.lastUsedAt).not.toBeNull();
    expect(JSON.stringify(body)).not.toContain(companyKey.slice(13));
  });

  it('accepts the key in X-Api-Key too and refuses other methods with 405', async () => {
    expect((await call(me.loader, get('/api/v1/me', { 'X-Api-Key': companyKey }))).status).toBe(200);
    const post = new Request('http://localhost/api/v1/me', { method: 'POST', headers: { Authorization: `Bearer ${companyKey}` } });
    const response = await call(me.action, post);
    await expectApiError(response, 405, 'method_not_allowed');
    expect(response.headers.get('Allow')).toBe('GET');
  });
});

describe('requireApiActor', () => {
  it('answers 403 forbidden when the key’s role is not allowed', async () => {
    const ambitoOnly = withApi(async ({ request }: { request: Request }) => {
      const actor = await requireApiActor(request, { roles: ['ALLIANCE_ADMIN', 'AMBITO_CURATOR'] });
      return { role: actor.role };
    });
    const body = await expectApiError(await ambitoOnly({ request: get('/api/v1/x', { Authorization: `Bearer ${companyKey}` }) }), 403, 'forbidden');
    expect(body.error.details).toEqual({ requiredRoles: ['ALLIANCE_ADMIN', 'AMBITO_CURATOR'], keyRole: 'COMPANY_ADMIN' });
    const companyOnly = withApi(async ({ request }: { request: Request }) => ({ role: (await requireApiActor(request, { roles: ['COMPANY_ADMIN'] })).role }));
    expect((await companyOnly({ request: get('/api/v1/x', { Authorization: `Bearer ${companyKey}` }) })).status).toBe(200);
  });
});

describe('unknown API paths', () => {
  it('answer 404 JSON for any method, with or without a key', async () => {
    const body = await expectApiError(await call(catchAll.loader, get('/api/v1/vouchers/123'), { '*': 'vouchers/123' }), 404, 'not_found');
    expect(body.error.details).toEqual({ method: 'GET', path: '/api/v1/vouchers/123' });
    const post = new Request('http://localhost/api/v1/nothing', { method: 'POST', headers: { Authorization: `Bearer ${companyKey}` } });
    await expectApiError(await call(catchAll.action, post, { '*': 'nothing' }), 404, 'not_found');
  });
});

// A structural check of the OpenAPI 3.1 rules our document must keep (no validator dependency).
type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

function collectRefs(node: unknown, refs: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => collectRefs(n, refs));
  else if (isObject(node)) {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') refs.push(v);
      else collectRefs(v, refs);
    }
  }
  return refs;
}

function resolvePointer(doc: Json, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  return ref
    .slice(2)
    .split('/')
    .reduce<unknown>((node, part) => (isObject(node) ? node[part.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined), doc);
}

describe('GET /api/v1/openapi.json', () => {
  it('is public and a structurally valid OpenAPI 3.1 document listing /me', async () => {
    const response = await call(openapi.loader, get('/api/v1/openapi.json'));
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toMatch(/^application\/json/);
    const doc = (await response.json()) as Json;

    expect(doc.openapi).toBe('3.1.0');
    const info = doc.info as Json;
    expect(typeof info.title).toBe('string');
    expect(typeof info.version).toBe('string');
    expect(info.license).toEqual({ name: 'EUPL-1.2', identifier: 'EUPL-1.2' });
    expect(String(info.description)).toMatch(/In italiano/);
    expect(doc.servers).toEqual([{ url: '/api/v1', description: expect.any(String) }]);

    const components = doc.components as Json;
    const securitySchemes = components.securitySchemes as Json;
    expect(securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect((components.schemas as Json).Error).toBeDefined();

    const paths = doc.paths as Record<string, Json>;
    expect(Object.keys(paths)).toEqual(expect.arrayContaining(['/me', '/openapi.json']));
    const operationIds = new Set<string>();
    for (const [path, item] of Object.entries(paths)) {
      expect(path.startsWith('/')).toBe(true);
      const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      for (const [method, operation] of Object.entries(item)) {
        expect(METHODS).toContain(method);
        expect(isObject(operation)).toBe(true);
        const op = operation as Json;
        expect(typeof op.operationId).toBe('string');
        expect(operationIds.has(op.operationId as string)).toBe(false);
        operationIds.add(op.operationId as string);
        const responses = op.responses as Record<string, Json>;
        expect(Object.keys(responses).length).toBeGreaterThan(0);
        for (const [status, answer] of Object.entries(responses)) {
          expect(status).toMatch(/^([1-5]\d\d|[1-5]XX|default)$/);
          expect(typeof answer.description).toBe('string');
        }
        for (const requirement of (op.security as Json[] | undefined) ?? []) {
          for (const scheme of Object.keys(requirement)) expect(securitySchemes).toHaveProperty(scheme);
        }
        const pathParams = ((op.parameters as Json[] | undefined) ?? []).filter((p) => p.in === 'path').map((p) => p.name);
        expect(pathParams.sort()).toEqual([...templated].sort());
      }
    }
    for (const ref of collectRefs(doc)) expect(resolvePointer(doc, ref), ref).toBeDefined();

    const meOperation = paths['/me']?.get as Json;
    expect(meOperation.security).toEqual([{ apiKey: [] }, { apiKeyHeader: [] }]);
    expect(Object.keys(meOperation.responses as Json)).toEqual(expect.arrayContaining(['200', '401']));
    expect((paths['/openapi.json']?.get as Json).security).toEqual([]);
  });
});
