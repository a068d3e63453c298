import { recordAudit } from '~/domain/audit/audit.server';
import type { Organization, OrganizationKind, Prisma } from '~/generated/prisma/client';
import type { Db, DbTx } from '~/utils/db.server';
import { Conflict, NotFound, ValidationFailed } from '~/utils/errors.server';
import { fieldErrorsFromIssues, isUniqueViolation, pageWindow, parseTaxId } from './organizations.fns';
import { createOrganizationSchema, type CreateOrganizationInput } from './organizations.schema';

// Organisations belong to exactly one alliance; every read here is scoped by it. A codice
// fiscale is unique inside an alliance (the same company may join two alliances).

export type { CreateOrganizationInput } from './organizations.schema';

export interface AuditContext {
  actorUserId?: string | null;
  actorApiKeyId?: string | null;
  ipAddress?: string | null;
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const DUPLICATE_FIELD_ERRORS = { codiceFiscale: 'validation.organization.duplicateCodiceFiscale' };

function duplicateCodiceFiscale(codiceFiscale: string): Conflict {
  return new Conflict(`An organisation with codice fiscale ${codiceFiscale} already exists in this alliance`, {
    fieldErrors: DUPLICATE_FIELD_ERRORS,
  });
}

function isFullClient(db: DbTx): db is Db {
  return typeof (db as Partial<Db>).$transaction === 'function';
}

/**
 * Creates an organisation after validating its identifiers (check digits included) and its
 * Ambito/Comune, which must belong to the same alliance. When only the Comune is given, the
 * organisation takes that Comune's Ambito.
 *
 * Throws ValidationFailed (fieldErrors keyed by input field, i18n keys as messages), NotFound
 * for an unknown alliance, Conflict when the alliance already has that codice fiscale.
 * With `audit`, records `organization.created` in the same transaction.
 */
export async function createOrganization(
  db: DbTx,
  input: CreateOrganizationInput,
  options: { audit?: AuditContext } = {},
): Promise<Organization> {
  const parsed = createOrganizationSchema.safeParse(input);
  if (!parsed.success) {
    const fieldErrors = fieldErrorsFromIssues(parsed.error.issues);
    throw new ValidationFailed(`Invalid organisation data (${Object.keys(fieldErrors).join(', ')})`, fieldErrors);
  }
  const data = parsed.data;

  const alliance = await db.alliance.findUnique({ where: { id: data.allianceId }, select: { id: true } });
  if (!alliance) throw new NotFound('Alliance not found');

  const fieldErrors: Record<string, string> = {};
  let ambitoId = data.ambitoId ?? null;
  const comuneId = data.comuneId ?? null;
  if (ambitoId) {
    const ambito = await db.ambito.findFirst({ where: { id: ambitoId, allianceId: data.allianceId }, select: { id: true } });
    if (!ambito) fieldErrors.ambitoId = 'validation.organization.ambitoNotFound';
  }
  if (comuneId) {
    const comune = await db.comune.findFirst({
      where: { id: comuneId, allianceId: data.allianceId },
      select: { ambitoId: true },
    });
    if (!comune) fieldErrors.comuneId = 'validation.organization.comuneNotFound';
    else if (ambitoId && comune.ambitoId !== ambitoId) fieldErrors.comuneId = 'validation.organization.comuneOutsideAmbito';
    else ambitoId = comune.ambitoId;
  }
  if (Object.keys(fieldErrors).length > 0) {
    throw new ValidationFailed(`Invalid organisation data (${Object.keys(fieldErrors).join(', ')})`, fieldErrors);
  }

  const existing = await db.organization.findFirst({
    where: { allianceId: data.allianceId, codiceFiscale: data.codiceFiscale },
    select: { id: true },
  });
  if (existing) throw duplicateCodiceFiscale(data.codiceFiscale);

  const write = async (tx: DbTx): Promise<Organization> => {
    const organization = await tx.organization.create({
      data: {
        allianceId: data.allianceId,
        kind: data.kind,
        legalName: data.legalName,
        codiceFiscale: data.codiceFiscale,
        partitaIva: data.partitaIva ?? null,
        ambitoId,
        comuneId,
        email: data.email ?? null,
        address: data.address ?? null,
      },
    });
    if (options.audit) {
      await recordAudit(tx, {
        action: 'organization.created',
        allianceId: organization.allianceId,
        organizationId: organization.id,
        actorUserId: options.audit.actorUserId ?? null,
        actorApiKeyId: options.audit.actorApiKeyId ?? null,
        subjectType: 'Organization',
        subjectId: organization.id,
        ipAddress: options.audit.ipAddress ?? null,
        metadata: { kind: organization.kind },
      });
    }
    return organization;
  };

  try {
    return options.audit && isFullClient(db) ? await db.$transaction((tx) => write(tx)) : await write(db);
  } catch (error) {
    // Two concurrent requests can both pass the check above; the unique index decides.
    if (isUniqueViolation(error)) throw duplicateCodiceFiscale(data.codiceFiscale);
    throw error;
  }
}

export type OrganizationWithAlliance = Organization & { alliance: { id: string; slug: string; name: string } };

/**
 * Organisations whose partita IVA or codice fiscale is `taxId` (spaces, lowercase and an "IT"
 * prefix are accepted), optionally inside one alliance. Returns a list: the same company can
 * belong to several alliances, and callers must notice the ambiguity rather than pick one.
 */
export async function findOrganizationByTaxId(
  db: DbTx,
  input: { taxId: string; allianceSlug?: string; allianceId?: string },
): Promise<OrganizationWithAlliance[]> {
  const parsed = parseTaxId(input.taxId);
  if (!parsed.ok) {
    throw new ValidationFailed(`"${input.taxId.trim()}" is not a valid partita IVA or codice fiscale`, {
      taxId: parsed.messageKey,
    });
  }
  const byTaxId: Prisma.OrganizationWhereInput =
    parsed.kind === 'numeric'
      ? { OR: [{ partitaIva: parsed.value }, { codiceFiscale: parsed.value }] }
      : { codiceFiscale: parsed.value };
  return db.organization.findMany({
    where: {
      AND: [
        byTaxId,
        input.allianceId ? { allianceId: input.allianceId } : {},
        input.allianceSlug ? { alliance: { slug: input.allianceSlug } } : {},
      ],
    },
    include: { alliance: { select: { id: true, slug: true, name: true } } },
    orderBy: [{ alliance: { slug: 'asc' } }, { legalName: 'asc' }],
  });
}

export interface ListOrganizationsInput {
  allianceId: string;
  kind?: OrganizationKind;
  kinds?: OrganizationKind[];
  ambitoId?: string;
  /** Part of the legal name, or the start of a codice fiscale / partita IVA. */
  search?: string;
  skip?: number;
  take?: number;
}

/** One page of an alliance's organisations, sorted by legal name, with the total count. */
export async function listOrganizations(
  db: DbTx,
  input: ListOrganizationsInput,
): Promise<{ items: Organization[]; total: number }> {
  // The scope is not optional: an empty id would otherwise list every alliance.
  if (!input.allianceId) throw new Error('listOrganizations needs an allianceId');
  const search = input.search?.trim();
  const kinds = input.kinds ?? (input.kind ? [input.kind] : undefined);
  const where: Prisma.OrganizationWhereInput = {
    allianceId: input.allianceId,
    ...(kinds ? { kind: { in: kinds } } : {}),
    ...(input.ambitoId ? { ambitoId: input.ambitoId } : {}),
    ...(search
      ? {
          OR: [
            { legalName: { contains: search, mode: 'insensitive' } },
            { codiceFiscale: { startsWith: search.replace(/\s+/g, '').toUpperCase() } },
            { partitaIva: { startsWith: search.replace(/\s+/g, '') } },
          ],
        }
      : {}),
  };
  const { skip, take } = pageWindow(input);
  const [items, total] = await Promise.all([
    db.organization.findMany({ where, orderBy: [{ legalName: 'asc' }, { id: 'asc' }], skip, take }),
    db.organization.count({ where }),
  ]);
  return { items, total };
}

/** One organisation of the alliance; an id of another alliance is NotFound, like a missing one. */
export async function getOrganization(
  db: DbTx,
  input: { allianceId: string; organizationId: string },
): Promise<Organization> {
  // A malformed id cannot name any row; answer like a foreign one instead of a database error.
  if (!UUID_PATTERN.test(input.organizationId)) throw new NotFound('Organisation not found');
  const organization = await db.organization.findFirst({
    where: { id: input.organizationId, allianceId: input.allianceId },
  });
  if (!organization) throw new NotFound('Organisation not found');
  return organization;
}
