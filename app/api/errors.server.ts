import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { isDomainError } from '~/utils/errors.server';
import { getRequestId } from '~/utils/http.server';
import { logger } from '~/utils/logger.server';

// Every JSON API answer goes through here: success bodies as JSON, every failure as
// { error: { code, message, details } } with the matching status. Messages are English and
// meant for the developer integrating with us; `code` is the stable part to branch on.

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

export interface ApiErrorBody {
  error: { code: string; message: string; details: unknown };
}

function withDefaultHeaders(init: HeadersInit | undefined): Headers {
  const headers = new Headers(init);
  headers.set('Content-Type', JSON_CONTENT_TYPE);
  // API answers carry an organisation's data: no shared or browser cache unless a route says so.
  if (!headers.has('Cache-Control')) headers.set('Cache-Control', 'no-store');
  return headers;
}

export function apiJson(data: unknown, init: { status?: number; headers?: HeadersInit } = {}): Response {
  return new Response(JSON.stringify(data), { status: init.status ?? 200, headers: withDefaultHeaders(init.headers) });
}

export function apiError(
  code: string,
  message: string,
  details: unknown = null,
  status = 400,
  headers?: HeadersInit,
): Response {
  const body: ApiErrorBody = { error: { code, message, details: details ?? null } };
  const merged = withDefaultHeaders(headers);
  if (status === 429) {
    const retryAfter = (details as { retryAfterSeconds?: unknown } | null)?.retryAfterSeconds;
    if (typeof retryAfter === 'number' && !merged.has('Retry-After')) merged.set('Retry-After', String(Math.ceil(retryAfter)));
  }
  if (status === 401 && !merged.has('WWW-Authenticate')) merged.set('WWW-Authenticate', 'Bearer realm="conciliamo-api"');
  return new Response(JSON.stringify(body), { status, headers: merged });
}

/** zod issues → { fieldErrors: { 'items.0.name': message } }, the same shape as ValidationFailed. */
export function zodErrorDetails(error: z.ZodError): { fieldErrors: Record<string, string> } {
  const fieldErrors: Record<string, string> = {};
  for (const issue of error.issues) {
    const path = issue.path.map(String).join('.') || '(root)';
    fieldErrors[path] ??= issue.message;
  }
  return { fieldErrors };
}

/** Maps anything a handler throws to the API error shape. */
export function errorToApiResponse(error: unknown, request: Request): Response {
  if (isDomainError(error)) {
    return apiError(error.code, error.message, error.details ?? null, error.status);
  }
  if (error instanceof z.ZodError) {
    return apiError('validation_failed', 'The request is not valid', zodErrorDetails(error), 422);
  }
  const requestId = getRequestId(request) ?? randomUUID();
  const url = new URL(request.url);
  logger.error({ err: error, requestId, method: request.method, path: url.pathname }, 'api request failed');
  return apiError('internal_error', 'Internal error; quote the request id when asking for support', { requestId }, 500, {
    'X-Request-Id': requestId,
  });
}

type HandlerResult = Response | object;

/**
 * Wraps a JSON API loader or action: a returned object becomes a JSON 200, a returned Response
 * passes through (with no-store unless it sets its own Cache-Control), and anything thrown —
 * DomainError, ZodError, a thrown Response or an unexpected error — becomes the JSON error shape.
 */
export function withApi<Args extends { request: Request }>(
  handler: (args: Args) => Promise<HandlerResult> | HandlerResult,
): (args: Args) => Promise<Response> {
  return async (args) => {
    try {
      const result = await handler(args);
      if (result instanceof Response) {
        if (!result.headers.has('Cache-Control')) result.headers.set('Cache-Control', 'no-store');
        return result;
      }
      return apiJson(result);
    } catch (error) {
      if (error instanceof Response) return responseToApiError(error);
      return errorToApiResponse(error, args.request);
    }
  };
}

// A guard written for pages may throw a Response (a redirect to the login page, a bare 404):
// an API client gets JSON instead.
function responseToApiError(response: Response): Response {
  if (response.headers.get('Content-Type')?.startsWith('application/json')) return response;
  if (response.status >= 300 && response.status < 400) {
    return apiError('unauthenticated', 'Authentication required', null, 401);
  }
  const code = response.status === 404 ? 'not_found' : response.status === 403 ? 'forbidden' : 'error';
  return apiError(code, response.statusText || code, null, response.status);
}

export function methodNotAllowed(request: Request, allowed: readonly string[]): Response {
  return apiError(
    'method_not_allowed',
    `${request.method} is not supported here; use ${allowed.join(', ')}`,
    { allowed },
    405,
    { Allow: allowed.join(', ') },
  );
}

export function apiNotFound(request: Request): Response {
  const url = new URL(request.url);
  return apiError('not_found', `No API endpoint at ${request.method} ${url.pathname}`, { method: request.method, path: url.pathname }, 404);
}
