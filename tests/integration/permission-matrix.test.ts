import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '~/domain/api-keys/api-keys.server';
import { login } from '~/domain/auth/auth.server';
import { ROLES, type RoleName } from '~/domain/auth/roles';
import { listOrganizationMembers } from '~/domain/directory/directory.server';
import { resolveSession } from '~/domain/auth/auth.server';
import { seedDemo } from '../../prisma/seed/demo';
import { cookieFor, makeRequest, responseOf } from './auth-fixtures';
import { getDb, useTestDatabase } from '../setup/database';

// Every page route × every role (and anonymous): what each one answers. A new route file fails
// this test until it is given its row here, so no page ships without a decided permission.

useTestDatabase();

type Who = RoleName | 'ANONYMOUS';
type Outcome = 200 | 'login' | 404;

const ALL: Who[] = ['ANONYMOUS', ...ROLES];
const STAFF_KEY_MANAGERS: RoleName[] = ['COMPANY_ADMIN', 'PROVIDER_OPERATOR', 'ALLIANCE_ADMIN'];

function only(roles: RoleName[]): Record<Who, Outcome> {
  return Object.fromEntries(ALL.map((who) => [who, who === 'ANONYMOUS' ? 'login' : roles.includes(who as RoleName) ? 200 : 404])) as Record<Who, Outcome>;
}
function everyone(): Record<Who, Outcome> {
  return Object.fromEntries(ALL.map((who) => [who, 200])) as Record<Who, Outcome>;
}
function signedIn(): Record<Who, Outcome> {
  return Object.fromEntries(ALL.map((who) => [who, who === 'ANONYMOUS' ? 'login' : 200])) as Record<Who, Outcome>;
}
/** Pages for people who are not signed in: a signed-in person is sent to their home. */
function anonymousOnly(): Record<Who, Outcome | 'home'> {
  return Object.fromEntries(ALL.map((who) => [who, who === 'ANONYMOUS' ? 200 : 'home'])) as Record<Who, Outcome | 'home'>;
}

interface MatrixRow {
  /** Route file in app/routes. */
  file: string;
  url: string;
  expected: Record<Who, Outcome | 'home'>;
}

