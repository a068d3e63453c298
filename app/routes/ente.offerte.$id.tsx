import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { versionToFormValues } from '~/domain/offerings/offerings.fns';
import { offeringFormAction, type OfferingFormFailure } from '~/domain/offerings/offerings-route.server';
import { offeringIdSchema } from '~/domain/offerings/offerings.schema';
import { getOfferingFormOptions, getProviderOffering } from '~/domain/offerings/offerings.server';
import {
  OfferingFields,
  offeringFieldLabels,
  OfferingHistory,
  OfferingStatusBadge,
  VersionDetails,
  VersionStatusBadge,
  VersionsTable,
} from '~/domain/offerings/offerings.ui';
import { Alert, ErrorSummary, PageHeader, SubmitButton } from '~/ui/forms';
import { useT } from '~/ui/i18n';
import { localeFromMatches } from '~/ui/meta';
import { translate } from '~/i18n/i18n';
import { requireMembership } from '~/utils/auth.server';
import { getDb } from '~/utils/db.server';
import { domainErrorResponse } from '~/utils/http.server';

// One offering of the provider's own organisation: the live version, the version in progress with
// the curator's reason, the form (in place, or a new version of a live offering), the history.
// Another provider's offering, or a malformed id, is 404.

export const meta: MetaFunction<typeof loader> = ({ matches, data }) => [
  { title: `${data?.offering.head.title ?? translate(localeFromMatches(matches), 'offerings.provider.title')} – Conciliamo` },
];

const OUTCOMES = { salvata: 'offerings.saved', 'nuova-versione': 'offerings.savedNewVersion', inviata: 'offerings.submitted' } as const;

function offeringId(params: { id?: string }): string {
  const parsed = offeringIdSchema.safeParse(params.id);
  if (!parsed.success) throw new Response('Not found', { status: 404 });
  return parsed.data;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireMembership(request, { roles: ['PROVIDER_OPERATOR'] });
  const id = offeringId(params);
  try {
    const [offering, options] = await Promise.all([getProviderOffering(getDb(), actor, id), getOfferingFormOptions(getDb(), actor)]);
    const outcome = new URL(request.url).searchParams.get('esito');
    return json({ offering, options, outcome: outcome && outcome in OUTCOMES ? OUTCOMES[outcome as keyof typeof OUTCOMES] : null });
  } catch (error) {
    throw domainErrorResponse(error);
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = await requireMembership(request, { roles: ['PROVIDER_OPERATOR'] });
  return offeringFormAction(request, actor, offeringId(params));
}

export default function ProviderOffering() {
  const { offering, options, outcome } = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>() as OfferingFormFailure | undefined;
  const t = useT();
  const { head, live } = offering;
  const headIsLive = live?.id === head.id;
  const nextVersion = Math.max(...offering.versions.map((v) => v.versionNumber)) + 1;
  return (
    <>
      <PageHeader title={head.title}>
        <p className="d-flex flex-wrap align-items-center gap-2">
          <span>{t('offerings.detail.status')}:</span>
          <OfferingStatusBadge status={offering.status} />
        </p>
        <p>
          <Link to="/ente/offerte">{t('offerings.back')}</Link>
        </p>
      </PageHeader>

      {outcome ? <Alert kind="success">{t(outcome, { version: head.versionNumber })}</Alert> : null}
      <ErrorSummary fieldErrors={failed?.fieldErrors} formError={failed?.formError} labels={offeringFieldLabels(t)} />

      {!headIsLive ? (
        <section aria-labelledby="head-title" className="mb-5">
          <h2 id="head-title" className="h4 d-flex flex-wrap align-items-center gap-2">
            {t('offerings.detail.head', { version: head.versionNumber })}
            <VersionStatusBadge status={head.status} />
          </h2>
          {head.reviewReason ? (
            <Alert kind={head.status === 'APPROVED' ? 'info' : 'warning'} title={t('offerings.detail.reviewReason')}>
              <p className="mb-0">{head.reviewReason}</p>
            </Alert>
          ) : null}
          {offering.canSubmit && offering.editMode === 'in-place' ? (
            <Form method="post" className="mb-3">
              <SubmitButton name="intent" value="submitOnly">
                {t('offerings.submit')}
              </SubmitButton>
            </Form>
          ) : null}
          <VersionDetails version={head} headingId="head-title" />
        </section>
      ) : null}

      <section aria-labelledby="live-title" className="mb-5">
        <h2 id="live-title" className="h4">
          {live ? t('offerings.detail.live', { version: live.versionNumber }) : t('offerings.detail.noLive')}
        </h2>
        {live ? <VersionDetails version={live} headingId="live-title" /> : null}
      </section>

      <section aria-labelledby="edit-title" className="mb-5">
        <h2 id="edit-title" className="h4">
          {t('offerings.detail.edit')}
        </h2>
        {offering.editMode === 'locked' ? (
          <p>
            {head.status === 'SUBMITTED'
              ? t('offerings.detail.lockedSubmitted', { version: head.versionNumber })
              : t('offerings.detail.lockedClosed', { status: t(`offerings.status.${offering.status}`) })}
          </p>
        ) : (
          <>
            {offering.editMode === 'new-version' ? <Alert kind="info">{t('offerings.detail.newVersionNotice', { version: nextVersion })}</Alert> : null}
            {/* Keyed by the version, so a saved new version starts from its own values. */}
            <Form method="post" noValidate key={head.id}>
              <OfferingFields options={options} values={failed?.values ?? versionToFormValues(head)} errors={failed?.fieldErrors ?? {}} />
              <div className="d-flex flex-wrap gap-2">
                <SubmitButton name="intent" value="save" variant="outline-primary">
                  {t('offerings.save')}
                </SubmitButton>
                <SubmitButton name="intent" value="submit">
                  {t('offerings.saveAndSubmit')}
                </SubmitButton>
              </div>
            </Form>
          </>
        )}
      </section>

      <section aria-labelledby="versions-title" className="mb-5">
        <h2 id="versions-title" className="h4">
          {t('offerings.detail.versions')}
        </h2>
        <VersionsTable versions={offering.versions} />
      </section>

      <OfferingHistory history={offering.history} />
    </>
  );
}
