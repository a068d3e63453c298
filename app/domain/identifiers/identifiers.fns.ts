import cfModule from 'codice-fiscale-js';
import type CodiceFiscaleClass from 'codice-fiscale-js';
import { electronicFormatIBAN, validateIBAN, ValidationErrorsIBAN } from 'ibantools';

// Italian identifiers: codice fiscale (people and legal entities), partita IVA, IBAN IT.
// Pure functions, shared by forms, API, CLI, imports and demo data. Every validator normalises
// first and returns the normalised value, so callers store one canonical spelling.

// The package's CommonJS build exports { CodiceFiscale } while its typings declare a default
// export; accept both shapes so the same import works under Node, vitest and the Remix bundle.
const CodiceFiscale = ((cfModule as unknown as { CodiceFiscale?: typeof CodiceFiscaleClass }).CodiceFiscale ??
  cfModule) as typeof CodiceFiscaleClass;

export type IdentifierResult<Reason extends string, Extra = object> =
  | ({ ok: true; value: string } & Extra)
  | { ok: false; reason: Reason };

export type CodiceFiscalePersonaReason = 'empty' | 'length' | 'format' | 'check_digit' | 'birth_date';
export type PartitaIvaReason = 'empty' | 'length' | 'format' | 'check_digit' | 'office_code';
export type CodiceFiscaleReason = CodiceFiscalePersonaReason | PartitaIvaReason;
export type IbanItReason = 'empty' | 'country' | 'length' | 'format' | 'check_digits' | 'cin';

// ---------------------------------------------------------------------------------------------
// Normalisation

/** Trims, removes every space (people type "RSS MRA 45C12 F205C") and uppercases. */
export function normalizeCodiceFiscale(value: string): string {
  return value.replace(/\s+/g, '').toUpperCase();
}

/** Removes spaces and the optional "IT" country prefix of a VAT number ("IT 00743110157"). */
export function normalizePartitaIva(value: string): string {
  const compact = value.replace(/\s+/g, '').toUpperCase();
  return /^IT\d{11}$/.test(compact) ? compact.slice(2) : compact;
}

/** Electronic IBAN format: no spaces or separators, uppercase. */
export function normalizeIban(value: string): string {
  return electronicFormatIBAN(value.trim()) ?? '';
}

// ---------------------------------------------------------------------------------------------
// Partita IVA and the 11-digit codice fiscale of legal entities (same algorithm)

function luhnSum(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(i) - 48;
    // Positions 2, 4, 6… (1-based) are doubled, as in the Luhn algorithm.
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum;
}

/** Check digit for the first ten digits of a partita IVA. */
export function partitaIvaCheckDigit(firstTen: string): string {
  if (!/^\d{10}$/.test(firstTen)) throw new Error('partitaIvaCheckDigit needs exactly ten digits');
  return String((10 - (luhnSum(firstTen) % 10)) % 10);
}

/**
 * Digits 8–10 name the tax office (provincial code 001–100, or 120/121/888/999 for special
 * registrations), as python-stdnum's it.iva checks.
 */
function isValidOfficeCode(code: string): boolean {
  const n = Number(code);
  return (n >= 1 && n <= 100) || ['120', '121', '888', '999'].includes(code);
}

export function validatePartitaIva(value: string): IdentifierResult<PartitaIvaReason> {
  const v = normalizePartitaIva(value);
  if (v === '') return { ok: false, reason: 'empty' };
  if (!/^\d+$/.test(v)) return { ok: false, reason: 'format' };
  if (v.length !== 11) return { ok: false, reason: 'length' };
  if (/^0{7}/.test(v)) return { ok: false, reason: 'format' };
  if (luhnSum(v) % 10 !== 0) return { ok: false, reason: 'check_digit' };
  if (!isValidOfficeCode(v.slice(7, 10))) return { ok: false, reason: 'office_code' };
  return { ok: true, value: v };
}

