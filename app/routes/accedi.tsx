import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { postLoginRedirect, safeRedirectPath } from '~/domain/auth/auth.fns';
import { LoginSchema } from '~/domain/auth/auth.schema';
import { login } from '~/domain/auth/auth.server';
import { Alert, ErrorSummary, PageHeader, SubmitButton, TextField } from '~/ui/forms';
import { useT } from '~/ui/i18n';
import { pageTitle } from '~/ui/meta';
import { authFailure, getOptionalActor, invalidForm, type FormFailure } from '~/utils/auth.server';
import { getDb } from '~/utils/db.server';
import { parseForm } from '~/utils/forms.server';
import { getClientIp } from '~/utils/http.server';
import { homePathFor } from '~/utils/permissions.server';
import { commitSessionCookie, readSessionId } from '~/utils/session.server';

// Sign in with e-mail and password. The TOTP step is its own page (accedi_.verifica.tsx).

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'auth.login.title');

const NOTICES: Record<string, string> = {
  uscito: 'auth.login.loggedOut',
  scaduto: 'auth.login.sessionExpired',
  reimpostata: 'auth.reset.done',
};

export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const redirectTo = url.searchParams.get('redirectTo');
  const actor = await getOptionalActor(request);
  if (actor) throw redirect(postLoginRedirect(redirectTo, homePathFor(actor)));
  const notice = Object.keys(NOTICES).find((name) => url.searchParams.has(name));
  return json({
    redirectTo: redirectTo ? safeRedirectPath(redirectTo, '') || null : null,
    notice: notice ? (NOTICES[notice] ?? null) : null,
  });
}

export async function action({ request }: ActionFunctionArgs) {
  const parsed = await parseForm(request, LoginSchema);
  if (!parsed.ok) return invalidForm(parsed.fieldErrors, parsed.values);
  const { email, password, redirectTo } = parsed.data;
  let signedIn;
  try {
    signedIn = await login(getDb(), {
      email,
      password,
      ipAddress: getClientIp(request),
      userAgent: request.headers.get('User-Agent'),
      previousSessionId: await readSessionId(request),
    });
  } catch (error) {
    return authFailure(error, { email });
  }
  const headers = { 'Set-Cookie': await commitSessionCookie(signedIn.token) };
  if (signedIn.secondFactorRequired) {
    const query = redirectTo ? `?${new URLSearchParams({ redirectTo: safeRedirectPath(redirectTo, signedIn.home) })}` : '';
    return redirect(`/accedi/verifica${query}`, { headers });
  }
  return redirect(postLoginRedirect(redirectTo, signedIn.home), { headers });
}

export default function LoginPage() {
  const { redirectTo, notice } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>() as FormFailure | undefined;
  const t = useT();
  const fieldErrors = failure?.fieldErrors ?? {};
  const labels = { email: t('auth.login.email'), password: t('auth.login.password') };
  return (
    <div className="row">
      <div className="col-12 col-md-8 col-lg-6">
        <PageHeader title={t('auth.login.title')} lead={t('auth.login.lead')} />
        {notice && !failure ? <Alert kind="success">{t(notice)}</Alert> : null}
        <ErrorSummary
          fieldErrors={fieldErrors}
          labels={labels}
          formError={failure?.formError ? t(failure.formError.key, failure.formError.params) : null}
        />
        <Form method="post" noValidate>
          {redirectTo ? <input type="hidden" name="redirectTo" value={redirectTo} /> : null}
          <TextField
            name="email"
            type="email"
            label={labels.email}
            autoComplete="username"
            inputMode="email"
            spellCheck={false}
            defaultValue={failure?.values.email ?? ''}
            error={fieldErrors.email}
            required
          />
          <TextField
            name="password"
            type="password"
            label={labels.password}
            autoComplete="current-password"
            error={fieldErrors.password}
            required
          />
          <SubmitButton>{t('auth.login.submit')}</SubmitButton>
        </Form>
        <p className="mt-4">
          <Link to="/password-dimenticata">{t('auth.login.forgot')}</Link>
        </p>
        <p className="small text-muted">{t('auth.login.noAccount')}</p>
      </div>
    </div>
  );
}
