import { beforeAll, describe, expect, it } from 'vitest';
import { catalogueNormaliseBody, normaliseSearchText } from '~/domain/catalogue/catalogue.fns';
import { catalogueSearchSchema } from '~/domain/catalogue/catalogue.schema';
import { CATALOGUE_PAGE_SIZE, searchCatalogue } from '~/domain/catalogue/catalogue.server';
import { createProvider, createWorld, publishOffering, type World } from './catalogue-fixtures';
import { getDb, useTestDatabase } from '../setup/database';

// Relevance of the Italian full-text search, the filters and the paging, against real
// PostgreSQL (the conciliamo_it configuration, catalogue_normalise and the triggers).

useTestDatabase();

let world: World;
let other: World;
const ids: Record<string, string> = {};

async function search(params: Record<string, string | number>) {
  return searchCatalogue(getDb(), catalogueSearchSchema.parse({ alliance: world.allianceSlug, ...params }));
}
async function titles(params: Record<string, string | number>) {
  return (await search(params)).hits.map((h) => h.title);
}

beforeAll(async () => {
  const db = getDb();
  world = await createWorld(db);
  other = await createWorld(db);
  const sorriso = await createProvider(db, world, { legalName: 'Cooperativa Sociale Il Sorriso', kind: 'COOPERATIVA_SOCIALE' });
  const girotondo = await createProvider(db, world, { legalName: 'Asilo Nido Il Girotondo S.n.c.', kind: 'IMPRESA' });
  const rsa = await createProvider(db, world, { legalName: 'Fondazione Casa di Riposo San Giuseppe', kind: 'RSA' });
  const foreign = await createProvider(db, other, { legalName: 'Cooperativa Val Cavallina', kind: 'COOPERATIVA_SOCIALE' });

  const offer = async (key: string, spec: Parameters<typeof publishOffering>[2]) => {
    ids[key] = (await publishOffering(db, spec.providerId === foreign ? other : world, spec)).offeringId;
  };
  await offer('babysitting', {
    providerId: sorriso,
    category: 'baby-sitting',
    title: 'Baby-sitting a domicilio',
    description: 'Una educatrice esperta si prende cura dei bambini a casa vostra.',
    ageMin: 3,
    ageMax: 10,
    rateCents: 1200,
    comuni: ['Albino', 'Nembro'],
  });
  await offer('babysitter', {
    providerId: girotondo,
    category: 'baby-sitting',
    title: 'Babysitter per il dopo scuola',
    description: 'Compiti, merenda e gioco fino al rientro dei genitori.',
    ageMin: 6,
    ageMax: 10,
    rateCents: 1400,
    comuni: ['Clusone'],
  });
  await offer('babySitterSerale', {
    providerId: sorriso,
    category: 'baby-sitting',
    title: 'Servizio di baby sitter serale',
    description: 'Per le sere in cui lavorate su turni.',
    ageMin: 3,
    ageMax: 10,
    rateCents: 1600,
    comuni: ['Albino'],
  });
  // Mentions baby-sitting only in the description, twice: it must rank after the title matches.
  await offer('ludoteca', {
    providerId: girotondo,
    category: 'baby-parking-ludoteca',
    title: 'Ludoteca del sabato',
    description: 'Giochi di gruppo. Su richiesta anche baby sitting individuale, con baby-sitter formate.',
    ageMin: 2,
    ageMax: 6,
    rateCents: 800,
    comuni: ['Gandino'],
  });
  await offer('domiciliare', {
    providerId: rsa,
    category: 'assistenza-domiciliare',
    title: 'Assistenza domiciliare per anziani',
    description: 'Igiene personale, pasti e compagnia. Attività di stimolazione cognitiva.',
    target: 'ELDERLY',
    rateCents: 2200,
    comuni: ['Albino', 'Clusone'],
  });
  await offer('compagnia', {
    providerId: sorriso,
    category: 'badantato-assistente-familiare',
    title: "Compagnia all'anziano solo",
    description: 'Visite e telefonate per chi vive da solo.',
    target: 'ELDERLY',
    rateCents: 1800,
    comuni: ['Nembro'],
  });
  await offer('ludiche', {
    providerId: girotondo,
    category: 'sport-tempo-libero',
    title: 'Attività ludiche e motorie',
    description: 'Corsi pomeridiani in palestra.',
    ageMin: 5,
    ageMax: 12,
    rateCents: 900,
    comuni: ['Gandino'],
  });
  await offer('sportello', {
    providerId: rsa,
    category: 'orientamento-welfare',
    title: 'Sportello welfare per le famiglie',
    description: 'Informazioni su servizi, contributi e bandi del territorio.',
    comuni: ['Albino', 'Nembro', 'Clusone', 'Gandino'],
  });
  await offer('foreign', {
    providerId: foreign,
    category: 'baby-sitting',
    title: 'Babysitter in Val Cavallina',
    ageMin: 3,
    ageMax: 10,
    comuni: ['Albino'],
  });
});

