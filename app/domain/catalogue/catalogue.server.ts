import type { PriceUnitName, TargetName } from '~/domain/offerings/offerings.fns';
import { getLiveOffering } from '~/domain/offerings/offerings.server';
import { getProviderPublicProfile } from '~/domain/providers/providers.server';
import { Prisma } from '~/generated/prisma/client';
import type { DbTx } from '~/utils/db.server';
import { NotFound } from '~/utils/errors.server';
import { normaliseSearchText, pageCount } from './catalogue.fns';
import { offeringIdParamSchema, type CatalogueSearch, type ProviderKindName } from './catalogue.schema';
import { cachedCatalogueAnswer } from './search-cache.server';

// The public catalogue: what anyone may search and read without signing in. Everything here reads
// CatalogueEntry, the table the database triggers keep in step with offerings, versions and
// providers (migration 20261122120000_public_area): a row exists only for an APPROVED offering,
// through its live APPROVED version, of an ADMITTED provider. So "public or not" is decided in one
// place, and a suspended offering or a suspended provider is simply absent (404 here).

export const CATALOGUE_PAGE_SIZE = 20;
// Cached answers are dropped at every catalogue change (search-cache.server.ts); the time limits
// only bound what changes without a notification (facets) and the memory of rare queries.
const SEARCH_CACHE_SECONDS = 300;
const FACETS_CACHE_SECONDS = 60;

// ts_rank_cd weights for {D, C, B, A}: a word in the title outweighs many in the description.
const RANK_WEIGHTS = '{0.02, 0.05, 0.2, 1.0}';

export interface CatalogueHit {
  offeringId: string;
  title: string;
  summary: string;
  category: { slug: string; nameIt: string; nameEn: string };
  isOrientamento: boolean;
  provider: { id: string; name: string; kind: ProviderKindName };
  alliance: { slug: string; name: string; shortName: string };
  comuni: Array<{ istatCode: string; name: string }>;
  target: TargetName;
  ageMin: number | null;
  ageMax: number | null;
  priceUnit: PriceUnitName | null;
  packageHours: number | null;
  listPriceCents: number | null;
  allianceRateCents: number | null;
  /** ts_rank_cd of the text query; 0 without one. */
  rank: number;
}

export interface CatalogueResults {
  hits: CatalogueHit[];
  total: number;
  page: number;
  pages: number;
  pageSize: number;
  /** The query as the index reads it (normalised), or null without one. */
  normalisedQuery: string | null;
}

interface HitRow {
  offeringId: string;
  title: string;
  summary: string;
  categorySlug: string;
  categoryNameIt: string;
  categoryNameEn: string;
  isOrientamento: boolean;
  providerId: string;
  providerName: string;
  providerKind: ProviderKindName;
  allianceSlug: string;
  allianceName: string;
  allianceShortName: string;
  comuniList: Array<{ istatCode: string; name: string }> | null;
  target: TargetName;
  ageMin: number | null;
  ageMax: number | null;
  priceUnit: PriceUnitName | null;
  packageHours: number | null;
  listPriceCents: number | null;
  allianceRateCents: number | null;
  rank: number;
  total: bigint | number;
}

function filterConditions(search: CatalogueSearch, hasText: boolean): Prisma.Sql[] {
  const conditions: Prisma.Sql[] = [];
  if (hasText) conditions.push(Prisma.sql`e."searchVector" @@ q.query`);
  if (search.category) conditions.push(Prisma.sql`e."categoryId" = (SELECT c."id" FROM "ServiceCategory" c WHERE c."slug" = ${search.category})`);
  if (search.alliance) conditions.push(Prisma.sql`e."allianceId" = (SELECT a."id" FROM "Alliance" a WHERE a."slug" = ${search.alliance})`);
  if (search.comune) conditions.push(Prisma.sql`e."comuni" @> ARRAY[${search.comune}]::text[]`);
  // An age N matches an offer for children whose range holds it: ageMin ≤ N ≤ ageMax.
  if (search.age !== undefined) conditions.push(Prisma.sql`e."ageMin" <= ${search.age} AND e."ageMax" >= ${search.age}`);
  // A price range leaves out what has no price (orientamento).
  if (search.minPrice !== undefined) conditions.push(Prisma.sql`e."allianceRateCents" >= ${search.minPrice}`);
  if (search.maxPrice !== undefined) conditions.push(Prisma.sql`e."allianceRateCents" <= ${search.maxPrice}`);
  if (search.providerKind) conditions.push(Prisma.sql`e."providerKind" = ${search.providerKind}::"ProviderKind"`);
  return conditions;
}

