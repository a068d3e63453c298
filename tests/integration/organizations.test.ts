import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeCodiceFiscaleEnte, makePartitaIva } from '~/domain/identifiers/identifiers.fns';
import {
  createOrganization,
  findOrganizationByTaxId,
  getOrganization,
  listOrganizations,
} from '~/domain/organizations/organizations.server';
import { isUniqueViolation } from '~/domain/organizations/organizations.fns';
import { Conflict, NotFound, ValidationFailed } from '~/utils/errors.server';
import { getDb, useTestDatabase } from '../setup/database';

useTestDatabase();

interface Territory {
  allianceId: string;
  ambitoId: string;
  otherAmbitoId: string;
  comuneId: string;
}

async function makeAlliance(slug: string): Promise<Territory> {
  const db = getDb();
  const alliance = await db.alliance.create({
    data: { slug, name: `Alleanza ${slug}`, shortName: slug, description: '', capofila: 'Comune di prova', territory: 'BG' },
  });
  const ambito = await db.ambito.create({ data: { allianceId: alliance.id, name: `Ambito ${slug}`, code: `${slug}-1` } });
  const other = await db.ambito.create({ data: { allianceId: alliance.id, name: `Ambito ${slug} 2`, code: `${slug}-2` } });
  const comune = await db.comune.create({
    data: { allianceId: alliance.id, ambitoId: ambito.id, name: `Comune ${slug}`, istatCode: '016004', province: 'BG' },
  });
  return { allianceId: alliance.id, ambitoId: ambito.id, otherAmbitoId: other.id, comuneId: comune.id };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

let seriana: Territory;
let cavallina: Territory;

beforeAll(async () => {
  seriana = await makeAlliance('val-seriana');
  cavallina = await makeAlliance('val-cavallina');
});

describe('createOrganization', () => {
  it('creates an organisation with normalised identifiers and the Ambito of its Comune', async () => {
    const org = await createOrganization(getDb(), {
      allianceId: seriana.allianceId,
      kind: 'COMPANY',
      legalName: 'Tessiture Seriane S.p.A.',
      codiceFiscale: ' 0074 3110 157 ',
      partitaIva: 'IT00743110157',
      comuneId: seriana.comuneId,
      email: 'Personale@Tessiture.example',
    });
    expect(org).toMatchObject({
      allianceId: seriana.allianceId,
      kind: 'COMPANY',
      codiceFiscale: '00743110157',
      partitaIva: '00743110157',
      ambitoId: seriana.ambitoId,
      comuneId: seriana.comuneId,
      email: 'personale@tessiture.example',
    });
  });

  it('rejects a bad partita IVA with a field error on partitaIva', async () => {
    const error = await rejection(
      createOrganization(getDb(), {
        allianceId: seriana.allianceId,
        kind: 'COMPANY',
        legalName: 'Officine Alzanesi S.r.l.',
        codiceFiscale: makePartitaIva(120),
        partitaIva: '01234567890',
      }),
    );
    expect(error).toBeInstanceOf(ValidationFailed);
    expect((error as ValidationFailed).fieldErrors).toEqual({ partitaIva: 'validation.partitaIva.checkDigit' });
    expect((error as ValidationFailed).status).toBe(422);
  });

  it('rejects a bad codice fiscale with a field error on codiceFiscale', async () => {
    for (const [codiceFiscale, key] of [
      ['00743110158', 'validation.codiceFiscale.checkDigit'],
      ['FOXDRA26C24H872A', 'validation.codiceFiscale.checkDigit'],
      ['CNTCHR83T32D969H', 'validation.codiceFiscale.birthDate'],
      ['ACME', 'validation.codiceFiscale.length'],
    ] as const) {
      const error = await rejection(
        createOrganization(getDb(), { allianceId: seriana.allianceId, kind: 'PROVIDER', legalName: 'Coop Prova', codiceFiscale }),
      );
      expect(error, codiceFiscale).toBeInstanceOf(ValidationFailed);
      expect((error as ValidationFailed).fieldErrors).toEqual({ codiceFiscale: key });
    }
    expect(await getDb().organization.count({ where: { legalName: 'Coop Prova' } })).toBe(0);
  });

  it('refuses an Ambito or Comune of another alliance, and a Comune outside the chosen Ambito', async () => {
    const foreign = await rejection(
      createOrganization(getDb(), {
        allianceId: seriana.allianceId,
        kind: 'COMPANY',
        legalName: 'Impresa Confinante S.r.l.',
        codiceFiscale: makePartitaIva(121),
        ambitoId: cavallina.ambitoId,
        comuneId: cavallina.comuneId,
      }),
    );
    expect((foreign as ValidationFailed).fieldErrors).toEqual({
      ambitoId: 'validation.organization.ambitoNotFound',
      comuneId: 'validation.organization.comuneNotFound',
    });
    const mismatch = await rejection(
      createOrganization(getDb(), {
        allianceId: seriana.allianceId,
        kind: 'COMPANY',
        legalName: 'Impresa Confinante S.r.l.',
        codiceFiscale: makePartitaIva(121),
        ambitoId: seriana.otherAmbitoId,
        comuneId: seriana.comuneId,
      }),
    );
    expect((mismatch as ValidationFailed).fieldErrors).toEqual({ comuneId: 'validation.organization.comuneOutsideAmbito' });
  });

  it('answers NotFound for an alliance that does not exist', async () => {
    const error = await rejection(
      createOrganization(getDb(), { allianceId: randomUUID(), kind: 'COMPANY', legalName: 'Nessuna', codiceFiscale: makePartitaIva(122) }),
    );
    expect(error).toBeInstanceOf(NotFound);
  });

  it('refuses a duplicate codice fiscale in the same alliance with a Conflict', async () => {
    const codiceFiscale = makePartitaIva(200);
    await createOrganization(getDb(), { allianceId: seriana.allianceId, kind: 'COMPANY', legalName: 'Prima S.r.l.', codiceFiscale });
    const error = await rejection(
      createOrganization(getDb(), { allianceId: seriana.allianceId, kind: 'PROVIDER', legalName: 'Seconda S.r.l.', codiceFiscale }),
    );
    expect(error).toBeInstanceOf(Conflict);
    expect((error as Conflict).message).toBe(`An organisation with codice fiscale ${codiceFiscale} already exists in this alliance`);
    expect((error as Conflict).details).toEqual({ fieldErrors: { codiceFiscale: 'validation.organization.duplicateCodiceFiscale' } });
  });

  it('turns the unique-index violation of concurrent creations into a Conflict', async () => {
    const codiceFiscale = makePartitaIva(300);
    const attempts = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) =>
        createOrganization(getDb(), { allianceId: seriana.allianceId, kind: 'COMPANY', legalName: `Corsa ${i}`, codiceFiscale }),
      ),
    );
    const fulfilled = attempts.filter((a) => a.status === 'fulfilled');
    const rejected = attempts.filter((a): a is PromiseRejectedResult => a.status === 'rejected');
    expect(fulfilled).toHaveLength(1);
    expect(rejected).toHaveLength(5);
    for (const r of rejected) expect(r.reason).toBeInstanceOf(Conflict);
    expect(await getDb().organization.count({ where: { codiceFiscale } })).toBe(1);
    // The race path relies on Prisma (through the pg adapter) reporting the unique index as P2002.
    const direct = await rejection(
      getDb().organization.create({ data: { allianceId: seriana.allianceId, kind: 'COMPANY', legalName: 'Diretta', codiceFiscale } }),
    );
    expect(isUniqueViolation(direct)).toBe(true);
  });

  it('allows the same codice fiscale in another alliance', async () => {
    const codiceFiscale = makePartitaIva(400);
    const a = await createOrganization(getDb(), { allianceId: seriana.allianceId, kind: 'COMPANY', legalName: 'Bivalle S.p.A.', codiceFiscale, partitaIva: codiceFiscale });
    const b = await createOrganization(getDb(), { allianceId: cavallina.allianceId, kind: 'COMPANY', legalName: 'Bivalle S.p.A.', codiceFiscale, partitaIva: codiceFiscale });
    expect(a.id).not.toBe(b.id);
  });

  it('records an audit event in the same transaction when asked', async () => {
    const org = await createOrganization(
      getDb(),
      { allianceId: cavallina.allianceId, kind: 'PROVIDER', legalName: 'Associazione Mani Amiche ODV', codiceFiscale: makeCodiceFiscaleEnte(501) },
      { audit: { actorUserId: null, ipAddress: '127.0.0.1' } },
    );
    const events = await getDb().auditEvent.findMany({ where: { subjectId: org.id } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ action: 'organization.created', allianceId: cavallina.allianceId, organizationId: org.id });
  });
});

