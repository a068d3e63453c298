import { describe, expect, it } from 'vitest';
import { validateCodiceFiscalePersona } from '~/domain/identifiers/identifiers.fns';
import {
  analyseRoster,
  autoMapping,
  capErrors,
  checkMapping,
  fieldForHeader,
  looksMisencoded,
  MAX_STORED_ERRORS,
  normalizeHeader,
  parseRosterDate,
  percent,
  validateRow,
  type ExistingEmployee,
  type RosterState,
  type RowContext,
} from './roster.fns';
import { codiceFiscaleCheckChar, syntheticCodiceFiscale, syntheticEmployee, SYNTHETIC_HEADERS, syntheticRow } from './roster.synthetic';

const SITE_ID = '11111111-1111-4111-8111-111111111111';
const headers = SYNTHETIC_HEADERS;
const ctx: RowContext = {
  headers,
  mapping: autoMapping(headers).mapping,
  sites: new Map([
    ['albino', SITE_ID],
    ['alb01', SITE_ID],
  ]),
};
const emptyState: RosterState = { byCodiceFiscale: new Map(), memberEmails: new Map() };

function row(index: number, changes: Partial<Record<string, string>> = {}): string[] {
  const e = syntheticEmployee(index);
  const cells = syntheticRow(e, 'Albino');
  for (const [header, value] of Object.entries(changes)) cells[headers.indexOf(header)] = value ?? '';
  return cells;
}

describe('headers', () => {
  it('normalises case, accents and punctuation', () => {
    expect(normalizeHeader('  Data di Assunzione ')).toBe('data di assunzione');
    expect(normalizeHeader('N° figli a carico')).toBe('n figli a carico');
    expect(normalizeHeader('Unità produttiva')).toBe('unita produttiva');
    expect(normalizeHeader('E-MAIL')).toBe('e mail');
  });

  it('recognises Italian payroll headers and their synonyms', () => {
    expect(fieldForHeader('CODICE FISCALE')).toBe('codiceFiscale');
    expect(fieldForHeader('Cod. Fisc.')).toBe('codiceFiscale');
    expect(fieldForHeader('C.F.')).toBe('codiceFiscale');
    expect(fieldForHeader('Cognome')).toBe('familyName');
    expect(fieldForHeader('Nome')).toBe('givenName');
    expect(fieldForHeader('Indirizzo e-mail')).toBe('email');
    expect(fieldForHeader('Data assunzione')).toBe('hireDate');
    expect(fieldForHeader('Data cessazione')).toBe('terminationDate');
    expect(fieldForHeader('Unità produttiva')).toBe('site');
    expect(fieldForHeader('Qualifica')).toBe('category');
    expect(fieldForHeader('N. figli a carico')).toBe('children');
    expect(fieldForHeader('Familiari a carico')).toBe('dependents');
    expect(fieldForHeader('Matricola')).toBeNull();
  });

  it('maps a known file without a mapping step and ignores extra columns', () => {
    const auto = autoMapping(['Matricola', ...headers]);
    expect(auto.needsMappingStep).toBe(false);
    expect(auto.mapping.codiceFiscale).toBe(1);
    expect(auto.mapping.dependents).toBe(10);
    expect(auto.ignored).toEqual([0]);
  });

  it('asks for the mapping step when a required column is unknown or two columns could be the same field', () => {
    const unknown = autoMapping(['CF dip', 'Cognome', 'Nome', 'Email', 'Data assunzione']);
    expect(unknown.needsMappingStep).toBe(true);
    expect(unknown.missing).toEqual(['codiceFiscale']);
    const twice = autoMapping(['Codice fiscale', 'Cognome', 'Nome', 'Email aziendale', 'Email personale', 'Data assunzione']);
    expect(twice.needsMappingStep).toBe(true);
    expect(twice.ambiguous).toEqual({ email: [3, 4] });
    expect(twice.mapping.email).toBeUndefined();
  });

  it('checks a chosen mapping: required fields, no column twice, existing columns', () => {
    expect(checkMapping({ codiceFiscale: 0, familyName: 1, givenName: 2, email: 3, hireDate: 4 }, 5)).toEqual([]);
    expect(checkMapping({ codiceFiscale: 0, familyName: 1, givenName: 1, email: 3 }, 5)).toEqual([
      { field: 'givenName', code: 'columnTwice' },
      { field: 'hireDate', code: 'missingColumn' },
    ]);
    expect(checkMapping({ codiceFiscale: 0, familyName: 1, givenName: 2, email: 3, hireDate: 9 }, 5)).toEqual([{ field: 'hireDate', code: 'noSuchColumn' }]);
  });
});

