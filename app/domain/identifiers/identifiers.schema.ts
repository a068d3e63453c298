import { z } from 'zod';
import {
  validateCodiceFiscale,
  validateCodiceFiscalePersona,
  validateIbanIt,
  validatePartitaIva,
  type IdentifierResult,
} from './identifiers.fns';

// zod schemas for the identifiers. They output the normalised value; their messages are i18n keys
// (app/i18n/messages/validation.ts) that pages and the API translate.

const REASON_KEY: Record<string, string> = {
  empty: 'empty',
  length: 'length',
  format: 'format',
  check_digit: 'checkDigit',
  check_digits: 'checkDigits',
  birth_date: 'birthDate',
  office_code: 'officeCode',
  country: 'country',
  cin: 'cin',
};

/** The i18n key for a validator's reason, e.g. ('partitaIva', 'check_digit') → validation.partitaIva.checkDigit. */
export function identifierMessageKey(
  field: 'codiceFiscale' | 'partitaIva' | 'iban',
  reason: string,
): string {
  return `validation.${field}.${REASON_KEY[reason] ?? 'format'}`;
}

function identifierSchema(
  field: 'codiceFiscale' | 'partitaIva' | 'iban',
  validate: (value: string) => IdentifierResult<string>,
) {
  return z.string({ error: `validation.${field}.empty` }).transform((raw, ctx) => {
    const result = validate(raw);
    if (!result.ok) {
      ctx.addIssue({ code: 'custom', message: identifierMessageKey(field, result.reason) });
      return z.NEVER;
    }
    return result.value;
  });
}

/** Blank form fields ("" or spaces) count as absent. */
function blankToUndefined(value: unknown): unknown {
  return typeof value === 'string' && value.trim() === '' ? undefined : value;
}

/** A person's 16-character codice fiscale. */
export const codiceFiscaleSchema = identifierSchema('codiceFiscale', validateCodiceFiscalePersona);

/** An organisation's codice fiscale: 11 digits, or 16 characters for a sole trader. */
export const organizationCodiceFiscaleSchema = identifierSchema('codiceFiscale', validateCodiceFiscale);

export const partitaIvaSchema = identifierSchema('partitaIva', validatePartitaIva);

export const ibanItSchema = identifierSchema('iban', validateIbanIt);

export const optionalPartitaIvaSchema = z.preprocess(blankToUndefined, partitaIvaSchema.optional());

export const optionalIbanItSchema = z.preprocess(blankToUndefined, ibanItSchema.optional());
