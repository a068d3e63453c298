import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useRevalidator } from '@remix-run/react';
import { useEffect } from 'react';
import { companyFormFailure, type CompanyFormFailure } from '~/domain/companies/form-answers.server';
import { mappingFromForm } from '~/domain/roster/roster.schema';
import { chooseRosterMapping, commitRosterImport, getRosterImport, rosterActorForUser } from '~/domain/roster/roster.server';
import { ImportCounts, ImportErrors, ImportProgress, MappingForm } from '~/domain/roster/roster.ui';
import { formFields } from '~/domain/storage/uploads.server';
import { formatDateTime } from '~/ui/format';
import { Alert, ErrorSummary, PageHeader, SubmitButton } from '~/ui/forms';
import { useLocale, useT } from '~/ui/i18n';
import { pageTitle } from '~/ui/meta';
import { requireMembership } from '~/utils/auth.server';
import { getDb } from '~/utils/db.server';
import { domainErrorResponse, getClientIp } from '~/utils/http.server';

// One roster import: the column mapping when the headers were not recognised, the dry run
// (counts and row-level errors), the commit, and — for large files handled by the job — a
// progress bar that follows the job (the page reloads its data every second while it runs).

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'roster.import.title');

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireMembership(request, { roles: ['COMPANY_ADMIN'] });
  try {
    const db = getDb();
    const ra = await rosterActorForUser(db, actor);
    return json({ rosterImport: await getRosterImport(db, ra, params.id ?? '') });
  } catch (error) {
    throw domainErrorResponse(error);
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = await requireMembership(request, { roles: ['COMPANY_ADMIN'] });
  const fields = formFields(await request.formData());
  const intent = fields.intent === 'commit' ? 'commit' : 'mapping';
  const db = getDb();
  const importId = params.id ?? '';
  try {
    const ra = await rosterActorForUser(db, actor, getClientIp(request));
    if (intent === 'commit') await commitRosterImport(db, ra, { importId });
    else await chooseRosterMapping(db, ra, { importId, mapping: mappingFromForm(fields) });
    return redirect(`/azienda/dipendenti/importa/${importId}`);
  } catch (error) {
    return companyFormFailure(error, fields, intent);
  }
}

function usePolling(active: boolean) {
  const revalidator = useRevalidator();
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => {
      if (revalidator.state === 'idle') revalidator.revalidate();
    }, 1000);
    return () => clearInterval(timer);
  }, [active, revalidator]);
}

export default function RosterImportPage() {
  const { rosterImport: imp } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>() as CompanyFormFailure | undefined;
  const t = useT();
  const locale = useLocale();
  const running = imp.status === 'VALIDATING' || imp.status === 'COMMITTING';
  usePolling(running);
  const committed = imp.status === 'COMMITTED';
  const formError = failure?.formError ? t(failure.formError.key, failure.formError.params) : null;

  return (
    <>
      <p>
        <Link to="/azienda/dipendenti/importa">{t('roster.import.backToImports')}</Link>
      </p>
      <PageHeader title={t('roster.import.fileTitle', { file: imp.fileName })}>
        <p className="small mb-0">
          {t(`roster.status.${imp.status}`)} · {formatDateTime(imp.createdAt, locale)}
          {imp.uploadedBy ? ` · ${imp.uploadedBy}` : ''}
          {' · '}
          {imp.format === 'xlsx' ? 'XLSX' : t('roster.import.csvDetected', { encoding: imp.encoding ?? '', delimiter: imp.delimiter === '\t' ? 'TAB' : (imp.delimiter ?? '') })}
        </p>
      </PageHeader>
      {failure?.intent === 'commit' && formError ? <Alert kind="danger">{formError}</Alert> : null}

      {imp.status === 'UPLOADED' ? (
        <section aria-labelledby="mapping-title">
          <h2 id="mapping-title" className="h4">
            {t('roster.mapping.title')}
          </h2>
          <MappingForm headers={imp.headers} mapping={imp.mapping} suggestion={imp.suggestion} samples={imp.samples} fieldErrors={failure?.intent === 'mapping' ? failure.fieldErrors : {}} />
        </section>
      ) : null}

      {running ? <ImportProgress status={imp.status as 'VALIDATING' | 'COMMITTING'} progress={imp.progress} /> : null}

      {imp.status === 'FAILED' ? (
        <Alert kind="danger" title={t('roster.import.failedTitle')}>
          <p className="mb-0">{t('roster.import.failedBody')}</p>
        </Alert>
      ) : null}

      {imp.status === 'VALIDATED' || committed ? <ImportCounts counts={imp.counts} committed={committed} /> : null}

      {committed ? (
        <Alert kind="success" title={t('roster.import.committedTitle')}>
          <p>{t('roster.import.committedBody', { count: imp.counts.new })}</p>
          <Link to="/azienda/dipendenti">{t('roster.import.toEmployees')}</Link>
        </Alert>
      ) : null}

      {imp.status === 'VALIDATED' ? (
        imp.errorCount > 0 ? (
          <>
            <Alert kind="warning" title={t('roster.import.hasErrorsTitle')}>
              <p className="mb-0">{t('roster.import.hasErrorsBody')}</p>
            </Alert>
            <ImportErrors errors={imp.errors} errorCount={imp.errorCount} />
            <p className="d-flex flex-wrap gap-2">
              <Link to="/azienda/dipendenti/importa" className="btn btn-primary">
                {t('roster.import.uploadCorrected')}
              </Link>
            </p>
            <details className="mb-5">
              <summary>{t('roster.mapping.change')}</summary>
              <MappingForm headers={imp.headers} mapping={imp.mapping} suggestion={imp.suggestion} samples={imp.samples} fieldErrors={failure?.intent === 'mapping' ? failure.fieldErrors : {}} />
            </details>
          </>
        ) : (
          <section aria-labelledby="commit-title" className="mb-5">
            <h2 id="commit-title" className="h4">
              {t('roster.import.commitTitle')}
            </h2>
            <p>{t(imp.counts.new + imp.counts.updated === 0 ? 'roster.import.nothingToChange' : 'roster.import.commitLead')}</p>
            {failure?.intent === 'commit' ? <ErrorSummary fieldErrors={failure.fieldErrors} /> : null}
            <Form method="post">
              <input type="hidden" name="intent" value="commit" />
              <SubmitButton>{t('roster.import.commit')}</SubmitButton>
            </Form>
          </section>
        )
      ) : null}
    </>
  );
}
