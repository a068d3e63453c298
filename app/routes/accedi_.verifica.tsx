import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { postLoginRedirect, safeRedirectPath } from '~/domain/auth/auth.fns';
import { SecondFactorSchema } from '~/domain/auth/auth.schema';
import { verifySecondFactor } from '~/domain/auth/auth.server';
import { ErrorSummary, PageHeader, SubmitButton, TextField } from '~/ui/forms';
import { useT } from '~/ui/i18n';
import { pageTitle } from '~/ui/meta';
import { authFailure, getSessionState, invalidForm, type FormFailure } from '~/utils/auth.server';
import { getDb } from '~/utils/db.server';
import { Unauthenticated } from '~/utils/errors.server';
import { parseForm } from '~/utils/forms.server';
import { getClientIp } from '~/utils/http.server';
import { homePathFor } from '~/utils/permissions.server';

// Second step of a login with TOTP: the password was right, the session waits for the code.

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'auth.verify.title');

/** The pending session, or the redirect that fits the session's real state. */
async function requirePendingSession(request: Request) {
  const state = await getSessionState(request);
  const redirectTo = new URL(request.url).searchParams.get('redirectTo');
  if (state.status === 'anonymous') throw redirect('/accedi?scaduto=1');
  if (state.status === 'authenticated') throw redirect(postLoginRedirect(redirectTo, homePathFor(state.actor)));
  return state;
}

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePendingSession(request);
  const redirectTo = new URL(request.url).searchParams.get('redirectTo');
  return json({ redirectTo: redirectTo ? safeRedirectPath(redirectTo, '') || null : null });
}

export async function action({ request }: ActionFunctionArgs) {
  const session = await requirePendingSession(request);
  const parsed = await parseForm(request, SecondFactorSchema);
  if (!parsed.ok) return invalidForm(parsed.fieldErrors, parsed.values);
  try {
    const { home } = await verifySecondFactor(getDb(), {
      sessionId: session.sessionId,
      code: parsed.data.code,
      ipAddress: getClientIp(request),
    });
    return redirect(postLoginRedirect(parsed.data.redirectTo, home));
  } catch (error) {
    if (error instanceof Unauthenticated) throw redirect('/accedi?scaduto=1');
    return authFailure(error, {});
  }
}

export default function SecondFactorPage() {
  const { redirectTo } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>() as FormFailure | undefined;
  const t = useT();
  const fieldErrors = failure?.fieldErrors ?? {};
  return (
    <div className="row">
      <div className="col-12 col-md-8 col-lg-6">
        <PageHeader title={t('auth.verify.title')} lead={t('auth.verify.lead')} />
        <ErrorSummary
          fieldErrors={fieldErrors}
          labels={{ code: t('auth.verify.code') }}
          formError={failure?.formError ? t(failure.formError.key, failure.formError.params) : null}
        />
        <Form method="post" noValidate>
          {redirectTo ? <input type="hidden" name="redirectTo" value={redirectTo} /> : null}
          <TextField
            name="code"
            label={t('auth.verify.code')}
            hint={t('auth.verify.codeHint')}
            autoComplete="one-time-code"
            inputMode="numeric"
            maxLength={7}
            spellCheck={false}
            error={fieldErrors.code}
            required
            autoFocus
          />
          <SubmitButton>{t('auth.verify.submit')}</SubmitButton>
        </Form>
        <Form method="post" action="/esci" className="mt-4">
          <button type="submit" className="btn btn-link px-0">
            {t('auth.verify.cancel')}
          </button>
        </Form>
      </div>
    </div>
  );
}
