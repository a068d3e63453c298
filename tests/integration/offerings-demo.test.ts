import { beforeAll, describe, expect, it } from 'vitest';
import { getLiveOffering, listReviewQueue } from '~/domain/offerings/offerings.server';
import { offeringCategoryErrors, offeringFormSchema, reviewQueueQuerySchema } from '~/domain/offerings/offerings.schema';
import { versionToFormValues } from '~/domain/offerings/offerings.fns';
import { getTerritoryMap } from '~/domain/territory/territory.server';
import { seedDemo } from '../../prisma/seed/demo';
import { getDb, useTestDatabase } from '../setup/database';
import { actorFor } from './offerings-fixtures';

// The demo offerings (prisma/seed/demo-offerings.ts): in both alliances, most categories, a review
// queue to work on, one approved offering with a newer version awaiting review, and every version
// valid by the same rules as the provider's form.

useTestDatabase();

beforeAll(async () => {
  await seedDemo(getDb(), { ifEmpty: false });
});

describe('demo offerings', () => {
  it('cover both alliances and most categories, with a queue and a pending new version', async () => {
    const db = getDb();
    for (const slug of ['val-seriana', 'val-cavallina']) {
      const approved = await db.offering.count({ where: { alliance: { slug }, status: 'APPROVED' } });
      const submitted = await db.offering.count({ where: { alliance: { slug }, OR: [{ status: 'SUBMITTED' }, { headVersion: { status: 'SUBMITTED' } }] } });
      const orientamento = await db.offering.count({ where: { alliance: { slug }, status: 'APPROVED', liveVersion: { category: { isOrientamento: true } } } });
      expect(approved, slug).toBeGreaterThanOrEqual(5);
      expect(submitted, slug).toBeGreaterThanOrEqual(1);
      expect(orientamento, slug).toBe(1);
    }
    const categories = await db.offeringVersion.findMany({ where: { status: 'APPROVED', liveOf: { status: 'APPROVED' } }, distinct: ['categoryId'], select: { categoryId: true } });
    expect(categories.length).toBeGreaterThanOrEqual(10);
    const pending = await db.offering.findMany({ where: { status: 'APPROVED', headVersion: { status: 'SUBMITTED' } }, select: { id: true, allianceId: true, liveVersion: { select: { versionNumber: true } } } });
    expect(pending).toHaveLength(1);
    expect((await getLiveOffering(db, { allianceId: pending[0]!.allianceId, offeringId: pending[0]!.id }))?.versionNumber).toBe(1);
  });

  it('every demo version passes the form’s and the category’s rules', async () => {
    const versions = await getDb().offeringVersion.findMany({
      select: {
        title: true, description: true, target: true, ageMin: true, ageMax: true, priceUnit: true, packageHours: true, listPriceCents: true,
        allianceRateCents: true, vatTreatment: true, availability: true, bookingNoticeDays: true, cancellationTerms: true, capacityPerWeek: true,
        contactName: true, contactEmail: true, contactPhone: true, contactAddress: true,
        category: { select: { id: true, isOrientamento: true } }, comuni: { select: { comuneId: true } },
      },
    });
    expect(versions.length).toBeGreaterThan(15);
    for (const v of versions) {
      const values = versionToFormValues({ ...v, availability: v.availability as never, comuni: v.comuni.map((c) => ({ id: c.comuneId })) });
      const parsed = offeringFormSchema.safeParse(values);
      expect(parsed.success ? [] : parsed.error.issues, v.title).toEqual([]);
      if (parsed.success) expect(offeringCategoryErrors(parsed.data, v.category.isOrientamento), v.title).toEqual({});
    }
  });

  it('give the demo curator a queue and the territory map some gaps', async () => {
    const db = getDb();
    const curator = await db.membership.findFirstOrThrow({ where: { role: 'AMBITO_CURATOR', user: { email: 'ambito.val-seriana@demo.conciliamo.it' } } });
    const actor = await actorFor(db, curator.id);
    const queue = await listReviewQueue(db, actor, reviewQueueQuerySchema.parse({}));
    expect(queue.total).toBe(3);
    const map = await getTerritoryMap(db, actor);
    expect(map.totalGaps).toBeGreaterThan(0);
    expect(map.totalGaps).toBeLessThan(map.totalCells);
  });
});
