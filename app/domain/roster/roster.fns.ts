import { z } from 'zod';
import { normalizeCodiceFiscale, validateCodiceFiscalePersona } from '~/domain/identifiers/identifiers.fns';

// The roster rules without I/O: which column is which (Italian payroll headers, case- and
// accent-insensitive, with synonyms), what a valid row is, and what a file would change in the
// company's roster (new, updated, unchanged, leavers, errors). roster.server.ts reads the
// company's current roster, calls these, and writes the outcome in one transaction.

export const ROSTER_FIELDS = [
  'codiceFiscale',
  'familyName',
  'givenName',
  'email',
  'hireDate',
  'terminationDate',
  'site',
  'category',
  'children',
  'dependents',
] as const;
export type RosterField = (typeof ROSTER_FIELDS)[number];

export const REQUIRED_FIELDS: readonly RosterField[] = ['codiceFiscale', 'familyName', 'givenName', 'email', 'hireDate'];

/** Field → 0-based column index in the file. */
export type RosterMapping = Partial<Record<RosterField, number>>;

export const MAX_ROSTER_ROWS = 100_000;
/** Row-level problems kept on an import (the count is always exact). */
export const MAX_STORED_ERRORS = 1000;
export const MAX_COUNT = 30;
export const MAX_NAME_LENGTH = 100;
export const MAX_CATEGORY_LENGTH = 50;

export function isRosterField(value: unknown): value is RosterField {
  return typeof value === 'string' && (ROSTER_FIELDS as readonly string[]).includes(value);
}

