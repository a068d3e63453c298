import type { Actor, ActorMembership } from '~/domain/auth/actor';
import { recordAudit } from '~/domain/audit/audit.server';
import { appUrl } from '~/domain/auth/auth.server';
import { ALLIANCE_LEVEL_ROLES, type RoleName } from '~/domain/auth/roles';
import { inTransaction } from '~/domain/auth/transaction.server';
import { clampPage, pageCount } from '~/domain/directory/directory.fns';
import { queueEmail } from '~/domain/mail/mail.server';
import { renderEmail } from '~/domain/mail/templates';
import { assertProviderAdmitted } from '~/domain/providers/providers.server';
import { isLocale, translator, type Locale } from '~/i18n/i18n';
import { Prisma } from '~/generated/prisma/client';
import type { OfferingEventKind } from '~/generated/prisma/enums';
import type { Db, DbTx } from '~/utils/db.server';
import { Conflict, NotFound, ValidationFailed } from '~/utils/errors.server';
import {
  availableDecisions,
  compareVersions,
  editMode,
  planReview,
  planStatusDecision,
  planSubmit,
  REVIEW_DECISIONS,
  type ComparableVersion,
  type CuratorDecision,
  type LifecyclePlan,
  type LifecycleState,
  type OfferingStatusName,
  type ReviewDecision,
  type StatusDecision,
  type VersionStatusName,
  readAvailability,
} from './offerings.fns';
import { diffText, renderDescription } from './offerings.text';
import { offeringCategoryErrors, type OfferingInput, type ProviderListQuery, type ReviewQueueQuery } from './offerings.schema';

// Offerings of the catalogue: providers write them (numbered versions), the Ambito's curators
// review them, and only the approved "live" version reaches the public. Every function takes the
// actor and scopes its queries to the actor's alliance and, for providers, their organisation: a
// record outside that scope is NotFound.

export const PAGE_SIZE = 20;
const PROVIDER_ROLES: readonly RoleName[] = ['PROVIDER_OPERATOR'];
const CURATOR_ROLES: readonly RoleName[] = ['AMBITO_CURATOR'];

function membershipWith(actor: Actor, roles: readonly RoleName[]): ActorMembership {
  const membership = actor.membership;
  // Outside one's role the page does not exist: 404, as for foreign ids.
  if (!membership || !roles.includes(membership.role)) throw new NotFound('Not available for this role');
  return membership;
}

// ---------------------------------------------------------------------------------------------
// Reading versions

const VERSION_SELECT = {
  id: true,
  offeringId: true,
  versionNumber: true,
  status: true,
  title: true,
  description: true,
  target: true,
  ageMin: true,
  ageMax: true,
  priceUnit: true,
  packageHours: true,
  listPriceCents: true,
  allianceRateCents: true,
  vatTreatment: true,
  availability: true,
  bookingNoticeDays: true,
  cancellationTerms: true,
  capacityPerWeek: true,
  contactName: true,
  contactEmail: true,
  contactPhone: true,
  contactAddress: true,
  createdAt: true,
  submittedAt: true,
  reviewedAt: true,
  reviewReason: true,
  category: { select: { id: true, slug: true, nameIt: true, nameEn: true, isOrientamento: true } },
  comuni: { select: { comune: { select: { id: true, name: true } } } },
  createdBy: { select: { givenName: true, familyName: true } },
  submittedBy: { select: { givenName: true, familyName: true } },
  reviewedBy: { select: { givenName: true, familyName: true } },
} satisfies Prisma.OfferingVersionSelect;

type VersionRow = Prisma.OfferingVersionGetPayload<{ select: typeof VERSION_SELECT }>;

const personName = (p: { givenName: string; familyName: string } | null) => (p ? `${p.givenName} ${p.familyName}` : null);

export function toVersionView(v: VersionRow) {
  const comuni = v.comuni.map((c) => c.comune).sort((a, b) => a.name.localeCompare(b.name, 'it'));
  return {
    id: v.id,
    versionNumber: v.versionNumber,
    status: v.status as VersionStatusName,
    title: v.title,
    description: v.description,
    descriptionHtml: renderDescription(v.description),
    category: v.category,
    target: v.target,
    ageMin: v.ageMin,
    ageMax: v.ageMax,
    priceUnit: v.priceUnit,
    packageHours: v.packageHours,
    listPriceCents: v.listPriceCents,
    allianceRateCents: v.allianceRateCents,
    vatTreatment: v.vatTreatment,
    availability: readAvailability(v.availability),
    bookingNoticeDays: v.bookingNoticeDays,
    cancellationTerms: v.cancellationTerms,
    capacityPerWeek: v.capacityPerWeek,
    contactName: v.contactName,
    contactEmail: v.contactEmail,
    contactPhone: v.contactPhone,
    contactAddress: v.contactAddress,
    comuni,
    createdAt: v.createdAt.toISOString(),
    createdByName: personName(v.createdBy),
    submittedAt: v.submittedAt?.toISOString() ?? null,
    submittedByName: personName(v.submittedBy),
    reviewedAt: v.reviewedAt?.toISOString() ?? null,
    reviewedByName: personName(v.reviewedBy),
    reviewReason: v.reviewReason,
  };
}
export type VersionView = ReturnType<typeof toVersionView>;

