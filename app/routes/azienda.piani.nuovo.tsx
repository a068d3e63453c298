import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { formValues, planFormSchema } from '~/domain/plans/plans.schema';
import { createPlan, listPlans } from '~/domain/plans/plans.server';
import { PlanFields, planFormLabels, planFormValues } from '~/domain/plans/plans.ui';
import { ErrorSummary, PageHeader, SubmitButton } from '~/ui/forms';
import { useT } from '~/ui/i18n';
import { pageTitle } from '~/ui/meta';
import { requireMembership } from '~/utils/auth.server';
import { getDb } from '~/utils/db.server';
import { ValidationFailed } from '~/utils/errors.server';
import { parseForm } from '~/utils/forms.server';
import { domainErrorResponse, getClientIp } from '~/utils/http.server';

// A new welfare plan (draft): period, funding, premio conversion, end rule. Rules, carnet and
// activation follow on the plan's page.

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'plans.new.title');

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireMembership(request, { roles: ['COMPANY_ADMIN'] });
  const plans = await listPlans(getDb(), actor);
  return json({
    carryOverOptions: plans.filter((p) => p.status !== 'CLOSED').map((p) => ({ id: p.id, name: p.name, startsOn: p.startsOn, endsOn: p.endsOn })),
  });
}

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requireMembership(request, { roles: ['COMPANY_ADMIN'] });
  const formData = await request.formData();
  const parsed = await parseForm(formData, planFormSchema);
  if (!parsed.ok) return json({ fieldErrors: parsed.fieldErrors, values: parsed.values }, { status: 422 });
  try {
    const plan = await createPlan(getDb(), actor, parsed.data, { ipAddress: getClientIp(request) });
    return redirect(`/azienda/piani/${plan.id}?creato=1`);
  } catch (error) {
    if (error instanceof ValidationFailed) return json({ fieldErrors: error.fieldErrors, values: formValues(formData) }, { status: 422 });
    throw domainErrorResponse(error);
  }
}

export default function NewPlan() {
  const { carryOverOptions } = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const t = useT();
  return (
    <>
      <PageHeader title={t('plans.new.title')} lead={t('plans.new.lead')} />
      <ErrorSummary fieldErrors={failed?.fieldErrors} labels={planFormLabels(t)} />
      <Form method="post" noValidate>
        <PlanFields values={planFormValues(null, failed?.values)} errors={failed?.fieldErrors} carryOverOptions={carryOverOptions} />
        <div className="d-flex flex-wrap gap-2 mb-5">
          <SubmitButton>{t('plans.new.submit')}</SubmitButton>
          <Link to="/azienda/piani" className="btn btn-outline-primary">
            {t('plans.new.cancel')}
          </Link>
        </div>
      </Form>
    </>
  );
}