describe('the normalisation is the same on both sides', () => {
  it('the database function is the one generated from SEARCH_RULES', async () => {
    const [row] = await getDb().$queryRaw<Array<{ body: string }>>`SELECT prosrc AS body FROM pg_proc WHERE proname = 'catalogue_normalise'`;
    expect(row?.body).toBe(catalogueNormaliseBody());
  });

  it('TypeScript and SQL give the same text for every rule and for ordinary text', async () => {
    const corpus = [
      'Baby-sitting, baby sitter e BABYSITTER',
      'baby  sitters serali',
      'Pre-scuola, post scuola e doposcuola',
      'Micro-nido e micro nidi',
      'Care giver e care-givers per il week-end',
      'Anziano, anziana, anziani e anziane',
      'Assistenza domiciliare e assistente familiare',
      'Servizi sanitari e sanitario, attività sportive e sportivo',
      'Laboratori creativi e creativa; quotidiano e quotidiana',
      "L'attività è più bella dell'anzianità",
      'superbaby sitterino prescuolabus',
      '  spazi\tmultipli\n e a capo ',
    ];
    const rows = await getDb().$queryRaw<Array<{ input: string; output: string }>>`
      SELECT x AS input, catalogue_normalise(x) AS output FROM unnest(${corpus}::text[]) AS x`;
    for (const row of rows) expect(row.output, row.input).toBe(normaliseSearchText(row.input));
  });
});

