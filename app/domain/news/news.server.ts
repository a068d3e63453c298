import { recordAudit } from '~/domain/audit/audit.server';
import type { Actor, ActorMembership } from '~/domain/auth/actor';
import { inTransaction } from '~/domain/auth/transaction.server';
import { renderSafeMarkdown } from '~/domain/providers/markdown.fns';
import type { Prisma } from '~/generated/prisma/client';
import type { Db, DbTx } from '~/utils/db.server';
import { Conflict, NotFound } from '~/utils/errors.server';
import { newsStatus, slugify, uniqueSlug, type NewsKindName } from './news.fns';
import { newsIdSchema, newsSlugSchema, type NewsInput, type NewsListQuery } from './news.schema';

// News and good practices of an alliance. Only the ALLIANCE_ADMIN of that alliance writes, edits,
// publishes and unpublishes them (every change audited); the public reads published posts only.
// Bodies are Markdown rendered with the safe subset (raw HTML escaped: a <script> is shown as text).

export const NEWS_PAGE_SIZE = 20;

function requireEditor(actor: Actor): ActorMembership {
  const membership = actor.membership;
  // Outside the role the pages do not exist: 404, as for foreign ids.
  if (!membership || membership.role !== 'ALLIANCE_ADMIN') throw new NotFound('Not available for this role');
  return membership;
}

function assertId(id: string): void {
  if (!newsIdSchema.safeParse(id).success) throw new NotFound('News post not found');
}

const ORDER: Record<NewsListQuery['sort'], (dir: 'asc' | 'desc') => Prisma.NewsPostOrderByWithRelationInput[]> = {
  title: (dir) => [{ title: dir }],
  kind: (dir) => [{ kind: dir }, { updatedAt: 'desc' }],
  // Drafts (no date) count as the newest.
  status: (dir) => [{ publishedAt: { sort: dir, nulls: dir === 'desc' ? 'first' : 'last' } }],
  updatedAt: (dir) => [{ updatedAt: dir }],
};

/** The alliance's posts, drafts included, for the admin's table. */
export async function listNewsForEditor(db: DbTx, actor: Actor, query: NewsListQuery) {
  const membership = requireEditor(actor);
  const where: Prisma.NewsPostWhereInput = { allianceId: membership.allianceId, ...(query.kind ? { kind: query.kind } : {}) };
  const total = await db.newsPost.count({ where });
  const pages = Math.max(1, Math.ceil(total / NEWS_PAGE_SIZE));
  const page = Math.min(Math.max(1, query.page), pages);
  const rows = await db.newsPost.findMany({
    where,
    orderBy: [...ORDER[query.sort](query.dir), { id: 'asc' }],
    skip: (page - 1) * NEWS_PAGE_SIZE,
    take: NEWS_PAGE_SIZE,
    select: {
      id: true,
      kind: true,
      title: true,
      slug: true,
      publishedAt: true,
      updatedAt: true,
      author: { select: { givenName: true, familyName: true } },
    },
  });
  return {
    rows: rows.map((r) => ({
      id: r.id,
      kind: r.kind as NewsKindName,
      title: r.title,
      slug: r.slug,
      status: newsStatus(r),
      publishedAt: r.publishedAt?.toISOString() ?? null,
      updatedAt: r.updatedAt.toISOString(),
      authorName: r.author ? `${r.author.givenName} ${r.author.familyName}` : null,
    })),
    total,
    page,
    pages,
    pageSize: NEWS_PAGE_SIZE,
  };
}

/** One post of the admin's alliance, with its rendered preview. Another alliance's is NotFound. */
export async function getNewsForEditor(db: DbTx, actor: Actor, id: string) {
  const membership = requireEditor(actor);
  assertId(id);
  const post = await db.newsPost.findFirst({
    where: { id, allianceId: membership.allianceId },
    select: { id: true, kind: true, title: true, slug: true, body: true, publishedAt: true, createdAt: true, updatedAt: true },
  });
  if (!post) throw new NotFound('News post not found');
  return {
    id: post.id,
    kind: post.kind as NewsKindName,
    title: post.title,
    slug: post.slug,
    body: post.body,
    bodyHtml: renderSafeMarkdown(post.body),
    status: newsStatus(post),
    publishedAt: post.publishedAt?.toISOString() ?? null,
    createdAt: post.createdAt.toISOString(),
    updatedAt: post.updatedAt.toISOString(),
    allianceSlug: membership.allianceSlug,
  };
}

interface WriteOptions {
  ipAddress?: string | null;
}

function audit(tx: DbTx, membership: ActorMembership, actor: Actor, action: string, postId: string, options: WriteOptions, metadata: Record<string, unknown>) {
  return recordAudit(tx, {
    action,
    allianceId: membership.allianceId,
    organizationId: membership.organizationId,
    actorUserId: actor.user.id,
    subjectType: 'NewsPost',
    subjectId: postId,
    ipAddress: options.ipAddress ?? null,
    metadata,
  });
}

