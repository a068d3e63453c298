import { beforeAll, describe, expect, it } from 'vitest';
import { ROLES } from '~/domain/auth/roles';
import { parseRosterFile } from '~/domain/roster/roster.parse';
import { SYNTHETIC_HEADERS, syntheticEmployee, syntheticRow, toCsv } from '~/domain/roster/roster.synthetic';
import { action as importAction, loader as importsLoader } from '../../app/routes/azienda.dipendenti.importa._index';
import { action as stepAction, loader as stepLoader } from '../../app/routes/azienda.dipendenti.importa.$id';
import { loader as employeesLoader } from '../../app/routes/azienda.dipendenti._index';
import { getDb, useTestDatabase } from '../setup/database';
import { makeRequest, responseOf } from './auth-fixtures';
import { failureOf, freshPartitaIva, multipartRequest, sessionFor, useTemporaryStorage } from './providers-fixtures';
import { createCompanyWorld, fixture, type CompanyWorld } from './roster-fixtures';

// The roster pages through their loaders and actions, as the browser drives them: upload, mapping,
// commit, who may open an import (every role of both alliances), the employees table with its
// search, filters and paging, and the CSV/XLSX export of the filtered list.

useTestDatabase();
useTemporaryStorage();
let world: CompanyWorld;
let otherWorld: CompanyWorld;

beforeAll(async () => {
  world = await createCompanyWorld(getDb());
  otherWorld = await createCompanyWorld(getDb());
});

async function uploadFile(cookie: string, name: string, bytes: Uint8Array, type = 'text/csv') {
  return responseOf(() => importAction({ request: multipartRequest('/azienda/dipendenti/importa', {}, [{ field: 'file', name, bytes, type }], { cookie }), params: {}, context: {} }));
}

async function step(cookie: string | null, id: string, form?: Record<string, string>) {
  const request = makeRequest(`/azienda/dipendenti/importa/${id}`, { cookie, ...(form ? { form } : {}) });
  return responseOf(() => (form ? stepAction : stepLoader)({ request, params: { id }, context: {} }));
}

type ImportData = { rosterImport: { id: string; status: string; counts: { new: number; errors: number }; errorCount: number; errors: Array<{ row: number; code: string }> } };