const MATRIX: MatrixRow[] = [
  { file: '_index.tsx', url: '/', expected: anonymousOnly() },
  { file: 'accedi.tsx', url: '/accedi', expected: anonymousOnly() },
  { file: 'password-dimenticata.tsx', url: '/password-dimenticata', expected: everyone() },
  { file: 'reimposta-password.$token.tsx', url: '/reimposta-password/unknown-token', expected: everyone() },
  { file: 'invito.$token.tsx', url: '/invito/unknown-token', expected: everyone() },
  { file: 'accessibilita.tsx', url: '/accessibilita', expected: everyone() },
  { file: 'privacy.tsx', url: '/privacy', expected: everyone() },
  { file: 'fonts[.]css.ts', url: '/fonts.css', expected: everyone() },
  { file: 'healthz.ts', url: '/healthz', expected: everyone() },
  { file: 'dev.mail._index.tsx', url: '/dev/mail', expected: everyone() },
  { file: 'profilo._index.tsx', url: '/profilo', expected: signedIn() },
  { file: 'profilo.sicurezza.tsx', url: '/profilo/sicurezza', expected: signedIn() },
  { file: 'lavoratore._index.tsx', url: '/lavoratore', expected: only(['EMPLOYEE']) },
  { file: 'azienda._index.tsx', url: '/azienda', expected: only(['COMPANY_ADMIN']) },
  { file: 'ente._index.tsx', url: '/ente', expected: only(['PROVIDER_OPERATOR']) },
  { file: 'ambito._index.tsx', url: '/ambito', expected: only(['AMBITO_CURATOR']) },
  { file: 'alleanza._index.tsx', url: '/alleanza', expected: only(['ALLIANCE_ADMIN']) },
  { file: 'revisione._index.tsx', url: '/revisione', expected: only(['AUDITOR']) },
  { file: 'registro-attivita.tsx', url: '/registro-attivita', expected: only(['ALLIANCE_ADMIN', 'AUDITOR']) },
  { file: 'impostazioni.chiavi-api.tsx', url: '/impostazioni/chiavi-api', expected: only(STAFF_KEY_MANAGERS) },
  { file: 'catalogo._index.tsx', url: '/catalogo?q=baby+sitter', expected: everyone() },
  { file: 'alleanze.$slug.tsx', url: '/alleanze/val-seriana', expected: everyone() },
  { file: 'alleanza.notizie._index.tsx', url: '/alleanza/notizie', expected: only(['ALLIANCE_ADMIN']) },
  { file: 'alleanza.notizie.$id.tsx', url: '/alleanza/notizie/nuova', expected: only(['ALLIANCE_ADMIN']) },
  { file: 'ente.offerte._index.tsx', url: '/ente/offerte', expected: only(['PROVIDER_OPERATOR']) },
  { file: 'ente.offerte.nuova.tsx', url: '/ente/offerte/nuova', expected: only(['PROVIDER_OPERATOR']) },
  { file: 'ambito.offerte._index.tsx', url: '/ambito/offerte', expected: only(['AMBITO_CURATOR', 'ALLIANCE_ADMIN', 'AUDITOR']) },
  { file: 'ambito.territorio.tsx', url: '/ambito/territorio', expected: only(['AMBITO_CURATOR', 'ALLIANCE_ADMIN', 'AUDITOR']) },
  { file: 'aderisci.tsx', url: '/aderisci?alleanza=val-seriana', expected: everyone() },
  { file: 'aderisci_.grazie.tsx', url: '/aderisci/grazie?alleanza=val-seriana', expected: everyone() },
  { file: 'ambito.enti._index.tsx', url: '/ambito/enti', expected: only(['AMBITO_CURATOR', 'ALLIANCE_ADMIN', 'AUDITOR']) },
  { file: 'ente.profilo.tsx', url: '/ente/profilo', expected: only(['PROVIDER_OPERATOR']) },
  { file: 'aderisci_.azienda.tsx', url: '/aderisci/azienda?alleanza=val-seriana', expected: everyone() },
  { file: 'alleanza.aziende._index.tsx', url: '/alleanza/aziende', expected: only(['ALLIANCE_ADMIN']) },
  { file: 'azienda.sedi.tsx', url: '/azienda/sedi', expected: only(['COMPANY_ADMIN']) },
  { file: 'azienda.dipendenti._index.tsx', url: '/azienda/dipendenti', expected: only(['COMPANY_ADMIN']) },
  { file: 'azienda.dipendenti.importa._index.tsx', url: '/azienda/dipendenti/importa', expected: only(['COMPANY_ADMIN']) },
  { file: 'azienda.ricariche._index.tsx', url: '/azienda/ricariche', expected: only(['COMPANY_ADMIN']) },
  { file: 'alleanza.ricariche._index.tsx', url: '/alleanza/ricariche', expected: only(['ALLIANCE_ADMIN']) },
  { file: 'azienda.piani._index.tsx', url: '/azienda/piani', expected: only(['COMPANY_ADMIN']) },
  { file: 'azienda.piani.nuovo.tsx', url: '/azienda/piani/nuovo', expected: only(['COMPANY_ADMIN']) },
  { file: 'lavoratore.portafoglio.tsx', url: '/lavoratore/portafoglio', expected: only(['EMPLOYEE']) },
  { file: 'lavoratore.premio.tsx', url: '/lavoratore/premio', expected: only(['EMPLOYEE']) },
];

// Routes whose answer does not depend on a browser session, covered by their own tests:
// action-only routes, the JSON API (API keys: tests/integration/api-v1.test.ts), the TOTP step
// (needs a half-signed-in session: auth-totp.test.ts), a dev mail message by id (below).
const COVERED_ELSEWHERE = new Set([
  // A company adhesion by id, a roster import by id, and the roster import API: every role, both
  // alliances, foreign and malformed ids (tests/integration/companies-adhesion.test.ts,
  // roster-routes.test.ts, roster-api.test.ts).
  'alleanza.aziende.$id.tsx',
  'azienda.dipendenti.importa.$id.tsx',
  'api.v1.companies.$id.$method.ts',
  'esci.tsx',
  'lingua.ts',
  'accedi_.verifica.tsx',
  'dev.mail.$id.tsx',
  'api.v1.$.ts',
  'api.v1.me.ts',
  'api.v1.openapi[.json].ts',
  // One public offering / provider by id (200 when public, 404 otherwise, for every visitor) and
  // the public catalogue API (tests/integration/catalogue-pages.test.ts, catalogue-api.test.ts).
  'catalogo.$id.tsx',
  'enti.$id.tsx',
  'api.v1.catalogue.ts',
  // An offering by id, for its provider and for the alliance's staff: every role, both alliances,
  // foreign and malformed ids (tests/integration/offerings-routes.test.ts).
  'ente.offerte.$id.tsx',
  'ambito.offerte.$id.tsx',
  // A provider by id and a provider document by id: every role, both alliances, foreign ids
  // (tests/integration/providers-access.test.ts).
  'ambito.enti.$id.tsx',
  'documenti.$id.ts',
  // A top-up and its receipt by id: company admins of that company only, other companies, other
  // alliances, other roles and malformed ids 404 (tests/integration/topups-bank-transfer.test.ts).
  'azienda.ricariche.$id.tsx',
  'azienda.ricariche.$id.ricevuta[.]pdf.ts',
  // Stripe's signed POST: no session, 400 unsigned, 404 when Stripe is off, 405 for GET
  // (tests/integration/stripe-webhook.test.ts).
  'webhooks.stripe.ts',
  // A welfare plan and its allocation runs by id: the company admin of that company only; another
  // company's plan or run, malformed and unknown ids, other roles 404; anonymous to the login
  // (tests/integration/plans-access.test.ts).
  'azienda.piani.$id.tsx',
  'azienda.piani.$id_.assegnazioni.tsx',
]);