describe('values', () => {
  it('reads Italian and ISO dates and refuses impossible ones', () => {
    expect(parseRosterDate('03/02/2024')).toBe('2024-02-03');
    expect(parseRosterDate('3/2/2024')).toBe('2024-02-03');
    expect(parseRosterDate('03-02-2024')).toBe('2024-02-03');
    expect(parseRosterDate('03.02.2024')).toBe('2024-02-03');
    expect(parseRosterDate('2024-02-03')).toBe('2024-02-03');
    expect(parseRosterDate('2024-02-03T00:00:00.000Z')).toBe('2024-02-03');
    expect(parseRosterDate('29/02/2024')).toBe('2024-02-29');
    expect(parseRosterDate('29/02/2023')).toBeNull();
    expect(parseRosterDate('31/04/2024')).toBeNull();
    expect(parseRosterDate('03/02/24')).toBeNull();
    expect(parseRosterDate('2024/02/03')).toBeNull();
    expect(parseRosterDate('domani')).toBeNull();
  });

  it('spots text read in the wrong encoding', () => {
    expect(looksMisencoded('Nicol\uFFFD')).toBe(true);
    expect(looksMisencoded('NicolÃ²')).toBe(true);
    expect(looksMisencoded('Nicolò')).toBe(false);
    expect(looksMisencoded("D'Alessandro")).toBe(false);
  });
});

describe('synthetic codici fiscali', () => {
  it('pass the identifiers validator, omocodes included', () => {
    for (let i = 0; i < 500; i++) {
      expect(validateCodiceFiscalePersona(syntheticCodiceFiscale(i)).ok, syntheticCodiceFiscale(i)).toBe(true);
      expect(validateCodiceFiscalePersona(syntheticCodiceFiscale(i, { omocode: true })).ok).toBe(true);
    }
    // The example of the Agenzia delle Entrate: RSSMRA85T10A562S.
    expect(codiceFiscaleCheckChar('RSSMRA85T10A562')).toBe('S');
  });
});

describe('validateRow', () => {
  it('turns a good row into an employee', () => {
    const result = validateRow(row(1, { Email: ' Marco.Bonetti.1@Dipendenti.Example.IT ', Categoria: ' Impiegati ' }), 2, ctx);
    expect(result).toEqual({
      ok: true,
      employee: expect.objectContaining({
        codiceFiscale: syntheticCodiceFiscale(1),
        email: 'marco.bonetti.1@dipendenti.example.it',
        siteId: SITE_ID,
        category: 'impiegati',
        terminationDate: null,
      }),
    });
  });

  it('accepts a site by its code, case- and accent-insensitively, and an omocode codice fiscale', () => {
    const result = validateRow(row(2, { Sede: 'ALB01', 'Codice fiscale': syntheticCodiceFiscale(2, { omocode: true }).toLowerCase() }), 2, ctx);
    expect(result.ok).toBe(true);
  });

  it('reports every problem of a row with its row number and column', () => {
    const cf = syntheticCodiceFiscale(3);
    const wrongCheck = cf.slice(0, 15) + (cf[15] === 'A' ? 'B' : 'A');
    const result = validateRow(
      row(3, {
        'Codice fiscale': wrongCheck,
        Email: 'non-una-mail',
        'Data assunzione': '31/02/2020',
        Sede: 'Bergamo',
        'Figli a carico': 'due',
      }),
      7,
      ctx,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => [e.row, e.column, e.code])).toEqual([
      [7, 'Codice fiscale', 'cfCheckDigit'],
      [7, 'Email', 'email'],
      [7, 'Data assunzione', 'date'],
      [7, 'Sede', 'unknownSite'],
      [7, 'Figli a carico', 'count'],
    ]);
  });

  it('refuses a termination before the hire date, missing required values and garbled text', () => {
    const before = validateRow(row(4, { 'Data assunzione': '01/03/2020', 'Data cessazione': '28/02/2020' }), 3, ctx);
    expect(before).toMatchObject({ ok: false, errors: [{ code: 'terminationBeforeHire', field: 'terminationDate' }] });
    const missing = validateRow(row(5, { Cognome: '  ', 'Data assunzione': '' }), 4, ctx);
    expect(missing).toMatchObject({ ok: false, errors: [{ code: 'required', field: 'familyName' }, { code: 'required', field: 'hireDate' }] });
    const garbled = validateRow(row(6, { Nome: 'Nicol\uFFFD' }), 5, ctx);
    expect(garbled).toMatchObject({ ok: false, errors: [{ code: 'encoding', field: 'givenName', column: 'Nome' }] });
  });
});