function comparable(v: VersionView, locale: Locale): ComparableVersion {
  return {
    ...v,
    categoryName: locale === 'en' ? v.category.nameEn : v.category.nameIt,
    comuni: v.comuni.map((c) => c.name),
  };
}

async function historyOf(db: DbTx, offeringId: string) {
  const events = await db.offeringEvent.findMany({
    where: { offeringId },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    select: {
      id: true,
      kind: true,
      fromStatus: true,
      toStatus: true,
      reason: true,
      createdAt: true,
      version: { select: { versionNumber: true } },
      actor: { select: { givenName: true, familyName: true } },
    },
  });
  return events.map((e) => ({
    id: e.id,
    kind: e.kind,
    fromStatus: e.fromStatus,
    toStatus: e.toStatus,
    reason: e.reason,
    createdAt: e.createdAt.toISOString(),
    versionNumber: e.version?.versionNumber ?? null,
    actorName: personName(e.actor),
  }));
}
export type HistoryEntry = Awaited<ReturnType<typeof historyOf>>[number];

function lifecycleState(offering: { status: string; liveVersionId: string | null }, headStatus: string): LifecycleState {
  return {
    offeringStatus: offering.status as OfferingStatusName,
    headStatus: headStatus as VersionStatusName,
    hasLive: offering.liveVersionId !== null,
  };
}

// ---------------------------------------------------------------------------------------------
// Categories and the provider's form

export async function listServiceCategories(db: DbTx) {
  return db.serviceCategory.findMany({
    orderBy: { sortOrder: 'asc' },
    select: { id: true, slug: true, nameIt: true, nameEn: true, isOrientamento: true, sortOrder: true },
  });
}

/** Categories and the municipalities the provider serves (the only ones an offering may list). */
export async function getOfferingFormOptions(db: DbTx, actor: Actor) {
  const membership = membershipWith(actor, PROVIDER_ROLES);
  const [categories, comuni] = await Promise.all([
    listServiceCategories(db),
    db.comune.findMany({
      where: { allianceId: membership.allianceId, providerComuni: { some: { organizationId: membership.organizationId } } },
      orderBy: { name: 'asc' },
      select: { id: true, name: true },
    }),
  ]);
  return { categories, comuni };
}

async function checkInput(db: DbTx, membership: ActorMembership, input: OfferingInput): Promise<void> {
  const category = await db.serviceCategory.findUnique({ where: { id: input.categoryId }, select: { isOrientamento: true } });
  if (!category) throw new ValidationFailed('Unknown category', { categoryId: 'offerings.validation.category' });
  const errors = offeringCategoryErrors(input, category.isOrientamento);
  const served = await db.comune.count({
    where: {
      id: { in: input.comuneIds },
      allianceId: membership.allianceId,
      providerComuni: { some: { organizationId: membership.organizationId } },
    },
  });
  if (served !== input.comuneIds.length) errors.comuni = 'offerings.validation.comuneNotServed';
  if (Object.keys(errors).length) throw new ValidationFailed('Invalid offering', errors);
}

function versionData(input: OfferingInput) {
  return {
    title: input.title,
    description: input.description,
    categoryId: input.categoryId,
    target: input.target,
    ageMin: input.ageMin,
    ageMax: input.ageMax,
    priceUnit: input.priceUnit,
    packageHours: input.packageHours,
    listPriceCents: input.listPriceCents,
    allianceRateCents: input.allianceRateCents,
    vatTreatment: input.vatTreatment,
    availability: input.availability,
    bookingNoticeDays: input.bookingNoticeDays,
    cancellationTerms: input.cancellationTerms,
    capacityPerWeek: input.capacityPerWeek,
    contactName: input.contactName,
    contactEmail: input.contactEmail,
    contactPhone: input.contactPhone,
    contactAddress: input.contactAddress,
  };
}

async function addEvent(
  db: DbTx,
  event: { offeringId: string; versionId?: string | null; kind: OfferingEventKind; from?: string | null; to?: string | null; reason?: string | null; actorUserId: string },
) {
  return db.offeringEvent.create({
    data: {
      offeringId: event.offeringId,
      versionId: event.versionId ?? null,
      kind: event.kind,
      fromStatus: event.from ?? null,
      toStatus: event.to ?? null,
      reason: event.reason ?? null,
      actorUserId: event.actorUserId,
    },
    select: { id: true },
  });
}