/** Lower case, no accents, punctuation as single spaces: "Data di Assunzione " → "data di assunzione". */
export function normalizeHeader(value: string): string {
  return value
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

// Headers as Italian payroll software (Zucchetti, TeamSystem, INAZ, Paghe Web, Excel by hand)
// writes them, already normalised. English ones for files prepared by international groups.
const SYNONYMS: Record<RosterField, readonly string[]> = {
  codiceFiscale: ['codice fiscale', 'codicefiscale', 'cod fiscale', 'cod fisc', 'cf', 'c f', 'cod f', 'codice fiscale dipendente', 'tax code', 'fiscal code'],
  familyName: ['cognome', 'cognome dipendente', 'surname', 'last name', 'family name', 'lastname'],
  givenName: ['nome', 'nome dipendente', 'name', 'first name', 'given name', 'firstname'],
  email: ['email', 'e mail', 'mail', 'indirizzo email', 'indirizzo e mail', 'posta elettronica', 'email aziendale', 'e mail aziendale', 'email personale', 'e mail personale'],
  hireDate: ['data assunzione', 'data di assunzione', 'assunzione', 'data inizio rapporto', 'inizio rapporto', 'data assunz', 'dt assunzione', 'hire date', 'hiring date', 'start date'],
  terminationDate: ['data cessazione', 'data di cessazione', 'cessazione', 'data fine rapporto', 'fine rapporto', 'data cessaz', 'dt cessazione', 'data dimissioni', 'termination date', 'end date'],
  site: ['sede', 'sede di lavoro', 'sede lavoro', 'unita produttiva', 'unita locale', 'stabilimento', 'filiale', 'site', 'location', 'codice sede', 'cod sede'],
  category: ['categoria', 'categoria dipendente', 'qualifica', 'inquadramento', 'category', 'employee category'],
  children: ['figli a carico', 'n figli a carico', 'numero figli a carico', 'nr figli a carico', 'figli', 'numero figli', 'n figli', 'children'],
  dependents: [
    'familiari a carico',
    'altri familiari a carico',
    'n familiari a carico',
    'numero familiari a carico',
    'nr familiari a carico',
    'familiari',
    'anziani o disabili a carico',
    'familiari anziani o disabili a carico',
    'dependents',
  ],
};

const FIELD_BY_HEADER = new Map<string, RosterField>();
for (const field of ROSTER_FIELDS) for (const synonym of SYNONYMS[field]) FIELD_BY_HEADER.set(synonym, field);

/** The field a header names, or null. */
export function fieldForHeader(header: string): RosterField | null {
  return FIELD_BY_HEADER.get(normalizeHeader(header)) ?? null;
}

export interface AutoMapping {
  mapping: RosterMapping;
  /** Fields that more than one column could be (each candidate column listed). */
  ambiguous: Partial<Record<RosterField, number[]>>;
  /** Required fields no header names. */
  missing: RosterField[];
  /** Columns the import will not read. */
  ignored: number[];
  /** True when a person must choose the columns before the dry run. */
  needsMappingStep: boolean;
}

export function autoMapping(headers: readonly string[]): AutoMapping {
  const candidates = new Map<RosterField, number[]>();
  const ignored: number[] = [];
  headers.forEach((header, index) => {
    const field = fieldForHeader(header);
    if (!field) {
      ignored.push(index);
      return;
    }
    candidates.set(field, [...(candidates.get(field) ?? []), index]);
  });
  const mapping: RosterMapping = {};
  const ambiguous: Partial<Record<RosterField, number[]>> = {};
  for (const [field, columns] of candidates) {
    if (columns.length === 1) mapping[field] = columns[0];
    else ambiguous[field] = columns;
  }
  const missing = REQUIRED_FIELDS.filter((f) => mapping[f] === undefined && ambiguous[f] === undefined);
  return { mapping, ambiguous, missing, ignored, needsMappingStep: missing.length > 0 || Object.keys(ambiguous).length > 0 };
}

export type MappingProblem = { field: RosterField; code: 'missingColumn' | 'columnTwice' | 'noSuchColumn' };

/** A mapping chosen by a person (or the API): every required field, no column twice, columns that exist. */
export function checkMapping(mapping: RosterMapping, columnCount: number): MappingProblem[] {
  const problems: MappingProblem[] = [];
  const used = new Map<number, RosterField>();
  for (const field of ROSTER_FIELDS) {
    const column = mapping[field];
    if (column === undefined) {
      if (REQUIRED_FIELDS.includes(field)) problems.push({ field, code: 'missingColumn' });
      continue;
    }
    if (!Number.isInteger(column) || column < 0 || column >= columnCount) {
      problems.push({ field, code: 'noSuchColumn' });
      continue;
    }
    if (used.has(column)) problems.push({ field, code: 'columnTwice' });
    else used.set(column, field);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Values

/** "03/02/2024", "3/2/2024", "03-02-2024", "03.02.2024", "2024-02-03" (and ISO with a time) → "2024-02-03". */
export function parseRosterDate(value: string): string | null {
  const v = value.trim();
  let year: number;
  let month: number;
  let day: number;
  let m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(v);
  if (m) {
    day = Number(m[1]);
    month = Number(m[2]);
    year = Number(m[3]);
  } else {
    m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(v);
    if (!m) return null;
    year = Number(m[1]);
    month = Number(m[2]);
    day = Number(m[3]);
  }
  if (year < 1900 || year > 2100 || month < 1 || month > 12 || day < 1) return null;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1) return null;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Replacement characters, control characters and UTF-8 read as Latin-1 ("Ã¨" for "è") betray a file read in the wrong encoding. */
const MOJIBAKE = /Ã[\u0080-\u00BF]|â€/;

export function looksMisencoded(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    // Tab, line feed and carriage return are the only control characters a cell may hold.
    if (code === 0xfffd || (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || (code >= 0x7f && code <= 0x9f)) return true;
  }
  return MOJIBAKE.test(value);
}

/** Compares site names and codes the way headers are compared. */
export function siteKey(value: string): string {
  return normalizeHeader(value);
}

export function normalizeCategory(value: string): string | null {
  const v = value.trim().replace(/\s+/g, ' ').toLowerCase();
  return v === '' ? null : v;
}

const emailSchema = z.email();

export function normalizeEmail(value: string): string | null {
  const v = value.trim().toLowerCase();
  if (v.length > 254 || !emailSchema.safeParse(v).success) return null;
  return v;
}

function collapse(value: string): string {
  return value.trim().replace(/\s+/g, ' ');
}

// ---------------------------------------------------------------------------------------------
// Rows

export type RosterErrorCode =
  | 'required'
  | 'cfLength'
  | 'cfFormat'
  | 'cfCheckDigit'
  | 'cfBirthDate'
  | 'email'
  | 'date'
  | 'terminationBeforeHire'
  | 'count'
  | 'tooLong'
  | 'unknownSite'
  | 'encoding'
  | 'duplicateInFile'
  | 'duplicateEmailInFile'
  | 'duplicateInCompany'
  | 'missingColumn'
  | 'columnTwice'
  | 'noSuchColumn'
  | 'file';

export interface RosterRowError {
  /** Row number in the file (the header is row 1); 1 for problems of the file's columns. */
  row: number;
  /** The column's header as written in the file, when the problem is in one column. */
  column: string | null;
  field: RosterField | null;
  code: RosterErrorCode;
  /** What the cell held (shortened), when it helps to find it. */
  value?: string;
  /** For duplicates: the row where the value first appeared. */
  firstRow?: number;
}

export interface RosterEmployee {
  codiceFiscale: string;
  givenName: string;
  familyName: string;
  email: string;
  /** YYYY-MM-DD */
  hireDate: string;
  terminationDate: string | null;
  siteId: string | null;
  category: string | null;
  childrenCount: number;
  dependentsCount: number;
}

export interface RowContext {
  headers: readonly string[];
  mapping: RosterMapping;
  /** siteKey(name) and siteKey(code) → site id. */
  sites: ReadonlyMap<string, string>;
}

const CF_REASON: Record<string, RosterErrorCode> = {
  empty: 'required',
  length: 'cfLength',
  format: 'cfFormat',
  check_digit: 'cfCheckDigit',
  birth_date: 'cfBirthDate',
};

function shorten(value: string): string {
  return value.length > 60 ? `${value.slice(0, 57)}…` : value;
}

export type RowResult = { ok: true; employee: RosterEmployee } | { ok: false; errors: RosterRowError[] };

/** Validates one data row. Every problem of the row is reported, not only the first. */
export function validateRow(cells: readonly string[], rowNumber: number, ctx: RowContext): RowResult {
  const errors: RosterRowError[] = [];
  const cell = (field: RosterField): string => {
    const index = ctx.mapping[field];
    return index === undefined ? '' : (cells[index] ?? '');
  };
  const fail = (field: RosterField, code: RosterErrorCode, value?: string) => {
    const index = ctx.mapping[field];
    errors.push({
      row: rowNumber,
      column: index === undefined ? null : (ctx.headers[index] ?? null),
      field,
      code,
      ...(value !== undefined && value !== '' ? { value: shorten(value) } : {}),
    });
  };

  // A value read in the wrong encoding is reported as such, whatever else is wrong with it.
  const garbled = new Set<RosterField>();
  for (const field of ROSTER_FIELDS) {
    const raw = cell(field);
    if (raw !== '' && looksMisencoded(raw)) {
      garbled.add(field);
      fail(field, 'encoding', raw);
    }
  }

  const rawCf = cell('codiceFiscale');
  const cf = validateCodiceFiscalePersona(rawCf);
  if (!garbled.has('codiceFiscale') && !cf.ok) fail('codiceFiscale', CF_REASON[cf.reason] ?? 'cfFormat', rawCf);

  const name = (field: 'givenName' | 'familyName'): string => {
    const v = collapse(cell(field));
    if (garbled.has(field)) return v;
    if (v === '') fail(field, 'required');
    else if (v.length > MAX_NAME_LENGTH) fail(field, 'tooLong', v);
    return v;
  };
  const familyName = name('familyName');
  const givenName = name('givenName');

  const rawEmail = cell('email');
  const email = normalizeEmail(rawEmail);
  if (!garbled.has('email')) {
    if (rawEmail.trim() === '') fail('email', 'required');
    else if (!email) fail('email', 'email', rawEmail);
  }

  const date = (field: 'hireDate' | 'terminationDate', required: boolean): string | null => {
    const raw = cell(field).trim();
    if (garbled.has(field)) return null;
    if (raw === '') {
      if (required) fail(field, 'required');
      return null;
    }
    const parsed = parseRosterDate(raw);
    if (!parsed) fail(field, 'date', raw);
    return parsed;
  };
  const hireDate = date('hireDate', true);
  const terminationDate = date('terminationDate', false);
  if (hireDate && terminationDate && terminationDate < hireDate) fail('terminationDate', 'terminationBeforeHire', cell('terminationDate').trim());

  let siteId: string | null = null;
  const rawSite = collapse(cell('site'));
  if (rawSite !== '' && !garbled.has('site')) {
    siteId = ctx.sites.get(siteKey(rawSite)) ?? null;
    if (!siteId) fail('site', 'unknownSite', rawSite);
  }

  const rawCategory = cell('category');
  const category = normalizeCategory(rawCategory);
  if (category && category.length > MAX_CATEGORY_LENGTH && !garbled.has('category')) fail('category', 'tooLong', rawCategory);

  const count = (field: 'children' | 'dependents'): number => {
    const raw = cell(field).trim();
    if (raw === '' || garbled.has(field)) return 0;
    const n = /^\d{1,2}$/.test(raw) ? Number(raw) : /^\d{1,2}[.,]0+$/.test(raw) ? Number(raw.split(/[.,]/)[0]) : NaN;
    if (!Number.isInteger(n) || n < 0 || n > MAX_COUNT) {
      fail(field, 'count', raw);
      return 0;
    }
    return n;
  };
  const childrenCount = count('children');
  const dependentsCount = count('dependents');

  if (errors.length > 0 || !cf.ok || !email || !hireDate) return { ok: false, errors };
  return {
    ok: true,
    employee: {
      codiceFiscale: cf.value,
      givenName,
      familyName,
      email,
      hireDate,
      terminationDate,
      siteId,
      category,
      childrenCount,
      dependentsCount,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// What a file changes

export interface ExistingEmployee extends RosterEmployee {
  membershipId: string;
}

export interface RosterState {
  /** The company's roster, by codice fiscale. */
  byCodiceFiscale: ReadonlyMap<string, ExistingEmployee>;
  /**
   * Login e-mails of the company's EMPLOYEE memberships → the codice fiscale of their roster
   * record (null: a membership without one, which a new row with that e-mail takes over).
   */
  memberEmails: ReadonlyMap<string, string | null>;
}

export type RowChange =
  | { kind: 'new'; row: number; employee: RosterEmployee; leaver: boolean }
  | { kind: 'updated'; row: number; employee: RosterEmployee; membershipId: string; leaver: boolean; changed: Array<keyof RosterEmployee> }
  | { kind: 'unchanged'; row: number; employee: RosterEmployee; membershipId: string };

export interface RosterCounts {
  total: number;
  new: number;
  updated: number;
  unchanged: number;
  /** Rows that set or change a termination date (also counted as new or updated). */
  leavers: number;
  /** Rows with at least one problem. */
  errors: number;
}

export interface RosterAnalysis {
  counts: RosterCounts;
  changes: RowChange[];
  errors: RosterRowError[];
}

const COMPARED: Array<keyof RosterEmployee> = [
  'givenName',
  'familyName',
  'email',
  'hireDate',
  'terminationDate',
  'siteId',
  'category',
  'childrenCount',
  'dependentsCount',
];

export function emptyCounts(): RosterCounts {
  return { total: 0, new: 0, updated: 0, unchanged: 0, leavers: 0, errors: 0 };
}

/**
 * Validates every row and compares the valid ones with the company's roster. Employees missing
 * from the file are left as they are (a file may list one site only): leaving is said with a
 * termination date.
 */
export function analyseRoster(
  rows: ReadonlyArray<{ number: number; cells: readonly string[] }>,
  ctx: RowContext,
  state: RosterState,
): RosterAnalysis {
  const counts = emptyCounts();
  const changes: RowChange[] = [];
  const errors: RosterRowError[] = [];
  const cfRows = new Map<string, number>();
  const emailRows = new Map<string, { row: number; cf: string }>();
  const columnOf = (field: RosterField) => {
    const index = ctx.mapping[field];
    return index === undefined ? null : (ctx.headers[index] ?? null);
  };

  for (const { number, cells } of rows) {
    counts.total++;
    const result = validateRow(cells, number, ctx);
    if (!result.ok) {
      counts.errors++;
      errors.push(...result.errors);
      // Duplicates are still noticed among rows with other problems.
      const rawCf = normalizeCodiceFiscale(ctx.mapping.codiceFiscale === undefined ? '' : (cells[ctx.mapping.codiceFiscale] ?? ''));
      if (rawCf && !cfRows.has(rawCf)) cfRows.set(rawCf, number);
      continue;
    }
    const e = result.employee;
    const rowErrors: RosterRowError[] = [];
    const firstCfRow = cfRows.get(e.codiceFiscale);
    if (firstCfRow !== undefined) {
      rowErrors.push({ row: number, column: columnOf('codiceFiscale'), field: 'codiceFiscale', code: 'duplicateInFile', value: e.codiceFiscale, firstRow: firstCfRow });
    } else {
      cfRows.set(e.codiceFiscale, number);
    }
    const firstEmail = emailRows.get(e.email);
    if (firstEmail && firstEmail.cf !== e.codiceFiscale) {
      rowErrors.push({ row: number, column: columnOf('email'), field: 'email', code: 'duplicateEmailInFile', value: e.email, firstRow: firstEmail.row });
    } else if (!firstEmail) {
      emailRows.set(e.email, { row: number, cf: e.codiceFiscale });
    }

    const existing = state.byCodiceFiscale.get(e.codiceFiscale);
    // The e-mail names someone else of the company: another roster record, or the login of an
    // employee whose record has another codice fiscale.
    const loginHolder = state.memberEmails.get(e.email);
    const recordHolder = findRecordByEmail(state, e.email);
    if ((recordHolder !== undefined && recordHolder !== e.codiceFiscale) || (typeof loginHolder === 'string' && loginHolder !== e.codiceFiscale)) {
      rowErrors.push({ row: number, column: columnOf('email'), field: 'email', code: 'duplicateInCompany', value: e.email });
    }
    if (rowErrors.length > 0) {
      counts.errors++;
      errors.push(...rowErrors);
      continue;
    }

    if (!existing) {
      const leaver = e.terminationDate !== null;
      counts.new++;
      if (leaver) counts.leavers++;
      changes.push({ kind: 'new', row: number, employee: e, leaver });
      continue;
    }
    const changed = COMPARED.filter((key) => existing[key] !== e[key]);
    if (changed.length === 0) {
      counts.unchanged++;
      changes.push({ kind: 'unchanged', row: number, employee: e, membershipId: existing.membershipId });
      continue;
    }
    const leaver = e.terminationDate !== null && e.terminationDate !== existing.terminationDate;
    counts.updated++;
    if (leaver) counts.leavers++;
    changes.push({ kind: 'updated', row: number, employee: e, membershipId: existing.membershipId, leaver, changed });
  }
  return { counts, changes, errors };
}

// Built lazily per state: roster e-mail → codice fiscale.
const emailIndexes = new WeakMap<RosterState, Map<string, string>>();
function findRecordByEmail(state: RosterState, email: string): string | undefined {
  let index = emailIndexes.get(state);
  if (!index) {
    index = new Map();
    for (const employee of state.byCodiceFiscale.values()) index.set(employee.email, employee.codiceFiscale);
    emailIndexes.set(state, index);
  }
  return index.get(email);
}

/** Mapping problems as the errors of row 1 (the header), so a dry run lists them like the rest. */
export function mappingErrors(problems: readonly MappingProblem[], headers: readonly string[], mapping: RosterMapping): RosterRowError[] {
  return problems.map((p) => {
    const index = mapping[p.field];
    return { row: 1, column: index === undefined ? null : (headers[index] ?? null), field: p.field, code: p.code };
  });
}

/** Errors in file order (row, then column order of the fields), capped for storage. */
export function capErrors(errors: readonly RosterRowError[]): RosterRowError[] {
  return [...errors].sort((a, b) => a.row - b.row).slice(0, MAX_STORED_ERRORS);
}

/** 0–100 for a progress bar. */
export function percent(done: number, total: number): number {
  if (total <= 0) return 100;
  return Math.max(0, Math.min(100, Math.floor((done / total) * 100)));
}
