import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { companyFormFailure, companyUploadFailure, type CompanyFormFailure } from '~/domain/companies/form-answers.server';
import { listRosterImports, MAX_ROSTER_BYTES, rosterActorForUser, SYNC_ROW_LIMIT, uploadRoster } from '~/domain/roster/roster.server';
import { parseUploadForm } from '~/domain/storage/uploads.server';
import { formatDateTime, formatNumber } from '~/ui/format';
import { ErrorSummary, PageHeader, SubmitButton } from '~/ui/forms';
import { useLocale, useT } from '~/ui/i18n';
import { pageTitle } from '~/ui/meta';
import { requireMembership } from '~/utils/auth.server';
import { getDb } from '~/utils/db.server';
import { domainErrorResponse, getClientIp } from '~/utils/http.server';

// Step one of a roster import: choose the file the payroll software exported (CSV or XLSX). The
// next steps (column mapping when needed, dry run, commit) are on /azienda/dipendenti/importa/<id>.

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'roster.import.title');

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireMembership(request, { roles: ['COMPANY_ADMIN'] });
  try {
    const db = getDb();
    const ra = await rosterActorForUser(db, actor);
    return json({ imports: await listRosterImports(db, ra), maxMegabytes: MAX_ROSTER_BYTES / 1024 / 1024, syncRows: SYNC_ROW_LIMIT });
  } catch (error) {
    throw domainErrorResponse(error);
  }
}

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requireMembership(request, { roles: ['COMPANY_ADMIN'] });
  const db = getDb();
  let ra;
  try {
    ra = await rosterActorForUser(db, actor, getClientIp(request));
  } catch (error) {
    throw domainErrorResponse(error);
  }
  const upload = await parseUploadForm(request, { fileFields: ['file'], maxFiles: 1, maxFileBytes: MAX_ROSTER_BYTES });
  if (upload.formError) return companyUploadFailure(upload.formError);
  const file = upload.files[0];
  if (!file) {
    const fieldErrors = Object.keys(upload.fieldErrors).length ? upload.fieldErrors : { file: 'roster.file.required' };
    return json<CompanyFormFailure>({ ok: false, fieldErrors, formError: null, values: {} }, { status: 422 });
  }
  try {
    const created = await uploadRoster(db, ra, { fileName: file.fileName, bytes: file.bytes });
    return redirect(`/azienda/dipendenti/importa/${created.id}`);
  } catch (error) {
    return companyFormFailure(error, {});
  }
}

export default function RosterImportStart() {
  const { imports, maxMegabytes, syncRows } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>() as CompanyFormFailure | undefined;
  const t = useT();
  const locale = useLocale();
  const error = failure?.fieldErrors.file;
  return (
    <>
      <p>
        <Link to="/azienda/dipendenti">{t('roster.import.back')}</Link>
      </p>
      <PageHeader title={t('roster.import.title')} lead={t('roster.import.lead')} />
      <ErrorSummary
        fieldErrors={failure?.fieldErrors}
        labels={{ file: t('roster.import.file') }}
        formError={failure?.formError ? t(failure.formError.key, failure.formError.params) : null}
      />
      <div className="row">
        <div className="col-12 col-lg-7">
          <Form method="post" encType="multipart/form-data" noValidate className="mb-5">
            <div className="form-group mb-4">
              <label htmlFor="field-file" className="form-label active">
                {t('roster.import.file')}
                <span aria-hidden="true" className="text-danger">
                  {' '}
                  *
                </span>
              </label>
              <input
                id="field-file"
                name="file"
                type="file"
                accept=".csv,.txt,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                className={`form-control${error ? ' is-invalid' : ''}`}
                aria-describedby={`field-file-hint${error ? ' field-file-error' : ''}`}
                aria-invalid={error ? true : undefined}
                required
              />
              <small id="field-file-hint" className="form-text d-block">
                {t('roster.import.fileHint', { mb: maxMegabytes })}
              </small>
              {error ? (
                <div id="field-file-error" className="invalid-feedback d-block" role="alert">
                  {t(error)}
                </div>
              ) : null}
            </div>
            <SubmitButton>{t('roster.import.upload')}</SubmitButton>
          </Form>
        </div>
        <div className="col-12 col-lg-5">
          <h2 className="h5">{t('roster.import.howTitle')}</h2>
          <ul className="small">
            <li>{t('roster.import.how.columns')}</li>
            <li>{t('roster.import.how.formats')}</li>
            <li>{t('roster.import.how.dryRun')}</li>
            <li>{t('roster.import.how.large', { rows: formatNumber(syncRows, locale) })}</li>
            <li>{t('roster.import.how.leavers')}</li>
          </ul>
        </div>
      </div>
      <h2 className="h4">{t('roster.import.history')}</h2>
      {imports.length === 0 ? (
        <p>{t('roster.import.historyEmpty')}</p>
      ) : (
        <div className="table-responsive">
          <table className="table align-middle">
            <caption className="visually-hidden">{t('roster.import.history')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('roster.import.fileName')}</th>
                <th scope="col">{t('roster.import.when')}</th>
                <th scope="col">{t('roster.import.rows')}</th>
                <th scope="col">{t('roster.import.status')}</th>
              </tr>
            </thead>
            <tbody>
              {imports.map((i) => (
                <tr key={i.id}>
                  <td>
                    <Link to={`/azienda/dipendenti/importa/${i.id}`}>{i.fileName}</Link>
                  </td>
                  <td>{formatDateTime(i.createdAt, locale)}</td>
                  <td>{formatNumber(i.rowCount, locale)}</td>
                  <td>{t(`roster.status.${i.status}`)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
