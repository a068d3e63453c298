import { json } from '@remix-run/node';
import { retryAfterMinutes } from '~/domain/auth/auth.fns';
import { Conflict, RateLimited, ValidationFailed } from '~/utils/errors.server';
import { domainErrorResponse } from '~/utils/http.server';

// How the providers' pages answer a form the domain refused: field errors next to the fields and
// what was typed given back, a message at the top for the whole form. Anything else (NotFound, a
// bug) becomes the error page.

export interface ProviderFormFailure {
  ok: false;
  intent?: string;
  fieldErrors: Record<string, string>;
  formError: { key: string; params?: Record<string, string | number> } | null;
  values: Record<string, string | string[]>;
}

export function providerFormFailure(error: unknown, values: Record<string, string | string[]>, intent?: string) {
  const base: ProviderFormFailure = { ok: false, intent, fieldErrors: {}, formError: null, values };
  if (error instanceof ValidationFailed) {
    const { form, ...fieldErrors } = error.fieldErrors;
    return json<ProviderFormFailure>({ ...base, fieldErrors, formError: form ? { key: form } : null }, { status: 422 });
  }
  if (error instanceof Conflict) {
    const details = error.details as { fieldErrors?: Record<string, string> } | undefined;
    const { form, ...fieldErrors } = details?.fieldErrors ?? {};
    return json<ProviderFormFailure>(
      { ...base, fieldErrors, formError: form ? { key: form } : Object.keys(fieldErrors).length ? null : { key: 'providers.error.conflict' } },
      { status: 409 },
    );
  }
  if (error instanceof RateLimited) {
    return json<ProviderFormFailure>(
      { ...base, formError: { key: 'providers.adhesion.rateLimited', params: { minutes: retryAfterMinutes(error.retryAfterSeconds) } } },
      { status: 429, headers: { 'Retry-After': String(error.retryAfterSeconds) } },
    );
  }
  throw domainErrorResponse(error);
}

/** A form refused while reading it (request too large): nothing of it can be given back. */
export function uploadFormFailure(formError: string, intent?: string) {
  return json<ProviderFormFailure>({ ok: false, intent, fieldErrors: {}, formError: { key: formError }, values: {} }, { status: 413 });
}
