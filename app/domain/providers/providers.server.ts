import { randomUUID } from 'node:crypto';
import { recordAudit } from '~/domain/audit/audit.server';
import type { Actor, ActorMembership } from '~/domain/auth/actor';
import { appUrl, userLocale } from '~/domain/auth/auth.server';
import { inviteMember } from '~/domain/auth/invitations.server';
import { ALLIANCE_LEVEL_ROLES, type RoleName } from '~/domain/auth/roles';
import { clampPage, pageCount } from '~/domain/directory/directory.fns';
import { queueEmail } from '~/domain/mail/mail.server';
import { renderEmail } from '~/domain/mail/templates';
import { createOrganization } from '~/domain/organizations/organizations.server';
import { consumeRateLimit } from '~/domain/rate-limit/rate-limit.server';
import { discardObjects, getStorage, putObjects, type ObjectStorage } from '~/domain/storage/storage.server';
import { inspectUploads, type AcceptedUpload, type UploadedFile } from '~/domain/storage/uploads.server';
import type { Prisma, ProviderDocumentKind } from '~/generated/prisma/client';
import { translator, type Locale } from '~/i18n/i18n';
import type { Db, DbTx } from '~/utils/db.server';
import { Conflict, Forbidden, NotFound, ValidationFailed } from '~/utils/errors.server';
import { renderSafeMarkdown } from './markdown.fns';
import {
  checkProviderDecision,
  curatorDecisionsFor,
  decisionInvitesContact,
  maskIban,
  providerDecisionAuditAction,
  providerEditMode,
  type CuratorDecisionName,
  type ProviderStatusName,
} from './providers.fns';
import {
  adhesionSchema,
  admittedEditSchema,
  applicationEditSchema,
  DOCUMENT_FIELDS,
  documentKindOfField,
  type ProviderListQuery,
} from './providers.schema';

// Providers (enti erogatori): the public adhesion request, the Ambito curator's review and
// decisions, the provider's own profile, authorised document downloads, and the questions other
// capabilities ask (is this provider admitted? what does the public see of it?).
// Scope: everything is read through the caller's alliance; a provider of another alliance, or a
// document of another provider, is NotFound.

// Route files import the schemas they parse with from here, not from ./providers.schema: this
// module is emptied in the browser bundle, so the identifier validators (codice-fiscale-js with its
// list of every Italian municipality) and micromark never reach the client.
export { allianceSlugSchema, decisionSchema, DOCUMENT_FIELDS, providerListQuerySchema } from './providers.schema';

export const PAGE_SIZE = 20;
/** Adhesion requests per client address per hour (every attempt counts, failed ones included). */
export const ADHESION_RATE_LIMIT = { limit: 10, windowSeconds: 3600 };

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const REVIEWER_ROLES: readonly RoleName[] = ALLIANCE_LEVEL_ROLES;
const DECIDER_ROLES: readonly RoleName[] = ['AMBITO_CURATOR'];

function activeMembership(actor: Actor): ActorMembership {
  if (!actor.membership) throw new NotFound('No active membership');
  return actor.membership;
}

function requireRole(actor: Actor, roles: readonly RoleName[]): ActorMembership {
  const membership = activeMembership(actor);
  // Outside one's role the page does not exist: 404, as for foreign ids.
  if (!roles.includes(membership.role)) throw new NotFound('Not available for this role');
  return membership;
}

function assertUuid(id: string, what: string): void {
  if (!UUID_PATTERN.test(id)) throw new NotFound(`${what} not found`);
}

function fieldErrorsOf(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): Record<string, string> {
  const fieldErrors: Record<string, string> = {};
  for (const issue of issues) fieldErrors[issue.path.map(String).join('.') || 'form'] ??= issue.message;
  return fieldErrors;
}

function documentStorageKey(documentId: string): string {
  return `provider-documents/${documentId}`;
}

interface PreparedDocument {
  id: string;
  kind: ProviderDocumentKind;
  upload: AcceptedUpload;
}

function prepareDocuments(uploads: readonly AcceptedUpload[]): PreparedDocument[] {
  return uploads.map((upload) => ({ id: randomUUID(), kind: documentKindOfField(upload.field) ?? 'OTHER', upload }));
}

async function storeDocuments(storage: ObjectStorage, documents: readonly PreparedDocument[]): Promise<void> {
  await putObjects(
    storage,
    documents.map((d) => ({ key: documentStorageKey(d.id), bytes: d.upload.bytes, contentType: d.upload.contentType })),
  );
}

function documentRows(organizationId: string, documents: readonly PreparedDocument[], uploadedById: string | null) {
  return documents.map((d) => ({
    id: d.id,
    organizationId,
    kind: d.kind,
    fileName: d.upload.fileName,
    contentType: d.upload.contentType,
    sizeBytes: d.upload.sizeBytes,
    sha256: d.upload.sha256,
    storageKey: documentStorageKey(d.id),
    uploadedById,
  }));
}

// ---------------------------------------------------------------------------------------------
// E-mail

interface MailParts {
  to: string;
  locale: Locale;
  dedupeKey: string;
  subject: [string, Record<string, string | number>?];
  greetingName?: string;
  paragraphs: Array<[string, Record<string, string | number>?] | string>;
  action?: { label: string; path: string };
}