const ROUTES_DIR = path.resolve('app/routes');

interface Session {
  role: RoleName;
  alliance: string;
  cookie: string;
  home: string;
}
const sessions: Session[] = [];
let demoPassword = '';

async function loadRoute(file: string): Promise<{ loader?: (args: LoaderFunctionArgs) => Promise<unknown>; action?: (args: ActionFunctionArgs) => Promise<unknown> }> {
  return import(/* @vite-ignore */ path.join(ROUTES_DIR, file));
}

async function outcomeOf(file: string, url: string, cookie: string | null): Promise<{ status: number; location: string | null }> {
  const route = await loadRoute(file);
  // A page without a loader is static: it reads no data, so every visitor gets it.
  if (!route.loader) return { status: 200, location: null };
  const request = makeRequest(url, { cookie });
  const response = await responseOf(() => route.loader!({ request, params: paramsFor(file, url), context: { kitVersion: 'test' } }));
  return { status: response.status, location: response.headers.get('Location') };
}

function paramsFor(file: string, url: string): Record<string, string> {
  // Each `$name` segment of the file name takes the URL segment at the same position.
  const segments = new URL(url, 'http://localhost').pathname.split('/').filter(Boolean);
  const params: Record<string, string> = {};
  file.replace(/\.tsx?$/, '').split('.').forEach((part, i) => {
    const value = segments[i];
    if (part.startsWith('$') && part.length > 1 && value !== undefined) params[part.slice(1)] = decodeURIComponent(value);
  });
  return params;
}

beforeAll(async () => {
  const db = getDb();
  await seedDemo(db, { ifEmpty: false });
  const accounts = (await import('../../prisma/seed/demo-accounts.json', { with: { type: 'json' } })).default as {
    password: string;
    accounts: Array<{ alliance: string; role: RoleName; email: string }>;
  };
  demoPassword = accounts.password;
  for (const account of accounts.accounts) {
    const signed = await login(db, { email: account.email, password: demoPassword, ipAddress: `203.0.113.${sessions.length + 1}` });
    sessions.push({ role: account.role, alliance: account.alliance, cookie: await cookieFor(signed.token), home: signed.home });
  }
});

describe('permission matrix', () => {
  it('has a row for every page route', () => {
    const files = readdirSync(ROUTES_DIR).filter((f) => /\.(tsx?|jsx?)$/.test(f) && !f.includes('.test.'));
    const listed = new Set([...MATRIX.map((row) => row.file), ...COVERED_ELSEWHERE]);
    expect(files.filter((f) => !listed.has(f))).toEqual([]);
  });

  for (const row of MATRIX) {
    it(`${row.url}: each role gets what the matrix says`, async () => {
      const anonymous = await outcomeOf(row.file, row.url, null);
      const expectedAnonymous = row.expected.ANONYMOUS;
      if (expectedAnonymous === 'login') {
        expect(anonymous.status).toBe(302);
        expect(anonymous.location).toMatch(/^\/accedi\?redirectTo=/);
      } else {
        expect(anonymous.status).toBe(expectedAnonymous);
      }
      for (const session of sessions) {
        const got = await outcomeOf(row.file, row.url, session.cookie);
        const expected = row.expected[session.role];
        const label = `${row.url} as ${session.role} of ${session.alliance}`;
        if (expected === 'home') {
          expect(got.status, label).toBe(302);
          expect(got.location, label).toBe(session.home);
        } else {
          expect(got.status, label).toBe(expected);
        }
      }
    });
  }
});

