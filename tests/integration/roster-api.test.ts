import { beforeAll, describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '~/api/endpoints';
import { createApiKey } from '~/domain/api-keys/api-keys.server';
import { RosterImportResponseSchema } from '~/domain/roster/roster.openapi';
import { SYNC_ROW_LIMIT } from '~/domain/roster/roster.server';
import { SYNTHETIC_HEADERS, syntheticEmployee, syntheticRow, toCsv } from '~/domain/roster/roster.synthetic';
import * as route from '../../app/routes/api.v1.companies.$id.$method';
import { getDb, useTestDatabase } from '../setup/database';
import { freshPartitaIva, useTemporaryStorage } from './providers-fixtures';
import { createCompanyWorld, fixture, writtenState, type CompanyWorld } from './roster-fixtures';

// POST /api/v1/companies/{id}/employees:import: the dry run answers the row errors and writes
// nothing, the commit writes, a key of another company (or of the wrong role) cannot, the mapping
// query, multipart bodies, the 202 of a large file and its status, and the OpenAPI entry.

useTestDatabase();
useTemporaryStorage();
let world: CompanyWorld;
let key: string;
let otherKey: string;

beforeAll(async () => {
  const db = getDb();
  world = await createCompanyWorld(db);
  key = (await createApiKey(db, { organizationId: world.companyId, name: 'gestionale paghe', role: 'COMPANY_ADMIN' })).key;
  otherKey = (await createApiKey(db, { organizationId: world.other.companyId, name: 'gestionale', role: 'COMPANY_ADMIN' })).key;
});

function call(options: { companyId?: string; method?: string; query?: string; body?: BodyInit; contentType?: string | null; apiKey?: string; httpMethod?: string }) {
  const companyId = options.companyId ?? world.companyId;
  const method = options.method ?? 'employees:import';
  const headers = new Headers({ Authorization: `Bearer ${options.apiKey ?? key}` });
  if (options.contentType !== null) headers.set('Content-Type', options.contentType ?? 'text/csv; charset=utf-8');
  const request = new Request(`http://localhost/api/v1/companies/${companyId}/${method}${options.query ?? ''}`, {
    method: options.httpMethod ?? 'POST',
    headers,
    ...(options.body !== undefined ? { body: options.body } : {}),
  });
  const args = { request, params: { id: companyId, method }, context: {} };
  return (options.httpMethod ?? 'POST') === 'GET' ? route.loader(args) : route.action(args);
}

const csv = (name: string) => Buffer.from(fixture(name));

describe('POST /api/v1/companies/{id}/employees:import', () => {
  it('?dryRun=true answers counts and row errors, writes nothing, and matches the documented schema', async () => {
    const db = getDb();
    const before = { ...(await writtenState(db)), imports: await db.rosterImport.count() };
    const response = await call({ query: '?dryRun=true', body: csv('bad-data.csv') });
    expect(response.status).toBe(200);
    const body = RosterImportResponseSchema.parse(await response.json());
    expect(body).toMatchObject({ importId: null, dryRun: true, counts: { total: 3, new: 2, errors: 1 }, errorCount: 1, detected: { format: 'csv', encoding: 'utf-8', delimiter: ';' } });
    expect(body.errors).toEqual([{ row: 4, column: 'Data assunzione', field: 'hireDate', code: 'date', value: '31/02/2018' }]);
    expect({ ...(await writtenState(db)), imports: await db.rosterImport.count() }).toEqual(before);
  });

  it('a file with errors is refused whole: 422 with the rows, nothing written', async () => {
    const db = getDb();
    const before = await writtenState(db);
    const response = await call({ body: csv('bad-carattere-controllo.csv') });
    expect(response.status).toBe(422);
    const body = (await response.json()) as { error: { code: string; details: { errors: Array<{ code: string; row: number }> } } };
    expect(body.error.code).toBe('validation_failed');
    expect(body.error.details.errors).toEqual([expect.objectContaining({ row: 4, code: 'cfCheckDigit' })]);
    expect(await writtenState(db)).toEqual(before);
  });

  it('commits a clean file (XLSX bytes), then the same file again changes nothing', async () => {
    const db = getDb();
    const first = await call({ body: csv('dipendenti.xlsx'), contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
    expect(first.status).toBe(200);
    const body = RosterImportResponseSchema.parse(await first.json());
    expect(body).toMatchObject({ dryRun: false, status: 'COMMITTED', counts: { new: 5, errors: 0 }, detected: { format: 'xlsx' } });
    expect(await db.employeeProfile.count({ where: { organizationId: world.companyId } })).toBe(5);
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: 'roster.imported', subjectId: body.importId! } });
    expect(audit.actorApiKeyId).not.toBeNull();

    const again = await call({ body: csv('dipendenti-windows-1252.csv') });
    expect(RosterImportResponseSchema.parse(await again.json()).counts).toMatchObject({ new: 0, updated: 0, unchanged: 5 });
  });

  it('takes multipart/form-data with the file in "file"', async () => {
    const form = new FormData();
    form.append('file', new File([csv('dipendenti-virgola-utf8-bom.csv')], 'dipendenti.csv', { type: 'text/csv' }));
    const response = await call({ query: '?dryRun=true', body: form, contentType: null });
    expect(response.status).toBe(200);
    expect(RosterImportResponseSchema.parse(await response.json()).detected).toMatchObject({ encoding: 'utf-8-bom', delimiter: ',' });
  });

  it('unknown headers: 422 mapping_required with the headers, then ?map.<field>=<header> works', async () => {
    const response = await call({ query: '?dryRun=true', body: csv('intestazioni-sconosciute.csv') });
    expect(response.status).toBe(422);
    const error = ((await response.json()) as { error: { code: string; details: { headers: string[]; missing: string[] } } }).error;
    expect(error.code).toBe('mapping_required');
    expect(error.details.missing.sort()).toEqual(['codiceFiscale', 'email', 'hireDate']);
    const mapped = await call({ query: '?dryRun=true&map.codiceFiscale=CF%20dipendente&map.email=Posta&map.hireDate=4&map.familyName=Cognome&map.givenName=Nome', body: csv('intestazioni-sconosciute.csv') });
    expect(mapped.status).toBe(200);
    expect(RosterImportResponseSchema.parse(await mapped.json()).counts).toMatchObject({ total: 5, errors: 0 });
  });

  it('another company’s id is 404 and writes nothing; a key without the role is 403; bad bodies are refused', async () => {
    const db = getDb();
    const before = await writtenState(db);
    const foreign = await call({ companyId: world.other.companyId, body: csv('dipendenti-puntoevirgola-utf8.csv') });
    expect(foreign.status).toBe(404);
    expect(((await foreign.json()) as { error: { code: string } }).error.code).toBe('not_found');
    expect((await call({ apiKey: otherKey, body: csv('dipendenti-puntoevirgola-utf8.csv') })).status).toBe(404);
    expect((await call({ companyId: 'not-a-uuid', body: csv('dipendenti-puntoevirgola-utf8.csv') })).status).toBe(404);
    expect(await writtenState(db)).toEqual(before);

    // A provider's key (PROVIDER_OPERATOR) is not a company administrator's: 403, on any id.
    const provider = await db.organization.create({ data: { allianceId: world.allianceId, kind: 'PROVIDER', legalName: 'Cooperativa', codiceFiscale: freshPartitaIva() } });
    const providerKey = (await createApiKey(db, { organizationId: provider.id, name: 'gestionale' })).key;
    expect((await call({ apiKey: providerKey, companyId: provider.id, body: csv('dipendenti-puntoevirgola-utf8.csv') })).status).toBe(403);
    expect((await call({ apiKey: 'cnc_nonsense', body: 'x' })).status).toBe(401);
    expect((await call({ body: JSON.stringify({ a: 1 }), contentType: 'application/json' })).status).toBe(415);
    const binary = await call({ body: Buffer.from([0x00, 0x01, 0x02, 0x03]), contentType: 'application/octet-stream' });
    expect(binary.status).toBe(422);
    expect(((await binary.json()) as { error: { details: { fieldErrors: Record<string, string> } } }).error.details.fieldErrors).toEqual({ file: 'roster.file.binary' });
    expect((await call({ method: 'employees:export', body: 'x' })).status).toBe(404);
    expect((await call({ httpMethod: 'PUT', body: 'x' })).status).toBe(405);
  });

  it(`a file over ${SYNC_ROW_LIMIT} rows: 202 and a Location to poll, then COMMITTED once the job ran`, async () => {
    const db = getDb();
    const rows = Array.from({ length: SYNC_ROW_LIMIT + 1 }, (_, i) => syntheticRow(syntheticEmployee(20_000 + i, { domain: 'api.example.it' }), 'Nembro'));
    const response = await call({ body: toCsv([SYNTHETIC_HEADERS, ...rows]) });
    expect(response.status).toBe(202);
    const body = RosterImportResponseSchema.parse(await response.json());
    expect(body.status).toBe('COMMITTING');
    const location = response.headers.get('Location')!;
    expect(location).toBe(`/api/v1/companies/${world.companyId}/employees:import?importId=${body.importId}`);
    const { processRosterJob } = await import('~/domain/roster/roster.server');
    expect((await processRosterJob(db, { importId: body.importId!, phase: 'commit' })).outcome).toBe('committed');
    const status = await call({ httpMethod: 'GET', query: `?importId=${body.importId}` });
    expect(RosterImportResponseSchema.parse(await status.json())).toMatchObject({ status: 'COMMITTED', counts: { new: SYNC_ROW_LIMIT + 1 } });
    expect((await call({ httpMethod: 'GET', query: `?importId=${body.importId}`, apiKey: otherKey, companyId: world.other.companyId })).status).toBe(404);
  });
});

describe('the OpenAPI document', () => {
  it('lists the import with its parameters and responses', () => {
    const doc = buildOpenApiDocument() as { paths: Record<string, Record<string, { operationId: string; parameters: Array<{ name: string }>; responses: Record<string, unknown> }>> };
    const path = doc.paths['/companies/{id}/employees:import'];
    expect(path?.post?.operationId).toBe('importEmployees');
    expect(path?.post?.parameters.map((p) => p.name)).toEqual(expect.arrayContaining(['id', 'dryRun', 'map.codiceFiscale']));
    expect(Object.keys(path?.post?.responses ?? {})).toEqual(expect.arrayContaining(['200', '202', '401', '404', '422']));
    expect(path?.get?.operationId).toBe('getEmployeeImport');
  });
});
