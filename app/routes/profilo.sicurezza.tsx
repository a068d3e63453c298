import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { ChangePasswordSchema, DisableTotpSchema, EnableTotpSchema } from '~/domain/auth/auth.schema';
import { changePassword } from '~/domain/auth/auth.server';
import { disableTotp, enableTotp, getTotpStatus } from '~/domain/auth/totp.server';
import { Alert, ErrorSummary, PageHeader, SubmitButton, TextField } from '~/ui/forms';
import { useT } from '~/ui/i18n';
import { pageTitle } from '~/ui/meta';
import { authFailure, invalidForm, requireUser, type FormFailure } from '~/utils/auth.server';
import { getDb } from '~/utils/db.server';
import { ValidationFailed } from '~/utils/errors.server';
import { parseForm } from '~/utils/forms.server';
import { getClientIp } from '~/utils/http.server';

// Change password; switch the TOTP second factor on (QR code + first code) or off (password +
// code). Three small forms, told apart by `intent`.

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'auth.security.title');

// The page carries the TOTP secret while setting up: no cache may keep it.
const NO_STORE = { 'Cache-Control': 'no-store' };

type Intent = 'password' | 'enable-totp' | 'disable-totp';

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireUser(request);
  const totp = await getTotpStatus(getDb(), { userId: actor.user.id });
  return json(
    {
      email: actor.user.email,
      totp: totp.status === 'setup' ? { status: totp.status, secret: totp.secret, qrSvg: totp.qrSvg } : { status: totp.status },
    },
    { headers: NO_STORE },
  );
}

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requireUser(request);
  const formData = await request.formData();
  const intent = formData.get('intent');
  const db = getDb();
  const ipAddress = getClientIp(request);

  if (intent === 'password') {
    const parsed = await parseForm(formData, ChangePasswordSchema);
    if (!parsed.ok) return invalidForm(parsed.fieldErrors, parsed.values, intent);
    try {
      await changePassword(db, {
        userId: actor.user.id,
        sessionId: actor.sessionId,
        currentPassword: parsed.data.currentPassword,
        newPassword: parsed.data.password,
        ipAddress,
      });
    } catch (error) {
      return authFailure(error, {}, intent);
    }
    return json({ ok: true as const, intent, message: 'auth.security.passwordChanged' });
  }

  if (intent === 'enable-totp') {
    const parsed = await parseForm(formData, EnableTotpSchema);
    if (!parsed.ok) return invalidForm(parsed.fieldErrors, parsed.values, intent);
    try {
      await enableTotp(db, { userId: actor.user.id, sessionId: actor.sessionId, code: parsed.data.code, ipAddress });
    } catch (error) {
      return authFailure(error, {}, intent);
    }
    return json({ ok: true as const, intent, message: 'auth.security.enabled' });
  }

  if (intent === 'disable-totp') {
    const parsed = await parseForm(formData, DisableTotpSchema);
    if (!parsed.ok) return invalidForm(parsed.fieldErrors, parsed.values, intent);
    try {
      await disableTotp(db, { userId: actor.user.id, currentPassword: parsed.data.disablePassword, code: parsed.data.code, ipAddress });
    } catch (error) {
      // The domain names the password field `currentPassword`; on this form it is `disablePassword`.
      if (error instanceof ValidationFailed && error.fieldErrors.currentPassword) {
        return invalidForm({ disablePassword: error.fieldErrors.currentPassword }, {}, intent);
      }
      return authFailure(error, {}, intent);
    }
    return json({ ok: true as const, intent, message: 'auth.security.disabled' });
  }

  throw new Response('Bad Request', { status: 400 });
}

type ActionResult = FormFailure | { ok: true; intent: Intent; message: string } | undefined;

function useFormState(result: ActionResult, intent: Intent) {
  const t = useT();
  const failure = result && !result.ok && result.intent === intent ? result : undefined;
  return {
    success: result?.ok && result.intent === intent ? t(result.message) : null,
    fieldErrors: failure?.fieldErrors ?? {},
    formError: failure?.formError ? t(failure.formError.key, failure.formError.params) : null,
  };
}

