import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { SIZE_BANDS } from '~/domain/companies/companies.fns';
import { allianceSlugSchema } from '~/domain/companies/companies.schema';
import { getCompanyAdhesionForm, listCompanyAdhesionAlliances, submitCompanyAdhesion } from '~/domain/companies/companies.server';
import { companyFormFailure, type CompanyFormFailure } from '~/domain/companies/form-answers.server';
import { formFields } from '~/domain/storage/uploads.server';
import { Alert, CheckboxField, ErrorSummary, PageHeader, SelectField, SubmitButton, TextField } from '~/ui/forms';
import { useT } from '~/ui/i18n';
import { pageTitle } from '~/ui/meta';
import { getDb } from '~/utils/db.server';
import { domainErrorResponse, getClientIp, getRequestLocale } from '~/utils/http.server';

// Public adhesion request of a company (free, no login): /aderisci/azienda. Step one chooses the
// alliance (?alleanza=<slug>, a plain GET form), step two is the request; after sending, the same
// URL with &inviata=1 thanks the company. (aderisci_ keeps it out of the providers' /aderisci layout.)

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'companies.adhesion.title');

export async function loader({ request }: LoaderFunctionArgs) {
  const params = new URL(request.url).searchParams;
  const slug = allianceSlugSchema.safeParse(params.get('alleanza') ?? '');
  const db = getDb();
  if (!slug.success) return json({ step: 'alliance' as const, alliances: await listCompanyAdhesionAlliances(db), form: null, sent: false });
  try {
    return json({ step: 'request' as const, alliances: [], form: await getCompanyAdhesionForm(db, slug.data), sent: params.get('inviata') === '1' });
  } catch (error) {
    throw domainErrorResponse(error);
  }
}

export async function action({ request }: ActionFunctionArgs) {
  const fields = formFields(await request.formData());
  const allianceSlug = allianceSlugSchema.safeParse(fields.alleanza);
  if (!allianceSlug.success) throw new Response('Not Found', { status: 404 });
  try {
    const created = await submitCompanyAdhesion(getDb(), {
      allianceSlug: allianceSlug.data,
      fields,
      locale: await getRequestLocale(request),
      ipAddress: getClientIp(request),
    });
    return redirect(`/aderisci/azienda?${new URLSearchParams({ alleanza: created.allianceSlug, inviata: '1' })}`);
  } catch (error) {
    return companyFormFailure(error, fields);
  }
}

function useLabels() {
  const t = useT();
  return {
    legalName: t('companies.field.legalName'),
    codiceFiscale: t('companies.field.codiceFiscale'),
    partitaIva: t('companies.field.partitaIva'),
    address: t('companies.field.address'),
    comuneId: t('companies.field.comune'),
    sizeBand: t('companies.field.sizeBand'),
    atecoCode: t('companies.field.atecoCode'),
    hrGivenName: t('companies.field.hrGivenName'),
    hrFamilyName: t('companies.field.hrFamilyName'),
    hrEmail: t('companies.field.hrEmail'),
    hrPhone: t('companies.field.hrPhone'),
    privacy: t('companies.field.privacy'),
  } satisfies Record<string, string>;
}

