import { randomInt } from 'node:crypto';
import type { RoleName } from '~/domain/auth/roles';
import { verifyLedger } from '~/domain/ledger/verify.server';
import type { Db } from '~/utils/db.server';
import { createSession } from '~/utils/session.server';
import { makeDemoIban } from '../../prisma/seed/demo-providers';
import { cookieFor, createTenant, createUser, makeRequest, responseOf, type RequestOptions, type Tenant } from './auth-fixtures';

// Shared set-up of the topups-*.test.ts and stripe-*.test.ts files: an alliance with its bank
// account, a second company of the same alliance, another alliance, signed-in people of every role
// that matters here, and the route modules called as Remix calls them.

export interface Person {
  userId: string;
  email: string;
  cookie: string;
}

export interface TopUpWorld {
  tenant: Tenant;
  other: Tenant;
  /** A second company in the same alliance as tenant.companyId. */
  neighbourCompanyId: string;
  iban: string;
  companyAdmin: Person;
  secondCompanyAdmin: Person;
  neighbourAdmin: Person;
  allianceAdmin: Person;
  secondAllianceAdmin: Person;
  otherAllianceAdmin: Person;
  otherCompanyAdmin: Person;
  employee: Person;
  curator: Person;
}

/** A signed-in person (no password: hashing is slow and not needed). */
export async function signedIn(db: Db, organizationId: string, role: RoleName): Promise<Person> {
  const { user, memberships } = await createUser(db, { password: null, memberships: [{ organizationId, role }] });
  const { token } = await createSession(db, { userId: user.id, activeMembershipId: memberships[0]!.id });
  return { userId: user.id, email: user.email, cookie: await cookieFor(token) };
}

export function demoIban(): string {
  return makeDemoIban('05034', String(randomInt(10_000, 99_999)), randomInt(1, 999_999_999));
}

export async function createTopUpWorld(db: Db, options: { bankAccount?: boolean } = {}): Promise<TopUpWorld> {
  const tenant = await createTenant(db);
  const other = await createTenant(db);
  const neighbour = await db.organization.create({
    data: { allianceId: tenant.allianceId, kind: 'COMPANY', legalName: 'Meccanica vicina S.r.l.', codiceFiscale: String(randomInt(10_000_000_000, 99_999_999_999)) },
  });
  const iban = demoIban();
  if (options.bankAccount !== false) {
    await db.allianceBankAccount.create({
      data: { allianceId: tenant.allianceId, holderName: 'Servizi Sociosanitari di prova S.r.l.', iban, bankName: 'Banca di prova' },
    });
    await db.allianceBankAccount.create({ data: { allianceId: other.allianceId, holderName: 'Consorzio di prova', iban: demoIban() } });
  }
  return {
    tenant,
    other,
    neighbourCompanyId: neighbour.id,
    iban,
    companyAdmin: await signedIn(db, tenant.companyId, 'COMPANY_ADMIN'),
    secondCompanyAdmin: await signedIn(db, tenant.companyId, 'COMPANY_ADMIN'),
    neighbourAdmin: await signedIn(db, neighbour.id, 'COMPANY_ADMIN'),
    allianceAdmin: await signedIn(db, tenant.leadId, 'ALLIANCE_ADMIN'),
    secondAllianceAdmin: await signedIn(db, tenant.leadId, 'ALLIANCE_ADMIN'),
    otherAllianceAdmin: await signedIn(db, other.leadId, 'ALLIANCE_ADMIN'),
    otherCompanyAdmin: await signedIn(db, other.companyId, 'COMPANY_ADMIN'),
    employee: await signedIn(db, tenant.companyId, 'EMPLOYEE'),
    curator: await signedIn(db, tenant.leadId, 'AMBITO_CURATOR'),
  };
}

type RouteFn = (args: { request: Request; params: Record<string, string>; context: Record<string, unknown> }) => Promise<unknown>;

/** Calls a route's loader or action as Remix would and returns the Response (returned or thrown). */
export function call(fn: unknown, path: string, options: RequestOptions & { params?: Record<string, string> } = {}): Promise<Response> {
  const request = makeRequest(path, options);
  return responseOf(() => (fn as RouteFn)({ request, params: options.params ?? {}, context: {} }));
}

/** Calls a route function with a ready Request. */
export function callWith(fn: unknown, request: Request, params: Record<string, string> = {}): Promise<Response> {
  return responseOf(() => (fn as RouteFn)({ request, params, context: {} }));
}

export async function expectLedgerClean(db: Db): Promise<void> {
  const result = await verifyLedger(db);
  if (!result.ok) throw new Error(`ledger verify found problems: ${JSON.stringify(result.problems.slice(0, 5))}`);
}

/** The text of a PDF's text operators (pdfkit's standard fonts: WinAnsi bytes in hex strings). */
export function pdfText(pdf: Buffer): string {
  const source = pdf.toString('latin1');
  const parts: string[] = [];
  for (const match of source.matchAll(/\[((?:<[0-9a-fA-F]*>\s*-?\d*\.?\d*\s*)+)\]\s*TJ|<([0-9a-fA-F]*)>\s*Tj/g)) {
    const hexes = match[1] ? [...match[1].matchAll(/<([0-9a-fA-F]*)>/g)].map((m) => m[1]!) : [match[2]!];
    parts.push(hexes.map((h) => Buffer.from(h, 'hex').toString('latin1')).join(''));
  }
  return parts.join('\n');
}

export async function budgetCents(db: Db, companyId: string): Promise<number> {
  const account = await db.ledgerAccount.findUnique({ where: { ledgerKey: `budget:${companyId}` }, select: { balanceCents: true } });
  return account ? Number(account.balanceCents) : 0;
}
