import { json, redirect } from '@remix-run/node';
import type { Actor } from '~/domain/auth/actor';
import { retryAfterMinutes } from '~/domain/auth/auth.fns';
import { InvalidCredentials, NoActiveMembership, resolveSession, type SessionState } from '~/domain/auth/auth.server';
import type { RoleName } from '~/domain/auth/roles';
import { getDb } from './db.server';
import { RateLimited, ValidationFailed } from './errors.server';
import { domainErrorResponse } from './http.server';
import { readSessionId } from './session.server';

export type { Actor, ActorMembership } from '~/domain/auth/actor';

// Guards for loaders and actions. Every page that shows or changes anything personal starts with
// requireUser or requireMembership; the returned Actor is what scope helpers
// (~/utils/permissions.server) and domain functions take.

/** The session state of a request: anonymous, waiting for the TOTP code, or signed in. */
export async function getSessionState(request: Request): Promise<SessionState> {
  const sessionId = await readSessionId(request);
  if (!sessionId) return { status: 'anonymous' };
  return resolveSession(getDb(), sessionId);
}

/** The signed-in actor, or null (also while the second factor is still missing). */
export async function getOptionalActor(request: Request): Promise<Actor | null> {
  const state = await getSessionState(request);
  return state.status === 'authenticated' ? state.actor : null;
}

/**
 * Where to come back to after signing in: this request's path and query, without the parameters
 * Remix adds to its own data requests (coming back to those would show raw JSON).
 */
export function returnPath(request: Request): string {
  const url = new URL(request.url);
  url.searchParams.delete('_data');
  url.searchParams.delete('index');
  return `${url.pathname}${url.search}`;
}

function loginRedirect(path: string, request: Request): never {
  throw redirect(`${path}?${new URLSearchParams({ redirectTo: returnPath(request) }).toString()}`);
}

/**
 * The signed-in actor. Not signed in → redirect to /accedi?redirectTo=<this page>; password given
 * but TOTP code still missing → redirect to /accedi/verifica.
 */
export async function requireUser(request: Request): Promise<Actor> {
  const state = await getSessionState(request);
  if (state.status === 'anonymous') loginRedirect('/accedi', request);
  if (state.status === 'second_factor_required') loginRedirect('/accedi/verifica', request);
  return state.actor;
}

function notFound(): never {
  // Same answer as a page that does not exist: we do not confirm what another role could see.
  throw new Response('Not Found', { status: 404, statusText: 'Not Found' });
}

/**
 * The signed-in actor acting through a membership with one of `roles` (any role when omitted)
 * and, when given, in `organizationId`. A mismatch is a 404, never a 403.
 *
 *   const actor = await requireMembership(request, { roles: ['COMPANY_ADMIN'] });
 */
export async function requireMembership(
  request: Request,
  options: { roles?: readonly RoleName[]; organizationId?: string } = {},
): Promise<Actor & { membership: NonNullable<Actor['membership']> }> {
  const actor = await requireUser(request);
  const membership = actor.membership;
  if (!membership) notFound();
  if (options.roles && !options.roles.includes(membership.role)) notFound();
  if (options.organizationId !== undefined && membership.organizationId !== options.organizationId) notFound();
  return { ...actor, membership };
}

/** A message for the top of a form: an i18n key and its parameters, translated by the page. */
export interface FormMessage {
  key: string;
  params?: Record<string, string | number>;
}

export interface FormFailure {
  ok: false;
  fieldErrors: Record<string, string>;
  formError: FormMessage | null;
  /** What was typed, passwords and codes excluded, to refill the form. */
  values: Record<string, string>;
  intent?: string;
}

/** The answer of an auth form whose input did not pass the schema. */
export function invalidForm(fieldErrors: Record<string, string>, values: Record<string, string>, intent?: string) {
  return json<FormFailure>({ ok: false, fieldErrors, formError: null, values, intent }, { status: 422 });
}

/**
 * Turns what the auth domain functions throw into the form's answer: the same message for a
 * wrong password and an unknown address, "try again in N minutes" with Retry-After when rate
 * limited, field errors next to the fields. Anything else becomes the error page.
 */
export function authFailure(error: unknown, values: Record<string, string>, intent?: string) {
  const base = { ok: false as const, fieldErrors: {}, formError: null, values, intent };
  if (error instanceof InvalidCredentials) {
    return json<FormFailure>({ ...base, formError: { key: 'auth.login.invalid' } }, { status: 401 });
  }
  if (error instanceof NoActiveMembership) {
    return json<FormFailure>({ ...base, formError: { key: 'auth.login.noActiveMembership' } }, { status: 403 });
  }
  if (error instanceof RateLimited) {
    return json<FormFailure>(
      { ...base, formError: { key: 'auth.login.rateLimited', params: { minutes: retryAfterMinutes(error.retryAfterSeconds) } } },
      { status: 429, headers: { 'Retry-After': String(error.retryAfterSeconds) } },
    );
  }
  if (error instanceof ValidationFailed) {
    return json<FormFailure>({ ...base, fieldErrors: error.fieldErrors }, { status: 422 });
  }
  throw domainErrorResponse(error);
}
