import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '~/domain/auth/actor';
import type { RoleName } from '~/domain/auth/roles';
import { getAlliancePublicPage } from '~/domain/catalogue/alliance-page.server';
import { createNews, getNewsForEditor, listNewsForEditor, listPublishedNews, setNewsPublished, updateNews } from '~/domain/news/news.server';
import { getOptionalActor } from '~/utils/auth.server';
import { createSession } from '~/utils/session.server';
import * as editorRoute from '../../app/routes/alleanza.notizie.$id';
import * as listRoute from '../../app/routes/alleanza.notizie._index';
import * as publicRoute from '../../app/routes/alleanze.$slug';
import { cookieFor, createTenant, createUser, makeRequest, responseOf, type Tenant } from './auth-fixtures';
import { getDb, useTestDatabase } from '../setup/database';

// News and good practices: only the ALLIANCE_ADMIN of the alliance writes, edits, publishes and
// unpublishes (audited); the public sees published posts of that alliance only; Markdown is
// rendered inert.

useTestDatabase();

let home: Tenant;
let away: Tenant;
let homeSlug: string;
const people: Record<string, { cookie: string; actor: Actor }> = {};

async function person(key: string, organizationId: string, role: RoleName) {
  const db = getDb();
  const { user, memberships } = await createUser(db, { memberships: [{ organizationId, role }] });
  const { token } = await createSession(db, { userId: user.id, activeMembershipId: memberships[0]!.id });
  const cookie = await cookieFor(token);
  const actor = await getOptionalActor(makeRequest('/', { cookie }));
  if (!actor) throw new Error('no actor');
  people[key] = { cookie, actor };
}

const input = { kind: 'NEWS' as const, title: 'Nuovo sportello welfare ad Albino', body: 'Apre **lunedì** lo sportello.' };

beforeAll(async () => {
  const db = getDb();
  homeSlug = `notizie-${Date.now().toString(36)}`;
  home = await createTenant(db, homeSlug);
  away = await createTenant(db);
  await person('admin', home.leadId, 'ALLIANCE_ADMIN');
  await person('otherAdmin', away.leadId, 'ALLIANCE_ADMIN');
  await person('curator', home.leadId, 'AMBITO_CURATOR');
  await person('auditor', home.leadId, 'AUDITOR');
  await person('companyAdmin', home.companyId, 'COMPANY_ADMIN');
  await person('operator', home.providerId, 'PROVIDER_OPERATOR');
  await person('employee', home.companyId, 'EMPLOYEE');
});

