import ExcelJS from 'exceljs';
import { toCsv } from './roster.synthetic';

// The employees table as a file: CSV (";" and UTF-8 with BOM, so Italian Excel opens it with the
// accents right) or XLSX. The first ten columns are the import's headers, so an exported file can
// be corrected and imported again.

export interface ExportRow {
  codiceFiscale: string;
  familyName: string;
  givenName: string;
  email: string;
  hireDate: string;
  terminationDate: string | null;
  site: string | null;
  category: string | null;
  children: number;
  dependents: number;
  membershipStatus: string;
  balanceCents: number | null;
}

export const EXPORT_HEADERS = [
  'Codice fiscale',
  'Cognome',
  'Nome',
  'Email',
  'Data assunzione',
  'Data cessazione',
  'Sede',
  'Categoria',
  'Figli a carico',
  'Familiari a carico',
  'Stato account',
  'Saldo welfare (EUR)',
];

const STATUS_IT: Record<string, string> = { ACTIVE: 'attivo', INVITED: 'invitato', SUSPENDED: 'sospeso' };

/** "2024-02-03" → "03/02/2024". */
export function italianDate(iso: string | null): string {
  if (!iso) return '';
  const [y, m, d] = iso.split('-');
  return `${d}/${m}/${y}`;
}

/** Cents as "1234,50" (no thousands separator: spreadsheets read it as a number). */
export function euroText(cents: number | null): string {
  if (cents === null) return '';
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)},${String(abs % 100).padStart(2, '0')}`;
}

/** Cells a spreadsheet would run as a formula are prefixed with a quote (CSV injection). */
function safeCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function cells(r: ExportRow, withBalance: boolean): string[] {
  const base = [
    r.codiceFiscale,
    r.familyName,
    r.givenName,
    r.email,
    italianDate(r.hireDate),
    italianDate(r.terminationDate),
    r.site ?? '',
    r.category ?? '',
    String(r.children),
    String(r.dependents),
    STATUS_IT[r.membershipStatus] ?? r.membershipStatus,
  ].map(safeCell);
  return withBalance ? [...base, euroText(r.balanceCents)] : base;
}

export function employeesCsv(rows: readonly ExportRow[], withBalance: boolean): Uint8Array<ArrayBuffer> {
  const headers = withBalance ? EXPORT_HEADERS : EXPORT_HEADERS.slice(0, -1);
  const text = toCsv([headers, ...rows.map((r) => cells(r, withBalance))], ';');
  return Uint8Array.from(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]));
}

export async function employeesXlsx(rows: readonly ExportRow[], withBalance: boolean, sheetName = 'Dipendenti'): Promise<Uint8Array<ArrayBuffer>> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(sheetName.slice(0, 31));
  const headers = withBalance ? EXPORT_HEADERS : EXPORT_HEADERS.slice(0, -1);
  sheet.addRow(headers).font = { bold: true };
  const date = (iso: string | null) => (iso ? new Date(`${iso}T00:00:00Z`) : null);
  for (const r of rows) {
    const values: Array<string | number | Date | null> = [
      r.codiceFiscale,
      r.familyName,
      r.givenName,
      r.email,
      date(r.hireDate),
      date(r.terminationDate),
      r.site,
      r.category,
      r.children,
      r.dependents,
      STATUS_IT[r.membershipStatus] ?? r.membershipStatus,
    ];
    if (withBalance) values.push(r.balanceCents === null ? null : r.balanceCents / 100);
    sheet.addRow(values);
  }
  sheet.getColumn(5).numFmt = 'dd/mm/yyyy';
  sheet.getColumn(6).numFmt = 'dd/mm/yyyy';
  if (withBalance) sheet.getColumn(12).numFmt = '#,##0.00';
  sheet.columns.forEach((column) => {
    column.width = 18;
  });
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
  return Uint8Array.from(new Uint8Array(await workbook.xlsx.writeBuffer()));
}
