import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { requireApiActor } from '~/api/auth.server';
import { apiError, apiJson, apiNotFound, methodNotAllowed, withApi } from '~/api/errors.server';
import { importIdSchema, mappingFromQuery } from '~/domain/roster/roster.schema';
import {
  commitRosterImport,
  dryRunRoster,
  getRosterImport,
  MAX_ROSTER_BYTES,
  readRosterHeaders,
  rosterActorForApiKey,
  uploadRoster,
  type RosterImportView,
} from '~/domain/roster/roster.server';
import { parseUploadForm } from '~/domain/storage/uploads.server';
import { getDb } from '~/utils/db.server';
import { getClientIp } from '~/utils/http.server';

// POST /api/v1/companies/{id}/employees:import — the roster import for payroll software. The colon
// is literal (Google's custom-method style); Remix refuses ":" in a route segment, even escaped as
// [:], so this route takes the last segment as $method and answers only "employees:import" (any
// other method of a company is 404, like an unknown API path). Body: the file
// as text/csv (or the XLSX bytes), or multipart/form-data with the file in "file". ?dryRun=true
// answers the counts and row-level errors and writes nothing; otherwise the import is validated and,
// when clean, committed (large files by the roster job: 202 and GET …?importId= for its status).
// A COMPANY_ADMIN key of that company only: any other company id is 404. Shapes: roster.openapi.ts.

const FILE_TYPES = ['text/csv', 'text/plain', 'application/csv', 'application/octet-stream', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/vnd.ms-excel'];

async function readBody(request: Request): Promise<{ fileName: string; bytes: Uint8Array } | Response> {
  const contentType = (request.headers.get('Content-Type') ?? '').split(';')[0]!.trim().toLowerCase();
  const declared = Number(request.headers.get('Content-Length') ?? '0');
  if (declared > MAX_ROSTER_BYTES + 1024 * 1024) return apiError('payload_too_large', `The file must be at most ${MAX_ROSTER_BYTES / 1024 / 1024} MB`, null, 413);
  if (contentType === 'multipart/form-data') {
    const upload = await parseUploadForm(request, { fileFields: ['file'], maxFiles: 1, maxFileBytes: MAX_ROSTER_BYTES });
    const file = upload.files[0];
    if (upload.formError || upload.fieldErrors.file) return apiError('payload_too_large', `The file must be at most ${MAX_ROSTER_BYTES / 1024 / 1024} MB`, null, 413);
    if (!file) return apiError('validation_failed', 'Send the roster file in the multipart field "file"', { fieldErrors: { file: 'roster.file.required' } }, 422);
    return { fileName: file.fileName, bytes: file.bytes };
  }
  if (!FILE_TYPES.includes(contentType)) {
    return apiError('unsupported_media_type', 'Send text/csv, the XLSX bytes, or multipart/form-data with the file in "file"', { accepted: [...FILE_TYPES, 'multipart/form-data'] }, 415);
  }
  const bytes = new Uint8Array(await request.arrayBuffer());
  if (bytes.byteLength > MAX_ROSTER_BYTES) return apiError('payload_too_large', `The file must be at most ${MAX_ROSTER_BYTES / 1024 / 1024} MB`, null, 413);
  const name = contentType.includes('spreadsheetml') ? 'roster.xlsx' : 'roster.csv';
  return { fileName: request.headers.get('X-File-Name')?.slice(0, 200) || name, bytes };
}

function importBody(view: RosterImportView) {
  return {
    importId: view.id,
    dryRun: false,
    status: view.status,
    counts: view.counts,
    errorCount: view.errorCount,
    errors: view.errors,
    detected: { format: view.format, encoding: view.encoding, delimiter: view.delimiter, headers: view.headers, rows: view.rowCount },
  };
}

/** The one custom method served here; anything else is an unknown API path. */
export const ROSTER_IMPORT_METHOD = 'employees:import';

export const action = withApi(async ({ request, params }: ActionFunctionArgs) => {
  if (params.method !== ROSTER_IMPORT_METHOD) return apiNotFound(request);
  if (request.method !== 'POST') return methodNotAllowed(request, ['GET', 'POST']);
  const apiActor = await requireApiActor(request, { roles: ['COMPANY_ADMIN'] });
  const db = getDb();
  const ra = await rosterActorForApiKey(db, apiActor, params.id ?? '', getClientIp(request));
  const body = await readBody(request);
  if (body instanceof Response) return body;
  const url = new URL(request.url);
  const { headers, suggestion } = await readRosterHeaders(body.bytes);
  const mapping = mappingFromQuery(url.searchParams, headers);
  if (!mapping && suggestion.needsMappingStep) {
    return apiError(
      'mapping_required',
      'Some columns were not recognised: name them with ?map.<field>=<header> (fields: codiceFiscale, familyName, givenName, email, hireDate, terminationDate, site, category, children, dependents)',
      { headers, missing: suggestion.missing, ambiguous: suggestion.ambiguous },
      422,
    );
  }

  if (url.searchParams.get('dryRun') === 'true') {
    const result = await dryRunRoster(db, ra, { bytes: body.bytes, mapping });
    return {
      importId: null,
      dryRun: true,
      status: 'VALIDATED',
      counts: result.counts,
      errorCount: result.errorCount,
      errors: result.errors,
      detected: result.detected,
    };
  }

  const validated = await uploadRoster(db, ra, { fileName: body.fileName, bytes: body.bytes, mapping, validateNow: true });
  if (validated.errorCount > 0) {
    return apiError('validation_failed', 'The roster has errors: nothing was written. Fix the rows listed and send the file again.', importBody(validated), 422);
  }
  const committed = await commitRosterImport(db, ra, { importId: validated.id });
  if (committed.status === 'COMMITTING') {
    return apiJson(importBody(committed), { status: 202, headers: { Location: `${url.pathname}?importId=${committed.id}` } });
  }
  if (committed.status === 'VALIDATED') {
    return apiError('validation_failed', 'The roster changed while importing: nothing was written. Send the file again.', importBody(committed), 422);
  }
  if (committed.status === 'FAILED') return apiError('import_failed', 'The import failed: nothing was written.', importBody(committed), 500);
  return importBody(committed);
});

// GET …/employees:import?importId=<id> — the state of an import (for the 202 of a large file).
export const loader = withApi(async ({ request, params }: LoaderFunctionArgs) => {
  if (params.method !== ROSTER_IMPORT_METHOD) return apiNotFound(request);
  const apiActor = await requireApiActor(request, { roles: ['COMPANY_ADMIN'] });
  const db = getDb();
  const ra = await rosterActorForApiKey(db, apiActor, params.id ?? '');
  const importId = importIdSchema.safeParse(new URL(request.url).searchParams.get('importId'));
  if (!importId.success) return apiError('validation_failed', 'Give the import with ?importId=<uuid>', { fieldErrors: { importId: 'validation.invalidId' } }, 422);
  return importBody(await getRosterImport(db, ra, importId.data));
});
