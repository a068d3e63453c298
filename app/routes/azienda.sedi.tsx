import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react';
import { useState } from 'react';
import { createSite, deleteSite, listOwnSites, updateSite } from '~/domain/companies/companies.server';
import { companyFormFailure, type CompanyFormFailure } from '~/domain/companies/form-answers.server';
import { formFields } from '~/domain/storage/uploads.server';
import { Alert, ErrorSummary, PageHeader, SelectField, SubmitButton, TextField } from '~/ui/forms';
import { useT } from '~/ui/i18n';
import { pageTitle } from '~/ui/meta';
import { requireMembership } from '~/utils/auth.server';
import { getDb } from '~/utils/db.server';
import { domainErrorResponse, getClientIp } from '~/utils/http.server';

// The company's sites (sedi): where employees work, matched by name or code in the "Sede" column
// of roster files. A site is in a municipality of the alliance or outside it. ?modifica=<id> edits one.

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'companies.sites.title');

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireMembership(request, { roles: ['COMPANY_ADMIN'] });
  try {
    return json(await listOwnSites(getDb(), actor));
  } catch (error) {
    throw domainErrorResponse(error);
  }
}

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requireMembership(request, { roles: ['COMPANY_ADMIN'] });
  const fields = formFields(await request.formData());
  const intent = typeof fields.intent === 'string' ? fields.intent : 'create';
  const siteId = typeof fields.siteId === 'string' ? fields.siteId : '';
  const db = getDb();
  try {
    if (intent === 'delete') {
      await deleteSite(db, actor, { siteId, ipAddress: getClientIp(request) });
      return redirect('/azienda/sedi?esito=eliminata');
    }
    if (intent === 'update') {
      await updateSite(db, actor, { siteId, fields, ipAddress: getClientIp(request) });
      return redirect('/azienda/sedi?esito=modificata');
    }
    await createSite(db, actor, { fields, ipAddress: getClientIp(request) });
    return redirect('/azienda/sedi?esito=aggiunta');
  } catch (error) {
    return companyFormFailure(error, fields, intent);
  }
}

type Site = Awaited<ReturnType<typeof listOwnSites>>['sites'][number];

function SiteForm({
  comuni,
  site,
  failure,
}: {
  comuni: Array<{ id: string; name: string }>;
  site: Site | null;
  failure: CompanyFormFailure | undefined;
}) {
  const t = useT();
  const errors = failure?.fieldErrors ?? {};
  const values = (failure?.values ?? {}) as Record<string, string>;
  const initial = failure ? (values.location ?? 'alliance') : site?.outsideComune ? 'outside' : 'alliance';
  const [location, setLocation] = useState(initial);
  const labels = {
    name: t('companies.sites.name'),
    code: t('companies.sites.code'),
    address: t('companies.field.address'),
    location: t('companies.sites.location'),
    comuneId: t('companies.field.comune'),
    outsideComune: t('companies.sites.outsideComune'),
  };
  return (
    <Form method="post" noValidate className="mb-5">
      <ErrorSummary fieldErrors={errors} labels={labels} formError={failure?.formError ? t(failure.formError.key, failure.formError.params) : null} />
      <input type="hidden" name="intent" value={site ? 'update' : 'create'} />
      {site ? <input type="hidden" name="siteId" value={site.id} /> : null}
      <div className="row">
        <div className="col-12 col-md-8">
          <TextField name="name" label={labels.name} required defaultValue={values.name ?? site?.name} error={errors.name} hint={t('companies.sites.nameHint')} />
        </div>
        <div className="col-12 col-md-4">
          <TextField name="code" label={labels.code} defaultValue={values.code ?? site?.code ?? ''} error={errors.code} hint={t('companies.sites.codeHint')} maxLength={30} />
        </div>
      </div>
      <TextField name="address" label={labels.address} required defaultValue={values.address ?? site?.address} error={errors.address} autoComplete="street-address" />
      <fieldset className="mb-3">
        <legend className="h6 float-none w-auto px-0">{labels.location}</legend>
        {(['alliance', 'outside'] as const).map((value) => (
          <div key={value} className="form-check form-check-inline">
            <input id={`location-${value}`} type="radio" name="location" value={value} checked={location === value} onChange={() => setLocation(value)} />
            <label htmlFor={`location-${value}`}>{t(`companies.sites.location.${value}`)}</label>
          </div>
        ))}
      </fieldset>
      {location === 'alliance' ? (
        <SelectField
          name="comuneId"
          label={labels.comuneId}
          required
          placeholder={t('companies.field.choose')}
          options={comuni.map((c) => ({ value: c.id, label: c.name }))}
          defaultValue={values.comuneId ?? site?.comuneId ?? ''}
          error={errors.comuneId}
        />
      ) : (
        <TextField name="outsideComune" label={labels.outsideComune} required defaultValue={values.outsideComune ?? site?.outsideComune ?? ''} error={errors.outsideComune} />
      )}
      <SubmitButton>{t(site ? 'companies.sites.save' : 'companies.sites.add')}</SubmitButton>
      {site ? (
        <Link to="/azienda/sedi" className="btn btn-link">
          {t('companies.sites.cancel')}
        </Link>
      ) : null}
    </Form>
  );
}

