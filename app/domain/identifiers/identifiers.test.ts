import { readFileSync } from 'node:fs';
import path from 'node:path';
import cfModule from 'codice-fiscale-js';
import type CodiceFiscaleClass from 'codice-fiscale-js';
import { describe, expect, it } from 'vitest';
import { translate } from '~/i18n/i18n';
import {
  italianCin,
  makeCodiceFiscaleEnte,
  makeCodiceFiscalePersona,
  makePartitaIva,
  normalizeCodiceFiscale,
  normalizeIban,
  normalizePartitaIva,
  partitaIvaCheckDigit,
  validateCodiceFiscale,
  validateCodiceFiscalePersona,
  validateIbanIt,
  validatePartitaIva,
} from './identifiers.fns';
import {
  codiceFiscaleSchema,
  ibanItSchema,
  optionalPartitaIvaSchema,
  organizationCodiceFiscaleSchema,
  partitaIvaSchema,
} from './identifiers.schema';

interface Vector {
  value: string;
  src: string;
  reason?: string;
  valid?: boolean;
}
interface Vectors {
  codice_fiscale: { valid: Vector[]; invalid: Vector[]; company_11_digit: Vector[] };
  partita_iva: { valid: Vector[]; invalid: Vector[] };
  iban_it: { valid: Vector[]; invalid: Vector[] };
}

const vectors = JSON.parse(
  readFileSync(path.resolve(import.meta.dirname, '../../../tests/fixtures/ids/vectors.json'), 'utf8'),
) as Vectors;

const CodiceFiscale = ((cfModule as unknown as { CodiceFiscale?: typeof CodiceFiscaleClass }).CodiceFiscale ??
  cfModule) as typeof CodiceFiscaleClass;

describe('codice fiscale of a person (fixture vectors)', () => {
  it('has vectors to check', () => {
    expect(vectors.codice_fiscale.valid.length).toBeGreaterThanOrEqual(10);
    expect(vectors.codice_fiscale.invalid.length).toBeGreaterThanOrEqual(4);
  });

  it.each(vectors.codice_fiscale.valid)('accepts $value ($src)', ({ value }) => {
    expect(validateCodiceFiscalePersona(value)).toEqual({ ok: true, value });
    expect(validateCodiceFiscale(value)).toEqual({ ok: true, value, kind: 'person' });
  });

  it('rejects a month letter that does not exist (I) as a format error', () => {
    expect(validateCodiceFiscalePersona('CSTNGL22I10D086I')).toEqual({ ok: false, reason: 'format' });
  });

  it('rejects a wrong check character', () => {
    expect(validateCodiceFiscalePersona('FOXDRA26C24H872A')).toEqual({ ok: false, reason: 'check_digit' });
  });

  it('rejects day 32 even though the check character is right', () => {
    expect(validateCodiceFiscalePersona('CNTCHR83T32D969H')).toEqual({ ok: false, reason: 'birth_date' });
  });

  it('rejects a 15-character code', () => {
    expect(validateCodiceFiscalePersona('RCCMNL83S18D969')).toEqual({ ok: false, reason: 'length' });
  });

  it.each(vectors.codice_fiscale.invalid)('rejects every invalid vector: $value ($reason)', ({ value }) => {
    expect(validateCodiceFiscalePersona(value).ok).toBe(false);
    expect(validateCodiceFiscale(value).ok).toBe(false);
  });

  it('accepts every omocodia variant of a valid code and rejects a letter outside LMNPQRSTUV', () => {
    const variants = CodiceFiscale.getOmocodie('RSSMRA45C12F205C');
    expect(variants).toHaveLength(127);
    for (const variant of variants) expect(validateCodiceFiscalePersona(variant).ok).toBe(true);
    // "A" is not an omocodia letter: same position as the R in RSSMRA45C12F20RX.
    const bad = 'RSSMRA45C12F20A';
    expect(validateCodiceFiscalePersona(bad + CodiceFiscale.getCheckCode(bad))).toEqual({ ok: false, reason: 'format' });
  });

  it('checks the day against the month, for men and for women', () => {
    const withCheck = (first15: string) => first15 + CodiceFiscale.getCheckCode(first15);
    expect(validateCodiceFiscalePersona(withCheck('RSSMRA85B30F205')).ok).toBe(false); // 30 February
    expect(validateCodiceFiscalePersona(withCheck('RSSMRA84B29F205')).ok).toBe(true); // 29 February 1984
    expect(validateCodiceFiscalePersona(withCheck('RSSMRA85B29F205')).ok).toBe(false); // 1985 is not leap
    expect(validateCodiceFiscalePersona(withCheck('RSSMRA85D71F205')).ok).toBe(false); // 31 April, woman
    expect(validateCodiceFiscalePersona(withCheck('RSSMRA85A71F205')).ok).toBe(true); // 31 January, woman
    expect(validateCodiceFiscalePersona(withCheck('RSSMRA85A00F205')).ok).toBe(false); // day 0
    expect(validateCodiceFiscalePersona(withCheck('RSSMRA85A40F205')).ok).toBe(false); // day 40
  });

  it('documents why the birth date is checked here: codice-fiscale-js accepts day 32', () => {
    expect(CodiceFiscale.check('CNTCHR83T32D969H')).toBe(true);
  });

  it('normalises spaces and lowercase before checking', () => {
    expect(normalizeCodiceFiscale('  rss mra 45c12 f205c ')).toBe('RSSMRA45C12F205C');
    expect(validateCodiceFiscalePersona(' rssmra45c12f205c')).toEqual({ ok: true, value: 'RSSMRA45C12F205C' });
    expect(validateCodiceFiscalePersona('   ')).toEqual({ ok: false, reason: 'empty' });
  });
});