describe('findOrganizationByTaxId', () => {
  it('finds by partita IVA or codice fiscale, across alliances unless one is named', async () => {
    const both = await findOrganizationByTaxId(getDb(), { taxId: `IT ${makePartitaIva(400)}` });
    expect(both.map((o) => o.alliance.slug)).toEqual(['val-cavallina', 'val-seriana']);
    const one = await findOrganizationByTaxId(getDb(), { taxId: makePartitaIva(400), allianceSlug: 'val-seriana' });
    expect(one).toHaveLength(1);
    expect(one[0]?.allianceId).toBe(seriana.allianceId);
    const byCf = await findOrganizationByTaxId(getDb(), { taxId: makeCodiceFiscaleEnte(501) });
    expect(byCf.map((o) => o.legalName)).toEqual(['Associazione Mani Amiche ODV']);
    expect(await findOrganizationByTaxId(getDb(), { taxId: makePartitaIva(999) })).toEqual([]);
  });

  it('matches a partita IVA that differs from the codice fiscale', async () => {
    const codiceFiscale = makeCodiceFiscaleEnte(777, '8');
    const partitaIva = makePartitaIva(777);
    await createOrganization(getDb(), { allianceId: cavallina.allianceId, kind: 'PUBLIC_BODY', legalName: 'Comune di Lovere', codiceFiscale, partitaIva });
    expect((await findOrganizationByTaxId(getDb(), { taxId: partitaIva })).map((o) => o.codiceFiscale)).toEqual([codiceFiscale]);
  });

  it('rejects a malformed tax id with a clear message', async () => {
    const error = await rejection(findOrganizationByTaxId(getDb(), { taxId: '01234567890' }));
    expect(error).toBeInstanceOf(ValidationFailed);
    expect((error as ValidationFailed).message).toBe('"01234567890" is not a valid partita IVA or codice fiscale');
    expect((error as ValidationFailed).fieldErrors).toEqual({ taxId: 'validation.partitaIva.checkDigit' });
  });
});