export default function CompanySites() {
  const { sites, comuni, company } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>() as CompanyFormFailure | undefined;
  const [params] = useSearchParams();
  const t = useT();
  const editing = sites.find((s) => s.id === params.get('modifica')) ?? null;
  const outcome = params.get('esito');
  const deleteError = failure?.intent === 'delete' ? failure.fieldErrors.site : undefined;
  return (
    <>
      <PageHeader title={t('companies.sites.title')} lead={t('companies.sites.lead', { company: company.legalName })} />
      {outcome ? <Alert kind="success">{t(`companies.sites.done.${outcome}`)}</Alert> : null}
      {deleteError ? <Alert kind="danger">{t(deleteError)}</Alert> : null}
      <div className="table-responsive mb-5">
        <table className="table align-middle">
          <caption className="visually-hidden">{t('companies.sites.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('companies.sites.name')}</th>
              <th scope="col">{t('companies.sites.code')}</th>
              <th scope="col">{t('companies.field.address')}</th>
              <th scope="col">{t('companies.field.comune')}</th>
              <th scope="col">{t('companies.field.employees')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('companies.sites.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {sites.length === 0 ? (
              <tr>
                <td colSpan={6}>{t('companies.sites.empty')}</td>
              </tr>
            ) : (
              sites.map((site) => (
                <tr key={site.id}>
                  <td>{site.name}</td>
                  <td className="font-monospace">{site.code ?? '—'}</td>
                  <td>{site.address}</td>
                  <td>
                    {site.comuneName}
                    {site.outsideComune ? <span className="d-block small text-muted">{t('companies.sites.location.outside')}</span> : null}
                  </td>
                  <td>{site.employees}</td>
                  <td className="text-nowrap">
                    <Link to={`?modifica=${site.id}`} className="btn btn-sm btn-outline-primary me-2">
                      {t('companies.sites.edit')}
                      <span className="visually-hidden"> {site.name}</span>
                    </Link>
                    {site.employees === 0 ? (
                      <Form method="post" className="d-inline">
                        <input type="hidden" name="intent" value="delete" />
                        <input type="hidden" name="siteId" value={site.id} />
                        <button type="submit" className="btn btn-sm btn-outline-danger">
                          {t('companies.sites.delete')}
                          <span className="visually-hidden"> {site.name}</span>
                        </button>
                      </Form>
                    ) : null}
                  </td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
      <h2 className="h4">{editing ? t('companies.sites.editTitle', { site: editing.name }) : t('companies.sites.addTitle')}</h2>
      <SiteForm key={editing?.id ?? 'new'} comuni={comuni} site={editing} failure={failure?.intent === 'delete' ? undefined : failure} />
    </>
  );
}