describe('codice fiscale of a legal entity (11 digits)', () => {
  it.each(vectors.codice_fiscale.company_11_digit)('$value is valid: $valid', ({ value, valid }) => {
    const result = validateCodiceFiscale(value);
    expect(result.ok).toBe(valid);
    if (result.ok) expect(result).toEqual({ ok: true, value, kind: 'entity' });
    else expect(result.reason).toBe('check_digit');
  });

  it('rejects a numeric code of the wrong length and a person-only check of an entity code', () => {
    expect(validateCodiceFiscale('0074311015')).toEqual({ ok: false, reason: 'length' });
    expect(validateCodiceFiscalePersona('00743110157')).toEqual({ ok: false, reason: 'length' });
  });
});

describe('partita IVA', () => {
  it.each(vectors.partita_iva.valid)('accepts $value ($src)', ({ value }) => {
    expect(validatePartitaIva(value)).toEqual({ ok: true, value });
  });

  it.each(vectors.partita_iva.invalid)('rejects $value: $reason', ({ value }) => {
    expect(validatePartitaIva(value)).toEqual({ ok: false, reason: 'check_digit' });
  });

  it('rejects every single-digit change of a valid number', () => {
    const valid = '00743110157';
    for (let i = 0; i < valid.length; i++) {
      for (let d = 0; d <= 9; d++) {
        if (String(d) === valid[i]) continue;
        const changed = valid.slice(0, i) + d + valid.slice(i + 1);
        expect(validatePartitaIva(changed).ok, changed).toBe(false);
      }
    }
  });

  it('gives a reason for each kind of bad input', () => {
    expect(validatePartitaIva('')).toEqual({ ok: false, reason: 'empty' });
    expect(validatePartitaIva('0074311015')).toEqual({ ok: false, reason: 'length' });
    expect(validatePartitaIva('007431101570')).toEqual({ ok: false, reason: 'length' });
    expect(validatePartitaIva('0074311015A')).toEqual({ ok: false, reason: 'format' });
    expect(validatePartitaIva('00000000000')).toEqual({ ok: false, reason: 'format' });
    // Luhn-valid, but office code 500 does not exist.
    const badOffice = '1234567500';
    expect(validatePartitaIva(badOffice + partitaIvaCheckDigit(badOffice))).toEqual({ ok: false, reason: 'office_code' });
  });

  it('accepts spaces and the IT prefix, returning the bare 11 digits', () => {
    expect(normalizePartitaIva(' IT 007 4311 0157 ')).toBe('00743110157');
    expect(validatePartitaIva('IT00743110157')).toEqual({ ok: true, value: '00743110157' });
  });
});