describe('analyseRoster', () => {
  const rows = (indexes: number[], changes: Record<number, Partial<Record<string, string>>> = {}) =>
    indexes.map((i, n) => ({ number: n + 2, cells: row(i, changes[i]) }));

  it('counts new rows and finds duplicates inside the file', () => {
    const file = [...rows([1, 2, 3]), { number: 5, cells: row(1) }, { number: 6, cells: row(9, { Email: syntheticEmployee(2).email }) }];
    const analysis = analyseRoster(file, ctx, emptyState);
    expect(analysis.counts).toEqual({ total: 5, new: 3, updated: 0, unchanged: 0, leavers: 0, errors: 2 });
    expect(analysis.errors).toEqual([
      expect.objectContaining({ row: 5, code: 'duplicateInFile', field: 'codiceFiscale', firstRow: 2 }),
      expect.objectContaining({ row: 6, code: 'duplicateEmailInFile', field: 'email', firstRow: 3 }),
    ]);
  });

  it('compares with the roster: unchanged, updated, leavers, and an e-mail of someone else of the company', () => {
    const existing = (i: number, override: Partial<ExistingEmployee> = {}): ExistingEmployee => {
      const result = validateRow(row(i), 2, ctx);
      if (!result.ok) throw new Error('bad fixture');
      return { ...result.employee, membershipId: `m-${i}`, ...override };
    };
    const state: RosterState = {
      byCodiceFiscale: new Map([
        [syntheticCodiceFiscale(1), existing(1)],
        [syntheticCodiceFiscale(2), existing(2, { category: 'operai' })],
        [syntheticCodiceFiscale(3), existing(3)],
        [syntheticCodiceFiscale(4), existing(4)],
      ]),
      memberEmails: new Map([['gia.presente@example.it', null]]),
    };
    const analysis = analyseRoster(
      rows([1, 2, 3, 5, 6, 7], {
        3: { 'Data cessazione': '31/12/2026' },
        6: { Email: syntheticEmployee(4).email },
        7: { Email: 'gia.presente@example.it' },
      }),
      ctx,
      state,
    );
    expect(analysis.counts).toEqual({ total: 6, new: 2, updated: 2, unchanged: 1, leavers: 1, errors: 1 });
    expect(analysis.errors).toEqual([expect.objectContaining({ row: 6, code: 'duplicateInCompany', field: 'email' })]);
    expect(analysis.changes.find((c) => c.kind === 'updated' && c.leaver)).toMatchObject({ membershipId: 'm-3', changed: ['terminationDate'] });
    // The e-mail of an employee's login without a roster record: the new row takes it over.
    expect(analysis.changes.find((c) => c.employee.email === 'gia.presente@example.it')).toMatchObject({ kind: 'new' });
  });

  it('finds nothing to change when the same file comes again', () => {
    const first = analyseRoster(rows([1, 2]), ctx, emptyState);
    const state: RosterState = {
      byCodiceFiscale: new Map(first.changes.map((c, i) => [c.employee.codiceFiscale, { ...c.employee, membershipId: `m${i}` }])),
      memberEmails: new Map(first.changes.map((c) => [c.employee.email, c.employee.codiceFiscale])),
    };
    expect(analyseRoster(rows([1, 2]), ctx, state).counts).toEqual({ total: 2, new: 0, updated: 0, unchanged: 2, leavers: 0, errors: 0 });
  });

  it('caps stored errors and orders them by row', () => {
    const many = Array.from({ length: MAX_STORED_ERRORS + 5 }, (_, i) => ({ row: MAX_STORED_ERRORS + 5 - i, column: null, field: null, code: 'file' as const }));
    const capped = capErrors(many);
    expect(capped).toHaveLength(MAX_STORED_ERRORS);
    expect(capped[0]!.row).toBe(1);
  });

  it('computes a bounded percentage', () => {
    expect(percent(0, 0)).toBe(100);
    expect(percent(1, 3)).toBe(33);
    expect(percent(5, 3)).toBe(100);
  });
});
