import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { SwitchMembershipSchema } from '~/domain/auth/auth.schema';
import { switchActiveMembership } from '~/domain/auth/auth.server';
import { ErrorSummary, PageHeader, SubmitButton } from '~/ui/forms';
import { useT } from '~/ui/i18n';
import { pageTitle } from '~/ui/meta';
import { invalidForm, requireUser, type FormFailure } from '~/utils/auth.server';
import { getDb } from '~/utils/db.server';
import { domainErrorResponse } from '~/utils/http.server';
import { parseForm } from '~/utils/forms.server';

// The signed-in person's details and, for someone with several memberships (an HR admin who is
// also an employee, an operator of two providers), the choice of which one to act as.

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'auth.profile.title');

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireUser(request);
  return json({
    name: `${actor.user.givenName} ${actor.user.familyName}`,
    email: actor.user.email,
    totpEnabled: actor.user.totpEnabled,
    activeMembershipId: actor.membership?.id ?? null,
    memberships: actor.memberships.map((m) => ({
      id: m.id,
      role: m.role,
      organizationName: m.organizationName,
      allianceName: m.allianceName,
    })),
  });
}

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requireUser(request);
  const parsed = await parseForm(request, SwitchMembershipSchema);
  if (!parsed.ok) return invalidForm(parsed.fieldErrors, parsed.values);
  try {
    const { home } = await switchActiveMembership(getDb(), actor, parsed.data.membershipId);
    return redirect(home);
  } catch (error) {
    throw domainErrorResponse(error);
  }
}

export default function ProfilePage() {
  const data = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>() as FormFailure | undefined;
  const t = useT();
  const fieldErrors = failure?.fieldErrors ?? {};
  return (
    <>
      <PageHeader title={t('auth.profile.title')} lead={t('auth.profile.lead')} />
      <div className="row">
        <div className="col-12 col-lg-7 mb-5">
          <dl className="row mb-4">
            <dt className="col-sm-4">{t('auth.profile.name')}</dt>
            <dd className="col-sm-8">{data.name}</dd>
            <dt className="col-sm-4">{t('auth.profile.email')}</dt>
            <dd className="col-sm-8">{data.email}</dd>
          </dl>

          <h2 className="h4">{t('auth.profile.memberships')}</h2>
          {data.memberships.length === 0 ? (
            <p>{t('auth.profile.noMemberships')}</p>
          ) : data.memberships.length === 1 ? (
            <p>
              {t('auth.profile.membership', {
                role: t(`role.${data.memberships[0]!.role}`),
                organization: data.memberships[0]!.organizationName,
                alliance: data.memberships[0]!.allianceName,
              })}
            </p>
          ) : (
            <>
              <ErrorSummary fieldErrors={fieldErrors} labels={{ membershipId: t('auth.profile.memberships') }} />
              <Form method="post">
                <fieldset className="mb-3" aria-describedby="memberships-lead">
                  <legend className="visually-hidden">{t('auth.profile.memberships')}</legend>
                  <p id="memberships-lead">{t('auth.profile.membershipsLead')}</p>
                  {data.memberships.map((m) => {
                    const id = `membership-${m.id}`;
                    const active = m.id === data.activeMembershipId;
                    return (
                      <div className="form-check" key={m.id}>
                        <input id={id} type="radio" name="membershipId" value={m.id} defaultChecked={active} />
                        <label htmlFor={id}>
                          {t('auth.profile.membership', { role: t(`role.${m.role}`), organization: m.organizationName, alliance: m.allianceName })}
                          {active ? <span className="badge bg-primary ms-2">{t('auth.profile.active')}</span> : null}
                        </label>
                      </div>
                    );
                  })}
                </fieldset>
                <SubmitButton>{t('auth.profile.switch')}</SubmitButton>
              </Form>
            </>
          )}
        </div>
        <div className="col-12 col-lg-5">
          <div className="card card-bg">
            <div className="card-body">
              <h2 className="h5 card-title">{t('auth.profile.security')}</h2>
              <p className="card-text">{t('auth.profile.securityLead')}</p>
              <p className="card-text">
                <strong>{data.totpEnabled ? t('auth.profile.secondFactorOn') : t('auth.profile.secondFactorOff')}</strong>
              </p>
              <Link to="/profilo/sicurezza" className="btn btn-outline-primary">
                {t('auth.profile.security')}
              </Link>
            </div>
          </div>
        </div>
      </div>
    </>
  );
}