// ---------------------------------------------------------------------------------------------
// Codice fiscale of a person (16 characters, omocodia allowed)

// Letters replacing digits in the numeric positions when two people would share a code.
const OMOCODIA_DIGIT: Record<string, string> = { L: '0', M: '1', N: '2', P: '3', Q: '4', R: '5', S: '6', T: '7', U: '8', V: '9' };
const NUMERIC_POSITIONS = [6, 7, 9, 10, 12, 13, 14];
const MONTH_LETTERS = 'ABCDEHLMPRST';
const PERSONA_PATTERN = /^[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$/;

function withoutOmocodia(code: string): string {
  const chars = code.split('');
  for (const pos of NUMERIC_POSITIONS) {
    const c = chars[pos];
    if (c !== undefined && OMOCODIA_DIGIT[c] !== undefined) chars[pos] = OMOCODIA_DIGIT[c];
  }
  return chars.join('');
}

function daysInMonth(month: number, twoDigitYear: number): number {
  if (month === 2) return twoDigitYear % 4 === 0 ? 29 : 28; // 19yy or 20yy: one of them is leap when yy % 4 === 0
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Day 1–31 for men, 41–71 for women, and a real day of that month. */
function hasValidBirthDate(code: string): boolean {
  const plain = withoutOmocodia(code);
  const year = Number(plain.slice(6, 8));
  const month = MONTH_LETTERS.indexOf(plain.charAt(8)) + 1;
  let day = Number(plain.slice(9, 11));
  if (day > 40) day -= 40;
  return month >= 1 && day >= 1 && day <= daysInMonth(month, year);
}

/**
 * A person's 16-character codice fiscale: shape (letters/digits where they belong, omocodia
 * letters LMNPQRSTUV in the numeric positions), check character, and a real birth date.
 * The check character comes from codice-fiscale-js; the birth-date check is ours because the
 * package accepts impossible days such as 32 (see tests/fixtures/ids).
 */
export function validateCodiceFiscalePersona(value: string): IdentifierResult<CodiceFiscalePersonaReason> {
  const v = normalizeCodiceFiscale(value);
  if (v === '') return { ok: false, reason: 'empty' };
  if (v.length !== 16) return { ok: false, reason: 'length' };
  if (!PERSONA_PATTERN.test(v)) return { ok: false, reason: 'format' };
  if (CodiceFiscale.getCheckCode(v.slice(0, 15)) !== v.charAt(15)) return { ok: false, reason: 'check_digit' };
  if (!hasValidBirthDate(v)) return { ok: false, reason: 'birth_date' };
  return { ok: true, value: v };
}

/**
 * Any codice fiscale: 16 characters for a person (or a sole trader), 11 digits for a company,
 * association or public body (validated like a partita IVA).
 */
export function validateCodiceFiscale(
  value: string,
): IdentifierResult<CodiceFiscaleReason, { kind: 'person' | 'entity' }> {
  const v = normalizeCodiceFiscale(value);
  if (v === '') return { ok: false, reason: 'empty' };
  if (/^\d+$/.test(v)) {
    if (v.length !== 11) return { ok: false, reason: 'length' };
    const entity = validatePartitaIva(v);
    return entity.ok ? { ok: true, value: entity.value, kind: 'entity' } : entity;
  }
  const person = validateCodiceFiscalePersona(v);
  return person.ok ? { ok: true, value: person.value, kind: 'person' } : person;
}

// ---------------------------------------------------------------------------------------------
// IBAN IT

// CIN tables: the same odd/even values as the codice fiscale check character.
const CIN_ODD = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23];

function charValue(c: string): number {
  const code = c.charCodeAt(0);
  return code >= 48 && code <= 57 ? code - 48 : code - 65;
}

/** The Italian national check letter (CIN) over ABI + CAB + account number (22 characters). */
export function italianCin(abiCabAccount: string): string {
  let sum = 0;
  for (let i = 0; i < abiCabAccount.length; i++) {
    const value = charValue(abiCabAccount.charAt(i));
    sum += i % 2 === 0 ? (CIN_ODD[value] ?? 0) : value;
  }
  return String.fromCharCode(65 + (sum % 26));
}

/** An Italian IBAN: IT, ISO 13616 mod-97 check digits, and the CIN letter of the BBAN. */
export function validateIbanIt(value: string): IdentifierResult<IbanItReason> {
  const v = normalizeIban(value);
  if (v === '') return { ok: false, reason: 'empty' };
  if (!v.startsWith('IT')) return { ok: false, reason: 'country' };
  if (v.length !== 27) return { ok: false, reason: 'length' };
  if (!/^IT\d{2}[A-Z]\d{10}[A-Z0-9]{12}$/.test(v)) return { ok: false, reason: 'format' };
  const result = validateIBAN(v);
  if (!result.valid) {
    return { ok: false, reason: result.errorCodes.includes(ValidationErrorsIBAN.WrongIBANChecksum) ? 'check_digits' : 'format' };
  }
  if (italianCin(v.slice(5)) !== v.charAt(4)) return { ok: false, reason: 'cin' };
  return { ok: true, value: v };
}

// ---------------------------------------------------------------------------------------------
// Generators for demo data and tests

/**
 * A valid partita IVA built from a number (1 … 9 999 999) and a tax-office code (Bergamo is
 * 016). Deterministic, so demo data is the same on every machine.
 */
export function makePartitaIva(seedNumber: number, officeCode = '016'): string {
  if (!Number.isInteger(seedNumber) || seedNumber < 1 || seedNumber > 9_999_999) {
    throw new Error('makePartitaIva needs an integer between 1 and 9999999');
  }
  if (!/^\d{3}$/.test(officeCode) || !isValidOfficeCode(officeCode)) {
    throw new Error(`makePartitaIva: ${officeCode} is not a tax-office code`);
  }
  const firstTen = String(seedNumber).padStart(7, '0') + officeCode;
  return firstTen + partitaIvaCheckDigit(firstTen);
}

/**
 * A valid 11-digit codice fiscale of a body without VAT number: associations and non-commercial
 * bodies start with 9 or 8.
 */
export function makeCodiceFiscaleEnte(seedNumber: number, prefix: '8' | '9' = '9', officeCode = '016'): string {
  if (!Number.isInteger(seedNumber) || seedNumber < 1 || seedNumber > 999_999) {
    throw new Error('makeCodiceFiscaleEnte needs an integer between 1 and 999999');
  }
  const firstTen = prefix + String(seedNumber).padStart(6, '0') + officeCode;
  return firstTen + partitaIvaCheckDigit(firstTen);
}

export interface PersonForCodiceFiscale {
  givenName: string;
  familyName: string;
  gender: 'M' | 'F';
  /** YYYY-MM-DD */
  birthDate: string;
  /** Municipality of birth as the Agenzia delle Entrate lists it, e.g. "Albino". */
  birthplace: string;
  /** Province code, e.g. "BG". */
  province: string;
}

/** The codice fiscale of a (generated) person, computed by codice-fiscale-js. */
export function makeCodiceFiscalePersona(person: PersonForCodiceFiscale): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(person.birthDate);
  if (!match) throw new Error('makeCodiceFiscalePersona: birthDate must be YYYY-MM-DD');
  const code = new CodiceFiscale({
    name: person.givenName,
    surname: person.familyName,
    gender: person.gender,
    day: Number(match[3]),
    month: Number(match[2]),
    year: Number(match[1]),
    birthplace: person.birthplace,
    birthplaceProvincia: person.province,
  }).toString();
  const check = validateCodiceFiscalePersona(code);
  if (!check.ok) throw new Error(`makeCodiceFiscalePersona produced an invalid code (${check.reason})`);
  return check.value;
}
