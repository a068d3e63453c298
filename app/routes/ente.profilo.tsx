import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { providerFormFailure, uploadFormFailure, type ProviderFormFailure } from '~/domain/providers/form-answers.server';
import type { ProviderStatusName } from '~/domain/providers/providers.fns';
import { DOCUMENT_FIELDS, getOwnProviderProfile, resubmitApplication, updateAdmittedProfile, type ProviderProfileView } from '~/domain/providers/providers.server';
import { formFields, parseUploadForm } from '~/domain/storage/uploads.server';
import { formatDateTime } from '~/ui/format';
import { Alert, ErrorSummary, PageHeader, SubmitButton } from '~/ui/forms';
import { useLocale, useT } from '~/ui/i18n';
import { pageTitle } from '~/ui/meta';
import {
  ComuniFieldset,
  ContactFields,
  DecisionHistory,
  DocumentInputs,
  DocumentsTable,
  OrganisationFields,
  PresentationFields,
  ProviderDetails,
  ProviderStatusBadge,
  useProviderFieldLabels,
  type FormValues,
} from '~/ui/providers';
import { requireMembership } from '~/utils/auth.server';
import { getDb } from '~/utils/db.server';
import { getClientIp } from '~/utils/http.server';

// The provider's own profile: its status with the curator's reason; corrections and resubmission
// when the Ambito asked for changes; contact, description, municipalities and IBAN when admitted.

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'providers.profile.title');

const SAVED_NOTICES: Record<string, string> = { inviata: 'providers.profile.resubmitted', salvato: 'providers.profile.saved' };

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireMembership(request, { roles: ['PROVIDER_OPERATOR'] });
  const profile = await getOwnProviderProfile(getDb(), actor);
  const notice = Object.keys(SAVED_NOTICES).find((k) => new URL(request.url).searchParams.has(k));
  return json({ ...profile, organizationName: actor.membership.organizationName, notice: notice ? SAVED_NOTICES[notice]! : null });
}

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requireMembership(request, { roles: ['PROVIDER_OPERATOR'] });
  const upload = await parseUploadForm(request, { fileFields: DOCUMENT_FIELDS });
  if (upload.formError) return uploadFormFailure(upload.formError);
  const fields = formFields(upload.formData);
  const intent = fields.intent === 'resubmit' ? 'resubmit' : 'update';
  try {
    if (intent === 'resubmit') {
      await resubmitApplication(getDb(), actor, {
        fields,
        files: upload.files,
        uploadFieldErrors: upload.fieldErrors,
        ipAddress: getClientIp(request),
      });
      return redirect('/ente/profilo?inviata');
    }
    await updateAdmittedProfile(getDb(), actor, { fields, ipAddress: getClientIp(request) });
    return redirect('/ente/profilo?salvato');
  } catch (error) {
    return providerFormFailure(error, fields, intent);
  }
}

function profileValues(p: ProviderProfileView): FormValues {
  return {
    legalName: p.legalName,
    providerKind: p.providerKind,
    registeredOffice: p.registeredOffice,
    accreditationRef: p.accreditationRef ?? '',
    alsoEmployer: p.alsoEmployer ? 'on' : '',
    website: p.website ?? '',
    description: p.description,
    comuneIds: p.comuni.map((c) => c.id),
    iban: p.iban,
    contactGivenName: p.contactGivenName,
    contactFamilyName: p.contactFamilyName,
    contactEmail: p.contactEmail,
    contactPhone: p.contactPhone ?? '',
  };
}

function StatusCallout({ provider }: { provider: ProviderProfileView }) {
  const t = useT();
  const locale = useLocale();
  const status = provider.status as ProviderStatusName;
  const showReason = provider.lastDecision?.reason && status !== 'ADMITTED' && status !== 'PENDING';
  return (
    <section className="callout mb-5" aria-labelledby="status-title">
      <div className="callout-title" id="status-title">
        {t('providers.profile.statusTitle')}: <ProviderStatusBadge status={status} />
      </div>
      <p>{t(`providers.profile.status.${status}`)}</p>
      {showReason ? (
        <div className="mb-0">
          <p className="fw-semibold mb-1">
            {t('providers.profile.reason', { date: formatDateTime(provider.lastDecision!.createdAt, locale) })}
          </p>
          <blockquote className="mb-0 text-break">{provider.lastDecision!.reason}</blockquote>
        </div>
      ) : null}
    </section>
  );
}

