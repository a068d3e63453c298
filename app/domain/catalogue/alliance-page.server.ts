import { listPublishedNews, getPublishedNews } from '~/domain/news/news.server';
import { listAdmittedProviders } from '~/domain/providers/providers.server';
import type { DbTx } from '~/utils/db.server';
import { NotFound } from '~/utils/errors.server';

// The public page of an alliance (/alleanze/:slug): what the project is, its territory, its
// partners (names only), its latest published news and good practices, and the way into its
// catalogue. Nothing here is personal: organisations by name, no people.

export const LATEST_POSTS = 5;

export async function getAlliancePublicPage(db: DbTx, input: { slug: string; newsSlug?: string | null }) {
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(input.slug) || input.slug.length > 80) throw new NotFound('Alliance not found');
  const alliance = await db.alliance.findUnique({
    where: { slug: input.slug },
    select: {
      id: true,
      slug: true,
      name: true,
      shortName: true,
      description: true,
      capofila: true,
      territory: true,
      ambiti: {
        orderBy: { name: 'asc' },
        select: { id: true, name: true, comuni: { orderBy: { name: 'asc' }, select: { name: true, istatCode: true } } },
      },
    },
  });
  if (!alliance) throw new NotFound('Alliance not found');

  const [organizations, providers, news, practices, offeringCount, featured] = await Promise.all([
    db.organization.findMany({
      where: { allianceId: alliance.id, kind: { in: ['AMBITO', 'PUBLIC_BODY', 'OTHER', 'COMPANY'] } },
      orderBy: [{ legalName: 'asc' }, { id: 'asc' }],
      select: { kind: true, legalName: true },
    }),
    listAdmittedProviders(db, { allianceId: alliance.id }),
    listPublishedNews(db, { allianceId: alliance.id, kind: 'NEWS', limit: LATEST_POSTS }),
    listPublishedNews(db, { allianceId: alliance.id, kind: 'GOOD_PRACTICE', limit: LATEST_POSTS }),
    db.catalogueEntry.count({ where: { allianceId: alliance.id } }),
    input.newsSlug ? getPublishedNews(db, { allianceId: alliance.id, slug: input.newsSlug }) : Promise.resolve(null),
  ]);

  const { id: _id, ...publicAlliance } = alliance;
  return {
    alliance: {
      ...publicAlliance,
      ambiti: alliance.ambiti.map((a) => ({ id: a.id, name: a.name, comuni: a.comuni })),
    },
    partners: {
      publicBodies: organizations.filter((o) => o.kind === 'AMBITO' || o.kind === 'PUBLIC_BODY' || o.kind === 'OTHER').map((o) => o.legalName),
      companies: organizations.filter((o) => o.kind === 'COMPANY').map((o) => o.legalName),
      providers: providers.map((p) => ({ id: p.organizationId, name: p.legalName })),
    },
    news,
    practices,
    featured,
    offeringCount,
  };
}
export type AlliancePublicPage = Awaited<ReturnType<typeof getAlliancePublicPage>>;
