import type { ActionFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData } from '@remix-run/react';
import { ForgotPasswordSchema } from '~/domain/auth/auth.schema';
import { requestPasswordReset } from '~/domain/auth/auth.server';
import { Alert, ErrorSummary, PageHeader, SubmitButton, TextField } from '~/ui/forms';
import { useT } from '~/ui/i18n';
import { pageTitle } from '~/ui/meta';
import { invalidForm, type FormFailure } from '~/utils/auth.server';
import { getDb } from '~/utils/db.server';
import { parseForm } from '~/utils/forms.server';
import { getClientIp } from '~/utils/http.server';

// Asks for a reset link. The answer is the same whether or not the address has an account, so
// the form cannot be used to find out who is registered.

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'auth.forgot.title');

export async function action({ request }: ActionFunctionArgs) {
  const parsed = await parseForm(request, ForgotPasswordSchema);
  if (!parsed.ok) return invalidForm(parsed.fieldErrors, parsed.values);
  await requestPasswordReset(getDb(), { email: parsed.data.email, ipAddress: getClientIp(request) });
  return json({ ok: true as const });
}

export default function ForgotPasswordPage() {
  const result = useActionData<typeof action>() as { ok: true } | FormFailure | undefined;
  const t = useT();
  const failure = result && !result.ok ? result : undefined;
  const fieldErrors = failure?.fieldErrors ?? {};
  return (
    <div className="row">
      <div className="col-12 col-md-8 col-lg-6">
        <PageHeader title={t('auth.forgot.title')} lead={t('auth.forgot.lead')} />
        {result?.ok ? (
          <Alert kind="success">
            <p className="mb-0">{t('auth.forgot.sent')}</p>
          </Alert>
        ) : (
          <>
            <ErrorSummary fieldErrors={fieldErrors} labels={{ email: t('auth.forgot.email') }} />
            <Form method="post" noValidate>
              <TextField
                name="email"
                type="email"
                label={t('auth.forgot.email')}
                autoComplete="username"
                inputMode="email"
                spellCheck={false}
                defaultValue={failure?.values.email ?? ''}
                error={fieldErrors.email}
                required
              />
              <SubmitButton>{t('auth.forgot.submit')}</SubmitButton>
            </Form>
          </>
        )}
        <p className="mt-4">
          <Link to="/accedi">{t('auth.forgot.backToLogin')}</Link>
        </p>
      </div>
    </div>
  );
}
