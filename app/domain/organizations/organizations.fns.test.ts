import { describe, expect, it } from 'vitest';
import { fieldErrorsFromIssues, isUniqueViolation, pageWindow, parseTaxId } from './organizations.fns';
import { createOrganizationSchema } from './organizations.schema';

describe('parseTaxId', () => {
  it('reads a partita IVA with spaces or the IT prefix as a numeric tax id', () => {
    expect(parseTaxId(' IT 00743110157 ')).toEqual({ ok: true, value: '00743110157', kind: 'numeric' });
    expect(parseTaxId('00743110157')).toEqual({ ok: true, value: '00743110157', kind: 'numeric' });
  });

  it('reads a 16-character codice fiscale in any case', () => {
    expect(parseTaxId('rssmra45c12f205c')).toEqual({ ok: true, value: 'RSSMRA45C12F205C', kind: 'person' });
  });

  it('names what is wrong with a bad id', () => {
    expect(parseTaxId('00743110158')).toEqual({ ok: false, messageKey: 'validation.partitaIva.checkDigit' });
    expect(parseTaxId('123')).toEqual({ ok: false, messageKey: 'validation.partitaIva.length' });
    expect(parseTaxId('FOXDRA26C24H872A')).toEqual({ ok: false, messageKey: 'validation.codiceFiscale.checkDigit' });
    expect(parseTaxId('ACME')).toEqual({ ok: false, messageKey: 'validation.taxId.format' });
    expect(parseTaxId('')).toEqual({ ok: false, messageKey: 'validation.taxId.format' });
  });
});

describe('isUniqueViolation', () => {
  it('recognises Prisma P2002 only', () => {
    expect(isUniqueViolation({ code: 'P2002' })).toBe(true);
    expect(isUniqueViolation({ code: 'P2003' })).toBe(false);
    expect(isUniqueViolation(new Error('duplicate key'))).toBe(false);
    expect(isUniqueViolation(null)).toBe(false);
  });
});

describe('pageWindow', () => {
  it('defaults, clamps and truncates', () => {
    expect(pageWindow({})).toEqual({ skip: 0, take: 50 });
    expect(pageWindow({ take: 10_000, skip: -5 })).toEqual({ skip: 0, take: 200 });
    expect(pageWindow({ take: 0, skip: 20.7 })).toEqual({ skip: 20, take: 1 });
  });
});

describe('createOrganizationSchema', () => {
  const base = {
    allianceId: '6f1c2a4e-8b1d-4c1e-9f51-1d2b3c4d5e6f',
    kind: 'COMPANY',
    legalName: '  Tessiture Seriane S.p.A. ',
    codiceFiscale: '00743110157',
  };

  it('normalises the data and treats blank optional fields as absent', () => {
    const result = createOrganizationSchema.parse({
      ...base,
      partitaIva: 'IT00743110157',
      email: ' Ufficio.Personale@Example.IT ',
      address: '',
      ambitoId: '',
    });
    expect(result).toEqual({
      allianceId: base.allianceId,
      kind: 'COMPANY',
      legalName: 'Tessiture Seriane S.p.A.',
      codiceFiscale: '00743110157',
      partitaIva: '00743110157',
      email: 'ufficio.personale@example.it',
      address: undefined,
      ambitoId: undefined,
      comuneId: undefined,
    });
  });

  it('keys every error by its field, with i18n keys as messages', () => {
    const result = createOrganizationSchema.safeParse({
      allianceId: 'nope',
      kind: 'BANK',
      legalName: 'X',
      codiceFiscale: '00743110158',
      partitaIva: '01234567890',
      email: 'not-an-email',
    });
    expect(result.success).toBe(false);
    expect(fieldErrorsFromIssues(result.error!.issues)).toEqual({
      allianceId: 'validation.invalidId',
      kind: 'validation.organization.kind',
      legalName: 'validation.organization.legalName',
      codiceFiscale: 'validation.codiceFiscale.checkDigit',
      partitaIva: 'validation.partitaIva.checkDigit',
      email: 'validation.email',
    });
  });
});
