import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { providerFormFailure, uploadFormFailure, type ProviderFormFailure } from '~/domain/providers/form-answers.server';
import { allianceSlugSchema, DOCUMENT_FIELDS, getAdhesionForm, listAdhesionAlliances, submitAdhesion } from '~/domain/providers/providers.server';
import { formFields, parseUploadForm } from '~/domain/storage/uploads.server';
import { Alert, CheckboxField, ErrorSummary, PageHeader, SubmitButton } from '~/ui/forms';
import { useT } from '~/ui/i18n';
import { pageTitle } from '~/ui/meta';
import { ComuniFieldset, ContactFields, DocumentInputs, OrganisationFields, PresentationFields, useProviderFieldLabels } from '~/ui/providers';
import { getDb } from '~/utils/db.server';
import { domainErrorResponse, getClientIp, getRequestLocale } from '~/utils/http.server';

// Public adhesion request of a provider (ente erogatore), no login. Step one chooses the
// alliance (?alleanza=<slug>, a plain GET form), step two is the request itself with the
// documents (multipart). On success: /aderisci/grazie.

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'providers.adhesion.title');

export async function loader({ request }: LoaderFunctionArgs) {
  const slug = allianceSlugSchema.safeParse(new URL(request.url).searchParams.get('alleanza') ?? '');
  const db = getDb();
  if (!slug.success) return json({ step: 'alliance' as const, alliances: await listAdhesionAlliances(db), form: null });
  try {
    return json({ step: 'request' as const, alliances: [], form: await getAdhesionForm(db, slug.data) });
  } catch (error) {
    throw domainErrorResponse(error);
  }
}

export async function action({ request }: ActionFunctionArgs) {
  const upload = await parseUploadForm(request, { fileFields: DOCUMENT_FIELDS });
  if (upload.formError) return uploadFormFailure(upload.formError);
  const fields = formFields(upload.formData);
  const allianceSlug = allianceSlugSchema.safeParse(fields.alleanza);
  if (!allianceSlug.success) throw new Response('Not Found', { status: 404 });
  try {
    const created = await submitAdhesion(getDb(), {
      allianceSlug: allianceSlug.data,
      fields,
      files: upload.files,
      uploadFieldErrors: upload.fieldErrors,
      locale: await getRequestLocale(request),
      ipAddress: getClientIp(request),
    });
    return redirect(`/aderisci/grazie?${new URLSearchParams({ alleanza: created.allianceSlug })}`);
  } catch (error) {
    return providerFormFailure(error, fields);
  }
}

function ChooseAlliance({ alliances }: { alliances: Array<{ slug: string; name: string; territory: string; capofila: string }> }) {
  const t = useT();
  return (
    <Form method="get" className="mb-5">
      <fieldset className="mb-4">
        <legend className="h4 float-none w-auto px-0">{t('providers.adhesion.chooseAlliance')}</legend>
        {alliances.map((a, i) => (
          <div key={a.slug} className="form-check mb-3">
            <input id={`alleanza-${a.slug}`} type="radio" name="alleanza" value={a.slug} defaultChecked={i === 0} required />
            <label htmlFor={`alleanza-${a.slug}`} className="d-block">
              <span className="fw-semibold">{a.name}</span>
              <span className="d-block small">
                {a.territory} · {t('providers.adhesion.capofila', { capofila: a.capofila })}
              </span>
            </label>
          </div>
        ))}
      </fieldset>
      <button type="submit" className="btn btn-primary">
        {t('providers.adhesion.continue')}
      </button>
    </Form>
  );
}

export default function AdhesionPage() {
  const { step, alliances, form } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>() as ProviderFormFailure | undefined;
  const t = useT();
  const labels = useProviderFieldLabels();
  const errors = failure?.fieldErrors ?? {};
  const values = failure?.values ?? {};

  if (step === 'alliance' || !form) {
    return (
      <div className="row">
        <div className="col-12 col-lg-8">
          <PageHeader title={t('providers.adhesion.title')} lead={t('providers.adhesion.lead')} />
          <ChooseAlliance alliances={alliances} />
        </div>
      </div>
    );
  }

  return (
    <div className="row">
      <div className="col-12 col-lg-9">
        <PageHeader title={t('providers.adhesion.title')} lead={t('providers.adhesion.leadAlliance', { alliance: form.alliance.name })}>
          <p>
            <Link to="/aderisci">{t('providers.adhesion.changeAlliance')}</Link>
          </p>
        </PageHeader>
        <ErrorSummary
          fieldErrors={errors}
          labels={labels}
          formError={failure?.formError ? t(failure.formError.key, failure.formError.params) : null}
        />
        {failure && Object.keys(errors).length ? <Alert kind="info">{t('upload.selectAgain')}</Alert> : null}
        <p className="small">{t('providers.adhesion.requiredNote')}</p>
        <Form method="post" encType="multipart/form-data" noValidate>
          <input type="hidden" name="alleanza" value={form.alliance.slug} />
          <OrganisationFields values={values} errors={errors} taxIds="editable" />
          <ComuniFieldset ambiti={form.ambiti} values={values} error={errors.comuneIds} />
          <ContactFields values={values} errors={errors} />
          <PresentationFields values={values} errors={errors} />
          <DocumentInputs errors={errors} lead={t('providers.adhesion.documentsLead')} />
          <fieldset className="mb-4">
            <legend className="h4 float-none w-auto px-0">{t('providers.section.privacy')}</legend>
            <p>
              {t('providers.adhesion.privacyText')} <Link to="/privacy">{t('footer.privacy')}</Link>.
            </p>
            <CheckboxField name="privacy" label={t('providers.field.privacy')} defaultChecked={values.privacy === 'on'} error={errors.privacy} />
          </fieldset>
          <SubmitButton>{t('providers.adhesion.submit')}</SubmitButton>
        </Form>
      </div>
    </div>
  );
}