describe('who writes', () => {
  it('the alliance admin writes a draft, edits it, publishes and unpublishes it, each step audited', async () => {
    const db = getDb();
    const { actor } = people.admin!;
    const created = await createNews(db, actor, input, { ipAddress: '198.51.100.7' });
    expect(created).toMatchObject({ slug: 'nuovo-sportello-welfare-ad-albino', status: 'draft' });
    await updateNews(db, actor, created.id, { ...input, kind: 'GOOD_PRACTICE', title: 'Lo sportello welfare di Albino' });
    const edited = await getNewsForEditor(db, actor, created.id);
    // The slug is the post's permanent link: it does not follow the title.
    expect(edited).toMatchObject({ kind: 'GOOD_PRACTICE', title: 'Lo sportello welfare di Albino', slug: 'nuovo-sportello-welfare-ad-albino', status: 'draft' });
    await setNewsPublished(db, actor, created.id, true);
    await expect(setNewsPublished(db, actor, created.id, true)).rejects.toMatchObject({ status: 409 });
    await setNewsPublished(db, actor, created.id, false);
    const events = await db.auditEvent.findMany({ where: { subjectId: created.id }, orderBy: { createdAt: 'asc' }, select: { action: true, actorUserId: true, allianceId: true } });
    expect(events.map((e) => e.action)).toEqual(['news.created', 'news.updated', 'news.published', 'news.unpublished']);
    expect(events.every((e) => e.actorUserId === actor.user.id && e.allianceId === home.allianceId)).toBe(true);
  });

  it('gives a second post with the same title its own slug', async () => {
    const db = getDb();
    const first = await createNews(db, people.admin!.actor, { ...input, title: 'Festa di primavera' });
    const second = await createNews(db, people.admin!.actor, { ...input, title: 'Festa di primavera!' });
    expect([first.slug, second.slug]).toEqual(['festa-di-primavera', 'festa-di-primavera-2']);
  });

  it('answers 404 to every other role, and to the admin of another alliance', async () => {
    const db = getDb();
    const post = await createNews(db, people.admin!.actor, { ...input, title: 'Solo per gli amministratori' });
    for (const key of ['curator', 'auditor', 'companyAdmin', 'operator', 'employee', 'otherAdmin']) {
      const { actor } = people[key]!;
      if (key !== 'otherAdmin') await expect(createNews(db, actor, input), key).rejects.toMatchObject({ status: 404 });
      await expect(getNewsForEditor(db, actor, post.id), key).rejects.toMatchObject({ status: 404 });
      await expect(updateNews(db, actor, post.id, { ...input, title: 'Cambiato da altri' }), key).rejects.toMatchObject({ status: 404 });
      await expect(setNewsPublished(db, actor, post.id, true), key).rejects.toMatchObject({ status: 404 });
    }
    const unchanged = await db.newsPost.findUniqueOrThrow({ where: { id: post.id } });
    expect(unchanged).toMatchObject({ title: 'Solo per gli amministratori', publishedAt: null });
    // The other alliance's admin lists only their own alliance's posts.
    const theirs = await listNewsForEditor(db, people.otherAdmin!.actor, { page: 1, sort: 'updatedAt', dir: 'desc' });
    expect(theirs.rows.map((r) => r.id)).not.toContain(post.id);
    await expect(getNewsForEditor(db, people.admin!.actor, 'not-a-uuid')).rejects.toMatchObject({ status: 404 });
  });

  it('through the pages: the form creates and publishes for the admin, and is 404 for others', async () => {
    const db = getDb();
    const call = (cookie: string, id: string, form: Record<string, string>) =>
      responseOf(() =>
        editorRoute.action({ request: makeRequest(`/alleanza/notizie/${id}`, { cookie, form }), params: { id }, context: {} } as ActionFunctionArgs),
      );
    const created = await call(people.admin!.cookie, 'nuova', { intent: 'publish', kind: 'GOOD_PRACTICE', title: 'Orari flessibili in cooperativa', body: 'Un esempio da seguire.' });
    expect(created.status).toBe(302);
    const location = created.headers.get('Location')!;
    expect(location).toMatch(/^\/alleanza\/notizie\/[0-9a-f-]{36}\?esito=published$/);
    const id = location.split('/').pop()!.split('?')[0]!;
    expect(await db.newsPost.findUniqueOrThrow({ where: { id } })).toMatchObject({ kind: 'GOOD_PRACTICE', allianceId: home.allianceId, publishedAt: expect.any(Date) });

    const invalid = await call(people.admin!.cookie, id, { intent: 'save', kind: 'NEWS', title: 'No', body: '' });
    expect(invalid.status).toBe(422);
    expect(await invalid.json()).toMatchObject({ fieldErrors: { title: 'news.error.titleLength', body: 'validation.required' }, values: { title: 'No' } });

    const unpublished = await call(people.admin!.cookie, id, { intent: 'unpublish' });
    expect(unpublished.headers.get('Location')).toBe(`/alleanza/notizie/${id}?esito=unpublished`);
    const stale = await call(people.admin!.cookie, id, { intent: 'unpublish' });
    expect(stale.status).toBe(409);

    for (const key of ['curator', 'otherAdmin', 'employee']) {
      const refused = await call(people[key]!.cookie, id, { intent: 'publish', kind: 'NEWS', title: 'Presa da altri', body: 'x' });
      expect(refused.status, key).toBe(404);
      const page = await responseOf(() =>
        editorRoute.loader({ request: makeRequest(`/alleanza/notizie/${id}`, { cookie: people[key]!.cookie }), params: { id }, context: {} } as LoaderFunctionArgs),
      );
      expect(page.status, key).toBe(404);
    }
    expect(await db.newsPost.findUniqueOrThrow({ where: { id } })).toMatchObject({ title: 'Orari flessibili in cooperativa', publishedAt: null });

    const list = await responseOf(() =>
      listRoute.loader({ request: makeRequest('/alleanza/notizie?sort=title&dir=asc', { cookie: people.admin!.cookie }), params: {}, context: {} } as LoaderFunctionArgs),
    );
    const body = (await list.json()) as { posts: { rows: Array<{ title: string; status: string }> } };
    expect(body.posts.rows.map((r) => r.title)).toEqual([...body.posts.rows.map((r) => r.title)].sort());
    expect(body.posts.rows.find((r) => r.title === 'Orari flessibili in cooperativa')?.status).toBe('draft');
  });
});

