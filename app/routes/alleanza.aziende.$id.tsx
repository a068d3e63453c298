import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react';
import { COMPANY_DECISIONS } from '~/domain/companies/companies.fns';
import { companyDecisionSchema } from '~/domain/companies/companies.schema';
import { decideCompany, getCompanyForReview } from '~/domain/companies/companies.server';
import { CompanyStatusBadge, Facts } from '~/domain/companies/companies.ui';
import { companyFormFailure, type CompanyFormFailure } from '~/domain/companies/form-answers.server';
import { formatDateTime } from '~/ui/format';
import { Alert, ErrorSummary, PageHeader, SubmitButton, TextAreaField } from '~/ui/forms';
import { useLocale, useT } from '~/ui/i18n';
import { pageTitle } from '~/ui/meta';
import { requireMembership } from '~/utils/auth.server';
import { getDb } from '~/utils/db.server';
import { parseForm } from '~/utils/forms.server';
import { domainErrorResponse, getClientIp } from '~/utils/http.server';

// One company's adhesion for the alliance admin: the request and, while PENDING, the decision
// (admit, which invites the HR contact as company administrator, or reject with a reason).

export const meta: MetaFunction<typeof loader> = ({ matches, data }) =>
  pageTitle(matches, 'companies.detail.title', { company: data?.company.legalName ?? '' });

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireMembership(request, { roles: ['ALLIANCE_ADMIN'] });
  try {
    return json({ company: await getCompanyForReview(getDb(), actor, params.id ?? '') });
  } catch (error) {
    throw domainErrorResponse(error);
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = await requireMembership(request, { roles: ['ALLIANCE_ADMIN'] });
  const parsed = await parseForm(request, companyDecisionSchema);
  if (!parsed.ok) return json<CompanyFormFailure>({ ok: false, fieldErrors: parsed.fieldErrors, formError: null, values: parsed.values }, { status: 422 });
  try {
    const result = await decideCompany(getDb(), actor, {
      organizationId: params.id ?? '',
      decision: parsed.data.decision,
      reason: parsed.data.reason ?? null,
      ipAddress: getClientIp(request),
    });
    return redirect(`/alleanza/aziende/${params.id}?esito=${result.status}`);
  } catch (error) {
    return companyFormFailure(error, { decision: parsed.data.decision, reason: parsed.data.reason ?? '' });
  }
}

export default function CompanyReview() {
  const { company } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>() as CompanyFormFailure | undefined;
  const [params] = useSearchParams();
  const t = useT();
  const locale = useLocale();
  const outcome = params.get('esito');
  const errors = failure?.fieldErrors ?? {};
  const values = (failure?.values ?? {}) as Record<string, string>;
  return (
    <>
      <p>
        <Link to="/alleanza/aziende">{t('companies.detail.back')}</Link>
      </p>
      <PageHeader title={company.legalName}>
        <p>
          <CompanyStatusBadge status={company.status} />
        </p>
      </PageHeader>
      {outcome === 'ADMITTED' ? <Alert kind="success">{t('companies.detail.admitted', { email: company.hr.email })}</Alert> : null}
      {outcome === 'REJECTED' ? <Alert kind="success">{t('companies.detail.rejected')}</Alert> : null}
      <h2 className="h4">{t('companies.section.company')}</h2>
      <Facts
        items={[
          [t('companies.field.codiceFiscale'), company.codiceFiscale],
          [t('companies.field.partitaIva'), company.partitaIva],
          [t('companies.field.address'), company.address],
          [t('companies.field.comune'), company.comuneName ?? t('companies.field.comuneOutside')],
          [t('companies.field.sizeBand'), t(`companies.size.${company.sizeBand}`)],
          [t('companies.field.atecoCode'), company.atecoCode],
          [t('companies.field.submittedAt'), formatDateTime(company.submittedAt, locale)],
          [t('companies.field.privacyConsentAt'), formatDateTime(company.privacyConsentAt, locale)],
        ]}
      />
      <h2 className="h4">{t('companies.section.hr')}</h2>
      <Facts
        items={[
          [t('companies.field.hrName'), `${company.hr.givenName} ${company.hr.familyName}`],
          [t('companies.field.hrEmail'), company.hr.email],
          [t('companies.field.hrPhone'), company.hr.phone],
        ]}
      />
      {company.status !== 'PENDING' ? (
        <>
          <h2 className="h4">{t('companies.detail.decision')}</h2>
          <Facts
            items={[
              [t('companies.field.status'), t(`companies.status.${company.status}`)],
              [t('companies.field.decidedAt'), company.decidedAt ? formatDateTime(company.decidedAt, locale) : null],
              [t('companies.field.decidedBy'), company.decidedBy],
              ...(company.rejectionReason ? [[t('companies.field.reason'), company.rejectionReason] as [string, string]] : []),
              [t('companies.field.sites'), String(company.sites)],
              [t('companies.field.employees'), String(company.employees)],
            ]}
          />
        </>
      ) : (
        <section aria-labelledby="decision-title" className="mb-5">
          <h2 id="decision-title" className="h4">
            {t('companies.detail.decide')}
          </h2>
          <ErrorSummary
            fieldErrors={errors}
            labels={{ decision: t('companies.detail.decision'), reason: t('companies.field.reason') }}
            formError={failure?.formError ? t(failure.formError.key, failure.formError.params) : null}
          />
          <Form method="post" noValidate>
            <fieldset className="mb-3" aria-describedby={errors.decision ? 'field-decision-error' : undefined}>
              <legend className="h5 float-none w-auto px-0">{t('companies.detail.decision')}</legend>
              {COMPANY_DECISIONS.map((d, i) => (
                <div key={d} className="form-check">
                  <input id={`decision-${d}`} type="radio" name="decision" value={d} defaultChecked={values.decision ? values.decision === d : i === 0} />
                  <label htmlFor={`decision-${d}`}>{t(`companies.decision.${d}`)}</label>
                </div>
              ))}
              {errors.decision ? (
                <div id="field-decision-error" className="invalid-feedback d-block" role="alert">
                  {t(errors.decision)}
                </div>
              ) : null}
            </fieldset>
            <TextAreaField name="reason" label={t('companies.field.reason')} hint={t('companies.detail.reasonHint')} defaultValue={values.reason} error={errors.reason} />
            <SubmitButton>{t('companies.detail.submit')}</SubmitButton>
          </Form>
        </section>
      )}
    </>
  );
}