describe('the import pages', () => {
  it('upload → dry run → commit, as the buttons post them', async () => {
    const db = getDb();
    const uploaded = await uploadFile(world.hr.cookie, 'dipendenti.csv', fixture('dipendenti-puntoevirgola-utf8.csv'));
    expect(uploaded.status).toBe(302);
    const id = uploaded.headers.get('Location')!.split('/').pop()!;
    const shown = (await (await step(world.hr.cookie, id)).json()) as ImportData;
    expect(shown.rosterImport).toMatchObject({ status: 'VALIDATED', counts: { new: 5, errors: 0 } });
    expect((await step(world.hr.cookie, id, { intent: 'commit' })).status).toBe(302);
    expect(((await (await step(world.hr.cookie, id)).json()) as ImportData).rosterImport.status).toBe('COMMITTED');
    expect(await db.employeeProfile.count({ where: { organizationId: world.companyId } })).toBe(5);
    const list = (await (await responseOf(() => importsLoader({ request: makeRequest('/azienda/dipendenti/importa', { cookie: world.hr.cookie }), params: {}, context: {} }))).json()) as {
      imports: Array<{ id: string; status: string }>;
    };
    expect(list.imports[0]).toMatchObject({ id, status: 'COMMITTED' });
  });

  it('shows row errors and refuses the commit; no file is a field error', async () => {
    const uploaded = await uploadFile(world.hr.cookie, 'errori.csv', fixture('bad-email.csv'));
    const id = uploaded.headers.get('Location')!.split('/').pop()!;
    const shown = (await (await step(world.hr.cookie, id)).json()) as ImportData;
    expect(shown.rosterImport.errors).toEqual([expect.objectContaining({ row: 4, code: 'email' })]);
    const refused = await step(world.hr.cookie, id, { intent: 'commit' });
    expect(refused.status).toBe(409);
    expect((await failureOf(refused)).formError).toEqual({ key: 'roster.import.hasErrors' });
    const empty = await responseOf(() => importAction({ request: multipartRequest('/azienda/dipendenti/importa', {}, [], { cookie: world.hr.cookie }), params: {}, context: {} }));
    expect(empty.status).toBe(422);
    expect((await failureOf(empty)).fieldErrors).toEqual({ file: 'roster.file.required' });
    const pdf = await uploadFile(world.hr.cookie, 'busta.pdf', new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x00, 0x01]), 'application/pdf');
    expect((await failureOf(pdf)).fieldErrors).toEqual({ file: 'roster.file.binary' });
  });

  it('the mapping step posts one select per field', async () => {
    const w = await createCompanyWorld(getDb());
    const uploaded = await uploadFile(w.hr.cookie, 'altro.csv', fixture('intestazioni-sconosciute.csv'));
    const id = uploaded.headers.get('Location')!.split('/').pop()!;
    expect(((await (await step(w.hr.cookie, id)).json()) as ImportData).rosterImport.status).toBe('UPLOADED');
    const base = { intent: 'mapping', 'map.codiceFiscale': '0', 'map.familyName': '1', 'map.givenName': '2', 'map.email': '3' };
    const incomplete = await step(w.hr.cookie, id, base);
    expect(incomplete.status).toBe(422);
    expect((await failureOf(incomplete)).fieldErrors).toEqual({ 'map.hireDate': 'roster.mapping.missingColumn' });
    expect((await step(w.hr.cookie, id, { ...base, 'map.hireDate': '4' })).status).toBe(302);
    expect(((await (await step(w.hr.cookie, id)).json()) as ImportData).rosterImport).toMatchObject({ status: 'VALIDATED', counts: { new: 5 } });
  });

  it('an import by id: its company’s HR only; every other role, the other company and the other alliance get 404', async () => {
    const db = getDb();
    const uploaded = await uploadFile(world.hr.cookie, 'dipendenti.csv', fixture('dipendenti-puntoevirgola-utf8.csv'));
    const id = uploaded.headers.get('Location')!.split('/').pop()!;
    expect((await step(null, id)).status).toBe(302);
    expect((await step(world.other.hr.cookie, id)).status).toBe(404);
    expect((await step(world.other.hr.cookie, id, { intent: 'commit' })).status).toBe(404);
    for (const w of [world, otherWorld]) {
      for (const role of ROLES) {
        if (w === world && role === 'COMPANY_ADMIN') continue;
        const organizationId = ['AMBITO_CURATOR', 'ALLIANCE_ADMIN', 'AUDITOR'].includes(role)
          ? w.leadId
          : role === 'PROVIDER_OPERATOR'
            ? (await db.organization.create({ data: { allianceId: w.allianceId, kind: 'PROVIDER', legalName: 'Coop', codiceFiscale: freshPartitaIva() } })).id
            : w.companyId;
        const session = await sessionFor(db, organizationId, role);
        expect((await step(session.cookie, id)).status, `${role} of ${w === world ? 'the same' : 'the other'} alliance`).toBe(404);
      }
    }
    expect((await step(world.hr.cookie, 'nessuno')).status).toBe(404);
    // A company admin of a company whose adhesion is not admitted has no roster pages.
    await db.companyProfile.update({ where: { organizationId: otherWorld.companyId }, data: { status: 'REJECTED', rejectionReason: 'prova' } });
    expect((await responseOf(() => importsLoader({ request: makeRequest('/azienda/dipendenti/importa', { cookie: otherWorld.hr.cookie }), params: {}, context: {} }))).status).toBe(404);
  });
});