/** Two people saving at once: the partial unique index allows one open version per offering. */
function isUniqueViolation(error: unknown): boolean {
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') return true;
  const text = error instanceof Error ? error.message : '';
  return /23505|unique constraint/i.test(text);
}

interface WriteOptions {
  /** Save and send for review in the same step. */
  submit?: boolean;
  ipAddress?: string | null;
}

/** A new offering: version 1 as a draft (or straight to review with `submit`). */
export async function createOffering(db: Db | DbTx, actor: Actor, input: OfferingInput, options: WriteOptions = {}) {
  const membership = membershipWith(actor, PROVIDER_ROLES);
  return inTransaction(db, async (tx) => {
    await checkInput(tx, membership, input);
    const offering = await tx.offering.create({
      data: { allianceId: membership.allianceId, providerId: membership.organizationId },
      select: { id: true },
    });
    const version = await tx.offeringVersion.create({
      data: {
        offeringId: offering.id,
        versionNumber: 1,
        ...versionData(input),
        createdById: actor.user.id,
        comuni: { createMany: { data: input.comuneIds.map((comuneId) => ({ comuneId })) } },
      },
      select: { id: true },
    });
    await tx.offering.update({ where: { id: offering.id }, data: { headVersionId: version.id } });
    await addEvent(tx, { offeringId: offering.id, versionId: version.id, kind: 'CREATED', to: 'DRAFT', actorUserId: actor.user.id });
    await recordAudit(tx, {
      action: 'offering.created',
      allianceId: membership.allianceId,
      organizationId: membership.organizationId,
      actorUserId: actor.user.id,
      subjectType: 'Offering',
      subjectId: offering.id,
      ipAddress: options.ipAddress ?? null,
      metadata: { versionId: version.id, categoryId: input.categoryId },
    });
    if (options.submit) await submitInTransaction(tx, actor, membership, offering.id, options);
    return { id: offering.id, versionId: version.id };
  });
}

/**
 * Saves the provider's form: edits the open version in place, or — when the offering is live —
 * starts a new version while the approved one stays live until the curator approves the new one.
 */
