import { z } from 'zod';
import { ROSTER_FIELDS, type RosterMapping } from './roster.fns';

// Queries and forms of the roster pages and API. Bad query values fall back to defaults (a
// hand-edited URL still shows the table); form errors are i18n keys.

const blankToUndefined = (value: unknown): unknown => (typeof value === 'string' && value.trim() === '' ? undefined : value);

export const EMPLOYEE_SORTS = ['name', 'codiceFiscale', 'email', 'hireDate', 'terminationDate', 'site', 'category'] as const;
export type EmployeeSort = (typeof EMPLOYEE_SORTS)[number];

export const employeeListQuerySchema = z.object({
  q: z.preprocess(blankToUndefined, z.string().trim().max(100).optional()).catch(undefined),
  /** A site id, or "none" for employees without a site. */
  site: z.preprocess(blankToUndefined, z.union([z.uuid(), z.literal('none')]).optional()).catch(undefined),
  category: z.preprocess(blankToUndefined, z.string().trim().toLowerCase().max(50).optional()).catch(undefined),
  /** active: no termination date or one still ahead; leavers: a termination date set. */
  status: z.enum(['all', 'active', 'leavers']).catch('all'),
  sort: z.enum(EMPLOYEE_SORTS).catch('name'),
  dir: z.enum(['asc', 'desc']).catch('asc'),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});
export type EmployeeListQuery = z.output<typeof employeeListQuerySchema>;

export const exportFormatSchema = z.enum(['csv', 'xlsx']);

/**
 * The mapping step's form: one select per field, named `map.<field>`, whose value is the column
 * index ("" = not in the file).
 */
export function mappingFromForm(fields: Record<string, unknown>): RosterMapping {
  const mapping: RosterMapping = {};
  for (const field of ROSTER_FIELDS) {
    const raw = fields[`map.${field}`];
    if (typeof raw !== 'string' || raw.trim() === '') continue;
    const n = Number(raw);
    mapping[field] = Number.isInteger(n) ? n : -1;
  }
  return mapping;
}

/**
 * The API's optional mapping: `?map.<field>=<header as written, or 0-based column index>`.
 * Unknown headers map to -1 (reported as "no such column").
 */
export function mappingFromQuery(params: URLSearchParams, headers: readonly string[]): RosterMapping | null {
  const mapping: RosterMapping = {};
  let any = false;
  for (const field of ROSTER_FIELDS) {
    const raw = params.get(`map.${field}`);
    if (raw === null || raw.trim() === '') continue;
    any = true;
    const byHeader = headers.findIndex((h) => h.trim().toLowerCase() === raw.trim().toLowerCase());
    mapping[field] = byHeader >= 0 ? byHeader : /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : -1;
  }
  return any ? mapping : null;
}

export const importIdSchema = z.uuid();
