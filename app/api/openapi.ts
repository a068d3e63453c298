import { z } from 'zod';

// The OpenAPI 3.1 document of /api/v1 is assembled from a registry: each endpoint adds itself
// with one registerApiPath call (in app/api/endpoints.ts), so the document cannot forget an
// endpoint that exists and later issues extend it without touching this file. Request and
// response schemas may be zod schemas (converted to JSON Schema 2020-12, the dialect of
// OpenAPI 3.1) or plain JSON Schema objects.

export const API_VERSION = '1.0.0';
export const API_BASE_PATH = '/api/v1';
export const OPENAPI_VERSION = '3.1.0';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';
export type JsonSchema = { [key: string]: unknown };
export type SchemaInput = z.ZodType | JsonSchema;

export interface ApiParameter {
  name: string;
  in: 'path' | 'query' | 'header';
  description?: string;
  required?: boolean;
  schema: SchemaInput;
}

export interface ApiResponseSpec {
  description: string;
  schema?: SchemaInput;
  headers?: Record<string, { description: string; schema: SchemaInput }>;
}

export interface ApiPathSpec {
  method: HttpMethod | Uppercase<HttpMethod>;
  /** Relative to the server URL /api/v1, with OpenAPI templates: `/me`, `/vouchers/{voucherId}`. */
  path: string;
  /** Unique, camelCase: client generators name functions after it. */
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  /** `apiKey`: an organisation API key is required (401 is documented automatically). */
  security: 'apiKey' | 'public';
  parameters?: ApiParameter[];
  requestBody?: { description?: string; required?: boolean; schema: SchemaInput };
  /** Status code → response. Error statuses without a schema get the shared Error schema. */
  responses: Record<string, ApiResponseSpec>;
}

const paths = new Map<string, ApiPathSpec>();
const schemas = new Map<string, SchemaInput>();
const tags = new Map<string, string>();

function isZodSchema(schema: SchemaInput): schema is z.ZodType {
  return schema instanceof z.ZodType;
}

export function toJsonSchema(schema: SchemaInput): JsonSchema {
  if (!isZodSchema(schema)) return schema;
  const converted = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'output', unrepresentable: 'any' }) as JsonSchema;
  const { $schema: _dialect, ...rest } = converted;
  return rest;
}

/** A reference to a schema in components.schemas, for use in responses and other schemas. */
export function schemaRef(name: string): JsonSchema {
  return { $ref: `#/components/schemas/${name}` };
}

export function registerApiSchema(name: string, schema: SchemaInput): JsonSchema {
  if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new Error(`Invalid OpenAPI schema name "${name}"`);
  schemas.set(name, schema);
  return schemaRef(name);
}

export function registerApiTag(name: string, description: string): void {
  tags.set(name, description);
}

export function registerApiPath(spec: ApiPathSpec): void {
  if (!spec.path.startsWith('/') || spec.path.startsWith(API_BASE_PATH)) {
    throw new Error(`API path "${spec.path}" must start with "/" and be relative to ${API_BASE_PATH}`);
  }
  const templated = [...spec.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
  const declared = new Set((spec.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name));
  for (const name of templated) {
    if (name && !declared.has(name)) throw new Error(`API path ${spec.path} uses {${name}} without a path parameter`);
  }
  if (Object.keys(spec.responses).length === 0) throw new Error(`API path ${spec.path} declares no responses`);
  const key = `${spec.method.toLowerCase()} ${spec.path}`;
  for (const [otherKey, other] of paths) {
    if (other.operationId === spec.operationId && otherKey !== key) {
      throw new Error(`operationId ${spec.operationId} is already used by ${otherKey}`);
    }
  }
  // Re-registering the same method and path replaces it (module reloads in development).
  paths.set(key, spec);
}

/** For tests of the registry itself. */
export function clearApiRegistryForTests(): void {
  paths.clear();
  schemas.clear();
  tags.clear();
}

export const ErrorSchema: JsonSchema = {
  type: 'object',
  description: 'Every failure has this shape. `code` is stable (branch on it); `message` is English, for people.',
  required: ['error'],
  additionalProperties: false,
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'details'],
      additionalProperties: false,
      properties: {
        code: {
          type: 'string',
          description:
            'unauthenticated, forbidden, not_found, conflict, validation_failed, rate_limited, method_not_allowed, service_unavailable, internal_error',
          examples: ['not_found'],
        },
        message: { type: 'string' },
        details: {
          description:
            'Extra facts, or null. validation_failed: { fieldErrors: { "<field.path>": message } }; rate_limited: { retryAfterSeconds }; internal_error: { requestId }.',
        },
      },
    },
  },
};

const STANDARD_ERRORS: Record<string, string> = {
  '400': 'The request is malformed',
  '401': 'No API key, or the key is unknown or revoked',
  '403': 'The key is valid but its role does not allow this operation',
  '404': 'Not found, or not visible to the key’s organisation',
  '405': 'Method not allowed on this path',
  '409': 'Conflicts with the current state',
  '422': 'Validation failed; details.fieldErrors lists the fields',
  '429': 'Too many requests; retry after the Retry-After header’s seconds',
  '500': 'Unexpected error; details.requestId identifies it in our logs',
  '503': 'A service we depend on is unavailable; retry later',
};

