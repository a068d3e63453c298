import { z } from 'zod';
import {
  ibanItSchema,
  optionalPartitaIvaSchema,
  organizationCodiceFiscaleSchema,
} from '~/domain/identifiers/identifiers.schema';
import { MAX_DESCRIPTION_LENGTH } from './markdown.fns';
import { CURATOR_DECISIONS, PROVIDER_DOCUMENT_KINDS, PROVIDER_KINDS, PROVIDER_STATUSES } from './providers.fns';

// Forms of the providers' area: the public adhesion request, the provider's own profile, the
// curator's decision and review list. Messages are i18n keys (messages/providers.ts, validation.ts).

const blankToUndefined = (value: unknown): unknown => (typeof value === 'string' && value.trim() === '' ? undefined : value);

const requiredText = (max: number, message = 'validation.required') =>
  z
    .string({ error: message })
    .trim()
    .min(1, { error: message })
    .max(max, { error: 'validation.tooLong' });

const optionalText = (max: number) =>
  z.preprocess(blankToUndefined, z.string().trim().max(max, { error: 'validation.tooLong' }).optional());

/** Checkbox lists arrive as a string (one ticked), an array (several) or nothing. */
const idList = (emptyMessage: string) =>
  z.preprocess(
    (value) => (value === undefined || value === '' ? [] : Array.isArray(value) ? value : [value]),
    z.array(z.uuid({ error: 'validation.invalidChoice' })).min(1, { error: emptyMessage }).max(500),
  );

const checkbox = z.preprocess((value) => value === 'on' || value === 'true' || value === true, z.boolean());

const email = z
  .string({ error: 'validation.email' })
  .trim()
  .toLowerCase()
  .pipe(z.email({ error: 'validation.email' }).max(254, { error: 'validation.email' }));

const phone = z.preprocess(
  blankToUndefined,
  z
    .string()
    .trim()
    .regex(/^\+?[0-9][0-9 ./-]{5,19}$/, { error: 'providers.validation.phone' })
    .optional(),
);

const website = z.preprocess(
  (value) => {
    const v = typeof value === 'string' ? value.trim() : value;
    if (v === '' || v === undefined) return undefined;
    // People type "www.cooperativa.it": assume https.
    return typeof v === 'string' && !/^[a-z][a-z0-9+.-]*:/i.test(v) ? `https://${v}` : v;
  },
  z
    .url({ protocol: /^https?$/, error: 'providers.validation.website' })
    .max(300, { error: 'validation.tooLong' })
    .optional(),
);

/** Fields a provider can change while its application is open or after admission. */
const contactFields = {
  contactGivenName: requiredText(100, 'providers.validation.contactGivenName'),
  contactFamilyName: requiredText(100, 'providers.validation.contactFamilyName'),
  contactEmail: email,
  contactPhone: phone,
  website,
  description: optionalText(MAX_DESCRIPTION_LENGTH),
  comuneIds: idList('providers.validation.comuni'),
  iban: ibanItSchema,
};

/** The application itself (adhesion form, and the provider's corrections when asked for changes). */
const applicationFields = {
  legalName: requiredText(200, 'validation.organization.legalName').pipe(
    z.string().min(2, { error: 'validation.organization.legalName' }),
  ),
  providerKind: z.enum(PROVIDER_KINDS, { error: 'providers.validation.kind' }),
  registeredOffice: requiredText(300, 'providers.validation.registeredOffice'),
  accreditationRef: optionalText(200),
  alsoEmployer: checkbox,
  ...contactFields,
};

export const adhesionSchema = z.object({
  ...applicationFields,
  codiceFiscale: organizationCodiceFiscaleSchema,
  partitaIva: optionalPartitaIvaSchema,
  privacy: z.literal('on', { error: 'providers.validation.privacy' }),
});
export type AdhesionInput = z.output<typeof adhesionSchema>;

/** Corrections to an application the curator sent back (tax identifiers cannot change). */
export const applicationEditSchema = z.object({
  ...applicationFields,
  removeDocumentIds: z.preprocess(
    (value) => (value === undefined || value === '' ? [] : Array.isArray(value) ? value : [value]),
    z.array(z.uuid({ error: 'validation.invalidChoice' })).max(100),
  ),
});
export type ApplicationEditInput = z.output<typeof applicationEditSchema>;

/** What an admitted provider changes without a new review. */
export const admittedEditSchema = z.object(contactFields);
export type AdmittedEditInput = z.output<typeof admittedEditSchema>;

/** One file input per document kind: the field name carries the kind. */
export const DOCUMENT_FIELDS = PROVIDER_DOCUMENT_KINDS.map((kind) => `document${kind}` as const);
export type DocumentField = (typeof DOCUMENT_FIELDS)[number];

export function documentKindOfField(field: string): (typeof PROVIDER_DOCUMENT_KINDS)[number] | null {
  const kind = field.replace(/^document/, '');
  return (PROVIDER_DOCUMENT_KINDS as readonly string[]).includes(kind) ? (kind as (typeof PROVIDER_DOCUMENT_KINDS)[number]) : null;
}

export const decisionSchema = z.object({
  decision: z.enum(CURATOR_DECISIONS, { error: 'providers.decision.choose' }),
  reason: optionalText(2000),
});
export type DecisionInput = z.output<typeof decisionSchema>;

export const providerListQuerySchema = z.object({
  status: z.enum([...PROVIDER_STATUSES, 'ALL']).catch('PENDING'),
  q: z.string().trim().max(100).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
  sort: z.enum(['legalName', 'providerKind', 'status', 'submittedAt']).catch('submittedAt'),
  dir: z.enum(['asc', 'desc']).catch('asc'),
});
export type ProviderListQuery = z.infer<typeof providerListQuerySchema>;

export const allianceSlugSchema = z.string().trim().regex(/^[a-z0-9-]{1,80}$/);
