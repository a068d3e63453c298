import { recordAudit } from '~/domain/audit/audit.server';
import type { Actor, ActorMembership } from '~/domain/auth/actor';
import { appUrl, userLocale } from '~/domain/auth/auth.server';
import { inviteMember } from '~/domain/auth/invitations.server';
import type { RoleName } from '~/domain/auth/roles';
import { clampPage, pageCount } from '~/domain/directory/directory.fns';
import { queueEmail } from '~/domain/mail/mail.server';
import { renderEmail } from '~/domain/mail/templates';
import { createOrganization } from '~/domain/organizations/organizations.server';
import { siteKey } from '~/domain/roster/roster.fns';
import { consumeRateLimit } from '~/domain/rate-limit/rate-limit.server';
import type { Prisma } from '~/generated/prisma/client';
import { translator, type Locale } from '~/i18n/i18n';
import type { Db, DbTx } from '~/utils/db.server';
import { Conflict, NotFound, ValidationFailed } from '~/utils/errors.server';
import { checkCompanyDecision, companyDecisionAuditAction, type CompanyDecisionName } from './companies.fns';
import { companyAdhesionSchema, siteSchema, type CompanyListQuery } from './companies.schema';

// Companies: the public adhesion request (free), the alliance admin's review and decision (on
// admission the HR contact is invited as COMPANY_ADMIN), and the company's sites. Scope: the
// caller's alliance for the admin, the caller's own company for HR; anything else is NotFound.

export const PAGE_SIZE = 20;
/** Adhesion requests per client address per hour (every attempt counts). */
export const COMPANY_ADHESION_RATE_LIMIT = { limit: 10, windowSeconds: 3600 };

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const REVIEWER_ROLES: readonly RoleName[] = ['ALLIANCE_ADMIN'];
const HR_ROLES: readonly RoleName[] = ['COMPANY_ADMIN'];