describe('IBAN IT', () => {
  it.each(vectors.iban_it.valid)('accepts $value ($src)', ({ value }) => {
    expect(validateIbanIt(value)).toEqual({ ok: true, value });
  });

  it.each(vectors.iban_it.invalid)('rejects $value: $reason', ({ value }) => {
    expect(validateIbanIt(value).ok).toBe(false);
  });

  it('names the failing check', () => {
    expect(validateIbanIt('IT61X0542811101000000123456')).toEqual({ ok: false, reason: 'check_digits' });
    expect(validateIbanIt('IT60X054281110100000012345')).toEqual({ ok: false, reason: 'length' });
    expect(validateIbanIt('DE89370400440532013000')).toEqual({ ok: false, reason: 'country' });
    expect(validateIbanIt('IT6000542811101000000123456')).toEqual({ ok: false, reason: 'format' });
    expect(validateIbanIt('')).toEqual({ ok: false, reason: 'empty' });
  });

  it('computes the CIN of the fixture accounts', () => {
    expect(italianCin('0542811101000000123456')).toBe('X');
    expect(italianCin('0310401600000000770885')).toBe('C');
  });

  it('catches a wrong CIN even when the mod-97 digits were recomputed for it', () => {
    // Same account with CIN Y and check digits made valid for that BBAN: only the CIN is wrong.
    const bban = 'Y0542811101000000123456';
    const numeric = (bban + 'IT00').replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
    const remainder = Number(BigInt(numeric) % 97n);
    const check = String(98 - remainder).padStart(2, '0');
    expect(validateIbanIt(`IT${check}${bban}`)).toEqual({ ok: false, reason: 'cin' });
  });

  it('normalises spaces and lowercase', () => {
    expect(normalizeIban('it60 x054 2811 1010 0000 0123 456')).toBe('IT60X0542811101000000123456');
  });
});

describe('generators for demo data', () => {
  it('makes valid, distinct partite IVA from seed numbers, with the Bergamo office by default', () => {
    const made = Array.from({ length: 500 }, (_, i) => makePartitaIva(1_000 + i * 37));
    for (const p of made) {
      expect(validatePartitaIva(p).ok, p).toBe(true);
      expect(p.slice(7, 10)).toBe('016');
    }
    expect(new Set(made).size).toBe(made.length);
    expect(makePartitaIva(74311, '015')).toBe('00743110157');
  });

  it('refuses seeds that cannot make a valid number', () => {
    expect(() => makePartitaIva(0)).toThrow(/between 1 and 9999999/);
    expect(() => makePartitaIva(1.5)).toThrow();
    expect(() => makePartitaIva(1, '500')).toThrow(/tax-office/);
  });

  it('makes valid 11-digit codici fiscali of bodies without VAT number', () => {
    const code = makeCodiceFiscaleEnte(4321);
    expect(code).toMatch(/^9004321016\d$/);
    expect(validateCodiceFiscale(code)).toEqual({ ok: true, value: code, kind: 'entity' });
    expect(validateCodiceFiscale(makeCodiceFiscaleEnte(77, '8')).ok).toBe(true);
  });

  it('computes a person code that matches the published vectors', () => {
    expect(
      makeCodiceFiscalePersona({
        givenName: 'Emanuele',
        familyName: 'Ricci',
        gender: 'M',
        birthDate: '1983-11-18',
        birthplace: 'Genova',
        province: 'GE',
      }),
    ).toBe('RCCMNL83S18D969H');
    expect(
      makeCodiceFiscalePersona({
        givenName: 'Chiara',
        familyName: 'Conte',
        gender: 'F',
        birthDate: '1983-12-01',
        birthplace: 'Genova',
        province: 'GE',
      }),
    ).toBe('CNTCHR83T41D969D');
  });

  it('makes valid codes for generated people born in the two alliances', () => {
    const code = makeCodiceFiscalePersona({
      givenName: 'Giulia',
      familyName: 'Bonetti',
      gender: 'F',
      birthDate: '1988-04-03',
      birthplace: 'Albino',
      province: 'BG',
    });
    expect(code).toBe('BNTGLI88D43A163Z');
    expect(validateCodiceFiscalePersona(code).ok).toBe(true);
    expect(() =>
      makeCodiceFiscalePersona({ givenName: 'A', familyName: 'B', gender: 'M', birthDate: '3/4/88', birthplace: 'Albino', province: 'BG' }),
    ).toThrow(/YYYY-MM-DD/);
  });
});

