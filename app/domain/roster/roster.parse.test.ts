import { readFileSync } from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { autoMapping, validateRow } from './roster.fns';
import { decodeRosterText, detectFormat, parseRosterFile, sniffDelimiter } from './roster.parse';

const FIXTURES = path.resolve('tests/fixtures/roster');
const fixture = (name: string) => new Uint8Array(readFileSync(path.join(FIXTURES, name)));

/** The employees a file holds, as the import would read them. */
async function employeesOf(name: string) {
  const parsed = await parseRosterFile(fixture(name));
  if (!parsed.ok) throw new Error(parsed.problem);
  const { headers, rows } = parsed.roster;
  const ctx = { headers, mapping: autoMapping(headers).mapping, sites: new Map([['albino', 'A'], ['alb01', 'A'], ['nembro', 'N']]) };
  return { roster: parsed.roster, employees: rows.map((r) => validateRow(r.cells, r.number, ctx)) };
}

describe('decoding', () => {
  it('tells UTF-8, UTF-8 with BOM, UTF-16 and Windows-1252 apart', () => {
    expect(decodeRosterText(new Uint8Array(Buffer.from('Nicolò', 'utf8')))).toEqual({ text: 'Nicolò', encoding: 'utf-8' });
    expect(decodeRosterText(new Uint8Array([0xef, 0xbb, 0xbf, ...Buffer.from('Noè', 'utf8')]))).toEqual({ text: 'Noè', encoding: 'utf-8-bom' });
    expect(decodeRosterText(new Uint8Array(iconv.encode('Mosè Carrà', 'win1252')))).toEqual({ text: 'Mosè Carrà', encoding: 'windows-1252' });
    expect(decodeRosterText(new Uint8Array([0xff, 0xfe, ...Buffer.from('Noè', 'utf16le')]))).toEqual({ text: 'Noè', encoding: 'utf-16le' });
    expect(decodeRosterText(new Uint8Array([0x41, 0x00, 0x42]))).toBeNull();
  });

  it('sniffs the separator of the header line, ignoring quoted ones', () => {
    expect(sniffDelimiter('Codice fiscale;Cognome;Nome\r\na,b;c;d')).toBe(';');
    expect(sniffDelimiter('Codice fiscale,Cognome,"Nome; secondo nome"\n')).toBe(',');
    expect(sniffDelimiter('A\tB\tC\n')).toBe('\t');
    expect(sniffDelimiter('Solo una colonna\n')).toBe(';');
  });

  it('recognises XLSX and refuses the legacy .xls', async () => {
    expect(detectFormat(fixture('dipendenti.xlsx'))).toBe('xlsx');
    expect(await parseRosterFile(new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]))).toEqual({ ok: false, problem: 'legacyXls' });
    expect(await parseRosterFile(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]))).toEqual({ ok: false, problem: 'unreadableXlsx' });
    expect(await parseRosterFile(new Uint8Array())).toEqual({ ok: false, problem: 'empty' });
    expect(await parseRosterFile(new Uint8Array(Buffer.from('\r\n\r\n')))).toEqual({ ok: false, problem: 'empty' });
  });
});

describe('the same roster in every format', () => {
  it('reads the same employees from ; UTF-8, , UTF-8 with BOM, Windows-1252 and XLSX', async () => {
    const reference = await employeesOf('dipendenti-puntoevirgola-utf8.csv');
    expect(reference.employees).toHaveLength(5);
    expect(reference.employees.every((e) => e.ok)).toBe(true);
    expect(reference.roster).toMatchObject({ format: 'csv', encoding: 'utf-8', delimiter: ';' });
    expect(reference.employees.map((e) => (e.ok ? `${e.employee.givenName} ${e.employee.familyName}` : ''))).toEqual([
      'Nicolò Bonetti',
      'Noè Carrà',
      'Chiara Rota',
      'Mosè Pesenti',
      'Anna Locatelli',
    ]);
    for (const [name, detected] of [
      ['dipendenti-virgola-utf8-bom.csv', { encoding: 'utf-8-bom', delimiter: ',' }],
      ['dipendenti-windows-1252.csv', { encoding: 'windows-1252', delimiter: ';' }],
      ['dipendenti.xlsx', { format: 'xlsx', encoding: null, delimiter: null }],
    ] as const) {
      const other = await employeesOf(name);
      expect(other.roster, name).toMatchObject(detected);
      expect(other.employees, name).toEqual(reference.employees);
      expect(other.roster.rows.map((r) => r.number), name).toEqual([2, 3, 4, 5, 6]);
    }
  });

  it('reads bytes no code page defines as garbage the row validation reports', async () => {
    const { employees } = await employeesOf('bad-codifica.csv');
    expect(employees.slice(0, 2).every((e) => e.ok)).toBe(true);
    expect(employees[2]).toMatchObject({ ok: false, errors: [{ row: 4, column: 'Nome', code: 'encoding' }] });
  });
});