/**
 * The one SQL statement of a search page (exported so bench/catalogue-search.ts runs exactly this
 * statement directly against PostgreSQL). `text` is the normalised query, or null for none.
 */
export function catalogueSearchSql(search: CatalogueSearch, text: string | null, page: number): Prisma.Sql {
  const conditions = filterConditions(search, text !== null);
  const where = conditions.length ? Prisma.sql`WHERE ${Prisma.join(conditions, ' AND ')}` : Prisma.empty;
  const queryJoin = text !== null ? Prisma.sql`CROSS JOIN (SELECT websearch_to_tsquery('conciliamo_it', ${text}) AS query) q` : Prisma.empty;
  const rank = text !== null ? Prisma.sql`ts_rank_cd(${RANK_WEIGHTS}::float4[], e."searchVector", q.query)` : Prisma.sql`0::float4`;
  const offset = (page - 1) * CATALOGUE_PAGE_SIZE;
  // With words every match is ranked, then sorted. Without words and without filters the sortTitle
  // index gives the first page at once; with a filter, sorting the (few) matching rows is cheaper
  // than walking that index until 20 of them turn up (|| '' keeps the planner off the index).
  const order =
    text !== null
      ? Prisma.sql`"rank" DESC, e."sortTitle", e."offeringId"`
      : conditions.length
        ? Prisma.sql`(e."sortTitle" || ''), e."offeringId"`
        : Prisma.sql`e."sortTitle", e."offeringId"`;
  // The page of entries first (ranked), the count apart (an InitPlan: one bitmap count that needs
  // no row), then the names for those 20 rows only.
  return Prisma.sql`
    WITH page AS (
      SELECT e."offeringId", e."title", e."summary", e."categoryId", e."isOrientamento", e."providerId", e."providerName",
             e."providerKind"::text AS "providerKind", e."allianceId", e."comuni", e."target"::text AS "target", e."ageMin", e."ageMax",
             e."priceUnit"::text AS "priceUnit", e."packageHours", e."listPriceCents", e."allianceRateCents", e."sortTitle",
             ${rank} AS "rank"
        FROM "CatalogueEntry" e ${queryJoin}
        ${where}
       ORDER BY ${order}
       LIMIT ${CATALOGUE_PAGE_SIZE} OFFSET ${offset}
    )
    SELECT p."offeringId", p."title", p."summary", p."isOrientamento", p."providerId", p."providerName", p."providerKind",
           p."target", p."ageMin", p."ageMax", p."priceUnit", p."packageHours", p."listPriceCents", p."allianceRateCents",
           p."rank", (SELECT count(*) FROM "CatalogueEntry" e ${queryJoin} ${where}) AS "total",
           c."slug" AS "categorySlug", c."nameIt" AS "categoryNameIt", c."nameEn" AS "categoryNameEn",
           a."slug" AS "allianceSlug", a."name" AS "allianceName", a."shortName" AS "allianceShortName",
           (SELECT json_agg(json_build_object('istatCode', cm."istatCode", 'name', cm."name") ORDER BY cm."name")
              FROM "Comune" cm WHERE cm."allianceId" = p."allianceId" AND cm."istatCode" = ANY (p."comuni")) AS "comuniList"
      FROM page p
      JOIN "ServiceCategory" c ON c."id" = p."categoryId"
      JOIN "Alliance" a ON a."id" = p."allianceId"
     ORDER BY p."rank" DESC, p."sortTitle", p."offeringId"`;
}

async function queryPage(db: DbTx, search: CatalogueSearch, text: string | null, page: number): Promise<HitRow[]> {
  return db.$queryRaw<HitRow[]>(catalogueSearchSql(search, text, page));
}