describe('zod schemas', () => {
  it('output the normalised value', () => {
    expect(codiceFiscaleSchema.parse(' rssmra45c12f205c ')).toBe('RSSMRA45C12F205C');
    expect(partitaIvaSchema.parse('IT 00743110157')).toBe('00743110157');
    expect(organizationCodiceFiscaleSchema.parse('00743110157')).toBe('00743110157');
    expect(organizationCodiceFiscaleSchema.parse('RSSMRA45C12F205C')).toBe('RSSMRA45C12F205C');
    expect(ibanItSchema.parse('IT60 X054 2811 1010 0000 0123 456')).toBe('IT60X0542811101000000123456');
  });

  it('report i18n keys that exist in Italian and English', () => {
    const cases: Array<[{ safeParse: (v: unknown) => { success: boolean; error?: { issues: Array<{ message: string }> } } }, unknown, string]> = [
      [codiceFiscaleSchema, 'FOXDRA26C24H872A', 'validation.codiceFiscale.checkDigit'],
      [codiceFiscaleSchema, 'CNTCHR83T32D969H', 'validation.codiceFiscale.birthDate'],
      [codiceFiscaleSchema, 'CSTNGL22I10D086I', 'validation.codiceFiscale.format'],
      [codiceFiscaleSchema, 'RCCMNL83S18D969', 'validation.codiceFiscale.length'],
      [codiceFiscaleSchema, undefined, 'validation.codiceFiscale.empty'],
      [organizationCodiceFiscaleSchema, '00743110158', 'validation.codiceFiscale.checkDigit'],
      [partitaIvaSchema, '01234567890', 'validation.partitaIva.checkDigit'],
      [partitaIvaSchema, '123', 'validation.partitaIva.length'],
      [partitaIvaSchema, '', 'validation.partitaIva.empty'],
      [ibanItSchema, 'IT61X0542811101000000123456', 'validation.iban.checkDigits'],
    ];
    for (const [schema, input, key] of cases) {
      const result = schema.safeParse(input);
      expect(result.success, String(input)).toBe(false);
      expect(result.error?.issues[0]?.message).toBe(key);
      expect(translate('it', key)).not.toBe(key);
      expect(translate('en', key)).not.toBe(key);
    }
  });

  it('treat a blank optional partita IVA as absent', () => {
    expect(optionalPartitaIvaSchema.parse('')).toBeUndefined();
    expect(optionalPartitaIvaSchema.parse('  ')).toBeUndefined();
    expect(optionalPartitaIvaSchema.parse(undefined)).toBeUndefined();
    expect(optionalPartitaIvaSchema.parse('00743110157')).toBe('00743110157');
    expect(optionalPartitaIvaSchema.safeParse('00743110158').success).toBe(false);
  });
});
