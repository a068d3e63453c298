import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login } from '~/domain/auth/auth.server';
import { createOffering } from '~/domain/offerings/offerings.server';
import * as curatorQueue from '~/routes/ambito.offerte._index';
import * as curatorOffering from '~/routes/ambito.offerte.$id';
import * as providerOffering from '~/routes/ente.offerte.$id';
import * as newOffering from '~/routes/ente.offerte.nuova';
import { CLIENT_IP_HEADER } from '~/utils/http.server';
import { disconnectRedis } from '~/utils/redis.server';
import { getDb, useTestDatabase } from '../setup/database';
import { cookieFor, createUser, makeRequest, PASSWORD, responseOf } from './auth-fixtures';
import { createOfferingsWorld, formBody, offeringForm, offeringInput, type OfferingsWorld } from './offerings-fixtures';

// The offering routes as a browser reaches them: who gets 200, 404 or the login page for an
// offering by id (the permission matrix lists these two routes here), the provider's form
// (Italian euro, field errors that keep what was typed, inert HTML) and the curator's decisions.

useTestDatabase();
afterAll(async () => {
  await disconnectRedis();
});

type Loader = (args: LoaderFunctionArgs) => Promise<unknown>;
type Action = (args: ActionFunctionArgs) => Promise<unknown>;

let world: OfferingsWorld;
let other: OfferingsWorld;
const cookies: Record<string, string> = {};
let offeringId: string;

async function signIn(email: string, ip: string): Promise<string> {
  const signed = await login(getDb(), { email, password: PASSWORD, ipAddress: ip });
  return cookieFor(signed.token);
}

beforeAll(async () => {
  const db = getDb();
  world = await createOfferingsWorld(db);
  other = await createOfferingsWorld(db);
  const emailOf = async (membershipUserId: string) => (await db.user.findUniqueOrThrow({ where: { id: membershipUserId } })).email;
  let n = 1;
  for (const [name, actor] of Object.entries(world.actors)) cookies[name] = await signIn(await emailOf(actor.user.id), `203.0.113.${n++}`);
  cookies.foreignCurator = await signIn(await emailOf(other.actors.curator.user.id), `203.0.113.${n++}`);
  cookies.foreignOperator = await signIn(await emailOf(other.actors.operator.user.id), `203.0.113.${n++}`);
  const employee = await createUser(db, { memberships: [{ organizationId: world.tenant.companyId, role: 'EMPLOYEE' }] });
  cookies.employee = await signIn(employee.user.email, `203.0.113.${n++}`);
  const company = await createUser(db, { memberships: [{ organizationId: world.tenant.companyId, role: 'COMPANY_ADMIN' }] });
  cookies.companyAdmin = await signIn(company.user.email, `203.0.113.${n++}`);
  offeringId = (await createOffering(db, world.actors.operator, offeringInput(world), { submit: true })).id;
});

async function get(route: { loader: Loader }, path: string, params: Record<string, string>, cookie: string | null) {
  return responseOf(() => route.loader({ request: makeRequest(path, { cookie }), params, context: {} }));
}

async function post(route: { action: Action }, path: string, params: Record<string, string>, cookie: string, fields: Record<string, string | string[]>) {
  const request = new Request(`http://localhost${path}`, {
    method: 'POST',
    headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded', [CLIENT_IP_HEADER]: '198.51.100.20', Origin: 'http://localhost' },
    body: formBody(fields).toString(),
  });
  return responseOf(() => route.action({ request, params, context: {} }));
}

describe('an offering by id: who may open it', () => {
  const cases: Array<[string, number | 'login', number | 'login']> = [
    // who, /ente/offerte/:id, /ambito/offerte/:id
    ['anonymous', 'login', 'login'],
    ['operator', 200, 404],
    ['operator2', 404, 404],
    ['foreignOperator', 404, 404],
    ['curator', 404, 200],
    ['curator2', 404, 200],
    ['admin', 404, 200],
    ['auditor', 404, 200],
    ['foreignCurator', 404, 404],
    ['employee', 404, 404],
    ['companyAdmin', 404, 404],
  ];
  for (const [who, provider, curator] of cases) {
    it(`${who}: provider page ${provider}, curator page ${curator}`, async () => {
      const cookie = who === 'anonymous' ? null : cookies[who]!;
      for (const [route, path, expected] of [
        [providerOffering, `/ente/offerte/${offeringId}`, provider],
        [curatorOffering, `/ambito/offerte/${offeringId}`, curator],
      ] as const) {
        const response = await get(route as { loader: Loader }, path, { id: offeringId }, cookie);
        if (expected === 'login') {
          expect(response.status, path).toBe(302);
          expect(response.headers.get('Location'), path).toMatch(/^\/accedi\?redirectTo=/);
        } else {
          expect(response.status, path).toBe(expected);
        }
      }
    });
  }

  it('a malformed or unknown id is 404 on both pages', async () => {
    for (const id of ['not-a-uuid', '00000000-0000-4000-8000-000000000000']) {
      expect((await get(providerOffering as { loader: Loader }, `/ente/offerte/${id}`, { id }, cookies.operator!)).status).toBe(404);
      expect((await get(curatorOffering as { loader: Loader }, `/ambito/offerte/${id}`, { id }, cookies.curator!)).status).toBe(404);
    }
  });

  it('a provider cannot post to another provider’s offering', async () => {
    const response = await post(providerOffering as { action: Action }, `/ente/offerte/${offeringId}`, { id: offeringId }, cookies.operator2!, {
      ...offeringForm(world),
      intent: 'save',
    });
    expect(response.status).toBe(404);
  });

  it('a curator of another alliance cannot decide', async () => {
    const response = await post(curatorOffering as { action: Action }, `/ambito/offerte/${offeringId}`, { id: offeringId }, cookies.foreignCurator!, {
      decision: 'approve',
      reason: '',
    });
    expect(response.status).toBe(404);
    expect((await getDb().offering.findUniqueOrThrow({ where: { id: offeringId } })).status).toBe('SUBMITTED');
  });
});