function buildResponse(status: string, response: ApiResponseSpec): JsonSchema {
  const isError = /^[45]\d\d$/.test(status) || status === 'default';
  const schema = response.schema ? toJsonSchema(response.schema) : isError ? schemaRef('Error') : undefined;
  const built: JsonSchema = { description: response.description };
  if (schema) built.content = { 'application/json': { schema } };
  if (response.headers) {
    built.headers = Object.fromEntries(
      Object.entries(response.headers).map(([name, h]) => [name, { description: h.description, schema: toJsonSchema(h.schema) }]),
    );
  }
  return built;
}

function buildOperation(spec: ApiPathSpec): JsonSchema {
  const responses: Record<string, ApiResponseSpec> = { ...spec.responses };
  if (spec.security === 'apiKey') responses['401'] ??= { description: STANDARD_ERRORS['401'] ?? 'Unauthenticated' };
  responses['500'] ??= { description: STANDARD_ERRORS['500'] ?? 'Internal error' };
  const operation: JsonSchema = {
    operationId: spec.operationId,
    summary: spec.summary,
    tags: spec.tags,
    security: spec.security === 'apiKey' ? [{ apiKey: [] }, { apiKeyHeader: [] }] : [],
    responses: Object.fromEntries(
      Object.keys(responses)
        .sort()
        .map((status) => [status, buildResponse(status, responses[status] as ApiResponseSpec)]),
    ),
  };
  if (spec.description) operation.description = spec.description;
  if (spec.parameters?.length) {
    operation.parameters = spec.parameters.map((p) => ({
      name: p.name,
      in: p.in,
      required: p.in === 'path' ? true : (p.required ?? false),
      ...(p.description ? { description: p.description } : {}),
      schema: toJsonSchema(p.schema),
    }));
  }
  if (spec.requestBody) {
    operation.requestBody = {
      required: spec.requestBody.required ?? true,
      ...(spec.requestBody.description ? { description: spec.requestBody.description } : {}),
      content: { 'application/json': { schema: toJsonSchema(spec.requestBody.schema) } },
    };
  }
  return operation;
}

/** Describes a standard error status for ApiPathSpec.responses, with the shared Error schema. */
export function errorResponse(status: keyof typeof STANDARD_ERRORS & string, description?: string): ApiResponseSpec {
  return { description: description ?? STANDARD_ERRORS[status] ?? 'Error', schema: schemaRef('Error') };
}

export function buildOpenApiDocument(): JsonSchema {
  const documentPaths: Record<string, Record<string, JsonSchema>> = {};
  for (const spec of [...paths.values()].sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method))) {
    const item = (documentPaths[spec.path] ??= {});
    item[spec.method.toLowerCase()] = buildOperation(spec);
  }
  const usedTags = [...new Set([...paths.values()].flatMap((p) => p.tags))].sort();
  return {
    openapi: OPENAPI_VERSION,
    info: {
      title: 'Conciliamo API',
      version: API_VERSION,
      summary: 'JSON API of the Conciliamo territorial welfare platform',
      description: [
        'JSON API v1 of Conciliamo, the open-source corporate-welfare platform of the Lombardy local alliances (Alleanze locali).',
        'It lets the software of companies, service providers and Ambiti read and write their own organisation’s data.',
        '',
        'Authenticate with an organisation API key, created in Impostazioni → Chiavi API or with `conciliamo api-keys create`: send `Authorization: Bearer cnc_…` (or `X-Api-Key: cnc_…`). A key acts with one role and sees only its organisation’s data; anything outside it answers 404.',
        'Every failure is `{ "error": { "code", "message", "details" } }` with the matching HTTP status.',
        '',
        'In italiano: API JSON della piattaforma Conciliamo per i gestionali di aziende, enti erogatori e Ambiti; ogni chiave appartiene a una sola organizzazione.',
      ].join('\n'),
      license: { name: 'EUPL-1.2', identifier: 'EUPL-1.2' },
    },
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    servers: [{ url: API_BASE_PATH, description: 'This installation' }],
    tags: usedTags.map((name) => ({ name, ...(tags.has(name) ? { description: tags.get(name) } : {}) })),
    paths: documentPaths,
    components: {
      securitySchemes: {
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'cnc_<prefix>_<secret>',
          description: 'An organisation API key, shown once when created: `Authorization: Bearer cnc_…`.',
        },
        apiKeyHeader: {
          type: 'apiKey',
          in: 'header',
          name: 'X-Api-Key',
          description: 'The same key in the X-Api-Key header, for clients that cannot set Authorization.',
        },
      },
      schemas: {
        Error: ErrorSchema,
        ...Object.fromEntries([...schemas.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, s]) => [name, toJsonSchema(s)])),
      },
    },
  };
}
