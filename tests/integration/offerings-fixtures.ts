import { randomBytes } from 'node:crypto';
import type { Actor } from '~/domain/auth/actor';
import type { RoleName } from '~/domain/auth/roles';
import { offeringFormSchema, type OfferingInput } from '~/domain/offerings/offerings.schema';
import type { Db } from '~/utils/db.server';
import { createTenant, createUser, type Tenant } from './auth-fixtures';

// Shared set-up of the offerings-*.test.ts and territory-*.test.ts files: an alliance with three
// municipalities, two admitted providers (the first serving two of the three municipalities),
// people in every role, and Actor objects as the domain functions receive them.

const IBAN = 'IT60X0542811101000000123456';

export interface OfferingsWorld {
  tenant: Tenant;
  allianceId: string;
  /** Albino, Nembro, Clusone. */
  comuni: Record<'albino' | 'nembro' | 'clusone', string>;
  provider2Id: string;
  actors: Record<'operator' | 'operator2' | 'curator' | 'curator2' | 'admin' | 'auditor', Actor>;
  emails: Record<'operator' | 'operator2' | 'curator' | 'curator2', string>;
  categories: Record<string, string>;
}

export async function actorFor(db: Db, membershipId: string): Promise<Actor> {
  const m = await db.membership.findUniqueOrThrow({
    where: { id: membershipId },
    include: { user: true, organization: { include: { alliance: true } } },
  });
  const membership = {
    id: m.id,
    role: m.role as RoleName,
    organizationId: m.organizationId,
    organizationKind: m.organization.kind,
    organizationName: m.organization.legalName,
    allianceId: m.organization.allianceId,
    allianceSlug: m.organization.alliance.slug,
    allianceName: m.organization.alliance.name,
    ambitoId: m.organization.ambitoId,
  };
  return {
    user: {
      id: m.user.id,
      email: m.user.email,
      givenName: m.user.givenName,
      familyName: m.user.familyName,
      locale: m.user.locale,
      totpEnabled: false,
    },
    sessionId: `test-${randomBytes(4).toString('hex')}`,
    membership,
    memberships: [membership],
  };
}

export async function admitProvider(db: Db, organizationId: string, comuneIds: string[], status: 'ADMITTED' | 'PENDING' = 'ADMITTED') {
  await db.providerProfile.create({
    data: {
      organizationId,
      providerKind: 'COOPERATIVA_SOCIALE',
      status,
      iban: IBAN,
      registeredOffice: 'Via Roma 1, Albino',
      contactGivenName: 'Referente',
      contactFamilyName: 'Di Prova',
      contactEmail: 'referente@example.it',
      comuni: { createMany: { data: comuneIds.map((comuneId) => ({ comuneId })) } },
    },
  });
}

export async function createOfferingsWorld(db: Db): Promise<OfferingsWorld> {
  const tenant = await createTenant(db);
  const ambito = await db.ambito.create({ data: { allianceId: tenant.allianceId, code: 'A1', name: 'Ambito Valle di prova' } });
  const comune = (name: string, istatCode: string) =>
    db.comune.create({ data: { allianceId: tenant.allianceId, ambitoId: ambito.id, name, istatCode, province: 'BG' } });
  const [albino, nembro, clusone] = await Promise.all([comune('Albino', '016004'), comune('Nembro', '016144'), comune('Clusone', '016077')]);
  const provider2 = await db.organization.create({
    data: { allianceId: tenant.allianceId, kind: 'PROVIDER', legalName: 'Cooperativa Seconda', codiceFiscale: String(10_000_000_000 + Math.floor(Math.random() * 8e10)) },
  });
  await admitProvider(db, tenant.providerId, [albino.id, nembro.id]);
  await admitProvider(db, provider2.id, [albino.id, nembro.id, clusone.id]);

  const person = async (organizationId: string, role: RoleName) => {
    const { user, memberships } = await createUser(db, { memberships: [{ organizationId, role }] });
    return { email: user.email, actor: await actorFor(db, memberships[0]!.id) };
  };
  const [operator, operator2, curator, curator2, admin, auditor] = await Promise.all([
    person(tenant.providerId, 'PROVIDER_OPERATOR'),
    person(provider2.id, 'PROVIDER_OPERATOR'),
    person(tenant.leadId, 'AMBITO_CURATOR'),
    person(tenant.leadId, 'AMBITO_CURATOR'),
    person(tenant.leadId, 'ALLIANCE_ADMIN'),
    person(tenant.leadId, 'AUDITOR'),
  ]);
  const categories = Object.fromEntries((await db.serviceCategory.findMany({ select: { slug: true, id: true } })).map((c) => [c.slug, c.id]));
  return {
    tenant,
    allianceId: tenant.allianceId,
    comuni: { albino: albino.id, nembro: nembro.id, clusone: clusone.id },
    provider2Id: provider2.id,
    actors: {
      operator: operator.actor,
      operator2: operator2.actor,
      curator: curator.actor,
      curator2: curator2.actor,
      admin: admin.actor,
      auditor: auditor.actor,
    },
    emails: { operator: operator.email, operator2: operator2.email, curator: curator.email, curator2: curator2.email },
    categories,
  };
}

/** The provider's form as a browser sends it (strings; checkbox groups as lists). */
export function offeringForm(world: OfferingsWorld, overrides: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  return {
    title: 'Baby-sitting a domicilio',
    description: 'Educatrici qualificate, **anche la sera**.',
    categoryId: world.categories['baby-sitting']!,
    target: 'CHILDREN',
    ageMin: '3',
    ageMax: '10',
    priceUnit: 'HOUR',
    listPrice: '15,00',
    allianceRate: '12,50',
    vatTreatment: 'EXEMPT_ART10',
    weekdays: ['1', '2', '3', '4', '5'],
    band1From: '08:00',
    band1To: '12:00',
    bookingNoticeDays: '2',
    cancellationTerms: 'Gratuita fino a 24 ore prima',
    comuni: [world.comuni.albino, world.comuni.nembro],
    ...overrides,
  };
}

export function offeringInput(world: OfferingsWorld, overrides: Record<string, string | string[]> = {}): OfferingInput {
  return offeringFormSchema.parse(offeringForm(world, overrides));
}

/** A URL-encoded body with repeated keys for lists, as a browser posts a form. */
export function formBody(fields: Record<string, string | string[]>): URLSearchParams {
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) {
    for (const v of Array.isArray(value) ? value : [value]) body.append(key, v);
  }
  return body;
}