/** The query text as the index reads it, or null when it has no word to search. */
export function searchText(q: string | undefined): string | null {
  const normalised = q ? normaliseSearchText(q) : '';
  return /[\p{L}\p{N}]/u.test(normalised) ? normalised : null;
}

function toHit(row: HitRow): CatalogueHit {
  return {
    offeringId: row.offeringId,
    title: row.title,
    summary: row.summary,
    category: { slug: row.categorySlug, nameIt: row.categoryNameIt, nameEn: row.categoryNameEn },
    isOrientamento: row.isOrientamento,
    provider: { id: row.providerId, name: row.providerName, kind: row.providerKind },
    alliance: { slug: row.allianceSlug, name: row.allianceName, shortName: row.allianceShortName },
    comuni: row.comuniList ?? [],
    target: row.target,
    ageMin: row.ageMin,
    ageMax: row.ageMax,
    priceUnit: row.priceUnit,
    packageHours: row.packageHours,
    listPriceCents: row.listPriceCents,
    allianceRateCents: row.allianceRateCents,
    rank: Number(row.rank),
  };
}

/**
 * Full-text search of the public catalogue with filters, ranked by ts_rank_cd then title, 20 per
 * page. The query is normalised with the same rules as the index (normaliseSearchText) and read
 * by websearch_to_tsquery: words are ANDed, "quoted words" are a phrase, -word excludes.
 * A page past the end answers the last page.
 */
export async function searchCatalogue(db: DbTx, search: CatalogueSearch, options: { cache?: boolean } = {}): Promise<CatalogueResults> {
  const text = searchText(search.q);
  if (options.cache) {
    // "baby sitter" and "Babysitter" are one answer: the key holds the normalised text.
    const key = `search:${JSON.stringify({ ...search, q: text })}`;
    return cachedCatalogueAnswer(key, SEARCH_CACHE_SECONDS, () => runSearch(db, search, text));
  }
  return runSearch(db, search, text);
}

async function runSearch(db: DbTx, search: CatalogueSearch, text: string | null): Promise<CatalogueResults> {
  let page = search.page;
  let rows = await queryPage(db, search, text, page);
  if (rows.length === 0 && page > 1) {
    // Past the last page (a stale link): count, then show the last page.
    const counted = await queryPage(db, search, text, 1);
    const total = counted.length ? Number(counted[0]!.total) : 0;
    page = pageCount(total, CATALOGUE_PAGE_SIZE);
    rows = page === 1 ? counted : await queryPage(db, search, text, page);
  }
  const total = rows.length ? Number(rows[0]!.total) : 0;
  return {
    hits: rows.map(toHit),
    total,
    page,
    pages: pageCount(total, CATALOGUE_PAGE_SIZE),
    pageSize: CATALOGUE_PAGE_SIZE,
    normalisedQuery: text,
  };
}

export interface CatalogueFacets {
  categories: Array<{ slug: string; nameIt: string; nameEn: string; isOrientamento: boolean }>;
  alliances: Array<{ slug: string; name: string; shortName: string }>;
  comuni: Array<{ istatCode: string; name: string }>;
}

/** The choices of the search form: categories, alliances and municipalities (one round trip). */
export async function getCatalogueFacets(db: DbTx, options: { cache?: boolean } = {}): Promise<CatalogueFacets> {
  if (options.cache) return cachedCatalogueAnswer('facets', FACETS_CACHE_SECONDS, () => queryFacets(db));
  return queryFacets(db);
}

