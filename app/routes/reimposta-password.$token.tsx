import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { NewPasswordSchema } from '~/domain/auth/auth.schema';
import { checkPasswordResetLink, LinkInvalid, resetPassword, type LinkProblem } from '~/domain/auth/auth.server';
import { Alert, ErrorSummary, PageHeader, SubmitButton, TextField } from '~/ui/forms';
import { useT } from '~/ui/i18n';
import { pageTitle } from '~/ui/meta';
import { authFailure, invalidForm, type FormFailure } from '~/utils/auth.server';
import { getDb } from '~/utils/db.server';
import { parseForm } from '~/utils/forms.server';
import { getClientIp } from '~/utils/http.server';
import { commitSessionCookie, readSessionId } from '~/utils/session.server';

// The page an e-mailed reset link opens. The token is in the URL; Referrer-Policy same-origin
// (set by the server) keeps it from leaking to other sites, and no cache may keep the page.

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'auth.reset.title');

const NO_STORE = { 'Cache-Control': 'no-store' };

/** A link that stopped working between showing the form and submitting it. */
function linkStatus(reason: LinkProblem): number {
  return reason === 'unknown' ? 404 : 410;
}

export async function loader({ params }: LoaderFunctionArgs) {
  const state = await checkPasswordResetLink(getDb(), params.token ?? '');
  // An unusable link still gets a normal page (200) that explains what to do next.
  return json(state, { headers: NO_STORE });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const parsed = await parseForm(request, NewPasswordSchema);
  if (!parsed.ok) return invalidForm(parsed.fieldErrors, parsed.values);
  let signedIn;
  try {
    signedIn = await resetPassword(getDb(), {
      token: params.token ?? '',
      password: parsed.data.password,
      ipAddress: getClientIp(request),
      userAgent: request.headers.get('User-Agent'),
      previousSessionId: await readSessionId(request),
    });
  } catch (error) {
    if (error instanceof LinkInvalid) {
      return json({ ok: false as const, linkInvalid: error.reason }, { status: linkStatus(error.reason), headers: NO_STORE });
    }
    return authFailure(error, {});
  }
  if (!signedIn) return redirect('/accedi?reimpostata=1');
  const headers = { 'Set-Cookie': await commitSessionCookie(signedIn.token) };
  return redirect(signedIn.secondFactorRequired ? '/accedi/verifica' : signedIn.home, { headers });
}

function InvalidLink({ reason }: { reason: LinkProblem }) {
  const t = useT();
  return (
    <Alert kind="warning">
      <p>{t(`auth.reset.invalid.${reason}`)}</p>
      <p className="mb-0">
        <Link to="/password-dimenticata">{t('auth.reset.askNew')}</Link>
      </p>
    </Alert>
  );
}

export default function ResetPasswordPage() {
  const state = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as FormFailure | { ok: false; linkInvalid: LinkProblem } | undefined;
  const t = useT();
  const linkInvalid = result && 'linkInvalid' in result ? result.linkInvalid : state.status === 'invalid' ? state.reason : null;
  const failure = result && !('linkInvalid' in result) ? result : undefined;
  const fieldErrors = failure?.fieldErrors ?? {};
  const labels = { password: t('auth.reset.password'), passwordConfirmation: t('auth.reset.confirmation') };
  return (
    <div className="row">
      <div className="col-12 col-md-8 col-lg-6">
        <PageHeader title={t('auth.reset.title')} lead={state.status === 'valid' && !linkInvalid ? t('auth.reset.lead', { email: state.email }) : undefined} />
        {linkInvalid || state.status !== 'valid' ? (
          <InvalidLink reason={linkInvalid ?? 'unknown'} />
        ) : (
          <>
            <ErrorSummary
              fieldErrors={fieldErrors}
              labels={labels}
              formError={failure?.formError ? t(failure.formError.key, failure.formError.params) : null}
            />
            <Form method="post" noValidate>
              {/* Lets password managers file the new password under the right account. */}
              <input type="email" name="username" autoComplete="username" defaultValue={state.email} readOnly className="d-none" tabIndex={-1} aria-hidden="true" />
              <TextField
                name="password"
                type="password"
                label={labels.password}
                hint={t('auth.password.hint')}
                autoComplete="new-password"
                error={fieldErrors.password}
                required
              />
              <TextField
                name="passwordConfirmation"
                type="password"
                label={labels.passwordConfirmation}
                autoComplete="new-password"
                error={fieldErrors.passwordConfirmation}
                required
              />
              <SubmitButton>{t('auth.reset.submit')}</SubmitButton>
            </Form>
          </>
        )}
      </div>
    </div>
  );
}
