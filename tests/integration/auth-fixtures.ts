import { randomBytes, randomInt } from 'node:crypto';
import { hashPassword } from '~/domain/auth/password.server';
import type { RoleName } from '~/domain/auth/roles';
import type { Db } from '~/utils/db.server';
import { CLIENT_IP_HEADER } from '~/utils/http.server';
import { commitSessionCookie } from '~/utils/session.server';

// Shared set-up of the auth-*.test.ts files: a small alliance with one organisation per kind,
// people with memberships, and Request objects as a browser would send them.

export const PASSWORD = 'prato-fiorito-di-maggio';

let hashed: Promise<string> | undefined;
/** Hashing is deliberately slow: hash the common test password once per file. */
export function testPasswordHash(): Promise<string> {
  hashed ??= hashPassword(PASSWORD);
  return hashed;
}

function elevenDigits(): string {
  return String(randomInt(10_000_000_000, 99_999_999_999));
}

export interface Tenant {
  allianceId: string;
  leadId: string;
  companyId: string;
  providerId: string;
  publicBodyId: string;
}

export async function createTenant(db: Db, slug = `alleanza-${randomBytes(3).toString('hex')}`): Promise<Tenant> {
  const alliance = await db.alliance.create({
    data: {
      slug,
      name: `Alleanza ${slug}`,
      shortName: slug,
      description: 'Alleanza di prova',
      capofila: 'Comune capofila',
      territory: 'Territorio di prova',
    },
  });
  const org = (kind: 'AMBITO' | 'COMPANY' | 'PROVIDER' | 'PUBLIC_BODY', legalName: string) =>
    db.organization.create({ data: { allianceId: alliance.id, kind, legalName, codiceFiscale: elevenDigits() } });
  const [lead, company, provider, publicBody] = await Promise.all([
    org('AMBITO', 'Ambito di prova'),
    org('COMPANY', 'Tessiture di prova S.p.A.'),
    org('PROVIDER', 'Cooperativa Sociale di prova'),
    org('PUBLIC_BODY', 'Comune di prova'),
  ]);
  return { allianceId: alliance.id, leadId: lead.id, companyId: company.id, providerId: provider.id, publicBodyId: publicBody.id };
}

export function uniqueEmail(label = 'persona'): string {
  return `${label}.${randomBytes(4).toString('hex')}@example.it`;
}

export interface MemberSpec {
  organizationId: string;
  role: RoleName;
  status?: 'ACTIVE' | 'INVITED' | 'SUSPENDED';
}

export async function createUser(
  db: Db,
  input: { email?: string; password?: string | null; memberships?: MemberSpec[]; locale?: string } = {},
) {
  const passwordHash =
    input.password === null ? null : input.password && input.password !== PASSWORD ? await hashPassword(input.password) : await testPasswordHash();
  const user = await db.user.create({
    data: {
      email: (input.email ?? uniqueEmail()).toLowerCase(),
      givenName: 'Giulia',
      familyName: 'Prova',
      passwordHash,
      locale: input.locale ?? 'it',
    },
  });
  const memberships = [];
  for (const m of input.memberships ?? []) {
    memberships.push(
      await db.membership.create({
        data: { userId: user.id, organizationId: m.organizationId, role: m.role, status: m.status ?? 'ACTIVE' },
      }),
    );
  }
  return { user, memberships };
}

export interface RequestOptions {
  method?: string;
  form?: Record<string, string>;
  cookie?: string | null;
  ip?: string;
}

export function makeRequest(path: string, options: RequestOptions = {}): Request {
  const headers = new Headers();
  if (options.cookie) headers.set('Cookie', options.cookie);
  headers.set(CLIENT_IP_HEADER, options.ip ?? '198.51.100.10');
  headers.set('User-Agent', 'vitest');
  const init: RequestInit = { method: options.method ?? (options.form ? 'POST' : 'GET'), headers };
  if (options.form) {
    headers.set('Content-Type', 'application/x-www-form-urlencoded');
    init.body = new URLSearchParams(options.form).toString();
  }
  return new Request(`http://localhost${path}`, init);
}

/** The `Cookie` request header a browser would send back for a session token. */
export async function cookieFor(token: string): Promise<string> {
  return cookieHeaderFromSetCookie(await commitSessionCookie(token));
}

/** Turns a Set-Cookie response header into the Cookie request header (name=value). */
export function cookieHeaderFromSetCookie(setCookie: string | null): string {
  if (!setCookie) throw new Error('Response did not set a cookie');
  return setCookie.split(';')[0] ?? '';
}

/** Runs a loader/action and returns its Response, whether it returned or threw it. */
export async function responseOf(run: () => Promise<unknown>): Promise<Response> {
  try {
    const result = await run();
    if (result instanceof Response) return result;
    throw new Error(`Expected a Response, got ${typeof result}`);
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}
