import { readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '~/domain/storage/storage.fns';
import { EXE_BYTES, PNG_BYTES, pdfBytes, pdfOfSize, ZIP_BYTES, JPEG_BYTES } from '~/domain/storage/test-files';
import { disconnectRedis } from '~/utils/redis.server';
import { action, loader } from '../../app/routes/aderisci';
import { getDb, useTestDatabase } from '../setup/database';
import { makeRequest, responseOf } from './auth-fixtures';
import {
  adhesionFields,
  createProviderWorld,
  failureOf,
  freshPartitaIva,
  multipartRequest,
  useTemporaryStorage,
  type ProviderWorld,
} from './providers-fixtures';

// The public adhesion request (/aderisci) end to end through the route: validation of the Italian
// identifiers, duplicates, uploads judged by content, what one successful request writes.

useTestDatabase();
const store = useTemporaryStorage();
afterAll(async () => {
  await disconnectRedis();
});

let world: ProviderWorld;
let otherWorld: ProviderWorld;
beforeAll(async () => {
  world = await createProviderWorld(getDb());
  otherWorld = await createProviderWorld(getDb());
});

const STATUTO = { field: 'documentSTATUTO', name: 'statuto.pdf', bytes: pdfBytes('statuto arcobaleno') };

async function submit(fields: Record<string, string | string[]>, files = [STATUTO], ip?: string): Promise<Response> {
  return responseOf(() => action({ request: multipartRequest('/aderisci', fields, files, { ip }), params: {}, context: {} }));
}

async function countProviders(): Promise<number> {
  return getDb().providerProfile.count();
}

describe('the adhesion form', () => {
  it('lists the alliances first, then the chosen alliance with its municipalities by Ambito', async () => {
    const first = (await (await responseOf(() => loader({ request: makeRequest('/aderisci'), params: {}, context: {} }))).json()) as {
      step: string;
      alliances: Array<{ slug: string }>;
    };
    expect(first.step).toBe('alliance');
    expect(first.alliances.map((a) => a.slug)).toEqual(expect.arrayContaining([world.slug, otherWorld.slug]));

    const second = (await (await responseOf(() => loader({ request: makeRequest(`/aderisci?alleanza=${world.slug}`), params: {}, context: {} }))).json()) as {
      step: string;
      form: { alliance: { slug: string }; ambiti: Array<{ name: string; comuni: Array<{ id: string }> }> };
    };
    expect(second.step).toBe('request');
    expect(second.form.ambiti.map((a) => [a.name, a.comuni.length])).toEqual([
      ['Ambito Nord', 3],
      ['Ambito Sud', 2],
    ]);
    const unknown = await responseOf(() => loader({ request: makeRequest('/aderisci?alleanza=non-esiste'), params: {}, context: {} }));
    expect(unknown.status).toBe(404);
  });
});

describe('a valid request', () => {
  it('creates the organisation, the PENDING profile, municipalities and documents, audits and e-mails in one go', async () => {
    const db = getDb();
    const fields = adhesionFields(world);
    const visura = { field: 'documentVISURA', name: 'visura.jpg', bytes: JPEG_BYTES, type: 'image/jpeg' };
    const other = { field: 'documentOTHER', name: 'carta dei servizi', bytes: pdfBytes('carta'), type: 'application/octet-stream' };
    const response = await submit(fields, [STATUTO, visura, other]);
    expect(response.status).toBe(302);
    expect(response.headers.get('Location')).toBe(`/aderisci/grazie?alleanza=${world.slug}`);

    const organization = await db.organization.findFirstOrThrow({
      where: { allianceId: world.allianceId, codiceFiscale: fields.codiceFiscale as string },
      include: { providerProfile: { include: { comuni: true, documents: { orderBy: { kind: 'asc' } } } } },
    });
    expect(organization.kind).toBe('PROVIDER');
    expect(organization.partitaIva).toBe(fields.partitaIva);
    const profile = organization.providerProfile!;
    expect(profile).toMatchObject({
      status: 'PENDING',
      providerKind: 'COOPERATIVA_SOCIALE',
      iban: expect.stringMatching(/^IT\d{2}[A-Z]\d{22}$/),
      contactEmail: fields.contactEmail,
      website: 'https://www.arcobaleno.example.org',
      decidedAt: null,
    });
    expect(profile.comuni.map((c) => c.comuneId).sort()).toEqual([...(fields.comuneIds as string[])].sort());
    expect(profile.documents.map((d) => [d.kind, d.fileName, d.contentType])).toEqual([
      ['STATUTO', 'statuto.pdf', 'application/pdf'],
      ['VISURA', 'visura.jpg', 'image/jpeg'],
      // The browser said octet-stream and the name had no extension: the bytes decide.
      ['OTHER', 'carta dei servizi.pdf', 'application/pdf'],
    ]);
    const statuto = profile.documents[0]!;
    expect(statuto.sha256).toBe(sha256Hex(STATUTO.bytes));
    expect(statuto.sizeBytes).toBe(STATUTO.bytes.byteLength);
    const stored = await store.storage().get(statuto.storageKey);
    expect(stored?.bytes).toEqual(STATUTO.bytes);
    expect(stored?.contentType).toBe('application/pdf');

    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: 'provider.adhesion_requested', organizationId: organization.id } });
    expect(audit).toMatchObject({ allianceId: world.allianceId, subjectId: organization.id, actorUserId: null });
    expect(audit.metadata).toEqual({ providerKind: 'COOPERATIVA_SOCIALE', documents: 3, comuni: 2 });

    const mails = await db.mailMessage.findMany({ where: { dedupeKey: { startsWith: `provider-adhesion:${organization.id}` } } });
    expect(mails.map((m) => m.toAddress).sort()).toEqual([fields.contactEmail as string, world.curator.email].sort());
    const toContact = mails.find((m) => m.toAddress === fields.contactEmail)!;
    expect(toContact.subject).toBe(`Richiesta di adesione ricevuta – ${world.name}`);
    expect(toContact.textBody).toContain('Gentile Marta,');
    const toCurator = mails.find((m) => m.toAddress === world.curator.email)!;
    expect(toCurator.textBody).toContain(`/ambito/enti/${organization.id}`);
    // The other alliance's curator hears nothing.
    expect(mails.some((m) => m.toAddress === otherWorld.curator.email)).toBe(false);
  });
});