async function queryFacets(db: DbTx): Promise<CatalogueFacets> {
  const [row] = await db.$queryRaw<Array<{ categories: CatalogueFacets['categories'] | null; alliances: CatalogueFacets['alliances'] | null; comuni: CatalogueFacets['comuni'] | null }>>`
    SELECT
      (SELECT json_agg(json_build_object('slug', c."slug", 'nameIt', c."nameIt", 'nameEn', c."nameEn", 'isOrientamento', c."isOrientamento")
                       ORDER BY c."sortOrder", c."slug")
         FROM "ServiceCategory" c) AS "categories",
      (SELECT json_agg(json_build_object('slug', a."slug", 'name', a."name", 'shortName', a."shortName") ORDER BY a."name")
         FROM "Alliance" a) AS "alliances",
      (SELECT json_agg(json_build_object('istatCode', x."istatCode", 'name', x."name") ORDER BY x."name", x."istatCode")
         FROM (SELECT DISTINCT ON (cm."istatCode") cm."istatCode", cm."name" FROM "Comune" cm ORDER BY cm."istatCode", cm."name") x) AS "comuni"`;
  return { categories: row?.categories ?? [], alliances: row?.alliances ?? [], comuni: row?.comuni ?? [] };
}

// ---------------------------------------------------------------------------------------------
// One offering, one provider

/**
 * The public page of an offering: its live version only (getLiveOffering of the offerings
 * domain), with its alliance. An id that is not a public entry (unknown, never approved,
 * suspended, retired, provider not admitted) is NotFound.
 */
export async function getPublicOffering(db: DbTx, offeringId: string) {
  if (!offeringIdParamSchema.safeParse(offeringId).success) throw new NotFound('Offering not found');
  const entry = await db.catalogueEntry.findUnique({ where: { offeringId }, select: { allianceId: true, providerKind: true, isOrientamento: true } });
  if (!entry) throw new NotFound('Offering not found');
  const [live, alliance] = await Promise.all([
    getLiveOffering(db, { allianceId: entry.allianceId, offeringId }),
    db.alliance.findUnique({ where: { id: entry.allianceId }, select: { slug: true, name: true, shortName: true } }),
  ]);
  if (!live || !alliance) throw new NotFound('Offering not found');
  const codes = await db.comune.findMany({ where: { id: { in: live.comuni.map((c) => c.id) } }, select: { id: true, istatCode: true } });
  const codeOf = new Map(codes.map((c) => [c.id, c.istatCode]));
  return {
    ...live,
    comuni: live.comuni.map((c) => ({ ...c, istatCode: codeOf.get(c.id) ?? '' })),
    providerKind: entry.providerKind as ProviderKindName,
    isOrientamento: entry.isOrientamento,
    alliance,
  };
}
export type PublicOffering = Awaited<ReturnType<typeof getPublicOffering>>;

/**
 * The public page of a provider: its profile (getProviderPublicProfile of the providers domain:
 * ADMITTED only) and its live offerings. Anything else is NotFound.
 */
export async function getPublicProvider(db: DbTx, providerId: string) {
  if (!offeringIdParamSchema.safeParse(providerId).success) throw new NotFound('Provider not found');
  const organization = await db.organization.findFirst({
    where: { id: providerId, kind: 'PROVIDER' },
    select: { alliance: { select: { id: true, slug: true, name: true, shortName: true } } },
  });
  if (!organization) throw new NotFound('Provider not found');
  const { id: allianceId, ...alliance } = organization.alliance;
  const profile = await getProviderPublicProfile(db, { allianceId, organizationId: providerId });
  const offerings = await listProviderCatalogue(db, providerId);
  return { profile, alliance, offerings };
}
export type PublicProvider = Awaited<ReturnType<typeof getPublicProvider>>;

/** The live offerings of a provider, for its public page, by title. */
export async function listProviderCatalogue(db: DbTx, providerId: string) {
  if (!offeringIdParamSchema.safeParse(providerId).success) return [];
  const entries = await db.catalogueEntry.findMany({
    where: { providerId },
    orderBy: [{ sortTitle: 'asc' }, { offeringId: 'asc' }],
    select: {
      offeringId: true,
      title: true,
      summary: true,
      isOrientamento: true,
      priceUnit: true,
      packageHours: true,
      allianceRateCents: true,
      version: { select: { category: { select: { slug: true, nameIt: true, nameEn: true } } } },
    },
  });
  return entries.map((e) => ({
    offeringId: e.offeringId,
    title: e.title,
    summary: e.summary,
    isOrientamento: e.isOrientamento,
    priceUnit: e.priceUnit,
    packageHours: e.packageHours,
    allianceRateCents: e.allianceRateCents,
    category: e.version.category,
  }));
}