export default function CompanyAdhesionPage() {
  const { step, alliances, form, sent } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>() as CompanyFormFailure | undefined;
  const t = useT();
  const labels = useLabels();
  const errors = failure?.fieldErrors ?? {};
  const values = (failure?.values ?? {}) as Record<string, string>;

  if (step === 'alliance' || !form) {
    return (
      <div className="row">
        <div className="col-12 col-lg-8">
          <PageHeader title={t('companies.adhesion.title')} lead={t('companies.adhesion.lead')} />
          <Form method="get" className="mb-5">
            <fieldset className="mb-4">
              <legend className="h4 float-none w-auto px-0">{t('companies.adhesion.chooseAlliance')}</legend>
              {alliances.map((a, i) => (
                <div key={a.slug} className="form-check mb-3">
                  <input id={`alleanza-${a.slug}`} type="radio" name="alleanza" value={a.slug} defaultChecked={i === 0} required />
                  <label htmlFor={`alleanza-${a.slug}`} className="d-block">
                    <span className="fw-semibold">{a.name}</span>
                    <span className="d-block small">{a.territory}</span>
                  </label>
                </div>
              ))}
            </fieldset>
            <button type="submit" className="btn btn-primary">
              {t('companies.adhesion.continue')}
            </button>
          </Form>
        </div>
      </div>
    );
  }

  if (sent) {
    return (
      <div className="row">
        <div className="col-12 col-lg-8">
          <PageHeader title={t('companies.adhesion.sentTitle')} />
          <Alert kind="success">
            <p className="mb-2">{t('companies.adhesion.sentBody', { alliance: form.alliance.name })}</p>
            <p className="mb-0">{t('companies.adhesion.sentNext')}</p>
          </Alert>
          <Link to="/">{t('companies.adhesion.backHome')}</Link>
        </div>
      </div>
    );
  }

  return (
    <div className="row">
      <div className="col-12 col-lg-9">
        <PageHeader title={t('companies.adhesion.title')} lead={t('companies.adhesion.leadAlliance', { alliance: form.alliance.name })}>
          <p>
            <Link to="/aderisci/azienda">{t('companies.adhesion.changeAlliance')}</Link>
          </p>
        </PageHeader>
        <ErrorSummary
          fieldErrors={errors}
          labels={labels}
          formError={failure?.formError ? t(failure.formError.key, failure.formError.params) : null}
        />
        <p className="small">{t('companies.adhesion.requiredNote')}</p>
        <Form method="post" noValidate>
          <input type="hidden" name="alleanza" value={form.alliance.slug} />
          <fieldset className="mb-4">
            <legend className="h4 float-none w-auto px-0">{t('companies.section.company')}</legend>
            <TextField name="legalName" label={labels.legalName} required autoComplete="organization" defaultValue={values.legalName} error={errors.legalName} />
            <div className="row">
              <div className="col-12 col-md-6">
                <TextField
                  name="codiceFiscale"
                  label={labels.codiceFiscale}
                  required
                  hint={t('companies.field.codiceFiscaleHint')}
                  defaultValue={values.codiceFiscale}
                  error={errors.codiceFiscale}
                  maxLength={20}
                  spellCheck={false}
                />
              </div>
              <div className="col-12 col-md-6">
                <TextField name="partitaIva" label={labels.partitaIva} hint={t('companies.field.partitaIvaHint')} defaultValue={values.partitaIva} error={errors.partitaIva} maxLength={16} inputMode="numeric" />
              </div>
            </div>
            <TextField name="address" label={labels.address} required autoComplete="street-address" defaultValue={values.address} error={errors.address} />
            <SelectField
              name="comuneId"
              label={labels.comuneId}
              hint={t('companies.field.comuneHint')}
              placeholder={t('companies.field.comuneOutside')}
              options={form.comuni.map((c) => ({ value: c.id, label: c.name }))}
              defaultValue={values.comuneId}
              error={errors.comuneId}
            />
            <div className="row">
              <div className="col-12 col-md-6">
                <SelectField
                  name="sizeBand"
                  label={labels.sizeBand}
                  required
                  placeholder={t('companies.field.choose')}
                  options={SIZE_BANDS.map((b) => ({ value: b, label: t(`companies.size.${b}`) }))}
                  defaultValue={values.sizeBand}
                  error={errors.sizeBand}
                />
              </div>
              <div className="col-12 col-md-6">
                <TextField name="atecoCode" label={labels.atecoCode} hint={t('companies.field.atecoHint')} defaultValue={values.atecoCode} error={errors.atecoCode} maxLength={12} />
              </div>
            </div>
          </fieldset>
          <fieldset className="mb-4">
            <legend className="h4 float-none w-auto px-0">{t('companies.section.hr')}</legend>
            <p className="small">{t('companies.section.hrLead')}</p>
            <div className="row">
              <div className="col-12 col-md-6">
                <TextField name="hrGivenName" label={labels.hrGivenName} required autoComplete="given-name" defaultValue={values.hrGivenName} error={errors.hrGivenName} />
              </div>
              <div className="col-12 col-md-6">
                <TextField name="hrFamilyName" label={labels.hrFamilyName} required autoComplete="family-name" defaultValue={values.hrFamilyName} error={errors.hrFamilyName} />
              </div>
              <div className="col-12 col-md-6">
                <TextField name="hrEmail" type="email" label={labels.hrEmail} required autoComplete="email" defaultValue={values.hrEmail} error={errors.hrEmail} />
              </div>
              <div className="col-12 col-md-6">
                <TextField name="hrPhone" type="tel" label={labels.hrPhone} autoComplete="tel" defaultValue={values.hrPhone} error={errors.hrPhone} />
              </div>
            </div>
          </fieldset>
          <fieldset className="mb-4">
            <legend className="h4 float-none w-auto px-0">{t('companies.section.privacy')}</legend>
            <p>
              {t('companies.adhesion.privacyText')} <Link to="/privacy">{t('footer.privacy')}</Link>.
            </p>
            <CheckboxField name="privacy" label={labels.privacy} defaultChecked={values.privacy === 'on'} error={errors.privacy} />
          </fieldset>
          <SubmitButton>{t('companies.adhesion.submit')}</SubmitButton>
        </Form>
      </div>
    </div>
  );
}