describe('bad input gives field errors and writes nothing', () => {
  it('a partita IVA, IBAN or codice fiscale with a wrong check digit', async () => {
    const before = await countProviders();
    const good = adhesionFields(world);
    const partitaIva = good.partitaIva as string;
    const wrongCheck = partitaIva.slice(0, 10) + String((Number(partitaIva[10]) + 1) % 10);
    const response = await submit({
      ...good,
      partitaIva: wrongCheck,
      codiceFiscale: 'RSSMRA85T10A562X',
      iban: 'IT61X0542811101000000123456',
    });
    expect(response.status).toBe(422);
    const body = await failureOf(response);
    expect(body.fieldErrors).toMatchObject({
      partitaIva: 'validation.partitaIva.checkDigit',
      codiceFiscale: 'validation.codiceFiscale.checkDigit',
      iban: 'validation.iban.checkDigits',
    });
    // What was typed comes back to refill the form.
    expect(body.values.legalName).toBe('Cooperativa Sociale Arcobaleno');
    expect(body.values.comuneIds).toEqual(good.comuneIds);
    expect(await countProviders()).toBe(before);
  });

  it('a foreign IBAN, missing fields, a municipality of another alliance, no consent', async () => {
    const response = await submit(
      adhesionFields(world, {
        iban: 'DE89370400440532013000',
        legalName: ' ',
        providerKind: 'ALTRO',
        contactEmail: 'non-una-mail',
        comuneIds: [world.comuneIds[0]!, otherWorld.comuneIds[0]!],
        privacy: '',
      }),
    );
    expect(response.status).toBe(422);
    expect((await failureOf(response)).fieldErrors).toMatchObject({
      iban: 'validation.iban.country',
      legalName: 'validation.organization.legalName',
      providerKind: 'providers.validation.kind',
      contactEmail: 'validation.email',
      privacy: 'providers.validation.privacy',
    });
    const onlyComuni = await submit(adhesionFields(world, { comuneIds: [world.comuneIds[0]!, otherWorld.comuneIds[0]!] }));
    expect((await failureOf(onlyComuni)).fieldErrors).toEqual({ comuneIds: 'providers.validation.comuniOutside' });
    const noComuni = await submit(adhesionFields(world, { comuneIds: [] }));
    expect((await failureOf(noComuni)).fieldErrors).toEqual({ comuneIds: 'providers.validation.comuni' });
  });

  it('the same provider twice in the alliance: a clear "already registered" message', async () => {
    const fields = adhesionFields(world);
    expect((await submit(fields)).status).toBe(302);
    const again = await submit({ ...fields, legalName: 'Arcobaleno di nuovo', contactEmail: 'altra@example.it' });
    expect(again.status).toBe(409);
    expect((await failureOf(again)).fieldErrors).toEqual({ codiceFiscale: 'providers.adhesion.duplicate' });

    // Same partita IVA under another codice fiscale (a sole trader's personal code).
    const sameVat = await submit({ ...adhesionFields(world), codiceFiscale: 'RSSMRA85T10A562S', partitaIva: fields.partitaIva as string });
    expect(sameVat.status).toBe(409);
    expect((await failureOf(sameVat)).fieldErrors).toEqual({ partitaIva: 'providers.adhesion.duplicate' });

    // The same body may join another alliance.
    expect((await submit(adhesionFields(otherWorld, { codiceFiscale: fields.codiceFiscale as string, partitaIva: fields.partitaIva as string }))).status).toBe(302);
  });
});

