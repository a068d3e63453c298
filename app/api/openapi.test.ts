import { z } from 'zod';
import { buildOpenApiDocument, clearApiRegistryForTests, errorResponse, registerApiPath, registerApiSchema, schemaRef } from './openapi';

type Doc = ReturnType<typeof buildOpenApiDocument> & {
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }>; security: unknown[]; parameters?: unknown[] }>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, { type: string; scheme?: string }> };
};

describe('OpenAPI registry', () => {
  beforeEach(() => clearApiRegistryForTests());
  afterAll(() => clearApiRegistryForTests());

  it('builds an OpenAPI 3.1 document with info, servers, security schemes and the Error schema', () => {
    registerApiPath({
      method: 'get',
      path: '/things/{thingId}',
      operationId: 'getThing',
      summary: 'One thing',
      tags: ['things'],
      security: 'apiKey',
      parameters: [{ name: 'thingId', in: 'path', schema: z.uuid() }],
      responses: { '200': { description: 'The thing', schema: registerApiSchema('Thing', z.object({ id: z.uuid(), label: z.string() })) }, '404': errorResponse('404') },
    });
    const doc = buildOpenApiDocument() as Doc;
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toMatchObject({ title: 'Conciliamo API', license: { identifier: 'EUPL-1.2' } });
    expect(doc.servers).toEqual([{ url: '/api/v1', description: 'This installation' }]);
    expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.components.schemas.Error).toBeDefined();
    expect(doc.components.schemas.Thing).toEqual({
      type: 'object',
      properties: { id: expect.objectContaining({ type: 'string', format: 'uuid' }), label: { type: 'string' } },
      required: ['id', 'label'],
      additionalProperties: false,
    });
    const op = doc.paths['/things/{thingId}']?.get;
    expect(op?.security).toEqual([{ apiKey: [] }, { apiKeyHeader: [] }]);
    expect(op?.parameters).toEqual([{ name: 'thingId', in: 'path', required: true, schema: expect.objectContaining({ type: 'string' }) }]);
    expect(op?.responses['200']?.content?.['application/json']?.schema).toEqual(schemaRef('Thing'));
    // Documented automatically: 401 for key-protected operations, 500 for all.
    expect(op?.responses['401']?.content?.['application/json']?.schema).toEqual(schemaRef('Error'));
    expect(op?.responses['500']).toBeDefined();
  });

  it('leaves public operations without security and without a 401', () => {
    registerApiPath({ method: 'GET', path: '/public', operationId: 'getPublic', summary: 'p', tags: ['meta'], security: 'public', responses: { '200': { description: 'ok' } } });
    const op = (buildOpenApiDocument() as Doc).paths['/public']?.get;
    expect(op?.security).toEqual([]);
    expect(op?.responses['401']).toBeUndefined();
  });

  it('refuses inconsistent registrations', () => {
    const base = { method: 'get' as const, summary: 's', tags: ['t'], security: 'public' as const, responses: { '200': { description: 'ok' } } };
    expect(() => registerApiPath({ ...base, path: '/a/{id}', operationId: 'a' })).toThrow(/without a path parameter/);
    expect(() => registerApiPath({ ...base, path: '/api/v1/a', operationId: 'a' })).toThrow(/relative/);
    expect(() => registerApiPath({ ...base, path: '/a', operationId: 'a', responses: {} })).toThrow(/no responses/);
    registerApiPath({ ...base, path: '/a', operationId: 'a' });
    expect(() => registerApiPath({ ...base, path: '/b', operationId: 'a' })).toThrow(/already used/);
    // The same method and path again replaces the entry (module reloads in development).
    registerApiPath({ ...base, path: '/a', operationId: 'a', summary: 'replaced' });
    expect((buildOpenApiDocument() as unknown as { paths: Record<string, { get: { summary: string } }> }).paths['/a']?.get.summary).toBe('replaced');
  });
});
