import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { offeringFormAction, type OfferingFormFailure } from '~/domain/offerings/offerings-route.server';
import { getOfferingFormOptions } from '~/domain/offerings/offerings.server';
import { OfferingFields, offeringFieldLabels } from '~/domain/offerings/offerings.ui';
import { Alert, ErrorSummary, PageHeader, SubmitButton } from '~/ui/forms';
import { useT } from '~/ui/i18n';
import { pageTitle } from '~/ui/meta';
import { requireMembership } from '~/utils/auth.server';
import { getDb } from '~/utils/db.server';

// A new offering: saved as a draft (version 1) or saved and sent to the Ambito for review at once.

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'offerings.new.title');

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireMembership(request, { roles: ['PROVIDER_OPERATOR'] });
  return json({ options: await getOfferingFormOptions(getDb(), actor) });
}

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requireMembership(request, { roles: ['PROVIDER_OPERATOR'] });
  return offeringFormAction(request, actor, null);
}

export default function NewOffering() {
  const { options } = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>() as OfferingFormFailure | undefined;
  const t = useT();
  return (
    <>
      <PageHeader title={t('offerings.new.title')} lead={t('offerings.new.lead')}>
        <p>
          <Link to="/ente/offerte">{t('offerings.back')}</Link>
        </p>
      </PageHeader>
      {options.comuni.length === 0 ? <Alert kind="warning">{t('offerings.new.noComuni')}</Alert> : null}
      <ErrorSummary fieldErrors={failed?.fieldErrors} formError={failed?.formError} labels={offeringFieldLabels(t)} />
      <Form method="post" noValidate>
        <OfferingFields options={options} values={failed?.values ?? { bookingNoticeDays: '0', weekdays: [], comuni: [] }} errors={failed?.fieldErrors ?? {}} />
        <div className="d-flex flex-wrap gap-2 mb-5">
          <SubmitButton name="intent" value="save" variant="outline-primary">
            {t('offerings.save')}
          </SubmitButton>
          <SubmitButton name="intent" value="submit">
            {t('offerings.saveAndSubmit')}
          </SubmitButton>
        </div>
      </Form>
    </>
  );
}