describe('what the public sees', () => {
  it('only published posts of that alliance, newest first; drafts and unpublished posts never', async () => {
    const db = getDb();
    const admin = people.admin!.actor;
    const draft = await createNews(db, admin, { ...input, title: 'Bozza riservata' });
    const older = await createNews(db, admin, { ...input, title: 'Notizia meno recente' }, { publish: true });
    const newer = await createNews(db, admin, { ...input, title: 'Notizia recente' }, { publish: true });
    const withdrawn = await createNews(db, admin, { ...input, title: 'Notizia ritirata' }, { publish: true });
    await setNewsPublished(db, admin, withdrawn.id, false);
    await createNews(db, people.otherAdmin!.actor, { ...input, title: 'Notizia di un’altra alleanza' }, { publish: true });

    const published = await listPublishedNews(db, { allianceId: home.allianceId, kind: 'NEWS', limit: 10 });
    const titles = published.map((p) => p.title);
    expect(titles.indexOf('Notizia recente')).toBeLessThan(titles.indexOf('Notizia meno recente'));
    expect(titles).not.toContain('Bozza riservata');
    expect(titles).not.toContain('Notizia ritirata');
    expect(titles).not.toContain('Notizia di un’altra alleanza');

    const page = await getAlliancePublicPage(db, { slug: homeSlug, newsSlug: newer.slug });
    expect(page.featured?.title).toBe('Notizia recente');
    await expect(getAlliancePublicPage(db, { slug: homeSlug, newsSlug: draft.slug })).rejects.toMatchObject({ status: 404 });
    await expect(getAlliancePublicPage(db, { slug: homeSlug, newsSlug: withdrawn.slug })).rejects.toMatchObject({ status: 404 });
    void older;

    const response = await responseOf(() =>
      publicRoute.loader({ request: makeRequest(`/alleanze/${homeSlug}?notizia=${draft.slug}`), params: { slug: homeSlug }, context: {} } as LoaderFunctionArgs),
    );
    expect(response.status).toBe(404);
    const ok = await responseOf(() => publicRoute.loader({ request: makeRequest(`/alleanze/${homeSlug}`), params: { slug: homeSlug }, context: {} } as LoaderFunctionArgs));
    expect(ok.status).toBe(200);
    expect(ok.headers.get('Cache-Control')).toMatch(/^public, max-age=60/);
    const text = await ok.text();
    expect(text).toContain('Notizia recente');
    expect(text).not.toContain('Bozza riservata');
  });

  it('renders script and HTML in a body inert', async () => {
    const db = getDb();
    const post = await createNews(
      db,
      people.admin!.actor,
      {
        kind: 'NEWS',
        title: 'Prova di <script>alert(1)</script> titolo',
        body: 'Ciao <script>alert("x")</script> <img src=x onerror=alert(1)> [clicca](javascript:alert(1)) **ok**',
      },
      { publish: true },
    );
    const [shown] = (await listPublishedNews(db, { allianceId: home.allianceId, kind: 'NEWS', limit: 1 })).filter((p) => p.slug === post.slug);
    expect(shown).toBeDefined();
    // No element but the ones Markdown makes: the tags are text, the javascript: link has no target.
    expect(shown!.bodyHtml).not.toMatch(/<script|<img|href="javascript:/i);
    expect(shown!.bodyHtml).toContain('&lt;script&gt;');
    expect(shown!.bodyHtml).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(shown!.bodyHtml).toContain('<strong>ok</strong>');
    // The title is plain text: React escapes it when rendering.
    expect(shown!.title).toBe('Prova di <script>alert(1)</script> titolo');
  });
});