function ChangePasswordForm({ email, result }: { email: string; result: ActionResult }) {
  const t = useT();
  const { success, fieldErrors, formError } = useFormState(result, 'password');
  const labels = {
    currentPassword: t('auth.security.currentPassword'),
    password: t('auth.security.newPassword'),
    passwordConfirmation: t('auth.security.confirmation'),
  };
  return (
    <section className="mb-5" aria-labelledby="password-heading">
      <h2 id="password-heading" className="h4">
        {t('auth.security.passwordHeading')}
      </h2>
      <p>{t('auth.security.passwordLead')}</p>
      {success ? <Alert kind="success">{success}</Alert> : null}
      <ErrorSummary fieldErrors={fieldErrors} labels={labels} formError={formError} />
      <Form method="post" noValidate>
        <input type="hidden" name="intent" value="password" />
        <input type="email" name="username" autoComplete="username" defaultValue={email} readOnly className="d-none" tabIndex={-1} aria-hidden="true" />
        <TextField
          name="currentPassword"
          type="password"
          label={labels.currentPassword}
          autoComplete="current-password"
          error={fieldErrors.currentPassword}
          required
        />
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
        <SubmitButton>{t('auth.security.changePassword')}</SubmitButton>
      </Form>
    </section>
  );
}

function TotpSection({ totp, result }: { totp: { status: string; secret?: string; qrSvg?: string }; result: ActionResult }) {
  const t = useT();
  const enable = useFormState(result, 'enable-totp');
  const disable = useFormState(result, 'disable-totp');
  return (
    <section className="mb-5" aria-labelledby="totp-heading">
      <h2 id="totp-heading" className="h4">
        {t('auth.security.totpHeading')}
      </h2>
      <p>{t('auth.security.totpLead')}</p>
      {enable.success ? <Alert kind="success">{enable.success}</Alert> : null}
      {disable.success ? <Alert kind="success">{disable.success}</Alert> : null}

      {totp.status === 'unavailable' ? <Alert kind="info">{t('auth.security.totpStaffOnly')}</Alert> : null}

      {totp.status === 'enabled' ? (
        <>
          {enable.success ? null : <Alert kind="info">{t('auth.security.totpOn')}</Alert>}
          <h3 className="h5">{t('auth.security.disableHeading')}</h3>
          <p>{t('auth.security.disableLead')}</p>
          <ErrorSummary
            fieldErrors={disable.fieldErrors}
            labels={{ disablePassword: t('auth.security.currentPassword'), code: t('auth.security.code') }}
            formError={disable.formError}
          />
          <Form method="post" noValidate>
            <input type="hidden" name="intent" value="disable-totp" />
            <TextField
              name="disablePassword"
              type="password"
              label={t('auth.security.currentPassword')}
              autoComplete="current-password"
              error={disable.fieldErrors.disablePassword}
              required
            />
            <TextField
              name="code"
              label={t('auth.security.code')}
              autoComplete="one-time-code"
              inputMode="numeric"
              maxLength={7}
              spellCheck={false}
              error={disable.fieldErrors.code}
              required
            />
            <SubmitButton variant="outline-danger">{t('auth.security.disable')}</SubmitButton>
          </Form>
        </>
      ) : null}

      {totp.status === 'setup' && totp.secret && totp.qrSvg ? (
        <>
          <ErrorSummary fieldErrors={enable.fieldErrors} labels={{ code: t('auth.security.code') }} formError={enable.formError} />
          <p>{t('auth.security.totpStep1')}</p>
          <div
            role="img"
            aria-label={t('auth.security.totpQrLabel')}
            className="mb-3 bg-white p-2 border d-inline-block"
            style={{ width: '14rem', maxWidth: '100%' }}
            // Our own SVG, generated by the qrcode library from the otpauth:// URI.
            dangerouslySetInnerHTML={{ __html: totp.qrSvg }}
          />
          <p className="mb-1">{t('auth.security.totpStep2')}</p>
          <p>
            <span className="visually-hidden">{t('auth.security.totpSecret')}: </span>
            <code className="fs-5 user-select-all" style={{ wordBreak: 'break-all' }}>
              {totp.secret.replace(/(.{4})(?=.)/g, '$1 ')}
            </code>
          </p>
          <p>{t('auth.security.totpStep3')}</p>
          <Form method="post" noValidate>
            <input type="hidden" name="intent" value="enable-totp" />
            <TextField
              name="code"
              label={t('auth.security.code')}
              autoComplete="one-time-code"
              inputMode="numeric"
              maxLength={7}
              spellCheck={false}
              error={enable.fieldErrors.code}
              required
            />
            <SubmitButton>{t('auth.security.enable')}</SubmitButton>
          </Form>
        </>
      ) : null}
    </section>
  );
}

export default function SecurityPage() {
  const { email, totp } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionResult;
  const t = useT();
  return (
    <div className="row">
      <div className="col-12 col-lg-8">
        <PageHeader title={t('auth.security.title')} />
        <ChangePasswordForm email={email} result={result} />
        <TotpSection totp={totp} result={result} />
        <p>
          <Link to="/profilo">{t('auth.security.backToProfile')}</Link>
        </p>
      </div>
    </div>
  );
}
