import { randomBytes, randomInt } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { login } from '~/domain/auth/auth.server';
import type { RoleName } from '~/domain/auth/roles';
import { makePartitaIva } from '~/domain/identifiers/identifiers.fns';
import type { ProviderStatusName } from '~/domain/providers/providers.fns';
import { sha256Hex } from '~/domain/storage/storage.fns';
import { pdfBytes } from '~/domain/storage/test-files';
import { LocalFolderStorage } from '~/domain/storage/storage.server';
import type { Db } from '~/utils/db.server';
import { CLIENT_IP_HEADER } from '~/utils/http.server';
import { makeDemoIban } from '../../prisma/seed/demo-providers';
import { cookieFor, createUser, PASSWORD, uniqueEmail } from './auth-fixtures';

// Shared set-up of the providers-*.test.ts files: an alliance with its Ambito organisation,
// curator/admin/auditor logins and municipalities; provider profiles in any status with a stored
// document; multipart requests as a browser sends them; a temporary STORAGE_DIR.

export const VALID_IBAN = makeDemoIban('05034', '11101', 123_456);
export const OTHER_IBAN = makeDemoIban('03069', '09606', 987_654);

/** Points STORAGE_DIR at a fresh temporary folder for the test file; returns its store. */
export function useTemporaryStorage(): { storage: () => LocalFolderStorage; dir: () => string } {
  let dir = '';
  let storage: LocalFolderStorage | undefined;
  const previous = process.env.STORAGE_DIR;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'conciliamo-providers-'));
    process.env.STORAGE_DIR = dir;
    storage = new LocalFolderStorage(dir);
  });
  afterAll(async () => {
    if (previous === undefined) delete process.env.STORAGE_DIR;
    else process.env.STORAGE_DIR = previous;
    await rm(dir, { recursive: true, force: true });
  });
  return { storage: () => storage!, dir: () => dir };
}

let taxSeed = randomInt(1, 9_000_000);
/** A partita IVA nobody else in this test database has. */
export function freshPartitaIva(): string {
  taxSeed = (taxSeed % 9_999_000) + 1;
  return makePartitaIva(taxSeed);
}

export interface Session {
  userId: string;
  email: string;
  cookie: string;
}

export interface ProviderWorld {
  allianceId: string;
  slug: string;
  name: string;
  leadId: string;
  comuneIds: string[];
  curator: Session;
  admin: Session;
  auditor: Session;
}

let ipCounter = 0;
/** A different documentation address per login, so the login throttle never trips. */
function nextIp(): string {
  ipCounter++;
  return `198.51.${100 + Math.floor(ipCounter / 250)}.${(ipCounter % 250) + 1}`;
}

export async function signIn(db: Db, email: string, password = PASSWORD): Promise<string> {
  const signed = await login(db, { email, password, ipAddress: nextIp() });
  return cookieFor(signed.token);
}

export async function sessionFor(db: Db, organizationId: string, role: RoleName): Promise<Session> {
  const { user } = await createUser(db, { email: uniqueEmail(role.toLowerCase()), memberships: [{ organizationId, role }] });
  return { userId: user.id, email: user.email, cookie: await signIn(db, user.email) };
}

/** An alliance with two Ambiti, five municipalities, its lead organisation and its staff logins. */
export async function createProviderWorld(db: Db): Promise<ProviderWorld> {
  const slug = `alleanza-${randomBytes(3).toString('hex')}`;
  const alliance = await db.alliance.create({
    data: { slug, name: `Alleanza ${slug}`, shortName: slug, description: 'Alleanza di prova', capofila: 'Comune capofila', territory: 'Valle di prova' },
  });
  const ambiti = await Promise.all(
    ['Ambito Nord', 'Ambito Sud'].map((name, i) => db.ambito.create({ data: { allianceId: alliance.id, name, code: `ambito-${i}` } })),
  );
  const comuneIds: string[] = [];
  for (const [i, name] of ['Albino', 'Nembro', 'Alzano Lombardo', 'Clusone', 'Rovetta'].entries()) {
    const comune = await db.comune.create({
      data: { allianceId: alliance.id, ambitoId: ambiti[i < 3 ? 0 : 1]!.id, name, istatCode: `0160${randomInt(10, 99)}${i}`, province: 'BG' },
    });
    comuneIds.push(comune.id);
  }
  const lead = await db.organization.create({
    data: { allianceId: alliance.id, kind: 'AMBITO', legalName: `Ambito capofila ${slug}`, codiceFiscale: freshPartitaIva() },
  });
  const [curator, admin, auditor] = await Promise.all([
    sessionFor(db, lead.id, 'AMBITO_CURATOR'),
    sessionFor(db, lead.id, 'ALLIANCE_ADMIN'),
    sessionFor(db, lead.id, 'AUDITOR'),
  ]);
  return { allianceId: alliance.id, slug, name: alliance.name, leadId: lead.id, comuneIds, curator, admin, auditor };
}

