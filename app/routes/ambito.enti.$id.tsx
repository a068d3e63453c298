import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { providerFormFailure, type ProviderFormFailure } from '~/domain/providers/form-answers.server';
import { decisionRequiresReason, type CuratorDecisionName, type ProviderStatusName } from '~/domain/providers/providers.fns';
import { decideProvider, decisionSchema, getProviderForReview } from '~/domain/providers/providers.server';
import { formFields } from '~/domain/storage/uploads.server';
import { Alert, ErrorSummary, PageHeader, SubmitButton, TextAreaField } from '~/ui/forms';
import { useT } from '~/ui/i18n';
import { pageTitle } from '~/ui/meta';
import { DecisionHistory, DocumentsTable, ProviderDetails, ProviderStatusBadge } from '~/ui/providers';
import { requireMembership } from '~/utils/auth.server';
import { getDb } from '~/utils/db.server';
import { ValidationFailed } from '~/utils/errors.server';
import { domainErrorResponse, getClientIp } from '~/utils/http.server';

// One provider of the alliance for the curator: the application, its documents (downloaded
// through /documenti/:id), the decision history and the decision form. The alliance admin and the
// auditor read the same page without the form. A provider of another alliance is 404.

export const meta: MetaFunction<typeof loader> = ({ matches, data }) =>
  data ? [{ title: `${data.provider.legalName} – Conciliamo` }] : pageTitle(matches, 'providers.review.title');

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireMembership(request, { roles: ['AMBITO_CURATOR', 'ALLIANCE_ADMIN', 'AUDITOR'] });
  try {
    const { provider, decisions } = await getProviderForReview(getDb(), actor, params.id ?? '');
    const done = new URL(request.url).searchParams.get('esito');
    return json({ provider, decisions, done: done && /^[A-Z_]{3,20}$/.test(done) ? done : null });
  } catch (error) {
    throw domainErrorResponse(error);
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = await requireMembership(request, { roles: ['AMBITO_CURATOR'] });
  const fields = formFields(await request.formData());
  try {
    const parsed = decisionSchema.safeParse(fields);
    if (!parsed.success) {
      throw new ValidationFailed('Invalid decision', Object.fromEntries(parsed.error.issues.map((i) => [i.path.join('.') || 'form', i.message])));
    }
    await decideProvider(getDb(), actor, {
      organizationId: params.id ?? '',
      decision: parsed.data.decision,
      reason: parsed.data.reason,
      ipAddress: getClientIp(request),
    });
    return redirect(`/ambito/enti/${params.id}?esito=${parsed.data.decision}`);
  } catch (error) {
    return providerFormFailure(error, fields);
  }
}

function DecisionForm({ decisions, failure }: { decisions: CuratorDecisionName[]; failure?: ProviderFormFailure }) {
  const t = useT();
  const errors = failure?.fieldErrors ?? {};
  const chosen = typeof failure?.values.decision === 'string' ? failure.values.decision : '';
  const reason = typeof failure?.values.reason === 'string' ? failure.values.reason : '';
  const needsReason = decisions.filter((d) => decisionRequiresReason(d)).map((d) => t(`providers.decision.${d}`));
  return (
    <section aria-labelledby="decision-title" className="mb-5">
      <h2 id="decision-title" className="h3">
        {t('providers.decision.title')}
      </h2>
      <ErrorSummary
        fieldErrors={errors}
        labels={{ decision: t('providers.decision.legend'), reason: t('providers.decision.reason') }}
        formError={failure?.formError ? t(failure.formError.key, failure.formError.params) : null}
      />
      <Form method="post" noValidate>
        <fieldset id="field-decision" tabIndex={-1} className="mb-4" aria-describedby={errors.decision ? 'field-decision-error' : undefined}>
          <legend className="h5 float-none w-auto px-0">{t('providers.decision.legend')}</legend>
          {errors.decision ? (
            <div id="field-decision-error" className="invalid-feedback d-block" role="alert">
              {t(errors.decision)}
            </div>
          ) : null}
          {decisions.map((d) => (
            <div key={d} className="form-check">
              <input id={`decision-${d}`} type="radio" name="decision" value={d} defaultChecked={chosen === d} />
              <label htmlFor={`decision-${d}`}>{t(`providers.decision.${d}`)}</label>
            </div>
          ))}
        </fieldset>
        <TextAreaField
          name="reason"
          label={t('providers.decision.reason')}
          hint={t('providers.decision.reasonHint', { decisions: needsReason.join(', ') })}
          rows={4}
          maxLength={2000}
          defaultValue={reason}
          error={errors.reason}
        />
        <SubmitButton>{t('providers.decision.submit')}</SubmitButton>
      </Form>
    </section>
  );
}

export default function ProviderReview() {
  const { provider, decisions, done } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>() as ProviderFormFailure | undefined;
  const t = useT();
  return (
    <>
      <p>
        <Link to="/ambito/enti">{t('providers.review.back')}</Link>
      </p>
      <PageHeader title={provider.legalName}>
        <p>
          {t('providers.field.status')}: <ProviderStatusBadge status={provider.status as ProviderStatusName} />
        </p>
      </PageHeader>
      {done && !failure ? <Alert kind="success">{t(`providers.decision.done.${done}`)}</Alert> : null}
      <div className="row">
        <div className="col-12 col-lg-8">
          <ProviderDetails provider={provider} />
          <section aria-labelledby="provider-documents-title" className="mb-5">
            <h2 id="provider-documents-title" className="h3">
              {t('providers.section.documents')}
            </h2>
            <DocumentsTable documents={provider.documents} caption={t('providers.documents.caption', { provider: provider.legalName })} />
          </section>
        </div>
        <div className="col-12 col-lg-4">
          {decisions.length > 0 ? <DecisionForm decisions={decisions} failure={failure} /> : null}
          <DecisionHistory decisions={provider.decisions} />
        </div>
      </div>
    </>
  );
}
