import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { ExistingAccountSchema, NewPasswordSchema } from '~/domain/auth/auth.schema';
import { LinkInvalid, type LinkProblem } from '~/domain/auth/auth.server';
import { acceptInvitation, checkInvitation } from '~/domain/auth/invitations.server';
import { Alert, ErrorSummary, PageHeader, SubmitButton, TextField } from '~/ui/forms';
import { useT } from '~/ui/i18n';
import { pageTitle } from '~/ui/meta';
import { authFailure, invalidForm, type FormFailure } from '~/utils/auth.server';
import { getDb } from '~/utils/db.server';
import { parseForm } from '~/utils/forms.server';
import { getClientIp } from '~/utils/http.server';
import { commitSessionCookie, readSessionId } from '~/utils/session.server';

// The page an invitation e-mail opens: shows who invites and with which role; a new person
// chooses a password, someone with an account confirms with theirs. Then they are signed in on
// the new membership and land on its home.

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'auth.invite.title');

const NO_STORE = { 'Cache-Control': 'no-store' };

/** A link that stopped working between showing the form and submitting it. */
function linkStatus(reason: LinkProblem): number {
  return reason === 'unknown' ? 404 : 410;
}

export async function loader({ params }: LoaderFunctionArgs) {
  const state = await checkInvitation(getDb(), params.token ?? '');
  // An unusable link still gets a normal page (200) that explains what to do next.
  return json(state, { headers: NO_STORE });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const formData = await request.formData();
  // The form says which of the two it showed; acceptInvitation checks against the real account.
  const existingAccount = formData.get('mode') === 'existing';
  const parsed = existingAccount ? await parseForm(formData, ExistingAccountSchema) : await parseForm(formData, NewPasswordSchema);
  if (!parsed.ok) return invalidForm(parsed.fieldErrors, parsed.values);
  let signedIn;
  try {
    signedIn = await acceptInvitation(getDb(), {
      token: params.token ?? '',
      ...('currentPassword' in parsed.data ? { currentPassword: parsed.data.currentPassword } : { newPassword: parsed.data.password }),
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
  const headers = { 'Set-Cookie': await commitSessionCookie(signedIn.token) };
  return redirect(signedIn.secondFactorRequired ? '/accedi/verifica' : signedIn.home, { headers });
}

export default function InvitationPage() {
  const state = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as FormFailure | { ok: false; linkInvalid: LinkProblem } | undefined;
  const t = useT();
  const linkInvalid = result && 'linkInvalid' in result ? result.linkInvalid : state.status === 'invalid' ? state.reason : null;
  const failure = result && !('linkInvalid' in result) ? result : undefined;
  const fieldErrors = failure?.fieldErrors ?? {};

  if (linkInvalid || state.status !== 'valid') {
    return (
      <div className="row">
        <div className="col-12 col-md-8 col-lg-6">
          <PageHeader title={t('auth.invite.title')} />
          <Alert kind="warning">
            <p>{t(`auth.invite.invalid.${linkInvalid ?? 'unknown'}`)}</p>
            <p className="mb-0">
              {t('auth.invite.askNew')} <Link to="/accedi">{t('nav.login')}</Link>
            </p>
          </Alert>
        </div>
      </div>
    );
  }

  const labels: Record<string, string> = state.hasPassword
    ? { currentPassword: t('auth.invite.currentPassword') }
    : { password: t('auth.invite.password'), passwordConfirmation: t('auth.invite.confirmation') };
  return (
    <div className="row">
      <div className="col-12 col-md-8 col-lg-6">
        <PageHeader
          title={t('auth.invite.title')}
          lead={t('auth.invite.lead', { organization: state.organizationName, alliance: state.allianceName, role: t(`role.${state.role}`) })}
        />
        <p>{state.hasPassword ? t('auth.invite.existingAccount', { email: state.email }) : t('auth.invite.newAccount', { email: state.email })}</p>
        <ErrorSummary
          fieldErrors={fieldErrors}
          labels={labels}
          formError={failure?.formError ? t(failure.formError.key, failure.formError.params) : null}
        />
        <Form method="post" noValidate>
          <input type="hidden" name="mode" value={state.hasPassword ? 'existing' : 'new'} />
          <input type="email" name="username" autoComplete="username" defaultValue={state.email} readOnly className="d-none" tabIndex={-1} aria-hidden="true" />
          {state.hasPassword ? (
            <TextField
              name="currentPassword"
              type="password"
              label={t('auth.invite.currentPassword')}
              autoComplete="current-password"
              error={fieldErrors.currentPassword}
              required
            />
          ) : (
            <>
              <TextField
                name="password"
                type="password"
                label={t('auth.invite.password')}
                hint={t('auth.password.hint')}
                autoComplete="new-password"
                error={fieldErrors.password}
                required
              />
              <TextField
                name="passwordConfirmation"
                type="password"
                label={t('auth.invite.confirmation')}
                autoComplete="new-password"
                error={fieldErrors.passwordConfirmation}
                required
              />
            </>
          )}
          <SubmitButton>{t('auth.invite.submit')}</SubmitButton>
        </Form>
      </div>
    </div>
  );
}