export async function updateOffering(db: Db | DbTx, actor: Actor, offeringId: string, input: OfferingInput, options: WriteOptions = {}) {
  const membership = membershipWith(actor, PROVIDER_ROLES);
  try {
    return await inTransaction(db, async (tx) => {
      const offering = await tx.offering.findFirst({
        where: { id: offeringId, providerId: membership.organizationId, allianceId: membership.allianceId },
        select: { id: true, status: true, liveVersionId: true, headVersion: { select: { id: true, status: true, versionNumber: true } } },
      });
      if (!offering?.headVersion) throw new NotFound('Offering not found');
      await checkInput(tx, membership, input);
      const head = offering.headVersion;
      const mode = editMode(lifecycleState(offering, head.status));
      if (mode === 'locked') throw new Conflict('This offering cannot be edited now');
      let versionId: string;
      if (mode === 'in-place') {
        const updated = await tx.offeringVersion.updateMany({
          where: { id: head.id, status: { in: ['DRAFT', 'CHANGES_REQUESTED'] } },
          data: versionData(input),
        });
        if (updated.count === 0) throw new Conflict('The version changed meanwhile');
        await tx.offeringVersionComune.deleteMany({ where: { versionId: head.id } });
        await tx.offeringVersionComune.createMany({ data: input.comuneIds.map((comuneId) => ({ versionId: head.id, comuneId })) });
        versionId = head.id;
        await addEvent(tx, { offeringId, versionId, kind: 'EDITED', actorUserId: actor.user.id });
      } else {
        const latest = await tx.offeringVersion.aggregate({ where: { offeringId }, _max: { versionNumber: true } });
        const created = await tx.offeringVersion.create({
          data: {
            offeringId,
            versionNumber: (latest._max.versionNumber ?? 0) + 1,
            ...versionData(input),
            createdById: actor.user.id,
            comuni: { createMany: { data: input.comuneIds.map((comuneId) => ({ comuneId })) } },
          },
          select: { id: true, versionNumber: true },
        });
        const moved = await tx.offering.updateMany({ where: { id: offeringId, headVersionId: head.id }, data: { headVersionId: created.id } });
        if (moved.count === 0) throw new Conflict('The offering changed meanwhile');
        versionId = created.id;
        await addEvent(tx, { offeringId, versionId, kind: 'NEW_VERSION', to: 'DRAFT', actorUserId: actor.user.id });
        await recordAudit(tx, {
          action: 'offering.version_created',
          allianceId: membership.allianceId,
          organizationId: membership.organizationId,
          actorUserId: actor.user.id,
          subjectType: 'Offering',
          subjectId: offeringId,
          ipAddress: options.ipAddress ?? null,
          metadata: { versionId, versionNumber: created.versionNumber },
        });
      }
      if (options.submit) await submitInTransaction(tx, actor, membership, offeringId, options);
      return { id: offeringId, versionId, mode };
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new Conflict('Another version is being written');
    throw error;
  }
}

/** Sends the newest version for review; only admitted providers may. E-mails the alliance's curators. */
export async function submitOffering(db: Db | DbTx, actor: Actor, offeringId: string, options: WriteOptions = {}) {
  const membership = membershipWith(actor, PROVIDER_ROLES);
  return inTransaction(db, (tx) => submitInTransaction(tx, actor, membership, offeringId, options));
}

async function submitInTransaction(tx: DbTx, actor: Actor, membership: ActorMembership, offeringId: string, options: WriteOptions) {
  const offering = await tx.offering.findFirst({
    where: { id: offeringId, providerId: membership.organizationId, allianceId: membership.allianceId },
    select: {
      id: true,
      status: true,
      liveVersionId: true,
      headVersion: { select: { id: true, status: true, versionNumber: true, title: true } },
      provider: { select: { legalName: true } },
    },
  });
  if (!offering?.headVersion) throw new NotFound('Offering not found');
  await assertProviderAdmitted(tx, membership.organizationId);
  const head = offering.headVersion;
  const plan = planSubmit(lifecycleState(offering, head.status));
  if (!plan) throw new Conflict('This offering cannot be sent for review now');
  const now = new Date();
  const moved = await tx.offeringVersion.updateMany({
    where: { id: head.id, status: plan.versionFrom! },
    data: { status: 'SUBMITTED', submittedAt: now, submittedById: actor.user.id, reviewedAt: null, reviewedById: null, reviewReason: null },
  });
  if (moved.count === 0) throw new Conflict('The version changed meanwhile');
  await moveOffering(tx, offeringId, plan);
  const event = await addEvent(tx, { offeringId, versionId: head.id, kind: 'SUBMITTED', from: plan.versionFrom, to: 'SUBMITTED', actorUserId: actor.user.id });
  await recordAudit(tx, {
    action: 'offering.submitted',
    allianceId: membership.allianceId,
    organizationId: membership.organizationId,
    actorUserId: actor.user.id,
    subjectType: 'Offering',
    subjectId: offeringId,
    ipAddress: options.ipAddress ?? null,
    metadata: { versionId: head.id, versionNumber: head.versionNumber, newVersionOfLive: plan.offeringFrom === plan.offeringTo },
  });
  const curators = await tx.membership.findMany({
    where: { role: 'AMBITO_CURATOR', status: 'ACTIVE', organization: { allianceId: membership.allianceId } },
    select: { user: { select: { id: true, email: true, givenName: true, locale: true } } },
  });
  for (const { user } of curators) {
    const locale: Locale = isLocale(user.locale) ? user.locale : 'it';
    const t = translator(locale);
    const rendered = renderEmail({
      locale,
      subject: t('offerings.email.submitted.subject', { title: head.title }),
      greeting: t('offerings.email.greeting', { name: user.givenName }),
      paragraphs: [
        t(head.versionNumber > 1 && offering.liveVersionId ? 'offerings.email.submitted.newVersion' : 'offerings.email.submitted.intro', {
          provider: offering.provider.legalName,
          title: head.title,
          version: head.versionNumber,
        }),
      ],
      action: { label: t('offerings.email.submitted.action'), url: appUrl(`/ambito/offerte/${offeringId}`) },
    });
    await queueEmail(tx, { to: user.email, ...rendered, dedupeKey: `offering-event:${event.id}:${user.id}` });
  }
  return { id: offeringId, versionId: head.id };
}

/** Moves the offering's own status when the plan says so, only from the status the plan read. */
async function moveOffering(tx: DbTx, offeringId: string, plan: LifecyclePlan, extra: Prisma.OfferingUncheckedUpdateManyInput = {}) {
  if (plan.offeringFrom === plan.offeringTo && Object.keys(extra).length === 0) {
    // Still take the row: a concurrent status decision on the offering must see this one.
    const still = await tx.offering.updateMany({ where: { id: offeringId, status: plan.offeringFrom }, data: { updatedAt: new Date() } });
    if (still.count === 0) throw new Conflict('The offering changed meanwhile');
    return;
  }
  const moved = await tx.offering.updateMany({ where: { id: offeringId, status: plan.offeringFrom }, data: { status: plan.offeringTo, ...extra } });
  if (moved.count === 0) throw new Conflict('The offering changed meanwhile');
}

// ---------------------------------------------------------------------------------------------
// The provider's pages

const PROVIDER_ORDER: Record<ProviderListQuery['sort'], (dir: 'asc' | 'desc') => Prisma.OfferingOrderByWithRelationInput[]> = {
  title: (dir) => [{ headVersion: { title: dir } }],
  category: (dir) => [{ headVersion: { category: { sortOrder: dir } } }],
  status: (dir) => [{ status: dir }],
  updatedAt: (dir) => [{ updatedAt: dir }],
};

export async function listProviderOfferings(db: DbTx, actor: Actor, query: ProviderListQuery) {
  const membership = membershipWith(actor, PROVIDER_ROLES);
  const where: Prisma.OfferingWhereInput = { providerId: membership.organizationId, allianceId: membership.allianceId };
  const total = await db.offering.count({ where });
  const page = clampPage(query.page, total, PAGE_SIZE);
  const rows = await db.offering.findMany({
    where,
    orderBy: [...PROVIDER_ORDER[query.sort](query.dir), { id: 'asc' }],
    skip: (page - 1) * PAGE_SIZE,
    take: PAGE_SIZE,
    select: {
      id: true,
      status: true,
      updatedAt: true,
      liveVersion: { select: { versionNumber: true } },
      headVersion: { select: { versionNumber: true, status: true, title: true, category: { select: { nameIt: true, nameEn: true } } } },
    },
  });
  return {
    rows: rows.map((o) => ({
      id: o.id,
      title: o.headVersion?.title ?? '',
      categoryIt: o.headVersion?.category.nameIt ?? '',
      categoryEn: o.headVersion?.category.nameEn ?? '',
      status: o.status as OfferingStatusName,
      headStatus: (o.headVersion?.status ?? 'DRAFT') as VersionStatusName,
      headVersionNumber: o.headVersion?.versionNumber ?? 1,
      liveVersionNumber: o.liveVersion?.versionNumber ?? null,
      updatedAt: o.updatedAt.toISOString(),
    })),
    total,
    page,
    pages: pageCount(total, PAGE_SIZE),
    pageSize: PAGE_SIZE,
  };
}

/** One offering of the provider's own organisation, with every version and the history. */
export async function getProviderOffering(db: DbTx, actor: Actor, offeringId: string) {
  const membership = membershipWith(actor, PROVIDER_ROLES);
  const offering = await db.offering.findFirst({
    where: { id: offeringId, providerId: membership.organizationId, allianceId: membership.allianceId },
    select: { id: true, status: true, liveVersionId: true, headVersionId: true, createdAt: true, updatedAt: true },
  });
  if (!offering) throw new NotFound('Offering not found');
  const versions = (
    await db.offeringVersion.findMany({ where: { offeringId }, orderBy: { versionNumber: 'desc' }, select: VERSION_SELECT })
  ).map(toVersionView);
  const head = versions.find((v) => v.id === offering.headVersionId) ?? versions[0];
  if (!head) throw new NotFound('Offering not found');
  const live = versions.find((v) => v.id === offering.liveVersionId) ?? null;
  const state = lifecycleState(offering, head.status);
  return {
    id: offering.id,
    status: offering.status as OfferingStatusName,
    head,
    live,
    versions,
    history: await historyOf(db, offeringId),
    editMode: editMode(state),
    canSubmit: planSubmit(state) !== null,
  };
}

// ---------------------------------------------------------------------------------------------
// The curator's review queue

type QueueSqlRow = {
  id: string;
  status: OfferingStatusName;
  versionId: string;
  versionNumber: number;
  versionStatus: VersionStatusName;
  title: string;
  submittedAt: Date | null;
  providerId: string;
  providerName: string;
  categorySlug: string;
  categoryIt: string;
  categoryEn: string;
  comuniCount: number;
};

const QUEUE_ORDER: Record<ReviewQueueQuery['sort'], Record<'asc' | 'desc', Prisma.Sql>> = {
  title: { asc: Prisma.sql`lower(s.title) ASC`, desc: Prisma.sql`lower(s.title) DESC` },
  provider: { asc: Prisma.sql`lower(p."legalName") ASC`, desc: Prisma.sql`lower(p."legalName") DESC` },
  category: { asc: Prisma.sql`c."sortOrder" ASC`, desc: Prisma.sql`c."sortOrder" DESC` },
  status: { asc: Prisma.sql`s.status ASC`, desc: Prisma.sql`s.status DESC` },
  submittedAt: { asc: Prisma.sql`s."submittedAt" ASC NULLS LAST`, desc: Prisma.sql`s."submittedAt" DESC NULLS LAST` },
};

function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The alliance's offerings as the curator sees them: each with the version under review or, while
 * the provider writes a new draft, the live one (drafts are the provider's own business). Sorted,
 * filtered and paginated in SQL.
 */
export async function listReviewQueue(db: DbTx, actor: Actor, query: ReviewQueueQuery) {
  const membership = membershipWith(actor, ALLIANCE_LEVEL_ROLES);
  const filters: Prisma.Sql[] = [];
  if (query.status === 'REVIEW') filters.push(Prisma.sql`s."versionStatus" = 'SUBMITTED' AND s.status IN ('SUBMITTED', 'APPROVED', 'SUSPENDED')`);
  else if (query.status !== 'ALL') filters.push(Prisma.sql`s.status = ${query.status}::"OfferingStatus"`);
  if (query.category) filters.push(Prisma.sql`c.slug = ${query.category}`);
  if (query.provider) filters.push(Prisma.sql`s."providerId" = ${query.provider}::uuid`);
  if (query.comune) {
    filters.push(Prisma.sql`EXISTS (SELECT 1 FROM "OfferingVersionComune" vc WHERE vc."versionId" = s."versionId" AND vc."comuneId" = ${query.comune}::uuid)`);
  }
  if (query.q) {
    const pattern = likePattern(query.q);
    filters.push(Prisma.sql`(s.title ILIKE ${pattern} OR p."legalName" ILIKE ${pattern})`);
  }
  const where = filters.length ? Prisma.sql`WHERE ${Prisma.join(filters, ' AND ')}` : Prisma.empty;
  const shown = Prisma.sql`
    WITH s AS (
      SELECT o.id, o.status, o."providerId", v.id AS "versionId", v."versionNumber", v.status AS "versionStatus",
             v.title, v."submittedAt", v."categoryId"
        FROM "Offering" o
        JOIN "OfferingVersion" h ON h.id = o."headVersionId"
        JOIN "OfferingVersion" v ON v.id = CASE WHEN h.status = 'DRAFT' THEN o."liveVersionId" ELSE h.id END
       WHERE o."allianceId" = ${membership.allianceId}::uuid AND o.status <> 'DRAFT'
    )`;
  const from = Prisma.sql`FROM s JOIN "Organization" p ON p.id = s."providerId" JOIN "ServiceCategory" c ON c.id = s."categoryId"`;
  const counted = await db.$queryRaw<Array<{ count: number }>>`${shown} SELECT count(*)::int AS count ${from} ${where}`;
  const count = counted[0]?.count ?? 0;
  const page = clampPage(query.page, count, PAGE_SIZE);
  const rows = await db.$queryRaw<QueueSqlRow[]>`${shown}
    SELECT s.id, s.status::text AS status, s."versionId", s."versionNumber", s."versionStatus"::text AS "versionStatus", s.title,
           s."submittedAt", s."providerId", p."legalName" AS "providerName", c.slug AS "categorySlug", c."nameIt" AS "categoryIt",
           c."nameEn" AS "categoryEn",
           (SELECT count(*)::int FROM "OfferingVersionComune" vc WHERE vc."versionId" = s."versionId") AS "comuniCount"
    ${from} ${where}
    ORDER BY ${QUEUE_ORDER[query.sort][query.dir]}, s.id
    LIMIT ${PAGE_SIZE} OFFSET ${(page - 1) * PAGE_SIZE}`;
  return {
    rows: rows.map((r) => ({ ...r, submittedAt: r.submittedAt?.toISOString() ?? null })),
    total: count,
    page,
    pages: pageCount(count, PAGE_SIZE),
    pageSize: PAGE_SIZE,
  };
}

/** What the queue's filters offer: categories, the alliance's providers with offerings, its municipalities. */
export async function getReviewQueueFilters(db: DbTx, actor: Actor) {
  const membership = membershipWith(actor, ALLIANCE_LEVEL_ROLES);
  const [categories, providers, comuni] = await Promise.all([
    listServiceCategories(db),
    db.organization.findMany({
      where: { allianceId: membership.allianceId, offerings: { some: { status: { not: 'DRAFT' } } } },
      orderBy: { legalName: 'asc' },
      select: { id: true, legalName: true },
    }),
    db.comune.findMany({ where: { allianceId: membership.allianceId }, orderBy: { name: 'asc' }, select: { id: true, name: true } }),
  ]);
  return { categories, providers, comuni };
}

/**
 * One offering for the curator (and, read-only, the alliance's admin and auditor): the version
 * under review beside the live one with the changed fields, the history, and the decisions open.
 */
export async function getOfferingReview(db: DbTx, actor: Actor, offeringId: string, locale: Locale = 'it') {
  const membership = membershipWith(actor, ALLIANCE_LEVEL_ROLES);
  const offering = await db.offering.findFirst({
    where: { id: offeringId, allianceId: membership.allianceId, status: { not: 'DRAFT' } },
    select: {
      id: true,
      status: true,
      liveVersionId: true,
      headVersionId: true,
      provider: { select: { id: true, legalName: true } },
    },
  });
  if (!offering) throw new NotFound('Offering not found');
  const versions = (
    await db.offeringVersion.findMany({
      // The provider's unsent drafts stay private.
      where: { offeringId, status: { not: 'DRAFT' } },
      orderBy: { versionNumber: 'desc' },
      select: VERSION_SELECT,
    })
  ).map(toVersionView);
  const live = versions.find((v) => v.id === offering.liveVersionId) ?? null;
  const head = versions.find((v) => v.id === offering.headVersionId) ?? null;
  // The version the curator decides on: the newest one when it is not the live one.
  const proposed = head && head.id !== live?.id ? head : null;
  const state = lifecycleState(offering, head?.status ?? live?.status ?? 'DRAFT');
  const comparison =
    proposed && live
      ? {
          fields: compareVersions(comparable(live, locale), comparable(proposed, locale)),
          description: diffText(live.description, proposed.description),
        }
      : null;
  return {
    id: offering.id,
    status: offering.status as OfferingStatusName,
    provider: offering.provider,
    live,
    proposed,
    comparison,
    versions,
    history: await historyOf(db, offeringId),
    /** Only the Ambito's curator decides; the alliance's admin and auditor read. */
    canDecide: CURATOR_ROLES.includes(membership.role),
    decisions: CURATOR_ROLES.includes(membership.role) ? availableDecisions(state) : [],
  };
}

export interface DecisionInput {
  offeringId: string;
  decision: CuratorDecision;
  /** The version the curator read; a review decision on any other version is refused (Conflict). */
  versionId?: string;
  reason?: string;
  ipAddress?: string | null;
}

const DECISION_EVENT: Record<CuratorDecision, OfferingEventKind> = {
  approve: 'APPROVED',
  requestChanges: 'CHANGES_REQUESTED',
  reject: 'REJECTED',
  suspend: 'SUSPENDED',
  reinstate: 'REINSTATED',
  retire: 'RETIRED',
};

const DECISION_AUDIT: Record<CuratorDecision, string> = {
  approve: 'offering.approved',
  requestChanges: 'offering.changes_requested',
  reject: 'offering.rejected',
  suspend: 'offering.suspended',
  reinstate: 'offering.reinstated',
  retire: 'offering.retired',
};

/**
 * A curator's decision. Review decisions take the submitted version with a conditional update
 * (`… WHERE status = 'SUBMITTED'`), so of two curators deciding at once one wins and the other
 * gets a Conflict. Approving a new version supersedes the live one and moves `liveVersionId` in
 * the same transaction. Audited, and e-mailed to the provider's operators.
 */
export async function decideOffering(db: Db | DbTx, actor: Actor, input: DecisionInput) {
  const membership = membershipWith(actor, CURATOR_ROLES);
  const reason = input.reason?.trim() || null;
  return inTransaction(db, async (tx) => {
    const offering = await tx.offering.findFirst({
      where: { id: input.offeringId, allianceId: membership.allianceId, status: { not: 'DRAFT' } },
      select: {
        id: true,
        status: true,
        providerId: true,
        liveVersionId: true,
        headVersion: { select: { id: true, status: true, versionNumber: true, title: true } },
        liveVersion: { select: { title: true } },
      },
    });
    if (!offering?.headVersion) throw new NotFound('Offering not found');
    const head = offering.headVersion;
    const state = lifecycleState(offering, head.status);
    const now = new Date();
    let plan: LifecyclePlan | null;
    let versionId: string | null = null;

    if ((REVIEW_DECISIONS as readonly string[]).includes(input.decision)) {
      const decision = input.decision as ReviewDecision;
      if (input.versionId && input.versionId !== head.id) throw new Conflict('A newer version was submitted meanwhile');
      plan = planReview(state, decision);
      if (!plan) throw new Conflict(`Cannot ${decision} this offering now`);
      if (decision !== 'approve' && !reason) throw new ValidationFailed('A reason is required', { reason: 'offerings.validation.reasonRequired' });
      const taken = await tx.offeringVersion.updateMany({
        where: { id: head.id, offeringId: offering.id, status: 'SUBMITTED' },
        data: { status: plan.versionTo!, reviewedAt: now, reviewedById: actor.user.id, reviewReason: reason },
      });
      if (taken.count === 0) throw new Conflict('Another curator decided on this version first');
      versionId = head.id;
      if (plan.supersedeLive && offering.liveVersionId) {
        const superseded = await tx.offeringVersion.updateMany({
          where: { id: offering.liveVersionId, status: 'APPROVED' },
          data: { status: 'SUPERSEDED' },
        });
        if (superseded.count === 0) throw new Conflict('The live version changed meanwhile');
      }
      await moveOffering(tx, offering.id, plan, decision === 'approve' ? { liveVersionId: head.id } : {});
    } else {
      const decision = input.decision as StatusDecision;
      plan = planStatusDecision(state, decision);
      if (!plan) throw new Conflict(`Cannot ${decision} this offering now`);
      if (decision === 'suspend' && !reason) throw new ValidationFailed('A reason is required', { reason: 'offerings.validation.reasonRequired' });
      await moveOffering(tx, offering.id, plan);
    }

    const event = await addEvent(tx, {
      offeringId: offering.id,
      versionId,
      kind: DECISION_EVENT[input.decision],
      from: plan.versionFrom ?? plan.offeringFrom,
      to: plan.versionTo ?? plan.offeringTo,
      reason,
      actorUserId: actor.user.id,
    });
    await recordAudit(tx, {
      action: DECISION_AUDIT[input.decision],
      allianceId: membership.allianceId,
      organizationId: offering.providerId,
      actorUserId: actor.user.id,
      subjectType: 'Offering',
      subjectId: offering.id,
      ipAddress: input.ipAddress ?? null,
      metadata: {
        versionId,
        versionNumber: versionId ? head.versionNumber : null,
        offeringFrom: plan.offeringFrom,
        offeringTo: plan.offeringTo,
        supersededVersionId: plan.supersedeLive ? offering.liveVersionId : null,
      },
    });

    const title = versionId ? head.title : (offering.liveVersion?.title ?? head.title);
    const operators = await tx.membership.findMany({
      where: { organizationId: offering.providerId, role: 'PROVIDER_OPERATOR', status: 'ACTIVE' },
      select: { user: { select: { id: true, email: true, givenName: true, locale: true } } },
    });
    for (const { user } of operators) {
      const locale: Locale = isLocale(user.locale) ? user.locale : 'it';
      const t = translator(locale);
      const paragraphs = [t(`offerings.email.decision.${input.decision}`, { title, version: head.versionNumber })];
      if (reason) paragraphs.push(t('offerings.email.decision.reason', { reason }));
      const rendered = renderEmail({
        locale,
        subject: t(`offerings.email.decision.subject.${input.decision}`, { title }),
        greeting: t('offerings.email.greeting', { name: user.givenName }),
        paragraphs,
        action: { label: t('offerings.email.decision.action'), url: appUrl(`/ente/offerte/${offering.id}`) },
      });
      await queueEmail(tx, { to: user.email, ...rendered, dedupeKey: `offering-event:${event.id}:${user.id}` });
    }
    return { id: offering.id, status: plan.offeringTo, versionId, versionStatus: plan.versionTo };
  });
}

// ---------------------------------------------------------------------------------------------
// What the public sees

/**
 * The live (approved) version of an offering, for the public catalogue: null unless the offering
 * is APPROVED in this alliance and its provider is admitted. Newer versions under review and
 * suspended or retired offerings are never shown.
 */
export async function getLiveOffering(db: DbTx, where: { allianceId: string; offeringId: string }) {
  const offering = await db.offering.findFirst({
    where: {
      id: where.offeringId,
      allianceId: where.allianceId,
      status: 'APPROVED',
      liveVersionId: { not: null },
      provider: { providerProfile: { status: 'ADMITTED' } },
    },
    select: {
      id: true,
      allianceId: true,
      provider: { select: { id: true, legalName: true } },
      liveVersion: { select: VERSION_SELECT },
    },
  });
  if (!offering?.liveVersion) return null;
  const version = toVersionView(offering.liveVersion);
  return {
    id: offering.id,
    allianceId: offering.allianceId,
    provider: offering.provider,
    versionId: version.id,
    versionNumber: version.versionNumber,
    title: version.title,
    descriptionHtml: version.descriptionHtml,
    category: version.category,
    target: version.target,
    ageMin: version.ageMin,
    ageMax: version.ageMax,
    priceUnit: version.priceUnit,
    packageHours: version.packageHours,
    listPriceCents: version.listPriceCents,
    allianceRateCents: version.allianceRateCents,
    vatTreatment: version.vatTreatment,
    availability: version.availability,
    bookingNoticeDays: version.bookingNoticeDays,
    cancellationTerms: version.cancellationTerms,
    capacityPerWeek: version.capacityPerWeek,
    contactName: version.contactName,
    contactEmail: version.contactEmail,
    contactPhone: version.contactPhone,
    contactAddress: version.contactAddress,
    comuni: version.comuni,
  };
}
export type LiveOffering = NonNullable<Awaited<ReturnType<typeof getLiveOffering>>>;
