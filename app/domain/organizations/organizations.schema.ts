import { z } from 'zod';
import { OrganizationKind } from '~/generated/prisma/enums';
import { optionalPartitaIvaSchema, organizationCodiceFiscaleSchema } from '~/domain/identifiers/identifiers.schema';

// Shared by the organisation forms, the JSON API, the CLI and createOrganization itself.
// Messages are i18n keys (app/i18n/messages/validation.ts).

export const ORGANIZATION_KINDS = Object.values(OrganizationKind);

const blankToUndefined = (value: unknown): unknown =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

const optionalId = z.preprocess(blankToUndefined, z.uuid({ error: 'validation.invalidId' }).optional());

export const createOrganizationSchema = z.object({
  allianceId: z.uuid({ error: 'validation.invalidId' }),
  kind: z.enum(OrganizationKind, { error: 'validation.organization.kind' }),
  legalName: z
    .string({ error: 'validation.organization.legalName' })
    .trim()
    .min(2, { error: 'validation.organization.legalName' })
    .max(200, { error: 'validation.tooLong' }),
  codiceFiscale: organizationCodiceFiscaleSchema,
  partitaIva: optionalPartitaIvaSchema,
  ambitoId: optionalId,
  comuneId: optionalId,
  email: z.preprocess(
    (value) => (typeof value === 'string' ? blankToUndefined(value.trim().toLowerCase()) : value),
    z.email({ error: 'validation.email' }).max(254, { error: 'validation.tooLong' }).optional(),
  ),
  address: z.preprocess(
    (value) => (typeof value === 'string' ? blankToUndefined(value.trim()) : value),
    z.string().max(300, { error: 'validation.tooLong' }).optional(),
  ),
});

export type CreateOrganizationInput = z.input<typeof createOrganizationSchema>;
export type CreateOrganizationData = z.output<typeof createOrganizationSchema>;

export const listOrganizationsSchema = z.object({
  kind: z.preprocess(blankToUndefined, z.enum(OrganizationKind, { error: 'validation.invalidChoice' }).optional()),
  search: z.preprocess(blankToUndefined, z.string().trim().max(100, { error: 'validation.tooLong' }).optional()),
  page: z.coerce.number().int().min(1).default(1),
});