export default function ProviderProfilePage() {
  const { provider, ambiti, editMode, organizationName, notice } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>() as ProviderFormFailure | undefined;
  const t = useT();
  const labels = useProviderFieldLabels();

  if (!provider) {
    return (
      <>
        <PageHeader title={t('providers.profile.title')} lead={organizationName} />
        <Alert kind="info">{t('providers.profile.none')}</Alert>
      </>
    );
  }
  const errors = failure?.fieldErrors ?? {};
  const values = failure ? failure.values : profileValues(provider);
  const summary = (
    <ErrorSummary fieldErrors={errors} labels={labels} formError={failure?.formError ? t(failure.formError.key, failure.formError.params) : null} />
  );

  return (
    <>
      <PageHeader title={t('providers.profile.title')} lead={provider.legalName} />
      {notice && !failure ? <Alert kind="success">{t(notice)}</Alert> : null}
      <StatusCallout provider={provider} />

      {editMode === 'application' ? (
        <section aria-labelledby="application-title">
          <h2 id="application-title" className="h3">
            {t('providers.profile.correctTitle')}
          </h2>
          <p>{t('providers.profile.correctLead')}</p>
          {summary}
          {failure && Object.keys(errors).length ? <Alert kind="info">{t('upload.selectAgain')}</Alert> : null}
          <Form method="post" encType="multipart/form-data" noValidate>
            <input type="hidden" name="intent" value="resubmit" />
            <OrganisationFields values={values} errors={errors} taxIds={{ codiceFiscale: provider.codiceFiscale, partitaIva: provider.partitaIva }} />
            <ComuniFieldset ambiti={ambiti} values={values} error={errors.comuneIds} />
            <ContactFields values={values} errors={errors} />
            <PresentationFields values={values} errors={errors} />
            <h3 className="h4">{t('providers.profile.currentDocuments')}</h3>
            <DocumentsTable documents={provider.documents} removable caption={t('providers.documents.caption', { provider: provider.legalName })} />
            {errors.removeDocumentIds ? (
              <div id="field-removeDocumentIds" className="invalid-feedback d-block mb-3" role="alert">
                {t(errors.removeDocumentIds)}
              </div>
            ) : null}
            <DocumentInputs errors={errors} lead={t('providers.profile.documentsLead')} />
            <SubmitButton>{t('providers.profile.resubmit')}</SubmitButton>
          </Form>
        </section>
      ) : null}

      {editMode === 'admitted' ? (
        <section aria-labelledby="edit-title" className="mb-5">
          <h2 id="edit-title" className="h3">
            {t('providers.profile.editTitle')}
          </h2>
          <p>{t('providers.profile.editLead')}</p>
          {summary}
          <Form method="post" noValidate>
            <input type="hidden" name="intent" value="update" />
            <ContactFields values={values} errors={errors} />
            <ComuniFieldset ambiti={ambiti} values={values} error={errors.comuneIds} />
            <PresentationFields values={values} errors={errors} />
            <SubmitButton>{t('providers.profile.save')}</SubmitButton>
          </Form>
        </section>
      ) : null}

      {editMode !== 'application' ? (
        <>
          <ProviderDetails provider={provider} />
          <section aria-labelledby="own-documents-title" className="mb-5">
            <h2 id="own-documents-title" className="h3">
              {t('providers.section.documents')}
            </h2>
            <DocumentsTable documents={provider.documents} caption={t('providers.documents.caption', { provider: provider.legalName })} />
          </section>
        </>
      ) : null}
      <DecisionHistory decisions={provider.decisions} />
    </>
  );
}