describe('Italian full-text relevance', () => {
  it('finds the same offers for every spelling of baby-sitting, title matches first', async () => {
    const expected = ['Baby-sitting a domicilio', 'Babysitter per il dopo scuola', 'Servizio di baby sitter serale'];
    for (const q of ['babysitter', 'baby sitter', 'baby-sitting', 'baby sitting', 'Baby-Sitter', 'babysitting']) {
      const found = await titles({ q });
      expect(found.slice(0, 3).sort(), q).toEqual(expected);
      // The ludoteca mentions it only in its description: found, after every title match.
      expect(found[3], q).toBe('Ludoteca del sabato');
      expect(found, q).toHaveLength(4);
    }
  });

  it('ignores accents', async () => {
    expect(await titles({ q: 'attivita' })).toEqual(await titles({ q: 'attività' }));
    expect(await titles({ q: 'ATTIVITÀ LUDICHE' })).toEqual(['Attività ludiche e motorie']);
    expect((await titles({ q: 'attivita' })).sort()).toEqual(['Assistenza domiciliare per anziani', 'Attività ludiche e motorie']);
  });

  it('finds singular and plural alike', async () => {
    const both = ['Assistenza domiciliare per anziani', "Compagnia all'anziano solo"];
    expect((await titles({ q: 'anziano' })).sort()).toEqual(both);
    expect((await titles({ q: 'anziani' })).sort()).toEqual(both);
    expect((await titles({ q: 'anziana' })).sort()).toEqual(both);
    expect(await titles({ q: 'ludoteche' })).toEqual(['Ludoteca del sabato']);
    expect(await titles({ q: 'assistenze domiciliari' })).toEqual(['Assistenza domiciliare per anziani']);
  });

  it('needs every word of a multi-word query, in any field', async () => {
    expect(await titles({ q: 'anziani igiene' })).toEqual(['Assistenza domiciliare per anziani']);
    expect(await titles({ q: 'anziano telefonate' })).toEqual(["Compagnia all'anziano solo"]);
    // "assistenza" and the category "assistente familiare" share a stem: both are found.
    expect((await titles({ q: 'assistenza anziani' })).sort()).toEqual(['Assistenza domiciliare per anziani', "Compagnia all'anziano solo"]);
    // "Clusone" is a municipality served (weight D); "baby sitter" is in the title.
    expect(await titles({ q: 'baby sitter Clusone' })).toEqual(['Babysitter per il dopo scuola']);
    // The provider's name is searchable too.
    expect(await titles({ q: 'sorriso serale' })).toEqual(['Servizio di baby sitter serale']);
    expect(await titles({ q: 'babysitter pianoforte' })).toEqual([]);
  });

  it('reads quotes and exclusions the way web searches do', async () => {
    expect((await titles({ q: 'babysitter -serale' })).sort()).toEqual(['Baby-sitting a domicilio', 'Babysitter per il dopo scuola', 'Ludoteca del sabato']);
    expect(await titles({ q: '"baby sitter serale"' })).toEqual(['Servizio di baby sitter serale']);
  });

  it('treats a query of punctuation only as no query', async () => {
    const all = await search({});
    const punctuation = await search({ q: '?!…' });
    expect(punctuation.total).toBe(all.total);
    expect(punctuation.normalisedQuery).toBeNull();
  });
});

describe('filters', () => {
  it('lists everything of the alliance by title without a query, orientamento included', async () => {
    const all = await search({});
    expect(all.total).toBe(8);
    expect(all.hits.map((h) => h.title)).toEqual([...all.hits.map((h) => h.title)].sort((a, b) => normaliseSearchText(a).localeCompare(normaliseSearchText(b))));
    const sportello = all.hits.find((h) => h.title === 'Sportello welfare per le famiglie')!;
    expect(sportello).toMatchObject({ isOrientamento: true, allianceRateCents: null, priceUnit: null, category: { slug: 'orientamento-welfare' } });
  });

  it('filters by category, municipality and provider kind', async () => {
    expect((await titles({ category: 'baby-sitting' })).length).toBe(3);
    expect(await titles({ comune: world.comuni.Gandino! })).toEqual(['Attività ludiche e motorie', 'Ludoteca del sabato', 'Sportello welfare per le famiglie']);
    expect(await titles({ providerKind: 'RSA' })).toEqual(['Assistenza domiciliare per anziani', 'Sportello welfare per le famiglie']);
    expect(await titles({ q: 'babysitter', comune: world.comuni.Albino!, category: 'baby-sitting' })).toEqual([
      'Baby-sitting a domicilio',
      'Servizio di baby sitter serale',
    ]);
  });

  it('matches an age N when ageMin ≤ N ≤ ageMax', async () => {
    expect(await titles({ age: 2 })).toEqual(['Ludoteca del sabato']);
    expect((await titles({ age: 6 })).sort()).toEqual(
      ['Attività ludiche e motorie', 'Baby-sitting a domicilio', 'Babysitter per il dopo scuola', 'Ludoteca del sabato', 'Servizio di baby sitter serale'].sort(),
    );
    expect(await titles({ age: 12 })).toEqual(['Attività ludiche e motorie']);
    expect(await titles({ age: 40 })).toEqual([]);
  });

  it('filters by the alliance rate in euro, leaving out what has no price', async () => {
    expect(await titles({ minPrice: '14', maxPrice: '18' })).toEqual(["Compagnia all'anziano solo", 'Babysitter per il dopo scuola', 'Servizio di baby sitter serale'].sort((a, b) => normaliseSearchText(a).localeCompare(normaliseSearchText(b))));
    expect(await titles({ maxPrice: '8,99' })).toEqual(['Ludoteca del sabato']);
    expect(await titles({ minPrice: '22' })).toEqual(['Assistenza domiciliare per anziani']);
  });

  it('keeps alliances apart and searches all of them without the alliance filter', async () => {
    const everywhere = await searchCatalogue(getDb(), catalogueSearchSchema.parse({ q: 'babysitter' }));
    expect(everywhere.hits.map((h) => h.title)).toContain('Babysitter in Val Cavallina');
    expect(await titles({ q: 'babysitter' })).not.toContain('Babysitter in Val Cavallina');
    const cavallina = await searchCatalogue(getDb(), catalogueSearchSchema.parse({ alliance: other.allianceSlug }));
    expect(cavallina.hits.map((h) => h.title)).toEqual(['Babysitter in Val Cavallina']);
    expect(cavallina.hits[0]).toMatchObject({ alliance: { slug: other.allianceSlug }, comuni: [{ name: 'Albino', istatCode: '016004' }] });
  });

  it('gives each hit what the result card shows', async () => {
    const [hit] = (await search({ q: 'domiciliare' })).hits;
    expect(hit).toMatchObject({
      offeringId: ids.domiciliare,
      title: 'Assistenza domiciliare per anziani',
      summary: 'Igiene personale, pasti e compagnia. Attività di stimolazione cognitiva.',
      category: { slug: 'assistenza-domiciliare' },
      provider: { name: 'Fondazione Casa di Riposo San Giuseppe', kind: 'RSA' },
      alliance: { slug: world.allianceSlug },
      comuni: [
        { name: 'Albino', istatCode: '016004' },
        { name: 'Clusone', istatCode: '016077' },
      ],
      target: 'ELDERLY',
      priceUnit: 'HOUR',
      allianceRateCents: 2200,
      listPriceCents: 2750,
    });
    expect(hit!.rank).toBeGreaterThan(0);
  });
});

