import { randomBytes, randomInt } from 'node:crypto';
import type { Db } from '~/utils/db.server';

// Shared set-up of the catalogue-*.test.ts files: an alliance with comuni and admitted providers,
// and offerings written straight into the tables in the states the offerings domain produces
// (draft, approved with a live version, a newer version under review, suspended …). Writing the
// rows directly keeps these tests about what the public sees, whatever path produced the state;
// the database triggers are what keeps CatalogueEntry in step, so they are exercised either way.

const IBAN = 'IT60X0542811101000000123456';

function elevenDigits(): string {
  return String(randomInt(10_000_000_000, 99_999_999_999));
}

export interface World {
  allianceId: string;
  allianceSlug: string;
  /** name → ISTAT code */
  comuni: Record<string, string>;
  comuneIds: Record<string, string>;
}

const COMUNI: Array<[string, string]> = [
  ['Albino', '016004'],
  ['Nembro', '016144'],
  ['Clusone', '016077'],
  ['Gandino', '016108'],
];

export async function createWorld(db: Db, options: { slug?: string; comuni?: Array<[string, string]> } = {}): Promise<World> {
  const slug = options.slug ?? `catalogo-${randomBytes(3).toString('hex')}`;
  const alliance = await db.alliance.create({
    data: { slug, name: `Alleanza ${slug}`, shortName: slug, description: 'Alleanza di prova', capofila: 'Comune capofila', territory: 'Territorio di prova' },
  });
  const ambito = await db.ambito.create({ data: { allianceId: alliance.id, code: 'ambito-1', name: 'Ambito di prova' } });
  const comuni: Record<string, string> = {};
  const comuneIds: Record<string, string> = {};
  for (const [name, istatCode] of options.comuni ?? COMUNI) {
    const comune = await db.comune.create({ data: { allianceId: alliance.id, ambitoId: ambito.id, name, istatCode, province: 'BG' } });
    comuni[name] = istatCode;
    comuneIds[name] = comune.id;
  }
  return { allianceId: alliance.id, allianceSlug: slug, comuni, comuneIds };
}

export type ProviderKindName = 'COOPERATIVA_SOCIALE' | 'RSA' | 'ASSOCIAZIONE' | 'ENTE_PUBBLICO' | 'IMPRESA';

export async function createProvider(
  db: Db,
  world: World,
  input: { legalName: string; kind?: ProviderKindName; status?: 'PENDING' | 'ADMITTED' | 'SUSPENDED' },
): Promise<string> {
  const organization = await db.organization.create({
    data: { allianceId: world.allianceId, kind: 'PROVIDER', legalName: input.legalName, codiceFiscale: elevenDigits() },
  });
  await db.providerProfile.create({
    data: {
      organizationId: organization.id,
      providerKind: input.kind ?? 'COOPERATIVA_SOCIALE',
      status: input.status ?? 'ADMITTED',
      iban: IBAN,
      registeredOffice: 'Via Roma 1, Albino',
      contactGivenName: 'Referente',
      contactFamilyName: 'Di Prova',
      contactEmail: 'referente@example.it',
      description: `**${input.legalName}**: servizi alla persona.`,
      decidedAt: new Date(),
    },
  });
  return organization.id;
}

export interface OfferingSpec {
  providerId: string;
  category: string;
  title: string;
  description?: string;
  comuni?: string[];
  target?: 'CHILDREN' | 'ELDERLY' | 'DISABLED' | 'ADULTS' | 'EVERYONE';
  ageMin?: number;
  ageMax?: number;
  /** Alliance rate in cents; the list price is 25 % more. Ignored for orientamento. */
  rateCents?: number;
}

async function categoryOf(db: Db, slug: string) {
  return db.serviceCategory.findUniqueOrThrow({ where: { slug }, select: { id: true, isOrientamento: true } });
}

