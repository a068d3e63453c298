import {
  normalizePartitaIva,
  validateCodiceFiscalePersona,
  validatePartitaIva,
} from '~/domain/identifiers/identifiers.fns';
import { identifierMessageKey } from '~/domain/identifiers/identifiers.schema';

// Pure helpers of the organisations capability.

export type TaxIdLookup =
  | { ok: true; value: string; kind: 'numeric' | 'person' }
  | { ok: false; messageKey: string };

/**
 * Reads what a person types to name an organisation: a partita IVA (optionally "IT…") or an
 * 11-digit codice fiscale — both may match either column — or a 16-character codice fiscale.
 */
export function parseTaxId(raw: string): TaxIdLookup {
  const compact = normalizePartitaIva(raw);
  if (/^\d+$/.test(compact)) {
    const result = validatePartitaIva(compact);
    return result.ok
      ? { ok: true, value: result.value, kind: 'numeric' }
      : { ok: false, messageKey: identifierMessageKey('partitaIva', result.reason) };
  }
  if (compact.length === 16) {
    const result = validateCodiceFiscalePersona(compact);
    return result.ok
      ? { ok: true, value: result.value, kind: 'person' }
      : { ok: false, messageKey: identifierMessageKey('codiceFiscale', result.reason) };
  }
  return { ok: false, messageKey: 'validation.taxId.format' };
}

/** Prisma reports a unique-constraint violation as P2002 (also through the pg driver adapter). */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'P2002';
}

/** zod issues → { field: i18n key }, first message per field, as forms show them. */
export function fieldErrorsFromIssues(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): Record<string, string> {
  const fieldErrors: Record<string, string> = {};
  for (const issue of issues) {
    const key = issue.path.map(String).join('.') || 'form';
    fieldErrors[key] ??= issue.message;
  }
  return fieldErrors;
}

export const LIST_PAGE_SIZE_DEFAULT = 50;
export const LIST_PAGE_SIZE_MAX = 200;

/** Clamps paging input so a caller cannot ask for an unbounded page. */
export function pageWindow(input: { skip?: number; take?: number }): { skip: number; take: number } {
  const take = Math.min(Math.max(Math.trunc(input.take ?? LIST_PAGE_SIZE_DEFAULT), 1), LIST_PAGE_SIZE_MAX);
  const skip = Math.max(Math.trunc(input.skip ?? 0), 0);
  return { skip, take };
}