async function sendProviderMail(tx: DbTx, mail: MailParts): Promise<void> {
  const t = translator(mail.locale);
  const rendered = renderEmail({
    locale: mail.locale,
    subject: t(mail.subject[0], mail.subject[1]),
    greeting: mail.greetingName ? t('auth.email.greeting', { name: mail.greetingName }) : undefined,
    paragraphs: mail.paragraphs.map((p) => (typeof p === 'string' ? p : t(p[0], p[1]))),
    action: mail.action ? { label: t(mail.action.label), url: appUrl(mail.action.path) } : undefined,
  });
  await queueEmail(tx, { to: mail.to, ...rendered, dedupeKey: mail.dedupeKey });
}

/** The active curators of an alliance: AMBITO_CURATOR memberships of its AMBITO organisation(s). */
async function allianceCurators(db: DbTx, allianceId: string) {
  const memberships = await db.membership.findMany({
    where: { role: 'AMBITO_CURATOR', status: 'ACTIVE', organization: { allianceId, kind: 'AMBITO' } },
    select: { user: { select: { id: true, email: true, givenName: true, locale: true } } },
    orderBy: { createdAt: 'asc' },
  });
  const seen = new Set<string>();
  return memberships.map((m) => m.user).filter((u) => (seen.has(u.id) ? false : (seen.add(u.id), true)));
}

async function mailCurators(
  tx: DbTx,
  input: { allianceId: string; organizationId: string; legalName: string; subjectKey: string; bodyKey: string; dedupe: string },
): Promise<number> {
  const curators = await allianceCurators(tx, input.allianceId);
  for (const curator of curators) {
    await sendProviderMail(tx, {
      to: curator.email,
      locale: userLocale(curator.locale),
      dedupeKey: `${input.dedupe}:curator:${curator.id}`,
      subject: [input.subjectKey, { provider: input.legalName }],
      greetingName: curator.givenName,
      paragraphs: [[input.bodyKey, { provider: input.legalName }]],
      action: { label: 'providers.email.curator.action', path: `/ambito/enti/${input.organizationId}` },
    });
  }
  return curators.length;
}

/** The contact's language: their account's when they have one, Italian otherwise. */
async function contactLocale(db: DbTx, email: string): Promise<Locale> {
  const user = await db.user.findUnique({ where: { email }, select: { locale: true } });
  return user ? userLocale(user.locale) : 'it';
}

// ---------------------------------------------------------------------------------------------
// Public adhesion request

/** Alliances a provider can ask to join (step one of /aderisci). */
export async function listAdhesionAlliances(db: DbTx) {
  return db.alliance.findMany({
    orderBy: { name: 'asc' },
    select: { slug: true, name: true, shortName: true, territory: true, capofila: true },
  });
}

/** The municipalities of an alliance grouped by Ambito, for the "comuni served" checkboxes. */
async function allianceComuni(db: DbTx, allianceId: string) {
  const ambiti = await db.ambito.findMany({
    where: { allianceId },
    orderBy: { name: 'asc' },
    select: { id: true, name: true, comuni: { select: { id: true, name: true }, orderBy: { name: 'asc' } } },
  });
  return ambiti.map((a) => ({ id: a.id, name: a.name, comuni: a.comuni }));
}

/** Step two of /aderisci: the chosen alliance and its municipalities. Unknown slug → NotFound. */
export async function getAdhesionForm(db: DbTx, allianceSlug: string) {
  const alliance = await db.alliance.findUnique({
    where: { slug: allianceSlug },
    select: { id: true, slug: true, name: true, shortName: true, territory: true },
  });
  if (!alliance) throw new NotFound('Alliance not found');
  return { alliance: { slug: alliance.slug, name: alliance.name, shortName: alliance.shortName, territory: alliance.territory }, ambiti: await allianceComuni(db, alliance.id) };
}

async function assertComuniInAlliance(db: DbTx, allianceId: string, comuneIds: readonly string[], fieldErrors: Record<string, string>) {
  if (comuneIds.length === 0) return;
  const found = await db.comune.count({ where: { id: { in: [...comuneIds] }, allianceId } });
  if (found !== new Set(comuneIds).size) fieldErrors.comuneIds ??= 'providers.validation.comuniOutside';
}

function duplicateProvider(field: 'codiceFiscale' | 'partitaIva'): Conflict {
  return new Conflict('A provider with this codice fiscale or partita IVA is already registered in this alliance', {
    fieldErrors: { [field]: 'providers.adhesion.duplicate' },
  });
}

export interface SubmitAdhesionInput {
  allianceSlug: string;
  /** The form's text fields as posted (validated here). */
  fields: Record<string, unknown>;
  files: readonly UploadedFile[];
  /** Refusals found while reading the files (too large, too many). */
  uploadFieldErrors?: Record<string, string>;
  locale: Locale;
  ipAddress: string;
  storage?: ObjectStorage;
}

/**
 * The public adhesion request. In one transaction: the Organization (kind PROVIDER), its
 * ProviderProfile (PENDING), the municipalities served and the documents, the audit event
 * `provider.adhesion_requested`, an e-mail to the contact ("we received your request") and one to
 * each curator of the alliance. The files are stored first and removed again if the transaction
 * fails.
 *
 * Throws RateLimited (per client address), NotFound (unknown alliance), ValidationFailed (field
 * errors, i18n keys), Conflict with a field error when the alliance already has this provider.
 */