function requireRole(actor: Actor, roles: readonly RoleName[]): ActorMembership {
  const membership = actor.membership;
  // Outside one's role the page does not exist: 404, as for foreign ids.
  if (!membership || !roles.includes(membership.role)) throw new NotFound('Not available for this role');
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

// ---------------------------------------------------------------------------------------------
// E-mail

interface MailParts {
  to: string;
  locale: Locale;
  dedupeKey: string;
  subject: [string, Record<string, string | number>?];
  greetingName?: string;
  paragraphs: Array<[string, Record<string, string | number>?]>;
  action?: { label: string; path: string };
}

async function sendCompanyMail(tx: DbTx, mail: MailParts): Promise<void> {
  const t = translator(mail.locale);
  const rendered = renderEmail({
    locale: mail.locale,
    subject: t(mail.subject[0], mail.subject[1]),
    greeting: mail.greetingName ? t('auth.email.greeting', { name: mail.greetingName }) : undefined,
    paragraphs: mail.paragraphs.map((p) => t(p[0], p[1])),
    action: mail.action ? { label: t(mail.action.label), url: appUrl(mail.action.path) } : undefined,
  });
  await queueEmail(tx, { to: mail.to, ...rendered, dedupeKey: mail.dedupeKey });
}

async function contactLocale(db: DbTx, email: string, fallback: Locale = 'it'): Promise<Locale> {
  const user = await db.user.findUnique({ where: { email }, select: { locale: true } });
  return user ? userLocale(user.locale) : fallback;
}

/** The active alliance admins (ALLIANCE_ADMIN memberships of the alliance's lead organisation). */
async function allianceAdmins(db: DbTx, allianceId: string) {
  const rows = await db.membership.findMany({
    where: { role: 'ALLIANCE_ADMIN', status: 'ACTIVE', organization: { allianceId, kind: 'AMBITO' } },
    select: { user: { select: { id: true, email: true, givenName: true, locale: true } } },
    orderBy: { createdAt: 'asc' },
  });
  const seen = new Set<string>();
  return rows.map((r) => r.user).filter((u) => (seen.has(u.id) ? false : (seen.add(u.id), true)));
}

// ---------------------------------------------------------------------------------------------
// Public adhesion request

/** Alliances a company can ask to join (step one of /aderisci/azienda). */
export async function listCompanyAdhesionAlliances(db: DbTx) {
  return db.alliance.findMany({
    orderBy: { name: 'asc' },
    select: { slug: true, name: true, shortName: true, territory: true, capofila: true },
  });
}

/** Step two: the alliance and its municipalities (for the company's registered office). Unknown slug → NotFound. */
export async function getCompanyAdhesionForm(db: DbTx, allianceSlug: string) {
  const alliance = await db.alliance.findUnique({
    where: { slug: allianceSlug },
    select: { slug: true, name: true, shortName: true, territory: true, comuni: { select: { id: true, name: true }, orderBy: { name: 'asc' } } },
  });
  if (!alliance) throw new NotFound('Alliance not found');
  const { comuni, ...rest } = alliance;
  return { alliance: rest, comuni };
}

function duplicateCompany(field: 'codiceFiscale' | 'partitaIva'): Conflict {
  return new Conflict('An organisation with this codice fiscale or partita IVA is already registered in this alliance', {
    fieldErrors: { [field]: 'companies.adhesion.duplicate' },
  });
}

export interface SubmitCompanyAdhesionInput {
  allianceSlug: string;
  fields: Record<string, unknown>;
  locale: Locale;
  ipAddress: string;
}

/**
 * The public, free adhesion request of a company. In one transaction: the Organization (kind
 * COMPANY), its CompanyProfile (PENDING, with the moment of the privacy consent), the audit
 * event `company.adhesion_requested`, an e-mail to the HR contact and one to each alliance admin.
 *
 * Throws RateLimited (per client address), NotFound (unknown alliance), ValidationFailed (field
 * errors as i18n keys, check digits included), Conflict with a field error when the alliance
 * already has an organisation with that codice fiscale or partita IVA.
 */
export async function submitCompanyAdhesion(db: Db, input: SubmitCompanyAdhesionInput): Promise<{ organizationId: string; allianceSlug: string }> {
  await consumeRateLimit({ key: `company-adhesion:${input.ipAddress}`, ...COMPANY_ADHESION_RATE_LIMIT });
  const alliance = await db.alliance.findUnique({ where: { slug: input.allianceSlug }, select: { id: true, slug: true, name: true } });
  if (!alliance) throw new NotFound('Alliance not found');

  const parsed = companyAdhesionSchema.safeParse(input.fields);
  if (!parsed.success) {
    const fieldErrors = fieldErrorsOf(parsed.error.issues);
    throw new ValidationFailed(`Invalid company adhesion (${Object.keys(fieldErrors).join(', ')})`, fieldErrors);
  }
  const data = parsed.data;
  if (data.comuneId) {
    const comune = await db.comune.findFirst({ where: { id: data.comuneId, allianceId: alliance.id }, select: { id: true } });
    if (!comune) throw new ValidationFailed('Comune outside the alliance', { comuneId: 'validation.organization.comuneNotFound' });
  }

  const taxIds = [data.codiceFiscale, ...(data.partitaIva ? [data.partitaIva] : [])];
  const existing = await db.organization.findFirst({
    where: { allianceId: alliance.id, OR: [{ codiceFiscale: { in: taxIds } }, { partitaIva: { in: taxIds } }] },
    select: { codiceFiscale: true, partitaIva: true },
  });
  if (existing) {
    const sameCodiceFiscale = existing.codiceFiscale === data.codiceFiscale || existing.partitaIva === data.codiceFiscale;
    throw duplicateCompany(sameCodiceFiscale ? 'codiceFiscale' : 'partitaIva');
  }

  try {
    return await db.$transaction(async (tx) => {
      const organization = await createOrganization(
        tx,
        {
          allianceId: alliance.id,
          kind: 'COMPANY',
          legalName: data.legalName,
          codiceFiscale: data.codiceFiscale,
          partitaIva: data.partitaIva,
          email: data.hrEmail,
          address: data.address,
          comuneId: data.comuneId,
        },
        { audit: { ipAddress: input.ipAddress } },
      );
      await tx.companyProfile.create({
        data: {
          organizationId: organization.id,
          status: 'PENDING',
          sizeBand: data.sizeBand,
          atecoCode: data.atecoCode ?? null,
          hrGivenName: data.hrGivenName,
          hrFamilyName: data.hrFamilyName,
          hrEmail: data.hrEmail,
          hrPhone: data.hrPhone ?? null,
          privacyConsentAt: new Date(),
        },
      });
      await recordAudit(tx, {
        action: 'company.adhesion_requested',
        allianceId: alliance.id,
        organizationId: organization.id,
        subjectType: 'CompanyProfile',
        subjectId: organization.id,
        ipAddress: input.ipAddress,
        metadata: { sizeBand: data.sizeBand },
      });
      await sendCompanyMail(tx, {
        to: data.hrEmail,
        locale: input.locale,
        dedupeKey: `company-adhesion:${organization.id}:contact`,
        subject: ['companies.email.received.subject', { alliance: alliance.name }],
        greetingName: data.hrGivenName,
        paragraphs: [['companies.email.received.body', { company: organization.legalName, alliance: alliance.name }], ['companies.email.received.next']],
      });
      for (const admin of await allianceAdmins(tx, alliance.id)) {
        await sendCompanyMail(tx, {
          to: admin.email,
          locale: userLocale(admin.locale),
          dedupeKey: `company-adhesion:${organization.id}:admin:${admin.id}`,
          subject: ['companies.email.adminNew.subject', { company: organization.legalName }],
          greetingName: admin.givenName,
          paragraphs: [['companies.email.adminNew.body', { company: organization.legalName }]],
          action: { label: 'companies.email.adminNew.action', path: `/alleanza/aziende/${organization.id}` },
        });
      }
      return { organizationId: organization.id, allianceSlug: alliance.slug };
    });
  } catch (error) {
    // Two requests for the same company at once: the unique index decides, the loser is told plainly.
    if (error instanceof Conflict) throw duplicateCompany('codiceFiscale');
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// The alliance admin's review

const LIST_ORDER: Record<CompanyListQuery['sort'], (dir: 'asc' | 'desc') => Prisma.CompanyProfileOrderByWithRelationInput[]> = {
  legalName: (dir) => [{ organization: { legalName: dir } }],
  sizeBand: (dir) => [{ sizeBand: dir }, { organization: { legalName: 'asc' } }],
  status: (dir) => [{ status: dir }, { organization: { legalName: 'asc' } }],
  submittedAt: (dir) => [{ submittedAt: dir }],
};

/** The alliance's company adhesions, filtered by status (PENDING by default) and name or tax id. */
export async function listCompaniesForReview(db: DbTx, actor: Actor, query: CompanyListQuery) {
  const membership = requireRole(actor, REVIEWER_ROLES);
  const where: Prisma.CompanyProfileWhereInput = { organization: { allianceId: membership.allianceId } };
  if (query.status !== 'ALL') where.status = query.status;
  if (query.q) {
    const compact = query.q.replace(/\s+/g, '').toUpperCase();
    where.organization = {
      allianceId: membership.allianceId,
      OR: [{ legalName: { contains: query.q, mode: 'insensitive' } }, { codiceFiscale: compact }, { partitaIva: compact }],
    };
  }
  const [total, pending] = await Promise.all([
    db.companyProfile.count({ where }),
    db.companyProfile.count({ where: { status: 'PENDING', organization: { allianceId: membership.allianceId } } }),
  ]);
  const page = clampPage(query.page, total, PAGE_SIZE);
  const rows = await db.companyProfile.findMany({
    where,
    orderBy: [...LIST_ORDER[query.sort](query.dir), { organizationId: 'asc' }],
    skip: (page - 1) * PAGE_SIZE,
    take: PAGE_SIZE,
    select: {
      organizationId: true,
      status: true,
      sizeBand: true,
      submittedAt: true,
      organization: { select: { legalName: true, codiceFiscale: true, comune: { select: { name: true } } } },
    },
  });
  return {
    rows: rows.map((r) => ({
      id: r.organizationId,
      legalName: r.organization.legalName,
      codiceFiscale: r.organization.codiceFiscale,
      comuneName: r.organization.comune?.name ?? null,
      status: r.status,
      sizeBand: r.sizeBand,
      submittedAt: r.submittedAt.toISOString(),
    })),
    total,
    pending,
    page,
    pages: pageCount(total, PAGE_SIZE),
    pageSize: PAGE_SIZE,
  };
}

/** One company adhesion of the admin's alliance, with its history in the audit log. */
export async function getCompanyForReview(db: DbTx, actor: Actor, organizationId: string) {
  const membership = requireRole(actor, REVIEWER_ROLES);
  assertUuid(organizationId, 'Company');
  const profile = await db.companyProfile.findFirst({
    where: { organizationId, organization: { allianceId: membership.allianceId } },
    select: {
      organizationId: true,
      status: true,
      sizeBand: true,
      atecoCode: true,
      hrGivenName: true,
      hrFamilyName: true,
      hrEmail: true,
      hrPhone: true,
      privacyConsentAt: true,
      rejectionReason: true,
      submittedAt: true,
      decidedAt: true,
      decidedBy: { select: { givenName: true, familyName: true } },
      organization: {
        select: { legalName: true, codiceFiscale: true, partitaIva: true, address: true, comune: { select: { name: true } } },
      },
      _count: { select: { sites: true, employees: true } },
    },
  });
  if (!profile) throw new NotFound('Company not found');
  return {
    id: profile.organizationId,
    legalName: profile.organization.legalName,
    codiceFiscale: profile.organization.codiceFiscale,
    partitaIva: profile.organization.partitaIva,
    address: profile.organization.address,
    comuneName: profile.organization.comune?.name ?? null,
    status: profile.status,
    sizeBand: profile.sizeBand,
    atecoCode: profile.atecoCode,
    hr: { givenName: profile.hrGivenName, familyName: profile.hrFamilyName, email: profile.hrEmail, phone: profile.hrPhone },
    privacyConsentAt: profile.privacyConsentAt.toISOString(),
    rejectionReason: profile.rejectionReason,
    submittedAt: profile.submittedAt.toISOString(),
    decidedAt: profile.decidedAt?.toISOString() ?? null,
    decidedBy: profile.decidedBy ? `${profile.decidedBy.givenName} ${profile.decidedBy.familyName}` : null,
    sites: profile._count.sites,
    employees: profile._count.employees,
  };
}
export type CompanyReview = Awaited<ReturnType<typeof getCompanyForReview>>;

export interface DecideCompanyInput {
  organizationId: string;
  decision: CompanyDecisionName;
  reason?: string | null;
  ipAddress?: string | null;
}

/**
 * The alliance admin admits or rejects (with a reason) a PENDING company of their alliance. In
 * one transaction: the status change (conditional on PENDING, so two admins cannot both decide),
 * the audit event `company.admitted` / `company.rejected`, an e-mail to the HR contact and, on
 * admission, the HR contact's invitation as COMPANY_ADMIN (inviteMember).
 */
export async function decideCompany(db: Db, actor: Actor, input: DecideCompanyInput) {
  const membership = requireRole(actor, REVIEWER_ROLES);
  assertUuid(input.organizationId, 'Company');
  const profile = await db.companyProfile.findFirst({
    where: { organizationId: input.organizationId, organization: { allianceId: membership.allianceId } },
    select: {
      status: true,
      hrEmail: true,
      hrGivenName: true,
      hrFamilyName: true,
      organization: { select: { kind: true, legalName: true, allianceId: true, alliance: { select: { name: true } } } },
    },
  });
  if (!profile) throw new NotFound('Company not found');
  const reason = input.reason?.trim() || null;
  const check = checkCompanyDecision({ from: profile.status, decision: input.decision, reason });
  if (!check.ok) {
    if (check.conflict) throw new Conflict(`Company already ${profile.status}`, { fieldErrors: check.fieldErrors });
    throw new ValidationFailed('Invalid decision', check.fieldErrors);
  }

  const now = new Date();
  return db.$transaction(async (tx) => {
    const moved = await tx.companyProfile.updateMany({
      where: { organizationId: input.organizationId, status: 'PENDING' },
      data: { status: check.to, decidedAt: now, decidedById: actor.user.id, rejectionReason: check.to === 'REJECTED' ? reason : null },
    });
    if (moved.count !== 1) throw new Conflict('The company was decided by someone else in the meantime', { fieldErrors: { decision: 'companies.decision.alreadyDecided' } });
    await recordAudit(tx, {
      action: companyDecisionAuditAction(input.decision),
      allianceId: profile.organization.allianceId,
      organizationId: input.organizationId,
      actorUserId: actor.user.id,
      subjectType: 'CompanyProfile',
      subjectId: input.organizationId,
      ipAddress: input.ipAddress ?? null,
      metadata: { from: 'PENDING', to: check.to },
    });

    let invited: { membershipId: string } | null = null;
    // COMPANY_ADMIN exists for companies only: a provider cooperative that also employs already has its operators.
    if (check.to === 'ADMITTED' && profile.organization.kind === 'COMPANY') {
      const result = await inviteMember(tx, {
        invitedBy: { userId: actor.user.id },
        organizationId: input.organizationId,
        email: profile.hrEmail,
        givenName: profile.hrGivenName,
        familyName: profile.hrFamilyName,
        role: 'COMPANY_ADMIN',
        ipAddress: input.ipAddress ?? null,
      });
      invited = { membershipId: result.membershipId };
    }
    const key = check.to === 'ADMITTED' ? 'admitted' : 'rejected';
    await sendCompanyMail(tx, {
      to: profile.hrEmail,
      locale: await contactLocale(tx, profile.hrEmail),
      dedupeKey: `company-decision:${input.organizationId}`,
      subject: [`companies.email.${key}.subject`, { alliance: profile.organization.alliance.name }],
      greetingName: profile.hrGivenName,
      paragraphs: [
        [`companies.email.${key}.body`, { company: profile.organization.legalName, alliance: profile.organization.alliance.name }],
        ...(reason && check.to === 'REJECTED' ? [['companies.email.reason', { reason }] as [string, Record<string, string>]] : []),
      ],
    });
    return { status: check.to, invited };
  });
}

// ---------------------------------------------------------------------------------------------
// The company's own profile and sites

/** The organisation the HR admin acts for, when its company profile is admitted; NotFound otherwise. */
export async function requireAdmittedCompany(db: DbTx, actor: Actor): Promise<{ organizationId: string; allianceId: string; legalName: string }> {
  const membership = requireRole(actor, HR_ROLES);
  const profile = await db.companyProfile.findFirst({
    where: { organizationId: membership.organizationId, status: 'ADMITTED', organization: { allianceId: membership.allianceId } },
    select: { organizationId: true, organization: { select: { allianceId: true, legalName: true } } },
  });
  if (!profile) throw new NotFound('Company profile not found');
  return { organizationId: profile.organizationId, allianceId: profile.organization.allianceId, legalName: profile.organization.legalName };
}

const SITE_SELECT = {
  id: true,
  name: true,
  code: true,
  address: true,
  comuneId: true,
  outsideComune: true,
  comune: { select: { name: true } },
  _count: { select: { employees: true } },
} as const;

/** The company's sites (with how many employees each) and the alliance's municipalities for the form. */
export async function listOwnSites(db: DbTx, actor: Actor) {
  const company = await requireAdmittedCompany(db, actor);
  const [sites, comuni] = await Promise.all([
    db.companySite.findMany({ where: { organizationId: company.organizationId }, orderBy: { name: 'asc' }, select: SITE_SELECT }),
    db.comune.findMany({ where: { allianceId: company.allianceId }, orderBy: { name: 'asc' }, select: { id: true, name: true } }),
  ]);
  return {
    company,
    comuni,
    sites: sites.map((s) => ({
      id: s.id,
      name: s.name,
      code: s.code,
      address: s.address,
      comuneId: s.comuneId,
      comuneName: s.comune?.name ?? s.outsideComune ?? '',
      outsideComune: s.outsideComune,
      employees: s._count.employees,
    })),
  };
}

async function siteData(db: DbTx, allianceId: string, fields: Record<string, unknown>) {
  const parsed = siteSchema.safeParse(fields);
  if (!parsed.success) throw new ValidationFailed('Invalid site', fieldErrorsOf(parsed.error.issues));
  const site = parsed.data;
  if (site.location === 'alliance') {
    const comune = await db.comune.findFirst({ where: { id: site.comuneId!, allianceId }, select: { id: true } });
    if (!comune) throw new ValidationFailed('Comune outside the alliance', { comuneId: 'validation.organization.comuneNotFound' });
  }
  return {
    name: site.name,
    code: site.code ?? null,
    address: site.address,
    comuneId: site.location === 'alliance' ? site.comuneId! : null,
    outsideComune: site.location === 'outside' ? site.outsideComune! : null,
  };
}

function siteConflict(error: unknown): never {
  const code = (error as { code?: string } | null)?.code;
  const target = JSON.stringify((error as { meta?: unknown } | null)?.meta ?? '');
  if (code === 'P2002') {
    throw new ValidationFailed('Site name or code already used', target.includes('code') ? { code: 'companies.validation.siteCodeTaken' } : { name: 'companies.validation.siteNameTaken' });
  }
  throw error;
}

async function assertSiteNameFree(db: DbTx, organizationId: string, data: { name: string; code: string | null }, exceptId?: string) {
  const others = await db.companySite.findMany({
    where: { organizationId, ...(exceptId ? { id: { not: exceptId } } : {}) },
    select: { name: true, code: true },
  });
  const key = siteKey;
  const taken = new Set(others.flatMap((o) => [key(o.name), ...(o.code ? [key(o.code)] : [])]));
  // Names and codes are matched accent- and case-free in roster files, so they must differ that way too.
  if (taken.has(key(data.name))) throw new ValidationFailed('Site name already used', { name: 'companies.validation.siteNameTaken' });
  if (data.code && taken.has(key(data.code))) throw new ValidationFailed('Site code already used', { code: 'companies.validation.siteCodeTaken' });
}

export async function createSite(db: Db, actor: Actor, input: { fields: Record<string, unknown>; ipAddress?: string | null }) {
  const company = await requireAdmittedCompany(db, actor);
  const data = await siteData(db, company.allianceId, input.fields);
  await assertSiteNameFree(db, company.organizationId, data);
  try {
    return await db.$transaction(async (tx) => {
      const site = await tx.companySite.create({ data: { organizationId: company.organizationId, ...data }, select: { id: true } });
      await recordAudit(tx, {
        action: 'company.site_created',
        allianceId: company.allianceId,
        organizationId: company.organizationId,
        actorUserId: actor.user.id,
        subjectType: 'CompanySite',
        subjectId: site.id,
        ipAddress: input.ipAddress ?? null,
      });
      return site;
    });
  } catch (error) {
    siteConflict(error);
  }
}

async function ownSite(db: DbTx, organizationId: string, siteId: string) {
  assertUuid(siteId, 'Site');
  const site = await db.companySite.findFirst({ where: { id: siteId, organizationId }, select: { id: true, _count: { select: { employees: true } } } });
  if (!site) throw new NotFound('Site not found');
  return site;
}

export async function updateSite(db: Db, actor: Actor, input: { siteId: string; fields: Record<string, unknown>; ipAddress?: string | null }) {
  const company = await requireAdmittedCompany(db, actor);
  await ownSite(db, company.organizationId, input.siteId);
  const data = await siteData(db, company.allianceId, input.fields);
  await assertSiteNameFree(db, company.organizationId, data, input.siteId);
  try {
    await db.$transaction(async (tx) => {
      await tx.companySite.update({ where: { id: input.siteId }, data });
      await recordAudit(tx, {
        action: 'company.site_updated',
        allianceId: company.allianceId,
        organizationId: company.organizationId,
        actorUserId: actor.user.id,
        subjectType: 'CompanySite',
        subjectId: input.siteId,
        ipAddress: input.ipAddress ?? null,
      });
    });
  } catch (error) {
    siteConflict(error);
  }
}

/** Removes a site no employee works at (an employee's site changes only through the roster). */
export async function deleteSite(db: Db, actor: Actor, input: { siteId: string; ipAddress?: string | null }) {
  const company = await requireAdmittedCompany(db, actor);
  const site = await ownSite(db, company.organizationId, input.siteId);
  if (site._count.employees > 0) throw new Conflict('Employees work at this site', { fieldErrors: { site: 'companies.sites.inUse' } });
  await db.$transaction(async (tx) => {
    const removed = await tx.companySite.deleteMany({ where: { id: input.siteId, organizationId: company.organizationId, employees: { none: {} } } });
    if (removed.count !== 1) throw new Conflict('Employees work at this site', { fieldErrors: { site: 'companies.sites.inUse' } });
    await recordAudit(tx, {
      action: 'company.site_deleted',
      allianceId: company.allianceId,
      organizationId: company.organizationId,
      actorUserId: actor.user.id,
      subjectType: 'CompanySite',
      subjectId: input.siteId,
      ipAddress: input.ipAddress ?? null,
    });
  });
}