export interface ProviderSpec {
  legalName?: string;
  status?: ProviderStatusName;
  contactEmail?: string;
  description?: string;
  comuneIds?: string[];
}

/** A provider organisation with its profile in `status` and one stored PDF document. */
export async function createProviderProfile(db: Db, world: ProviderWorld, storage: LocalFolderStorage, spec: ProviderSpec = {}) {
  const partitaIva = freshPartitaIva();
  const organization = await db.organization.create({
    data: { allianceId: world.allianceId, kind: 'PROVIDER', legalName: spec.legalName ?? `Cooperativa ${partitaIva}`, codiceFiscale: partitaIva, partitaIva },
  });
  await db.providerProfile.create({
    data: {
      organizationId: organization.id,
      providerKind: 'COOPERATIVA_SOCIALE',
      status: spec.status ?? 'PENDING',
      iban: VALID_IBAN,
      registeredOffice: 'Via Roma 1, 24021 Albino (BG)',
      contactGivenName: 'Lucia',
      contactFamilyName: 'Referente',
      contactEmail: spec.contactEmail ?? uniqueEmail('referente'),
      description: spec.description ?? 'Servizi alla persona.',
      comuni: { create: (spec.comuneIds ?? world.comuneIds.slice(0, 2)).map((comuneId) => ({ comuneId })) },
    },
  });
  const bytes = pdfBytes(`statuto ${organization.id}`);
  const document = await db.providerDocument.create({
    data: {
      organizationId: organization.id,
      kind: 'STATUTO',
      fileName: 'Statuto – cooperativa.pdf',
      contentType: 'application/pdf',
      sizeBytes: bytes.byteLength,
      sha256: sha256Hex(bytes),
      storageKey: `provider-documents/${organization.id}-statuto`,
    },
  });
  await storage.put(document.storageKey, bytes, 'application/pdf');
  return { organizationId: organization.id, documentId: document.id, bytes, partitaIva };
}

/** The fields of a valid adhesion request for `world`. */
export function adhesionFields(world: ProviderWorld, overrides: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  const partitaIva = freshPartitaIva();
  return {
    alleanza: world.slug,
    legalName: 'Cooperativa Sociale Arcobaleno',
    providerKind: 'COOPERATIVA_SOCIALE',
    codiceFiscale: partitaIva,
    partitaIva,
    registeredOffice: 'Via Mazzini 12, 24027 Nembro (BG)',
    accreditationRef: 'DGR XI/1234',
    // As people type it: lowercase, in groups of four.
    iban: VALID_IBAN.toLowerCase().replace(/(.{4})/g, '$1 ').trim(),
    comuneIds: world.comuneIds.slice(0, 2),
    contactGivenName: 'Marta',
    contactFamilyName: 'Bonfanti',
    contactEmail: uniqueEmail('marta'),
    contactPhone: '035 123456',
    website: 'www.arcobaleno.example.org',
    description: 'Servizi **educativi**.',
    privacy: 'on',
    ...overrides,
  };
}

export interface UploadSpec {
  field: string;
  name: string;
  bytes: Uint8Array;
  type?: string;
}

/** A multipart POST as a browser sends it: text fields (repeated for arrays) and files. */
export function multipartRequest(
  pathname: string,
  fields: Record<string, string | string[]>,
  files: UploadSpec[] = [],
  options: { cookie?: string; ip?: string } = {},
): Request {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    for (const v of Array.isArray(value) ? value : [value]) body.append(name, v);
  }
  for (const file of files) body.append(file.field, new File([Buffer.from(file.bytes)], file.name, { type: file.type ?? 'application/pdf' }));
  const headers = new Headers({ [CLIENT_IP_HEADER]: options.ip ?? nextIp(), 'User-Agent': 'vitest' });
  if (options.cookie) headers.set('Cookie', options.cookie);
  return new Request(`http://localhost${pathname}`, { method: 'POST', body, headers });
}

/** The JSON body of a form's failed answer. */
export async function failureOf(response: Response) {
  return (await response.json()) as {
    fieldErrors: Record<string, string>;
    formError: { key: string } | null;
    values: Record<string, string | string[]>;
  };
}