describe('the employees table', () => {
  let w: CompanyWorld;
  beforeAll(async () => {
    // 30 generated employees plus the five of the fixture (one leaving), over both sites.
    w = await createCompanyWorld(getDb());
    const rows = Array.from({ length: 30 }, (_, i) => syntheticRow(syntheticEmployee(700 + i, { domain: 'tabella.example.it' }), i % 3 === 0 ? 'Nembro' : 'Albino'));
    const fixtureRows = Buffer.from(fixture('dipendenti-puntoevirgola-utf8.csv')).toString('utf8').split('\r\n').slice(1).filter(Boolean).map((l) => l.split(';'));
    const uploaded = await uploadFile(w.hr.cookie, 'tutti.csv', new Uint8Array(Buffer.from(toCsv([SYNTHETIC_HEADERS, ...rows, ...fixtureRows]))));
    const id = uploaded.headers.get('Location')!.split('/').pop()!;
    await step(w.hr.cookie, id, { intent: 'commit' });
  });

  type Page = { employees: { rows: Array<{ familyName: string; givenName: string; hireDate: string; site: string | null; category: string | null; terminationDate: string | null; balanceCents: number | null }>; total: number; pages: number; page: number; sites: Array<{ name: string }>; categories: string[] } };
  const page = async (query: string, cookie = w.hr.cookie) =>
    responseOf(() => employeesLoader({ request: makeRequest(`/azienda/dipendenti${query}`, { cookie }), params: {}, context: {} }));
  const data = async (query: string) => (await (await page(query)).json()) as Page;

  it('pages, sorts and shows each balance', async () => {
    const first = await data('');
    expect(first.employees).toMatchObject({ total: 35, pages: 2, page: 1 });
    expect(first.employees.rows).toHaveLength(25);
    expect(first.employees.rows.every((r) => r.balanceCents === 0)).toBe(true);
    const names = first.employees.rows.map((r) => r.familyName);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, 'it')));
    expect((await data('?page=2')).employees.rows).toHaveLength(10);
    expect((await data('?page=99')).employees.page).toBe(2);
    const byHire = (await data('?sort=hireDate&dir=desc')).employees.rows.map((r) => r.hireDate);
    expect(byHire).toEqual([...byHire].sort().reverse());
    expect(first.employees.sites.map((s) => s.name)).toEqual(['Albino', 'Nembro']);
    expect(first.employees.categories).toEqual(['impiegati', 'operai', 'quadri']);
  });

  it('searches names in any order, codice fiscale and e-mail; filters site, category and leavers', async () => {
    expect((await data('?q=Rota+Chiara')).employees.rows.map((r) => r.givenName)).toEqual(['Chiara']);
    expect((await data('?q=chiara%20rota')).employees.total).toBe(1);
    expect((await data('?q=noe.carra@')).employees.rows.map((r) => r.familyName)).toEqual(['Carrà']);
    const nembro = await data(`?site=${w.sites.nembro}`);
    expect(nembro.employees.rows.every((r) => r.site === 'Nembro')).toBe(true);
    expect(nembro.employees.total).toBe(12);
    expect((await data('?category=quadri')).employees.rows.every((r) => r.category === 'quadri')).toBe(true);
    const leavers = await data('?status=leavers');
    expect(leavers.employees.rows.map((r) => r.familyName)).toEqual(['Pesenti']);
    expect((await data('?status=active')).employees.total).toBe(34 + (leavers.employees.rows[0]!.terminationDate! >= new Date().toISOString().slice(0, 10) ? 1 : 0));
    expect((await data('?site=none')).employees.rows.map((r) => r.familyName)).toEqual(['Locatelli']);
    // Another company's HR sees only their own (empty) roster.
    expect(((await (await page('', w.other.hr.cookie)).json()) as Page).employees.total).toBe(0);
  });

  it('exports the filtered list as CSV (BOM, ";") and XLSX, audited', async () => {
    const db = getDb();
    const csv = await page(`?format=csv&site=${w.sites.nembro}&sort=name`);
    expect(csv.headers.get('Content-Type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('Content-Disposition')).toMatch(/^attachment; filename="dipendenti-\d{4}-\d{2}-\d{2}\.csv"$/);
    const bytes = new Uint8Array(await csv.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = Buffer.from(bytes.slice(3)).toString('utf8').trim().split('\r\n');
    expect(lines[0]).toBe('Codice fiscale;Cognome;Nome;Email;Data assunzione;Data cessazione;Sede;Categoria;Figli a carico;Familiari a carico;Stato account;Saldo welfare (EUR)');
    expect(lines).toHaveLength(13);
    expect(lines.slice(1).every((l) => l.split(';')[6] === 'Nembro' && l.endsWith(';invitato;0,00'))).toBe(true);

    const xlsx = await page('?format=xlsx&status=leavers');
    const parsed = await parseRosterFile(new Uint8Array(await xlsx.arrayBuffer()));
    if (!parsed.ok) throw new Error(parsed.problem);
    expect(parsed.roster.rows.map((r) => r.cells[1])).toEqual(['Pesenti']);
    expect(await db.auditEvent.count({ where: { action: 'roster.exported', organizationId: w.companyId } })).toBe(2);
  });
});
