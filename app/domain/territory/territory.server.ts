import type { Actor } from '~/domain/auth/actor';
import { ALLIANCE_LEVEL_ROLES } from '~/domain/auth/roles';
import type { DbTx } from '~/utils/db.server';
import { NotFound } from '~/utils/errors.server';
import { computeCoverage } from './territory.fns';

// The territory map: which categories have no approved offering in which municipality of the
// caller's alliance. Only APPROVED offerings count (a suspended one serves nobody), through the
// municipalities of their live version.

export async function getTerritoryMap(db: DbTx, actor: Actor) {
  const membership = actor.membership;
  if (!membership || !ALLIANCE_LEVEL_ROLES.includes(membership.role)) throw new NotFound('Not available for this role');
  const allianceId = membership.allianceId;
  const [comuni, categories, counts, perCategory] = await Promise.all([
    db.comune.findMany({
      where: { allianceId },
      orderBy: [{ ambito: { name: 'asc' } }, { name: 'asc' }],
      select: { id: true, name: true, ambito: { select: { name: true } } },
    }),
    db.serviceCategory.findMany({ orderBy: { sortOrder: 'asc' }, select: { id: true, slug: true, nameIt: true, nameEn: true } }),
    db.$queryRaw<Array<{ comuneId: string; categoryId: string; offerings: number }>>`
      SELECT vc."comuneId", v."categoryId", count(*)::int AS offerings
        FROM "Offering" o
        JOIN "OfferingVersion" v ON v.id = o."liveVersionId"
        JOIN "OfferingVersionComune" vc ON vc."versionId" = v.id
       WHERE o."allianceId" = ${allianceId}::uuid AND o.status = 'APPROVED'
       GROUP BY vc."comuneId", v."categoryId"`,
    db.$queryRaw<Array<{ categoryId: string; offerings: number }>>`
      SELECT v."categoryId", count(*)::int AS offerings
        FROM "Offering" o
        JOIN "OfferingVersion" v ON v.id = o."liveVersionId"
       WHERE o."allianceId" = ${allianceId}::uuid AND o.status = 'APPROVED'
       GROUP BY v."categoryId"`,
  ]);
  const coverage = computeCoverage({
    comuni: comuni.map((c) => ({ id: c.id, name: c.name, ambitoName: c.ambito.name })),
    categories,
    counts,
    offeringsByCategory: new Map(perCategory.map((r) => [r.categoryId, r.offerings])),
  });
  return { allianceName: membership.allianceName, ...coverage };
}
export type TerritoryMap = Awaited<ReturnType<typeof getTerritoryMap>>;