describe('foreign ids answer 404', () => {
  it('a company admin cannot list the people of another organisation, even in the same alliance', async () => {
    const db = getDb();
    const admin = sessions.find((s) => s.role === 'COMPANY_ADMIN' && s.alliance === 'val-seriana')!;
    const state = await resolveSession(db, admin.cookie ? await sessionIdFromCookie(admin.cookie) : '');
    if (state.status !== 'authenticated') throw new Error('expected a signed-in admin');
    const otherCompany = await db.organization.findFirstOrThrow({
      where: { kind: 'COMPANY', allianceId: state.actor.membership!.allianceId, id: { not: state.actor.membership!.organizationId } },
    });
    const query = { page: 1, sort: 'name' as const, dir: 'asc' as const };
    await expect(listOrganizationMembers(db, state.actor, otherCompany.id, query)).rejects.toMatchObject({ status: 404 });
  });

  it('alliance staff cannot list the people of an organisation of the other alliance', async () => {
    const db = getDb();
    const curator = sessions.find((s) => s.role === 'AMBITO_CURATOR' && s.alliance === 'val-seriana')!;
    const state = await resolveSession(db, await sessionIdFromCookie(curator.cookie));
    if (state.status !== 'authenticated') throw new Error('expected a signed-in curator');
    const foreign = await db.organization.findFirstOrThrow({ where: { allianceId: { not: state.actor.membership!.allianceId } } });
    const query = { page: 1, sort: 'name' as const, dir: 'asc' as const };
    await expect(listOrganizationMembers(db, state.actor, foreign.id, query)).rejects.toMatchObject({ status: 404 });
    const own = await db.organization.findFirstOrThrow({ where: { allianceId: state.actor.membership!.allianceId, kind: 'COMPANY' } });
    await expect(listOrganizationMembers(db, state.actor, own.id, query)).resolves.toMatchObject({ total: expect.any(Number) });
  });

  it('an API key of another organisation cannot be revoked from the settings page', async () => {
    const db = getDb();
    const seriana = sessions.find((s) => s.role === 'COMPANY_ADMIN' && s.alliance === 'val-seriana')!;
    const cavallinaProvider = await db.organization.findFirstOrThrow({ where: { kind: 'PROVIDER', alliance: { slug: 'val-cavallina' } } });
    const foreignKey = await createApiKey(db, { organizationId: cavallinaProvider.id, name: 'gestionale' });
    const route = await loadRoute('impostazioni.chiavi-api.tsx');
    const request = makeRequest('/impostazioni/chiavi-api', { cookie: seriana.cookie, form: { intent: 'revoke', keyId: foreignKey.id } });
    const response = await responseOf(() => route.action!({ request, params: {}, context: {} }));
    expect(response.status).toBe(404);
    expect((await db.apiKey.findUniqueOrThrow({ where: { id: foreignKey.id } })).revokedAt).toBeNull();
  });

  it('a dev mail message id that does not exist is 404', async () => {
    const route = await loadRoute('dev.mail.$id.tsx');
    const request = makeRequest('/dev/mail/00000000-0000-4000-8000-000000000000');
    const response = await responseOf(() => route.loader!({ request, params: { id: '00000000-0000-4000-8000-000000000000' }, context: {} }));
    expect(response.status).toBe(404);
  });

  it("the audit log shows only the caller's alliance", async () => {
    const db = getDb();
    const route = await loadRoute('registro-attivita.tsx');
    for (const alliance of ['val-seriana', 'val-cavallina']) {
      const admin = sessions.find((s) => s.role === 'ALLIANCE_ADMIN' && s.alliance === alliance)!;
      const response = await responseOf(() => route.loader!({ request: makeRequest('/registro-attivita', { cookie: admin.cookie }), params: {}, context: {} }));
      const body = (await response.json()) as { events: { total: number; rows: Array<{ organizationName: string | null }> } };
      const own = await db.alliance.findUniqueOrThrow({ where: { slug: alliance }, select: { organizations: { select: { legalName: true } } } });
      const ownNames = new Set(own.organizations.map((o) => o.legalName));
      expect(body.events.total).toBeGreaterThan(0);
      for (const row of body.events.rows) if (row.organizationName) expect(ownNames.has(row.organizationName)).toBe(true);
    }
  });
});

async function sessionIdFromCookie(cookie: string): Promise<string> {
  const { readSessionId } = await import('~/utils/session.server');
  const id = await readSessionId(makeRequest('/', { cookie }));
  if (!id) throw new Error('no session id in cookie');
  return id;
}