describe('paging', () => {
  it('pages 20 at a time with a total, and a page past the end shows the last page', async () => {
    const db = getDb();
    const many = await createWorld(db);
    const provider = await createProvider(db, many, { legalName: 'Cooperativa Molte Offerte' });
    for (let i = 1; i <= CATALOGUE_PAGE_SIZE + 5; i++) {
      await publishOffering(db, many, { providerId: provider, category: 'pulizie-straordinarie', title: `Pulizie straordinarie n. ${String(i).padStart(2, '0')}` });
    }
    const base = { alliance: many.allianceSlug, q: 'pulizie' };
    const first = await searchCatalogue(db, catalogueSearchSchema.parse(base));
    expect(first).toMatchObject({ total: 25, page: 1, pages: 2, pageSize: 20 });
    expect(first.hits).toHaveLength(20);
    const second = await searchCatalogue(db, catalogueSearchSchema.parse({ ...base, page: 2 }));
    expect(second.hits).toHaveLength(5);
    expect(new Set([...first.hits, ...second.hits].map((h) => h.offeringId)).size).toBe(25);
    // Equal ranks: by title.
    expect(second.hits.map((h) => h.title)).toEqual(['n. 21', 'n. 22', 'n. 23', 'n. 24', 'n. 25'].map((n) => `Pulizie straordinarie ${n}`));
    const beyond = await searchCatalogue(db, catalogueSearchSchema.parse({ ...base, page: 40 }));
    expect(beyond).toMatchObject({ page: 2, pages: 2, total: 25 });
    expect(beyond.hits).toHaveLength(5);
    const none = await searchCatalogue(db, catalogueSearchSchema.parse({ ...base, q: 'giardinaggio', page: 3 }));
    expect(none).toMatchObject({ total: 0, page: 1, pages: 1, hits: [] });
  });
});