async function versionData(db: Db, spec: OfferingSpec) {
  const category = await categoryOf(db, spec.category);
  const target = spec.target ?? (spec.ageMin !== undefined ? 'CHILDREN' : 'EVERYONE');
  const price = category.isOrientamento
    ? {}
    : {
        priceUnit: 'HOUR' as const,
        listPriceCents: Math.round((spec.rateCents ?? 1500) * 1.25),
        allianceRateCents: spec.rateCents ?? 1500,
        vatTreatment: 'EXEMPT_ART10' as const,
      };
  return {
    title: spec.title,
    description: spec.description ?? `${spec.title}: un servizio del territorio.`,
    categoryId: category.id,
    target,
    ageMin: target === 'CHILDREN' ? (spec.ageMin ?? 0) : null,
    ageMax: target === 'CHILDREN' ? (spec.ageMax ?? 17) : null,
    ...price,
    availability: { weekdays: [1, 2, 3, 4, 5], bands: [{ from: '08:00', to: '18:00' }] },
    bookingNoticeDays: 2,
    cancellationTerms: 'Disdetta gratuita fino a 24 ore prima.',
  };
}

async function addComuni(db: Db, world: World, versionId: string, names: string[]) {
  await db.offeringVersionComune.createMany({ data: names.map((name) => ({ versionId, comuneId: world.comuneIds[name]! })) });
}

/** An approved offering with version 1 live (what the curator's approval leaves). */
export async function publishOffering(db: Db, world: World, spec: OfferingSpec): Promise<{ offeringId: string; versionId: string }> {
  const now = new Date();
  const offering = await db.offering.create({ data: { allianceId: world.allianceId, providerId: spec.providerId } });
  const version = await db.offeringVersion.create({
    data: { offeringId: offering.id, versionNumber: 1, status: 'APPROVED', submittedAt: now, reviewedAt: now, ...(await versionData(db, spec)) },
  });
  await addComuni(db, world, version.id, spec.comuni ?? Object.keys(world.comuni));
  await db.offering.update({ where: { id: offering.id }, data: { status: 'APPROVED', liveVersionId: version.id, headVersionId: version.id } });
  return { offeringId: offering.id, versionId: version.id };
}

/** An offering written and sent for review, never approved. */
export async function submitDraftOffering(db: Db, world: World, spec: OfferingSpec): Promise<{ offeringId: string; versionId: string }> {
  const offering = await db.offering.create({ data: { allianceId: world.allianceId, providerId: spec.providerId } });
  const version = await db.offeringVersion.create({
    data: { offeringId: offering.id, versionNumber: 1, status: 'SUBMITTED', submittedAt: new Date(), ...(await versionData(db, spec)) },
  });
  await addComuni(db, world, version.id, spec.comuni ?? Object.keys(world.comuni));
  await db.offering.update({ where: { id: offering.id }, data: { status: 'SUBMITTED', headVersionId: version.id } });
  return { offeringId: offering.id, versionId: version.id };
}

/** A newer version of a live offering, sent for review: the live one stays live. */
export async function submitNewVersion(db: Db, world: World, offeringId: string, spec: OfferingSpec): Promise<string> {
  const latest = await db.offeringVersion.aggregate({ where: { offeringId }, _max: { versionNumber: true } });
  const version = await db.offeringVersion.create({
    data: {
      offeringId,
      versionNumber: (latest._max.versionNumber ?? 0) + 1,
      status: 'SUBMITTED',
      submittedAt: new Date(),
      ...(await versionData(db, spec)),
    },
  });
  await addComuni(db, world, version.id, spec.comuni ?? Object.keys(world.comuni));
  await db.offering.update({ where: { id: offeringId }, data: { headVersionId: version.id } });
  return version.id;
}

/** The curator approves the submitted version: the live one is superseded and the pointer moves. */
export async function approveVersion(db: Db, offeringId: string, versionId: string): Promise<void> {
  await db.$transaction(async (tx) => {
    const offering = await tx.offering.findUniqueOrThrow({ where: { id: offeringId } });
    await tx.offeringVersion.update({ where: { id: versionId }, data: { status: 'APPROVED', reviewedAt: new Date() } });
    if (offering.liveVersionId) await tx.offeringVersion.update({ where: { id: offering.liveVersionId }, data: { status: 'SUPERSEDED' } });
    await tx.offering.update({ where: { id: offeringId }, data: { status: 'APPROVED', liveVersionId: versionId } });
  });
}

export async function setOfferingStatus(db: Db, offeringId: string, status: 'APPROVED' | 'SUSPENDED' | 'RETIRED'): Promise<void> {
  await db.offering.update({ where: { id: offeringId }, data: { status } });
}

export async function setProviderStatus(db: Db, providerId: string, status: 'ADMITTED' | 'SUSPENDED'): Promise<void> {
  await db.providerProfile.update({ where: { organizationId: providerId }, data: { status } });
}
