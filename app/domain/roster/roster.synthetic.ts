// Generated employees for tests, the benchmark and demo data: made-up names, e-mails on a reserved
// domain and codici fiscali that pass every check (shape, birth date, check character), fast
// enough for 50,000 rows. Never real people.

const ODD_VALUES: Record<string, number> = {
  '0': 1, '1': 0, '2': 5, '3': 7, '4': 9, '5': 13, '6': 15, '7': 17, '8': 19, '9': 21,
  A: 1, B: 0, C: 5, D: 7, E: 9, F: 13, G: 15, H: 17, I: 19, J: 21, K: 2, L: 4, M: 18,
  N: 20, O: 11, P: 3, Q: 6, R: 8, S: 12, T: 14, U: 16, V: 10, W: 22, X: 25, Y: 24, Z: 23,
};

function evenValue(c: string): number {
  const code = c.charCodeAt(0);
  return code >= 48 && code <= 57 ? code - 48 : code - 65;
}

/** The check character of the first 15 characters of a codice fiscale (DM 23/12/1976). */
export function codiceFiscaleCheckChar(first15: string): string {
  let sum = 0;
  for (let i = 0; i < 15; i++) {
    const c = first15.charAt(i);
    // Positions 1, 3, 5… (1-based) use the "odd" table.
    sum += i % 2 === 0 ? (ODD_VALUES[c] ?? 0) : evenValue(c);
  }
  return String.fromCharCode(65 + (sum % 26));
}

const MONTHS = 'ABCDEHLMPRST';
/** Belfiore codes of municipalities of the province of Bergamo (Albino, Bergamo, Nembro, Lovere, Trescore). */
const BIRTHPLACES = ['A163', 'A794', 'F864', 'E704', 'L388'];
const OMOCODIA = 'LMNPQRSTUV';

const GIVEN = ['Giulia', 'Marco', 'Sara', 'Luca', 'Chiara', 'Matteo', 'Elena', 'Davide', 'Francesca', 'Andrea', 'Anna', 'Stefano', 'Martina', 'Paolo', 'Silvia', 'Nicolò', 'Beatrice', 'Simone', 'Federica', 'Lorenzo'];
const FAMILY = ['Bonetti', 'Rota', 'Carrara', 'Locatelli', 'Pesenti', 'Ghilardi', 'Zanchi', 'Cortinovis', 'Bergamelli', 'Signori', 'Noris', 'Testa', 'Moretti', 'Perani', 'Gritti', 'Belotti', 'Previtali', 'Cattaneo', 'Sonzogni', 'Mazzoleni'];
const CATEGORIES = ['impiegati', 'operai', 'quadri'];

export interface SyntheticEmployee {
  codiceFiscale: string;
  givenName: string;
  familyName: string;
  email: string;
  /** dd/mm/yyyy, as payroll files write it. */
  hireDate: string;
  terminationDate: string;
  category: string;
  children: number;
  dependents: number;
}

function letters(n: number, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    out = String.fromCharCode(65 + (n % 26)) + out;
    n = Math.floor(n / 26);
  }
  return out;
}

/**
 * A valid codice fiscale unique per `index` (up to 26^6): six letters carry the index, the rest
 * is a plausible birth date and place. With `omocode`, the last three digits become omocodia
 * letters (as the Agenzia delle Entrate assigns to a second person with the same code).
 */
export function syntheticCodiceFiscale(index: number, options: { omocode?: boolean } = {}): string {
  const year = String(60 + (index % 40)).padStart(2, '0');
  const month = MONTHS.charAt(index % 12);
  const day = 1 + (index % 28) + (index % 2 === 0 ? 0 : 40);
  let place = BIRTHPLACES[index % BIRTHPLACES.length]!;
  if (options.omocode) place = place.charAt(0) + [...place.slice(1)].map((d) => OMOCODIA.charAt(Number(d))).join('');
  const first15 = `${letters(index, 6)}${year}${month}${String(day).padStart(2, '0')}${place}`;
  return first15 + codiceFiscaleCheckChar(first15);
}

function ddmmyyyy(year: number, month: number, day: number): string {
  return `${String(day).padStart(2, '0')}/${String(month).padStart(2, '0')}/${year}`;
}

export function syntheticEmployee(index: number, options: { domain?: string } = {}): SyntheticEmployee {
  const givenName = GIVEN[index % GIVEN.length]!;
  const familyName = FAMILY[Math.floor(index / GIVEN.length) % FAMILY.length]!;
  const email = `${givenName.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '')}.${familyName.toLowerCase()}.${index}@${options.domain ?? 'dipendenti.example.it'}`;
  return {
    codiceFiscale: syntheticCodiceFiscale(index),
    givenName,
    familyName,
    email,
    hireDate: ddmmyyyy(2005 + (index % 19), 1 + (index % 12), 1 + (index % 28)),
    terminationDate: '',
    category: CATEGORIES[index % CATEGORIES.length]!,
    children: index % 4,
    dependents: index % 7 === 0 ? 1 : 0,
  };
}

export const SYNTHETIC_HEADERS = ['Codice fiscale', 'Cognome', 'Nome', 'Email', 'Data assunzione', 'Data cessazione', 'Sede', 'Categoria', 'Figli a carico', 'Familiari a carico'];

export function syntheticRow(e: SyntheticEmployee, site = ''): string[] {
  return [e.codiceFiscale, e.familyName, e.givenName, e.email, e.hireDate, e.terminationDate, site, e.category, String(e.children), String(e.dependents)];
}

function csvCell(value: string, delimiter: string): string {
  return value.includes(delimiter) || value.includes('"') || /[\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Rows as CSV text (CRLF line ends, as Windows software writes them). */
export function toCsv(rows: ReadonlyArray<readonly string[]>, delimiter = ';'): string {
  return rows.map((r) => r.map((c) => csvCell(c, delimiter)).join(delimiter)).join('\r\n') + '\r\n';
}
