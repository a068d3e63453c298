import { z } from 'zod';
import { ORGANIZATION_KINDS, ROLES } from '~/domain/auth/roles';
import { buildOpenApiDocument, errorResponse, registerApiPath, registerApiSchema, registerApiTag } from './openapi';
import '~/domain/catalogue/catalogue.openapi';
import '~/domain/roster/roster.openapi';

// The catalogue of /api/v1: one registerApiPath call per endpoint (add yours here, or in a file
// imported from here), next to the zod schema its route answers with. The OpenAPI route imports
// this module, so the document lists exactly what is registered.

registerApiTag('meta', 'The API itself: its description and the calling key.');

export const MeResponseSchema = z
  .object({
    organization: z.object({
      id: z.uuid(),
      legalName: z.string(),
      kind: z.enum(ORGANIZATION_KINDS),
      codiceFiscale: z.string(),
      partitaIva: z.string().nullable(),
      alliance: z.object({ slug: z.string(), name: z.string() }),
    }),
    apiKey: z.object({
      prefix: z.string().regex(/^cnc_[a-z2-7]{8}$/).describe('The visible start of the key, e.g. cnc_abcd2345'),
      name: z.string(),
      role: z.enum(ROLES),
      createdAt: z.iso.datetime({ offset: true }),
      lastUsedAt: z.iso.datetime({ offset: true }).nullable(),
    }),
  })
  .describe('The calling API key and the organisation it belongs to');

registerApiPath({
  method: 'get',
  path: '/openapi.json',
  operationId: 'getOpenApiDocument',
  summary: 'This OpenAPI 3.1 document',
  tags: ['meta'],
  security: 'public',
  responses: { '200': { description: 'The OpenAPI 3.1 document of /api/v1', schema: { type: 'object' } } },
});

registerApiPath({
  method: 'get',
  path: '/me',
  operationId: 'getMe',
  summary: 'The calling key and its organisation',
  description: 'Use it to check that a key works and which organisation and role it acts for.',
  tags: ['meta'],
  security: 'apiKey',
  responses: {
    '200': { description: 'The key’s organisation, alliance and role', schema: registerApiSchema('Me', MeResponseSchema) },
    '405': errorResponse('405'),
  },
});

export { buildOpenApiDocument };