describe('the provider’s form', () => {
  it('stores "12,50" as 1250 cents and redirects to the new offering', async () => {
    const response = await post(newOffering as { action: Action }, '/ente/offerte/nuova', {}, cookies.operator!, {
      ...offeringForm(world, { title: 'Baby-sitting festivo', listPrice: '14', allianceRate: '12,50' }),
      intent: 'save',
    });
    expect(response.status).toBe(302);
    const location = response.headers.get('Location')!;
    expect(location).toMatch(/^\/ente\/offerte\/[0-9a-f-]{36}\?esito=salvata$/);
    const id = location.split('/')[3]!.split('?')[0]!;
    const version = await getDb().offeringVersion.findFirstOrThrow({ where: { offeringId: id } });
    expect(version).toMatchObject({ title: 'Baby-sitting festivo', listPriceCents: 1400, allianceRateCents: 1250, status: 'DRAFT' });

    const page = await get(providerOffering as { loader: Loader }, location, { id }, cookies.operator!);
    const data = (await page.json()) as { outcome: string; offering: { status: string; canSubmit: boolean } };
    expect(data).toMatchObject({ outcome: 'offerings.saved', offering: { status: 'DRAFT', canSubmit: true } });

    const sent = await post(providerOffering as { action: Action }, `/ente/offerte/${id}`, { id }, cookies.operator!, { intent: 'submitOnly' });
    expect(sent.headers.get('Location')).toBe(`/ente/offerte/${id}?esito=inviata`);
    expect((await getDb().offering.findUniqueOrThrow({ where: { id } })).status).toBe('SUBMITTED');
  });

  it('answers bad input with field errors next to the fields and keeps what was typed, lists included', async () => {
    const typed = offeringForm(world, { title: 'Ludoteca', listPrice: 'dodici', allianceRate: '12,505', ageMin: '12', ageMax: '4' });
    const response = await post(newOffering as { action: Action }, '/ente/offerte/nuova', {}, cookies.operator!, { ...typed, intent: 'submit' });
    expect(response.status).toBe(422);
    const body = (await response.json()) as { fieldErrors: Record<string, string>; values: Record<string, unknown> };
    expect(body.fieldErrors).toMatchObject({ listPrice: 'offerings.validation.price', allianceRate: 'offerings.validation.price', ageMax: 'offerings.validation.ageOrder' });
    expect(body.values).toMatchObject({ title: 'Ludoteca', listPrice: 'dodici', weekdays: ['1', '2', '3', '4', '5'], comuni: [world.comuni.albino, world.comuni.nembro] });
    expect(await getDb().offeringVersion.count({ where: { title: 'Ludoteca' } })).toBe(0);
  });

  it('a rule only the domain knows (a comune the provider does not serve) comes back as a field error too', async () => {
    const response = await post(newOffering as { action: Action }, '/ente/offerte/nuova', {}, cookies.operator!, {
      ...offeringForm(world, { comuni: [world.comuni.clusone] }),
      intent: 'save',
    });
    expect(response.status).toBe(422);
    expect(((await response.json()) as { fieldErrors: Record<string, string> }).fieldErrors).toEqual({ comuni: 'offerings.validation.comuneNotServed' });
  });

  it('renders script and HTML in a description inert, for the provider and for the curator', async () => {
    const response = await post(newOffering as { action: Action }, '/ente/offerte/nuova', {}, cookies.operator!, {
      ...offeringForm(world, {
        title: 'Centro estivo',
        description: 'Giochi <script>alert("x")</script> e **laboratori** <img src=x onerror="alert(1)"> [link](javascript:alert(1))',
      }),
      intent: 'submit',
    });
    expect(response.status).toBe(302);
    const id = response.headers.get('Location')!.split('/')[3]!.split('?')[0]!;
    const providerPage = (await (await get(providerOffering as { loader: Loader }, `/ente/offerte/${id}`, { id }, cookies.operator!)).json()) as {
      offering: { head: { descriptionHtml: string } };
    };
    const curatorPage = (await (await get(curatorOffering as { loader: Loader }, `/ambito/offerte/${id}`, { id }, cookies.curator!)).json()) as {
      review: { proposed: { descriptionHtml: string } };
    };
    for (const html of [providerPage.offering.head.descriptionHtml, curatorPage.review.proposed.descriptionHtml]) {
      expect(html).toContain('<strong>laboratori</strong>');
      expect(html).toContain('&lt;script&gt;');
      expect(html).not.toMatch(/<script|<img|javascript:|onerror="/i);
    }
  });

  it('submitting before the provider is admitted shows a message and saves nothing', async () => {
    await getDb().providerProfile.update({ where: { organizationId: world.tenant.providerId }, data: { status: 'PENDING' } });
    try {
      const response = await post(newOffering as { action: Action }, '/ente/offerte/nuova', {}, cookies.operator!, {
        ...offeringForm(world, { title: 'Nido famiglia' }),
        intent: 'submit',
      });
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ formError: 'offerings.error.notAdmitted', values: { title: 'Nido famiglia' } });
      expect(await getDb().offeringVersion.count({ where: { title: 'Nido famiglia' } })).toBe(0);
      // "Send for review" of a saved draft: the message, and no typed values to refill the form with.
      const draft = await createOffering(getDb(), world.actors.operator, offeringInput(world, { title: 'Nido estivo' }));
      const sent = await post(providerOffering as { action: Action }, `/ente/offerte/${draft.id}`, { id: draft.id }, cookies.operator!, { intent: 'submitOnly' });
      expect(sent.status).toBe(403);
      expect(await sent.json()).toEqual({ fieldErrors: {}, formError: 'offerings.error.notAdmitted', values: null });
      expect((await getDb().offering.findUniqueOrThrow({ where: { id: draft.id } })).status).toBe('DRAFT');
    } finally {
      await getDb().providerProfile.update({ where: { organizationId: world.tenant.providerId }, data: { status: 'ADMITTED' } });
    }
  });
});

