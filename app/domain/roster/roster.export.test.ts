import { describe, expect, it } from 'vitest';
import { autoMapping } from './roster.fns';
import { employeesCsv, employeesXlsx, euroText, italianDate, type ExportRow } from './roster.export';
import { parseRosterFile } from './roster.parse';

const row: ExportRow = {
  codiceFiscale: 'BNTNCL80A01A794X',
  familyName: 'Bonetti',
  givenName: 'Nicolò',
  email: 'nicolo@esempio.it',
  hireDate: '2015-02-01',
  terminationDate: null,
  site: 'Albino',
  category: 'impiegati',
  children: 2,
  dependents: 0,
  membershipStatus: 'INVITED',
  balanceCents: 123450,
};

describe('export', () => {
  it('formats dates and euro the Italian way', () => {
    expect(italianDate('2015-02-01')).toBe('01/02/2015');
    expect(italianDate(null)).toBe('');
    expect(euroText(123450)).toBe('1234,50');
    expect(euroText(5)).toBe('0,05');
    expect(euroText(null)).toBe('');
  });

  it('writes a CSV with BOM and ";" that the import reads back with the same headers', async () => {
    const bytes = employeesCsv([row, { ...row, familyName: '=HYPERLINK("x")' }], true);
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = Buffer.from(bytes.slice(3)).toString('utf8');
    expect(text.split('\r\n')[1]).toBe('BNTNCL80A01A794X;Bonetti;Nicolò;nicolo@esempio.it;01/02/2015;;Albino;impiegati;2;0;invitato;1234,50');
    expect(text).toContain(`;"'=HYPERLINK(""x"")";`);
    const parsed = await parseRosterFile(bytes);
    if (!parsed.ok) throw new Error(parsed.problem);
    expect(autoMapping(parsed.roster.headers).needsMappingStep).toBe(false);
  });

  it('writes an XLSX with real dates that the import reads back', async () => {
    const parsed = await parseRosterFile(await employeesXlsx([row], false));
    if (!parsed.ok) throw new Error(parsed.problem);
    expect(parsed.roster.headers).toHaveLength(11);
    expect(parsed.roster.rows[0]!.cells.slice(0, 6)).toEqual(['BNTNCL80A01A794X', 'Bonetti', 'Nicolò', 'nicolo@esempio.it', '2015-02-01', '']);
  });
});
