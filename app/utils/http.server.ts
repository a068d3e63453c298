import { createCookie } from '@remix-run/node';
import { DEFAULT_LOCALE, isLocale, localeFromAcceptLanguage, type Locale } from '~/i18n/i18n';
import { isDomainError } from './errors.server';

// server.ts overwrites these headers on every incoming request (a client cannot forge them):
// the client address as Express sees it (honouring TRUST_PROXY) and the request id in the logs.
export const CLIENT_IP_HEADER = 'x-conciliamo-client-ip';
export const REQUEST_ID_HEADER = 'x-request-id';

export function getClientIp(request: Request): string {
  return request.headers.get(CLIENT_IP_HEADER) ?? 'unknown';
}

export function getRequestId(request: Request): string | undefined {
  return request.headers.get(REQUEST_ID_HEADER) ?? undefined;
}

export const localeCookie = createCookie('lang', {
  path: '/',
  sameSite: 'lax',
  httpOnly: true,
  maxAge: 60 * 60 * 24 * 365,
});

/** Explicit choice (cookie) first, then the browser's languages, then Italian. */
export async function getRequestLocale(request: Request): Promise<Locale> {
  const chosen: unknown = await localeCookie.parse(request.headers.get('Cookie'));
  if (isLocale(chosen)) return chosen;
  return localeFromAcceptLanguage(request.headers.get('Accept-Language')) ?? DEFAULT_LOCALE;
}

export async function hasExplicitLocale(request: Request): Promise<boolean> {
  return isLocale(await localeCookie.parse(request.headers.get('Cookie')));
}

/** Turns a domain error into the Response a page route throws (rendered by the ErrorBoundary). */
export function domainErrorResponse(error: unknown): Response {
  if (isDomainError(error)) {
    const headers: Record<string, string> = {};
    const details = error.details as { retryAfterSeconds?: number } | undefined;
    if (error.status === 429 && details?.retryAfterSeconds) headers['Retry-After'] = String(details.retryAfterSeconds);
    return new Response(error.code, { status: error.status, statusText: error.code, headers });
  }
  throw error;
}

// One implementation of the open-redirect guard, shared with the login flow.
export { safeRedirectPath } from '~/domain/auth/auth.fns';