export async function submitAdhesion(db: Db, input: SubmitAdhesionInput): Promise<{ organizationId: string; allianceSlug: string }> {
  await consumeRateLimit({ key: `provider-adhesion:${input.ipAddress}`, ...ADHESION_RATE_LIMIT });
  const alliance = await db.alliance.findUnique({ where: { slug: input.allianceSlug }, select: { id: true, slug: true, name: true } });
  if (!alliance) throw new NotFound('Alliance not found');

  const parsed = adhesionSchema.safeParse(input.fields);
  const fieldErrors: Record<string, string> = { ...(input.uploadFieldErrors ?? {}) };
  if (!parsed.success) for (const [k, v] of Object.entries(fieldErrorsOf(parsed.error.issues))) fieldErrors[k] ??= v;
  const { accepted, fieldErrors: uploadErrors } = await inspectUploads(input.files);
  for (const [field, message] of Object.entries(uploadErrors)) fieldErrors[field] ??= message;
  if (accepted.length === 0 && !DOCUMENT_FIELDS.some((f) => fieldErrors[f])) {
    fieldErrors.documentSTATUTO = 'providers.validation.documentsRequired';
  }
  if (parsed.success) await assertComuniInAlliance(db, alliance.id, parsed.data.comuneIds, fieldErrors);
  if (!parsed.success || Object.keys(fieldErrors).length > 0) {
    throw new ValidationFailed(`Invalid adhesion request (${Object.keys(fieldErrors).join(', ')})`, fieldErrors);
  }
  const data = parsed.data;

  // Same body twice: its codice fiscale or partita IVA already names an organisation of the alliance.
  const taxIds = [data.codiceFiscale, ...(data.partitaIva ? [data.partitaIva] : [])];
  const existing = await db.organization.findFirst({
    where: { allianceId: alliance.id, OR: [{ codiceFiscale: { in: taxIds } }, { partitaIva: { in: taxIds } }] },
    select: { codiceFiscale: true, partitaIva: true },
  });
  if (existing) {
    const sameCodiceFiscale = existing.codiceFiscale === data.codiceFiscale || existing.partitaIva === data.codiceFiscale;
    throw duplicateProvider(sameCodiceFiscale ? 'codiceFiscale' : 'partitaIva');
  }

  const storage = input.storage ?? getStorage();
  const documents = prepareDocuments(accepted);
  await storeDocuments(storage, documents);
  try {
    return await db.$transaction(async (tx) => {
      const organization = await createOrganization(
        tx,
        {
          allianceId: alliance.id,
          kind: 'PROVIDER',
          legalName: data.legalName,
          codiceFiscale: data.codiceFiscale,
          partitaIva: data.partitaIva,
          email: data.contactEmail,
          address: data.registeredOffice,
        },
        { audit: { ipAddress: input.ipAddress } },
      );
      await tx.providerProfile.create({
        data: {
          organizationId: organization.id,
          providerKind: data.providerKind,
          status: 'PENDING',
          iban: data.iban,
          registeredOffice: data.registeredOffice,
          accreditationRef: data.accreditationRef ?? null,
          contactGivenName: data.contactGivenName,
          contactFamilyName: data.contactFamilyName,
          contactEmail: data.contactEmail,
          contactPhone: data.contactPhone ?? null,
          description: data.description ?? '',
          website: data.website ?? null,
          alsoEmployer: data.alsoEmployer,
        },
      });
      await tx.providerComune.createMany({ data: data.comuneIds.map((comuneId) => ({ organizationId: organization.id, comuneId })) });
      await tx.providerDocument.createMany({ data: documentRows(organization.id, documents, null) });
      await recordAudit(tx, {
        action: 'provider.adhesion_requested',
        allianceId: alliance.id,
        organizationId: organization.id,
        subjectType: 'ProviderProfile',
        subjectId: organization.id,
        ipAddress: input.ipAddress,
        metadata: { providerKind: data.providerKind, documents: documents.length, comuni: data.comuneIds.length },
      });
      await sendProviderMail(tx, {
        to: data.contactEmail,
        locale: input.locale,
        dedupeKey: `provider-adhesion:${organization.id}:contact`,
        subject: ['providers.email.received.subject', { alliance: alliance.name }],
        greetingName: data.contactGivenName,
        paragraphs: [
          ['providers.email.received.body', { provider: organization.legalName, alliance: alliance.name }],
          ['providers.email.received.next'],
        ],
      });
      await mailCurators(tx, {
        allianceId: alliance.id,
        organizationId: organization.id,
        legalName: organization.legalName,
        subjectKey: 'providers.email.curatorNew.subject',
        bodyKey: 'providers.email.curatorNew.body',
        dedupe: `provider-adhesion:${organization.id}`,
      });
      return { organizationId: organization.id, allianceSlug: alliance.slug };
    });
  } catch (error) {
    await discardObjects(storage, documents.map((d) => documentStorageKey(d.id)));
    // Two requests for the same body at once: the unique index decides, the loser is told plainly.
    if (error instanceof Conflict) throw duplicateProvider('codiceFiscale');
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// Curator review

const LIST_ORDER: Record<ProviderListQuery['sort'], (dir: 'asc' | 'desc') => Prisma.ProviderProfileOrderByWithRelationInput[]> = {
  legalName: (dir) => [{ organization: { legalName: dir } }],
  providerKind: (dir) => [{ providerKind: dir }, { organization: { legalName: 'asc' } }],
  status: (dir) => [{ status: dir }, { organization: { legalName: 'asc' } }],
  submittedAt: (dir) => [{ submittedAt: dir }],
};

/**
 * The alliance's providers for the curator (and, read-only, the alliance admin and auditor):
 * filtered by status (PENDING by default) and by name or tax id, sorted and paginated on the server.
 */
export async function listProvidersForReview(db: DbTx, actor: Actor, query: ProviderListQuery) {
  const membership = requireRole(actor, REVIEWER_ROLES);
  const scope: Prisma.ProviderProfileWhereInput = { organization: { allianceId: membership.allianceId } };
  const where: Prisma.ProviderProfileWhereInput = { ...scope };
  if (query.status !== 'ALL') where.status = query.status;
  if (query.q) {
    const compact = query.q.replace(/\s+/g, '').toUpperCase();
    where.organization = {
      allianceId: membership.allianceId,
      OR: [
        { legalName: { contains: query.q, mode: 'insensitive' } },
        { codiceFiscale: { startsWith: compact } },
        { partitaIva: { startsWith: compact } },
      ],
    };
  }
  const [total, byStatus] = await Promise.all([
    db.providerProfile.count({ where }),
    db.providerProfile.groupBy({ by: ['status'], where: scope, _count: { _all: true } }),
  ]);
  const page = clampPage(query.page, total, PAGE_SIZE);
  const rows = await db.providerProfile.findMany({
    where,
    orderBy: [...LIST_ORDER[query.sort](query.dir), { organizationId: 'asc' }],
    skip: (page - 1) * PAGE_SIZE,
    take: PAGE_SIZE,
    select: {
      organizationId: true,
      providerKind: true,
      status: true,
      submittedAt: true,
      decidedAt: true,
      organization: { select: { legalName: true, codiceFiscale: true } },
      _count: { select: { comuni: true, documents: true } },
    },
  });
  const counts = Object.fromEntries(byStatus.map((s) => [s.status, s._count._all])) as Partial<Record<ProviderStatusName, number>>;
  return {
    rows: rows.map((r) => ({
      id: r.organizationId,
      legalName: r.organization.legalName,
      codiceFiscale: r.organization.codiceFiscale,
      providerKind: r.providerKind,
      status: r.status,
      submittedAt: r.submittedAt.toISOString(),
      decidedAt: r.decidedAt?.toISOString() ?? null,
      comuni: r._count.comuni,
      documents: r._count.documents,
    })),
    counts,
    total,
    page,
    pages: pageCount(total, PAGE_SIZE),
    pageSize: PAGE_SIZE,
  };
}

const PROFILE_DETAIL = {
  organizationId: true,
  providerKind: true,
  status: true,
  iban: true,
  registeredOffice: true,
  accreditationRef: true,
  contactGivenName: true,
  contactFamilyName: true,
  contactEmail: true,
  contactPhone: true,
  description: true,
  website: true,
  alsoEmployer: true,
  submittedAt: true,
  decidedAt: true,
  organization: { select: { legalName: true, codiceFiscale: true, partitaIva: true, allianceId: true } },
  comuni: { select: { comune: { select: { id: true, name: true } } }, orderBy: { comune: { name: 'asc' } } },
  documents: {
    select: { id: true, kind: true, fileName: true, contentType: true, sizeBytes: true, sha256: true, createdAt: true },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  },
  decisions: {
    select: {
      id: true,
      decision: true,
      fromStatus: true,
      toStatus: true,
      reason: true,
      createdAt: true,
      actor: { select: { givenName: true, familyName: true } },
    },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
  },
} satisfies Prisma.ProviderProfileSelect;

type ProfileRow = Prisma.ProviderProfileGetPayload<{ select: typeof PROFILE_DETAIL }>;

function profileView(p: ProfileRow) {
  const lastReason = p.decisions.find((d) => d.reason && d.decision !== 'RESUBMIT');
  return {
    id: p.organizationId,
    legalName: p.organization.legalName,
    codiceFiscale: p.organization.codiceFiscale,
    partitaIva: p.organization.partitaIva,
    providerKind: p.providerKind,
    status: p.status,
    iban: p.iban,
    registeredOffice: p.registeredOffice,
    accreditationRef: p.accreditationRef,
    contactGivenName: p.contactGivenName,
    contactFamilyName: p.contactFamilyName,
    contactEmail: p.contactEmail,
    contactPhone: p.contactPhone,
    description: p.description,
    descriptionHtml: renderSafeMarkdown(p.description),
    website: p.website,
    alsoEmployer: p.alsoEmployer,
    submittedAt: p.submittedAt.toISOString(),
    decidedAt: p.decidedAt?.toISOString() ?? null,
    comuni: p.comuni.map((c) => c.comune),
    documents: p.documents.map((d) => ({ ...d, createdAt: d.createdAt.toISOString() })),
    decisions: p.decisions.map((d) => ({
      id: d.id,
      decision: d.decision,
      fromStatus: d.fromStatus,
      toStatus: d.toStatus,
      reason: d.reason,
      createdAt: d.createdAt.toISOString(),
      actorName: d.actor ? `${d.actor.givenName} ${d.actor.familyName}` : null,
    })),
    lastDecision: lastReason ? { decision: lastReason.decision, reason: lastReason.reason, createdAt: lastReason.createdAt.toISOString() } : null,
  };
}

export type ProviderProfileView = ReturnType<typeof profileView>;

/** One provider of the alliance with its documents and decision history; another alliance's is NotFound. */
export async function getProviderForReview(db: DbTx, actor: Actor, organizationId: string) {
  const membership = requireRole(actor, REVIEWER_ROLES);
  assertUuid(organizationId, 'Provider');
  const profile = await db.providerProfile.findFirst({
    where: { organizationId, organization: { allianceId: membership.allianceId } },
    select: PROFILE_DETAIL,
  });
  if (!profile) throw new NotFound('Provider not found');
  const canDecide = DECIDER_ROLES.includes(membership.role);
  return { provider: profileView(profile), decisions: canDecide ? curatorDecisionsFor(profile.status) : [] };
}

export interface DecideProviderInput {
  organizationId: string;
  decision: CuratorDecisionName;
  reason?: string | null;
  ipAddress?: string | null;
}

/**
 * The curator's decision on a provider of their alliance. In one transaction: the status change
 * (conditional on the status the curator saw, so two curators cannot both decide), a
 * ProviderDecision row, the audit event `provider.<decision>`, an e-mail to the provider's contact
 * and, when admitted or asked for changes, an invitation of the contact as PROVIDER_OPERATOR
 * (inviteMember: a new account, or a new membership for an existing one).
 */
export async function decideProvider(db: Db, actor: Actor, input: DecideProviderInput) {
  const membership = requireRole(actor, DECIDER_ROLES);
  assertUuid(input.organizationId, 'Provider');
  const profile = await db.providerProfile.findFirst({
    where: { organizationId: input.organizationId, organization: { allianceId: membership.allianceId } },
    select: {
      status: true,
      contactEmail: true,
      contactGivenName: true,
      contactFamilyName: true,
      organization: { select: { legalName: true, allianceId: true, alliance: { select: { name: true } } } },
    },
  });
  if (!profile) throw new NotFound('Provider not found');
  const reason = input.reason?.trim() || null;
  const check = checkProviderDecision({ from: profile.status, decision: input.decision, reason });
  if (!check.ok) {
    if (check.conflict) throw new Conflict(`Decision ${input.decision} is not allowed on a ${profile.status} provider`, { fieldErrors: check.fieldErrors });
    throw new ValidationFailed('Invalid decision', check.fieldErrors);
  }

  const now = new Date();
  return db.$transaction(async (tx) => {
    const moved = await tx.providerProfile.updateMany({
      where: { organizationId: input.organizationId, status: profile.status },
      data: { status: check.to, decidedAt: now },
    });
    if (moved.count !== 1) {
      throw new Conflict('The provider was decided by someone else in the meantime', { fieldErrors: { decision: 'providers.decision.stale' } });
    }
    const decision = await tx.providerDecision.create({
      data: {
        organizationId: input.organizationId,
        decision: input.decision,
        fromStatus: profile.status,
        toStatus: check.to,
        reason,
        actorUserId: actor.user.id,
        createdAt: now,
      },
      select: { id: true },
    });
    await recordAudit(tx, {
      action: providerDecisionAuditAction(input.decision),
      allianceId: profile.organization.allianceId,
      organizationId: input.organizationId,
      actorUserId: actor.user.id,
      subjectType: 'ProviderProfile',
      subjectId: input.organizationId,
      ipAddress: input.ipAddress ?? null,
      metadata: { decisionId: decision.id, from: profile.status, to: check.to },
    });

    let invited: { membershipId: string; resent: boolean } | null = null;
    if (decisionInvitesContact(input.decision)) {
      const active = await tx.membership.findFirst({
        where: { organizationId: input.organizationId, role: 'PROVIDER_OPERATOR', status: 'ACTIVE', user: { email: profile.contactEmail } },
        select: { id: true },
      });
      if (!active) {
        const result = await inviteMember(tx, {
          invitedBy: { userId: actor.user.id },
          organizationId: input.organizationId,
          email: profile.contactEmail,
          givenName: profile.contactGivenName,
          familyName: profile.contactFamilyName,
          role: 'PROVIDER_OPERATOR',
          ipAddress: input.ipAddress ?? null,
        });
        invited = { membershipId: result.membershipId, resent: result.resent };
      }
    }

    const locale = await contactLocale(tx, profile.contactEmail);
    const key = input.decision.toLowerCase();
    await sendProviderMail(tx, {
      to: profile.contactEmail,
      locale,
      dedupeKey: `provider-decision:${decision.id}`,
      subject: [`providers.email.decision.${key}.subject`, { alliance: profile.organization.alliance.name }],
      greetingName: profile.contactGivenName,
      paragraphs: [
        [`providers.email.decision.${key}.body`, { provider: profile.organization.legalName, alliance: profile.organization.alliance.name }],
        ...(reason ? [['providers.email.decision.reason', { reason }] as [string, Record<string, string>]] : []),
        ...(invited ? [['providers.email.decision.invitation'] as [string]] : []),
      ],
      action: { label: 'providers.email.decision.action', path: '/ente/profilo' },
    });
    return { decisionId: decision.id, status: check.to, invited };
  });
}

// ---------------------------------------------------------------------------------------------
// The provider's own profile

/** The operator's provider profile, the alliance's municipalities and what may be edited now. */
export async function getOwnProviderProfile(db: DbTx, actor: Actor) {
  const membership = requireRole(actor, ['PROVIDER_OPERATOR']);
  const profile = await db.providerProfile.findFirst({
    where: { organizationId: membership.organizationId, organization: { allianceId: membership.allianceId } },
    select: PROFILE_DETAIL,
  });
  if (!profile) return { provider: null, ambiti: [], editMode: 'none' as const };
  return {
    provider: profileView(profile),
    ambiti: await allianceComuni(db, membership.allianceId),
    editMode: providerEditMode(profile.status),
  };
}

async function loadOwnProfileForUpdate(db: DbTx, membership: ActorMembership) {
  const profile = await db.providerProfile.findFirst({
    where: { organizationId: membership.organizationId, organization: { allianceId: membership.allianceId } },
    select: {
      status: true,
      iban: true,
      contactEmail: true,
      contactGivenName: true,
      organization: { select: { legalName: true, allianceId: true } },
      documents: { select: { id: true, sha256: true, storageKey: true } },
    },
  });
  if (!profile) throw new NotFound('Provider profile not found');
  return profile;
}

export interface ResubmitInput {
  fields: Record<string, unknown>;
  files: readonly UploadedFile[];
  uploadFieldErrors?: Record<string, string>;
  ipAddress?: string | null;
  storage?: ObjectStorage;
}

/**
 * The provider answers a request for changes: corrected fields and documents (new ones added,
 * ticked ones removed), back to PENDING, a RESUBMIT history row, audit `provider.resubmitted`,
 * and the curators are e-mailed. Only while CHANGES_REQUESTED (Conflict otherwise).
 */
export async function resubmitApplication(db: Db, actor: Actor, input: ResubmitInput) {
  const membership = requireRole(actor, ['PROVIDER_OPERATOR']);
  const profile = await loadOwnProfileForUpdate(db, membership);
  if (profile.status !== 'CHANGES_REQUESTED') {
    throw new Conflict(`A ${profile.status} application cannot be resubmitted`, { fieldErrors: { form: 'providers.profile.notEditable' } });
  }
  const parsed = applicationEditSchema.safeParse(input.fields);
  const fieldErrors: Record<string, string> = { ...(input.uploadFieldErrors ?? {}) };
  if (!parsed.success) for (const [k, v] of Object.entries(fieldErrorsOf(parsed.error.issues))) fieldErrors[k] ??= v;
  const remove = new Set(parsed.success ? parsed.data.removeDocumentIds : []);
  const kept = profile.documents.filter((d) => !remove.has(d.id));
  const { accepted, fieldErrors: uploadErrors } = await inspectUploads(input.files, { knownSha256: new Set(kept.map((d) => d.sha256)) });
  for (const [field, message] of Object.entries(uploadErrors)) fieldErrors[field] ??= message;
  if (parsed.success) {
    await assertComuniInAlliance(db, membership.allianceId, parsed.data.comuneIds, fieldErrors);
    if ([...remove].some((id) => !profile.documents.some((d) => d.id === id))) fieldErrors.removeDocumentIds = 'validation.invalidChoice';
  }
  if (kept.length + accepted.length === 0 && !DOCUMENT_FIELDS.some((f) => fieldErrors[f])) {
    fieldErrors.documentSTATUTO = 'providers.validation.documentsRequired';
  }
  if (!parsed.success || Object.keys(fieldErrors).length > 0) {
    throw new ValidationFailed(`Invalid application (${Object.keys(fieldErrors).join(', ')})`, fieldErrors);
  }
  const data = parsed.data;
  const organizationId = membership.organizationId;
  const storage = input.storage ?? getStorage();
  const documents = prepareDocuments(accepted);
  const removed = profile.documents.filter((d) => remove.has(d.id));
  await storeDocuments(storage, documents);
  const now = new Date();
  try {
    await db.$transaction(async (tx) => {
      const moved = await tx.providerProfile.updateMany({
        where: { organizationId, status: 'CHANGES_REQUESTED' },
        data: {
          status: 'PENDING',
          submittedAt: now,
          providerKind: data.providerKind,
          iban: data.iban,
          registeredOffice: data.registeredOffice,
          accreditationRef: data.accreditationRef ?? null,
          contactGivenName: data.contactGivenName,
          contactFamilyName: data.contactFamilyName,
          contactEmail: data.contactEmail,
          contactPhone: data.contactPhone ?? null,
          description: data.description ?? '',
          website: data.website ?? null,
          alsoEmployer: data.alsoEmployer,
        },
      });
      if (moved.count !== 1) throw new Conflict('The application changed in the meantime', { fieldErrors: { form: 'providers.profile.notEditable' } });
      await tx.organization.update({ where: { id: organizationId }, data: { legalName: data.legalName, address: data.registeredOffice, email: data.contactEmail } });
      await tx.providerComune.deleteMany({ where: { organizationId } });
      await tx.providerComune.createMany({ data: data.comuneIds.map((comuneId) => ({ organizationId, comuneId })) });
      if (removed.length) await tx.providerDocument.deleteMany({ where: { organizationId, id: { in: removed.map((d) => d.id) } } });
      if (documents.length) await tx.providerDocument.createMany({ data: documentRows(organizationId, documents, actor.user.id) });
      await tx.providerDecision.create({
        data: { organizationId, decision: 'RESUBMIT', fromStatus: 'CHANGES_REQUESTED', toStatus: 'PENDING', actorUserId: actor.user.id, createdAt: now },
      });
      await recordAudit(tx, {
        action: providerDecisionAuditAction('RESUBMIT'),
        allianceId: membership.allianceId,
        organizationId,
        actorUserId: actor.user.id,
        subjectType: 'ProviderProfile',
        subjectId: organizationId,
        ipAddress: input.ipAddress ?? null,
        metadata: {
          documentsAdded: documents.length,
          documentsRemoved: removed.length,
          ...(profile.iban !== data.iban ? { ibanChanged: true } : {}),
        },
      });
      await mailCurators(tx, {
        allianceId: membership.allianceId,
        organizationId,
        legalName: data.legalName,
        subjectKey: 'providers.email.curatorResubmitted.subject',
        bodyKey: 'providers.email.curatorResubmitted.body',
        dedupe: `provider-resubmit:${organizationId}:${now.getTime()}`,
      });
    });
  } catch (error) {
    await discardObjects(storage, documents.map((d) => documentStorageKey(d.id)));
    throw error;
  }
  // Only once the rows are gone: a failed transaction keeps the old files.
  await discardObjects(storage, removed.map((d) => d.storageKey));
  return { status: 'PENDING' as ProviderStatusName };
}

/**
 * An admitted (or suspended) provider updates its contact, description, website, municipalities
 * and IBAN without a new review. Audited as `provider.profile_updated`; an IBAN change is also
 * `provider.iban_changed` and is e-mailed to the previous contact address, so a hijacked account
 * cannot divert payments unnoticed.
 */
export async function updateAdmittedProfile(db: Db, actor: Actor, input: { fields: Record<string, unknown>; ipAddress?: string | null }) {
  const membership = requireRole(actor, ['PROVIDER_OPERATOR']);
  const profile = await loadOwnProfileForUpdate(db, membership);
  if (providerEditMode(profile.status) !== 'admitted') {
    throw new Conflict(`A ${profile.status} profile cannot be edited here`, { fieldErrors: { form: 'providers.profile.notEditable' } });
  }
  const parsed = admittedEditSchema.safeParse(input.fields);
  const fieldErrors: Record<string, string> = parsed.success ? {} : fieldErrorsOf(parsed.error.issues);
  if (parsed.success) await assertComuniInAlliance(db, membership.allianceId, parsed.data.comuneIds, fieldErrors);
  if (!parsed.success || Object.keys(fieldErrors).length > 0) {
    throw new ValidationFailed(`Invalid profile (${Object.keys(fieldErrors).join(', ')})`, fieldErrors);
  }
  const data = parsed.data;
  const organizationId = membership.organizationId;
  const ibanChanged = data.iban !== profile.iban;
  return db.$transaction(async (tx) => {
    const before = await tx.providerProfile.findUniqueOrThrow({
      where: { organizationId },
      select: {
        contactGivenName: true,
        contactFamilyName: true,
        contactEmail: true,
        contactPhone: true,
        website: true,
        description: true,
        comuni: { select: { comuneId: true } },
      },
    });
    await tx.providerProfile.update({
      where: { organizationId },
      data: {
        iban: data.iban,
        contactGivenName: data.contactGivenName,
        contactFamilyName: data.contactFamilyName,
        contactEmail: data.contactEmail,
        contactPhone: data.contactPhone ?? null,
        description: data.description ?? '',
        website: data.website ?? null,
      },
    });
    await tx.organization.update({ where: { id: organizationId }, data: { email: data.contactEmail } });
    await tx.providerComune.deleteMany({ where: { organizationId } });
    await tx.providerComune.createMany({ data: data.comuneIds.map((comuneId) => ({ organizationId, comuneId })) });
    const beforeComuni = before.comuni.map((c) => c.comuneId).sort().join(',');
    const changed = [
      before.contactGivenName !== data.contactGivenName || before.contactFamilyName !== data.contactFamilyName ? 'contactName' : null,
      before.contactEmail !== data.contactEmail ? 'contactEmail' : null,
      before.contactPhone !== (data.contactPhone ?? null) ? 'contactPhone' : null,
      before.website !== (data.website ?? null) ? 'website' : null,
      before.description !== (data.description ?? '') ? 'description' : null,
      beforeComuni !== [...data.comuneIds].sort().join(',') ? 'comuni' : null,
      ibanChanged ? 'iban' : null,
    ].filter((f): f is string => f !== null);
    const audit = {
      allianceId: membership.allianceId,
      organizationId,
      actorUserId: actor.user.id,
      subjectType: 'ProviderProfile',
      subjectId: organizationId,
      ipAddress: input.ipAddress ?? null,
    };
    if (changed.length) await recordAudit(tx, { ...audit, action: 'provider.profile_updated', metadata: { fields: changed } });
    if (ibanChanged) {
      await recordAudit(tx, { ...audit, action: 'provider.iban_changed', metadata: { from: maskIban(profile.iban), to: maskIban(data.iban) } });
      const locale = await contactLocale(tx, profile.contactEmail);
      await sendProviderMail(tx, {
        to: profile.contactEmail,
        locale,
        dedupeKey: `provider-iban:${organizationId}:${Date.now()}`,
        subject: ['providers.email.iban.subject'],
        greetingName: profile.contactGivenName,
        paragraphs: [
          ['providers.email.iban.body', { provider: profile.organization.legalName, iban: maskIban(data.iban), name: `${actor.user.givenName} ${actor.user.familyName}` }],
          ['providers.email.iban.notYou'],
        ],
        action: { label: 'providers.email.decision.action', path: '/ente/profilo' },
      });
    }
    return { changed };
  });
}

// ---------------------------------------------------------------------------------------------
// Documents

/**
 * A provider document for download: the provider's own operators, or the alliance's curator,
 * admin and auditor. Anyone else — another provider, another alliance, an employee — gets
 * NotFound, as for an id that does not exist.
 */
export async function getDocumentForDownload(db: DbTx, actor: Actor, documentId: string, options: { storage?: ObjectStorage } = {}) {
  const membership = activeMembership(actor);
  assertUuid(documentId, 'Document');
  const document = await db.providerDocument.findUnique({
    where: { id: documentId },
    select: {
      id: true,
      organizationId: true,
      fileName: true,
      contentType: true,
      sizeBytes: true,
      sha256: true,
      storageKey: true,
      provider: { select: { organization: { select: { allianceId: true } } } },
    },
  });
  if (!document) throw new NotFound('Document not found');
  const sameAlliance = membership.allianceId === document.provider.organization.allianceId;
  const ownStaff = membership.role === 'PROVIDER_OPERATOR' && membership.organizationId === document.organizationId;
  const allianceStaff = ALLIANCE_LEVEL_ROLES.includes(membership.role);
  if (!sameAlliance || !(ownStaff || allianceStaff)) throw new NotFound('Document not found');
  const stored = await (options.storage ?? getStorage()).get(document.storageKey);
  if (!stored) throw new NotFound('Document content not found');
  return {
    fileName: document.fileName,
    contentType: document.contentType,
    sizeBytes: stored.bytes.byteLength,
    bytes: stored.bytes,
  };
}

// ---------------------------------------------------------------------------------------------
// For the other capabilities (offerings, public catalogue)

/**
 * Throws Forbidden unless the organisation is an ADMITTED provider: offerings may be submitted
 * (and stay public) only while the Ambito admits their provider.
 */
export async function assertProviderAdmitted(db: DbTx, organizationId: string): Promise<void> {
  const profile = UUID_PATTERN.test(organizationId)
    ? await db.providerProfile.findUnique({ where: { organizationId }, select: { status: true } })
    : null;
  if (!profile) throw new Forbidden('This organisation has not been admitted as a provider of the alliance (no adhesion on file)');
  if (profile.status !== 'ADMITTED') {
    throw new Forbidden(`This provider is not admitted by the Ambito (status ${profile.status}): offerings cannot be submitted until it is`, {
      status: profile.status,
    });
  }
}

/** The status of a provider, or null when the organisation has no provider profile. */
export async function getProviderStatus(db: DbTx, organizationId: string): Promise<ProviderStatusName | null> {
  if (!UUID_PATTERN.test(organizationId)) return null;
  const profile = await db.providerProfile.findUnique({ where: { organizationId }, select: { status: true } });
  return profile?.status ?? null;
}

/**
 * What the public sees of a provider of the alliance: only ADMITTED providers exist publicly
 * (anything else, or another alliance's, is NotFound). No contact person's data: the public page
 * shows the body, its website, its registered office and where it works.
 */
export async function getProviderPublicProfile(db: DbTx, input: { allianceId: string; organizationId: string }) {
  assertUuid(input.organizationId, 'Provider');
  const profile = await db.providerProfile.findFirst({
    where: { organizationId: input.organizationId, status: 'ADMITTED', organization: { allianceId: input.allianceId } },
    select: {
      organizationId: true,
      providerKind: true,
      registeredOffice: true,
      accreditationRef: true,
      description: true,
      website: true,
      alsoEmployer: true,
      decidedAt: true,
      organization: { select: { legalName: true } },
      comuni: { select: { comune: { select: { id: true, name: true } } }, orderBy: { comune: { name: 'asc' } } },
    },
  });
  if (!profile) throw new NotFound('Provider not found');
  return {
    organizationId: profile.organizationId,
    legalName: profile.organization.legalName,
    providerKind: profile.providerKind,
    registeredOffice: profile.registeredOffice,
    accreditationRef: profile.accreditationRef,
    descriptionHtml: renderSafeMarkdown(profile.description),
    website: profile.website,
    alsoEmployer: profile.alsoEmployer,
    admittedAt: profile.decidedAt?.toISOString() ?? null,
    comuni: profile.comuni.map((c) => c.comune),
  };
}

/** The alliance's ADMITTED providers, by name, with the municipalities each serves. */
export async function listAdmittedProviders(db: DbTx, input: { allianceId: string }) {
  if (!input.allianceId) throw new Error('listAdmittedProviders needs an allianceId');
  const rows = await db.providerProfile.findMany({
    where: { status: 'ADMITTED', organization: { allianceId: input.allianceId } },
    orderBy: [{ organization: { legalName: 'asc' } }, { organizationId: 'asc' }],
    select: {
      organizationId: true,
      providerKind: true,
      organization: { select: { legalName: true } },
      comuni: { select: { comune: { select: { id: true, name: true } } }, orderBy: { comune: { name: 'asc' } } },
    },
  });
  return rows.map((r) => ({
    organizationId: r.organizationId,
    legalName: r.organization.legalName,
    providerKind: r.providerKind,
    comuni: r.comuni.map((c) => c.comune),
  }));
}