describe('uploads are judged by their content', () => {
  async function uploadError(file: { field: string; name: string; bytes: Uint8Array; type?: string }): Promise<Record<string, string>> {
    const before = await countProviders();
    const filesBefore = (await readdir(store.dir(), { recursive: true })).length;
    const response = await submit(adhesionFields(world), [file]);
    expect(response.status).toBe(422);
    expect(await countProviders()).toBe(before);
    // Nothing is stored for a refused request.
    expect((await readdir(store.dir(), { recursive: true })).length).toBe(filesBefore);
    return (await failureOf(response)).fieldErrors;
  }

  it('a PNG named .pdf', async () => {
    expect(await uploadError({ field: 'documentSTATUTO', name: 'statuto.pdf', bytes: PNG_BYTES, type: 'application/pdf' })).toEqual({
      documentSTATUTO: 'upload.error.typeMismatch',
    });
  });

  it('a ZIP named .pdf', async () => {
    expect(await uploadError({ field: 'documentVISURA', name: 'visura.pdf', bytes: ZIP_BYTES, type: 'application/pdf' })).toEqual({
      documentVISURA: 'upload.error.typeNotAllowed',
    });
  });

  it('an executable renamed, whatever the browser says', async () => {
    expect(await uploadError({ field: 'documentOTHER', name: 'brochure.pdf', bytes: EXE_BYTES, type: 'application/pdf' })).toEqual({
      documentOTHER: 'upload.error.typeNotAllowed',
    });
  });

  it('a file over 10 MB is a field error, not a server error, and the typed values survive', async () => {
    const fields = adhesionFields(world);
    const response = await submit(fields, [{ field: 'documentSTATUTO', name: 'statuto.pdf', bytes: pdfOfSize(10 * 1024 * 1024 + 1) }]);
    expect(response.status).toBe(422);
    const body = await failureOf(response);
    expect(body.fieldErrors).toEqual({ documentSTATUTO: 'upload.error.tooLarge' });
    expect(body.values.legalName).toBe(fields.legalName);
    expect(body.values.contactEmail).toBe(fields.contactEmail);
  });

  it('no document at all', async () => {
    const response = await submit(adhesionFields(world), []);
    expect((await failureOf(response)).fieldErrors).toEqual({ documentSTATUTO: 'providers.validation.documentsRequired' });
  });

  it('the same file twice in one request', async () => {
    const response = await submit(adhesionFields(world), [STATUTO, { ...STATUTO, field: 'documentOTHER', name: 'copia.pdf' }]);
    expect((await failureOf(response)).fieldErrors).toEqual({ documentOTHER: 'upload.error.duplicate' });
  });
});

describe('rate limit', () => {
  it('refuses the 11th request in an hour from one address with 429 and Retry-After', async () => {
    const ip = '203.0.113.77';
    for (let i = 0; i < 10; i++) {
      const response = await submit(adhesionFields(world, { partitaIva: 'sbagliata' }), [STATUTO], ip);
      expect(response.status).toBe(422);
    }
    const limited = await submit(adhesionFields(world, { codiceFiscale: freshPartitaIva(), partitaIva: '' }), [STATUTO], ip);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('Retry-After'))).toBeGreaterThan(0);
    expect((await failureOf(limited)).formError).toEqual({ key: 'providers.adhesion.rateLimited', params: { minutes: expect.any(Number) } });
  });
});
