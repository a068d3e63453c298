import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { MAX_ROSTER_ROWS } from './roster.fns';

// Reading a roster file as Italian payroll software writes it, into a header and rows of text:
// CSV separated by ";" (the Italian Excel default), "," or tab, in UTF-8 with or without BOM,
// UTF-16 with BOM (Excel's "Testo Unicode") or Windows-1252; or an XLSX workbook (first sheet).
// No I/O: bytes in, cells out.

export type RosterFormat = 'csv' | 'xlsx';
export type RosterEncoding = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be' | 'windows-1252';
export type RosterFileProblem = 'empty' | 'legacyXls' | 'unreadableXlsx' | 'unreadableCsv' | 'binary' | 'noHeader' | 'tooManyRows';

export interface ParsedRoster {
  format: RosterFormat;
  encoding: RosterEncoding | null;
  delimiter: ';' | ',' | '\t' | null;
  headers: string[];
  /** Data rows with their row number in the file (the header is row 1 of its sheet). */
  rows: Array<{ number: number; cells: string[] }>;
}

export type ParseResult = { ok: true; roster: ParsedRoster } | { ok: false; problem: RosterFileProblem };

const XLSX_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  return magic.every((b, i) => bytes[i] === b);
}

export function detectFormat(bytes: Uint8Array): RosterFormat | 'legacyXls' {
  if (startsWith(bytes, XLSX_MAGIC)) return 'xlsx';
  if (startsWith(bytes, OLE_MAGIC)) return 'legacyXls';
  return 'csv';
}

/**
 * Text of a CSV file. A BOM decides; otherwise valid UTF-8 is UTF-8 (plain ASCII too), and
 * anything else is read as Windows-1252, what Italian Windows payroll software writes.
 */
export function decodeRosterText(bytes: Uint8Array): { text: string; encoding: RosterEncoding } | null {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(3));
    return { text, encoding: 'utf-8-bom' };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf-16le' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), encoding: 'utf-16be' };
  // NUL bytes do not belong in a text file of either 8-bit encoding.
  if (bytes.subarray(0, 8192).includes(0)) return null;
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), 'win1252'), encoding: 'windows-1252' };
  }
}

/** The separator of the header line: the most frequent of ; , and tab outside quotes (";" on a tie). */
export function sniffDelimiter(text: string): ';' | ',' | '\t' {
  const counts = { ';': 0, ',': 0, '\t': 0 };
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) {
      if (counts[';'] + counts[','] + counts['\t'] > 0) break;
    } else if (!quoted && (c === ';' || c === ',' || c === '\t')) counts[c]++;
  }
  if (counts['\t'] > counts[';'] && counts['\t'] > counts[',']) return '\t';
  return counts[','] > counts[';'] ? ',' : ';';
}

function isBlankRow(cells: readonly string[]): boolean {
  return cells.every((c) => c.trim() === '');
}

function splitHeader(records: Array<{ number: number; cells: string[] }>): { headers: string[]; rows: Array<{ number: number; cells: string[] }> } | null {
  const firstIndex = records.findIndex((r) => !isBlankRow(r.cells));
  if (firstIndex < 0) return null;
  const headers = records[firstIndex]!.cells.map((h) => h.trim());
  const rows = records.slice(firstIndex + 1).filter((r) => !isBlankRow(r.cells));
  return { headers, rows };
}

export function parseRosterCsv(bytes: Uint8Array): ParseResult {
  const decoded = decodeRosterText(bytes);
  if (!decoded) return { ok: false, problem: 'binary' };
  const text = decoded.text.replace(/^\uFEFF/, '');
  if (text.trim() === '') return { ok: false, problem: 'empty' };
  const delimiter = sniffDelimiter(text);
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(text, {
      delimiter,
      info: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      bom: true,
      to: MAX_ROSTER_ROWS + 2,
    }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  } catch {
    return { ok: false, problem: 'unreadableCsv' };
  }
  const split = splitHeader(records.map((r) => ({ number: r.info.lines, cells: r.record })));
  if (!split || split.headers.every((h) => h === '')) return { ok: false, problem: 'noHeader' };
  if (split.rows.length > MAX_ROSTER_ROWS) return { ok: false, problem: 'tooManyRows' };
  return { ok: true, roster: { format: 'csv', encoding: decoded.encoding, delimiter, ...split } };
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** A cell as text: dates as YYYY-MM-DD (exceljs gives them as UTC midnight), numbers without locale. */
export function xlsxCellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return '';
    return `${value.getUTCFullYear()}-${pad(value.getUTCMonth() + 1)}-${pad(value.getUTCDate())}`;
  }
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'object') {
    if ('richText' in value && Array.isArray(value.richText)) return value.richText.map((r) => r.text).join('');
    if ('formula' in value || 'sharedFormula' in value) return xlsxCellText((value as ExcelJS.CellFormulaValue).result as ExcelJS.CellValue);
    if ('text' in value && typeof value.text === 'string') return value.text;
    if ('error' in value) return '';
  }
  return String(value);
}

export async function parseRosterXlsx(bytes: Uint8Array): Promise<ParseResult> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as ArrayBuffer);
  } catch {
    return { ok: false, problem: 'unreadableXlsx' };
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) return { ok: false, problem: 'empty' };
  if (sheet.actualRowCount > MAX_ROSTER_ROWS + 1) return { ok: false, problem: 'tooManyRows' };
  const records: Array<{ number: number; cells: string[] }> = [];
  sheet.eachRow({ includeEmpty: false }, (row) => {
    const cells: string[] = [];
    row.eachCell({ includeEmpty: true }, (cell, column) => {
      cells[column - 1] = xlsxCellText(cell.value).trim();
    });
    for (let i = 0; i < cells.length; i++) cells[i] ??= '';
    records.push({ number: row.number, cells });
  });
  if (records.length === 0) return { ok: false, problem: 'empty' };
  const split = splitHeader(records);
  if (!split || split.headers.every((h) => h === '')) return { ok: false, problem: 'noHeader' };
  if (split.rows.length > MAX_ROSTER_ROWS) return { ok: false, problem: 'tooManyRows' };
  return { ok: true, roster: { format: 'xlsx', encoding: null, delimiter: null, ...split } };
}

export async function parseRosterFile(bytes: Uint8Array): Promise<ParseResult> {
  if (bytes.byteLength === 0) return { ok: false, problem: 'empty' };
  const format = detectFormat(bytes);
  if (format === 'legacyXls') return { ok: false, problem: 'legacyXls' };
  return format === 'xlsx' ? parseRosterXlsx(bytes) : parseRosterCsv(bytes);
}