/** A new post, as a draft or published at once (`publish`). Its slug comes from the title and stays. */
export async function createNews(db: Db | DbTx, actor: Actor, input: NewsInput, options: WriteOptions & { publish?: boolean } = {}) {
  const membership = requireEditor(actor);
  const base = slugify(input.title);
  return inTransaction(db, async (tx) => {
    // Serialise slug choice per alliance: two posts with the same title at once get -2.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`news-slug:${membership.allianceId}`}))`;
    const taken = await tx.newsPost.findMany({
      where: { allianceId: membership.allianceId, slug: { startsWith: base.slice(0, 70) } },
      select: { slug: true },
    });
    const slug = uniqueSlug(base, new Set(taken.map((t) => t.slug)));
    const post = await tx.newsPost.create({
      data: {
        allianceId: membership.allianceId,
        kind: input.kind,
        title: input.title,
        slug,
        body: input.body,
        authorId: actor.user.id,
        publishedAt: options.publish ? new Date() : null,
      },
      select: { id: true, slug: true, publishedAt: true },
    });
    await audit(tx, membership, actor, 'news.created', post.id, options, { kind: input.kind, slug, published: Boolean(post.publishedAt) });
    if (post.publishedAt) await audit(tx, membership, actor, 'news.published', post.id, options, { slug });
    return { id: post.id, slug: post.slug, status: newsStatus(post) };
  });
}

/** Saves the title, kind and body of a post of the admin's alliance (the slug stays). */
export async function updateNews(db: Db | DbTx, actor: Actor, id: string, input: NewsInput, options: WriteOptions = {}) {
  const membership = requireEditor(actor);
  assertId(id);
  return inTransaction(db, async (tx) => {
    const updated = await tx.newsPost.updateMany({
      where: { id, allianceId: membership.allianceId },
      data: { kind: input.kind, title: input.title, body: input.body },
    });
    if (updated.count === 0) throw new NotFound('News post not found');
    await audit(tx, membership, actor, 'news.updated', id, options, { kind: input.kind });
    return { id };
  });
}

/**
 * Publishes (now) or unpublishes a post of the admin's alliance. Publishing a published post, or
 * unpublishing a draft, is a Conflict: the page was stale.
 */
export async function setNewsPublished(db: Db | DbTx, actor: Actor, id: string, publish: boolean, options: WriteOptions = {}) {
  const membership = requireEditor(actor);
  assertId(id);
  return inTransaction(db, async (tx) => {
    const post = await tx.newsPost.findFirst({ where: { id, allianceId: membership.allianceId }, select: { id: true, slug: true } });
    if (!post) throw new NotFound('News post not found');
    const moved = await tx.newsPost.updateMany({
      where: { id, publishedAt: publish ? null : { not: null } },
      data: { publishedAt: publish ? new Date() : null },
    });
    if (moved.count === 0) throw new Conflict(publish ? 'Already published' : 'Not published');
    await audit(tx, membership, actor, publish ? 'news.published' : 'news.unpublished', id, options, { slug: post.slug });
    return { id, status: publish ? ('published' as const) : ('draft' as const) };
  });
}

export interface PublicNewsPost {
  kind: NewsKindName;
  title: string;
  slug: string;
  bodyHtml: string;
  publishedAt: string;
}

function toPublic(post: { kind: string; title: string; slug: string; body: string; publishedAt: Date | null }): PublicNewsPost {
  return {
    kind: post.kind as NewsKindName,
    title: post.title,
    slug: post.slug,
    bodyHtml: renderSafeMarkdown(post.body),
    publishedAt: (post.publishedAt ?? new Date(0)).toISOString(),
  };
}

const PUBLIC_SELECT = { kind: true, title: true, slug: true, body: true, publishedAt: true } as const;

/** The newest published posts of an alliance (of one kind, when given). Drafts never. */
export async function listPublishedNews(db: DbTx, input: { allianceId: string; kind?: NewsKindName; limit?: number }): Promise<PublicNewsPost[]> {
  const posts = await db.newsPost.findMany({
    where: { allianceId: input.allianceId, publishedAt: { not: null }, ...(input.kind ? { kind: input.kind } : {}) },
    orderBy: [{ publishedAt: 'desc' }, { id: 'asc' }],
    take: input.limit ?? 5,
    select: PUBLIC_SELECT,
  });
  return posts.map(toPublic);
}

/** One published post of an alliance by its slug; a draft or unknown slug is NotFound. */
export async function getPublishedNews(db: DbTx, input: { allianceId: string; slug: string }): Promise<PublicNewsPost> {
  if (!newsSlugSchema.safeParse(input.slug).success) throw new NotFound('News post not found');
  const post = await db.newsPost.findFirst({
    where: { allianceId: input.allianceId, slug: input.slug, publishedAt: { not: null } },
    select: PUBLIC_SELECT,
  });
  if (!post) throw new NotFound('News post not found');
  return toPublic(post);
}