describe('the curator’s decision form', () => {
  it('needs a reason to ask for changes, records the decision, and answers a stale decision with a conflict', async () => {
    const path = `/ambito/offerte/${offeringId}`;
    const missing = await post(curatorOffering as { action: Action }, path, { id: offeringId }, cookies.curator!, { decision: 'requestChanges', reason: '' });
    expect(missing.status).toBe(422);
    expect(((await missing.json()) as { fieldErrors: Record<string, string> }).fieldErrors).toEqual({ reason: 'offerings.validation.reasonRequired' });

    const review = (await (await get(curatorOffering as { loader: Loader }, path, { id: offeringId }, cookies.curator!)).json()) as {
      review: { proposed: { id: string }; decisions: string[] };
    };
    expect(review.review.decisions).toEqual(['approve', 'requestChanges', 'reject']);
    const decided = await post(curatorOffering as { action: Action }, path, { id: offeringId }, cookies.curator!, {
      decision: 'requestChanges',
      reason: 'Aggiungete le fasce orarie del sabato',
      versionId: review.review.proposed.id,
    });
    expect(decided.status).toBe(302);
    expect(decided.headers.get('Location')).toBe(`${path}?esito=decisa`);
    const stale = await post(curatorOffering as { action: Action }, path, { id: offeringId }, cookies.curator2!, {
      decision: 'approve',
      reason: '',
      versionId: review.review.proposed.id,
    });
    expect(stale.status).toBe(409);
    expect(await stale.json()).toMatchObject({ formError: 'offerings.error.conflict' });

    const providerView = (await (await get(providerOffering as { loader: Loader }, `/ente/offerte/${offeringId}`, { id: offeringId }, cookies.operator!)).json()) as {
      offering: { status: string; head: { reviewReason: string }; editMode: string; history: Array<{ kind: string; actorName: string; reason: string | null }> };
    };
    expect(providerView.offering).toMatchObject({ status: 'CHANGES_REQUESTED', head: { reviewReason: 'Aggiungete le fasce orarie del sabato' }, editMode: 'in-place' });
    expect(providerView.offering.history[0]).toMatchObject({ kind: 'CHANGES_REQUESTED', actorName: 'Giulia Prova', reason: 'Aggiungete le fasce orarie del sabato' });
  });

  it('the admin and the auditor cannot post decisions', async () => {
    for (const who of ['admin', 'auditor']) {
      const response = await post(curatorOffering as { action: Action }, `/ambito/offerte/${offeringId}`, { id: offeringId }, cookies[who]!, { decision: 'approve', reason: '' });
      expect(response.status, who).toBe(404);
    }
  });

  it('the queue page answers with the filtered rows and the filter options', async () => {
    const response = await get(curatorQueue as { loader: Loader }, '/ambito/offerte?status=ALL&sort=title&dir=desc&q=baby', {}, cookies.admin!);
    const data = (await response.json()) as { queue: { rows: Array<{ title: string }> }; filters: { comuni: unknown[] }; query: { sort: string } };
    expect(data.query.sort).toBe('title');
    expect(data.queue.rows.map((r) => r.title)).toEqual(['Baby-sitting festivo', 'Baby-sitting a domicilio']);
    expect(data.filters.comuni).toHaveLength(3);
  });
});