describe('listOrganizations and getOrganization', () => {
  it('never return another alliance’s organisations', async () => {
    const seriane = await listOrganizations(getDb(), { allianceId: seriana.allianceId, take: 200 });
    const cavalline = await listOrganizations(getDb(), { allianceId: cavallina.allianceId, take: 200 });
    expect(seriane.total).toBeGreaterThan(0);
    expect(cavalline.total).toBeGreaterThan(0);
    expect(seriane.items.every((o) => o.allianceId === seriana.allianceId)).toBe(true);
    expect(cavalline.items.every((o) => o.allianceId === cavallina.allianceId)).toBe(true);
    expect(seriane.total + cavalline.total).toBe(await getDb().organization.count());

    const foreign = cavalline.items[0]!;
    await expect(getOrganization(getDb(), { allianceId: seriana.allianceId, organizationId: foreign.id })).rejects.toBeInstanceOf(NotFound);
    await expect(getOrganization(getDb(), { allianceId: seriana.allianceId, organizationId: 'not-a-uuid' })).rejects.toBeInstanceOf(NotFound);
    expect((await getOrganization(getDb(), { allianceId: cavallina.allianceId, organizationId: foreign.id })).id).toBe(foreign.id);
  });

  it('filters by kind and search, pages, and sorts by legal name', async () => {
    const providers = await listOrganizations(getDb(), { allianceId: cavallina.allianceId, kind: 'PROVIDER' });
    expect(providers.items.map((o) => o.legalName)).toEqual(['Associazione Mani Amiche ODV']);
    const search = await listOrganizations(getDb(), { allianceId: seriana.allianceId, search: 'tessiture' });
    expect(search.items.map((o) => o.legalName)).toEqual(['Tessiture Seriane S.p.A.']);
    const byTaxPrefix = await listOrganizations(getDb(), { allianceId: seriana.allianceId, search: '0074311' });
    expect(byTaxPrefix.total).toBe(1);
    const all = await listOrganizations(getDb(), { allianceId: seriana.allianceId });
    const names = all.items.map((o) => o.legalName);
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    const page = await listOrganizations(getDb(), { allianceId: seriana.allianceId, skip: 1, take: 2 });
    expect(page.items.map((o) => o.id)).toEqual(all.items.slice(1, 3).map((o) => o.id));
    expect(page.total).toBe(all.total);
  });

  it('refuses to list without an alliance', async () => {
    await expect(listOrganizations(getDb(), { allianceId: '' })).rejects.toThrow(/needs an allianceId/);
  });
});
