import { z } from 'zod';
import { optionalPartitaIvaSchema, organizationCodiceFiscaleSchema } from '~/domain/identifiers/identifiers.schema';
import { COMPANY_DECISIONS, COMPANY_STATUSES, normalizeAteco, SIZE_BANDS } from './companies.fns';

// Forms of the companies' side: the public adhesion request, the alliance admin's decision and
// list, the company's sites. Messages are i18n keys (messages/companies.ts, validation.ts).

const blankToUndefined = (value: unknown): unknown => (typeof value === 'string' && value.trim() === '' ? undefined : value);

const requiredText = (max: number, message = 'validation.required') =>
  z
    .string({ error: message })
    .trim()
    .min(1, { error: message })
    .max(max, { error: 'validation.tooLong' });

const optionalText = (max: number) => z.preprocess(blankToUndefined, z.string().trim().max(max, { error: 'validation.tooLong' }).optional());

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
    .regex(/^\+?[0-9][0-9 ./-]{5,19}$/, { error: 'companies.validation.phone' })
    .optional(),
);

const ateco = z.preprocess(
  blankToUndefined,
  z
    .string()
    .transform((value, ctx) => {
      const normalized = normalizeAteco(value);
      if (!normalized) {
        ctx.addIssue({ code: 'custom', message: 'companies.validation.ateco' });
        return z.NEVER;
      }
      return normalized;
    })
    .optional(),
);

const optionalUuid = z.preprocess(blankToUndefined, z.uuid({ error: 'validation.invalidChoice' }).optional());

export const allianceSlugSchema = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/).max(60);

export const companyAdhesionSchema = z.object({
  legalName: requiredText(200, 'validation.organization.legalName').pipe(z.string().min(2, { error: 'validation.organization.legalName' })),
  codiceFiscale: organizationCodiceFiscaleSchema,
  partitaIva: optionalPartitaIvaSchema,
  address: requiredText(300, 'companies.validation.address'),
  comuneId: optionalUuid,
  sizeBand: z.enum(SIZE_BANDS, { error: 'companies.validation.sizeBand' }),
  atecoCode: ateco,
  hrGivenName: requiredText(100, 'companies.validation.hrGivenName'),
  hrFamilyName: requiredText(100, 'companies.validation.hrFamilyName'),
  hrEmail: email,
  hrPhone: phone,
  privacy: z.literal('on', { error: 'companies.validation.privacy' }),
});
export type CompanyAdhesionInput = z.output<typeof companyAdhesionSchema>;

export const companyDecisionSchema = z.object({
  decision: z.enum(COMPANY_DECISIONS, { error: 'companies.decision.choose' }),
  reason: optionalText(2000),
});

export const companyListQuerySchema = z.object({
  status: z.enum([...COMPANY_STATUSES, 'ALL']).catch('PENDING'),
  q: z.preprocess(blankToUndefined, z.string().trim().max(100).optional()).catch(undefined),
  sort: z.enum(['legalName', 'sizeBand', 'status', 'submittedAt']).catch('submittedAt'),
  dir: z.enum(['asc', 'desc']).catch('desc'),
  page: z.coerce.number().int().min(1).max(10_000).catch(1),
});
export type CompanyListQuery = z.output<typeof companyListQuerySchema>;

/** A site: in a municipality of the alliance, or outside it (its name typed). */
export const siteSchema = z
  .object({
    name: requiredText(120, 'companies.validation.siteName'),
    code: z.preprocess(blankToUndefined, z.string().trim().max(30, { error: 'validation.tooLong' }).optional()),
    address: requiredText(300, 'companies.validation.address'),
    location: z.enum(['alliance', 'outside'], { error: 'companies.validation.siteLocation' }),
    comuneId: optionalUuid,
    outsideComune: optionalText(120),
  })
  .superRefine((site, ctx) => {
    if (site.location === 'alliance' && !site.comuneId) ctx.addIssue({ code: 'custom', path: ['comuneId'], message: 'companies.validation.siteComune' });
    if (site.location === 'outside' && !site.outsideComune) {
      ctx.addIssue({ code: 'custom', path: ['outsideComune'], message: 'companies.validation.siteOutsideComune' });
    }
  });
export type SiteInput = z.output<typeof siteSchema>;
