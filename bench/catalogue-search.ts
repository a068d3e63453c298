// Catalogue search benchmark (not a test): `npx tsx bench/catalogue-search.ts [--offerings 20000] [--seconds 10] [--connections 20] [--keep]`
//
// 1. Creates a database of its own (a clone of the migrated test template), loads the demo data,
//    adds admitted providers and --offerings approved offerings with Italian titles and
//    descriptions spread over every category, comune and provider (the database triggers build
//    CatalogueEntry as they would in production), then ANALYZE.
// 2. Starts the built app (server.ts over build/, NODE_ENV=production) on a free port.
// 3. For --seconds each, with --connections concurrent clients, cycling over the same queries:
//      a. autocannon against /catalogo?q=…           (the server-rendered page)
//      b. autocannon against /api/v1/catalogue?q=…   (the JSON API)
//      c. the very SQL statement the search runs (catalogueSearchSql), straight through pg, with
//         --connections concurrent clients
//    a and b twice: with the app's search cache off (CATALOGUE_CACHE=off: every request runs the
//    SQL) and on (the default: answers kept until PostgreSQL notifies a change), and prints
//    requests/s and p50/p95/p99 latency of each, and HTTP/SQL throughput ratios. For reference, the
//    same load on /accessibilita, a page without data: the floor of any server-rendered page here.
// 4. Stops the app and drops the database (unless --keep).
//
// Needs the Remix build (`npx remix build`), PostgreSQL and Redis (the test services).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { catalogueSearchSchema } from '~/domain/catalogue/catalogue.schema';
import { catalogueSearchSql, searchText } from '~/domain/catalogue/catalogue.server';
import { createDb } from '~/utils/db.server';
import { seedDemo } from '../prisma/seed/demo';
import { createDatabaseFromTemplate, dropDatabase, ensureTemplateDatabase } from '../tests/setup/template-db';
import { TEST_REDIS_URL } from '../tests/setup/test-env';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i === -1) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} needs a positive whole number`);
  return value;
}

const OFFERINGS = option('offerings', 20_000);
const SECONDS = option('seconds', 10);
const CONNECTIONS = option('connections', 20);
const EXTRA_PROVIDERS = option('providers', 120);
const KEEP = process.argv.includes('--keep');

/** What people type: compounds, plurals, accents, several words, one with a comune filter. */
const QUERIES: Array<Record<string, string>> = [
  { q: 'baby sitter' },
  { q: 'assistenza anziano' },
  { q: 'centri estivi' },
  { q: 'pulizie straordinarie' },
  { q: 'accompagnamento visite mediche' },
  { q: 'attivita sportive bambini' },
  { q: 'babysitting', comune: '016004' },
];

// ---------------------------------------------------------------------------------------------
// Italian content

interface CategoryContent {
  titles: string[];
  qualifiers: string[];
  sentences: string[];
  target: 'CHILDREN' | 'ELDERLY' | 'DISABLED' | 'ADULTS' | 'EVERYONE';
  ages?: [number, number];
  unit: 'HOUR' | 'DAY' | 'MONTH' | 'SERVICE' | 'PACKAGE' | null;
  /** Alliance rate range in cents. */
  price: [number, number];
}

const CONTENT: Record<string, CategoryContent> = {
  'orientamento-welfare': {
    titles: ['Sportello welfare', 'Punto informativo per le famiglie', 'Consultorio familiare', 'Orientamento ai servizi sociali', 'Segretariato sociale'],
    qualifiers: ['del Comune', 'per lavoratrici e lavoratori', 'su appuntamento', 'aperto il sabato', 'anche online'],
    sentences: [
      'Informazioni su contributi, bandi e servizi del territorio.',
      'Vi aiutiamo a capire quali servizi di conciliazione potete usare.',
      'Accoglienza gratuita, senza prenotazione nei giorni di apertura.',
      'Orientamento per famiglie con anziani o persone con disabilità.',
    ],
    target: 'EVERYONE',
    unit: null,
    price: [0, 0],
  },
  'baby-sitting': {
    titles: ['Baby-sitting a domicilio', 'Babysitter serale', 'Baby sitter per il fine settimana', 'Baby-sitter per genitori turnisti', 'Servizio di baby sitting'],
    qualifiers: ['con educatrice', 'anche la sera', 'per famiglie con turni', 'in lingua inglese', 'per fratelli e sorelle'],
    sentences: [
      'Educatrici formate si prendono cura dei vostri bambini a casa.',
      'Gioco, compiti e merenda fino al rientro dei genitori.',
      'Disponibile anche per emergenze con poche ore di preavviso.',
      'Le baby-sitter hanno il corso di primo soccorso pediatrico.',
    ],
    target: 'CHILDREN',
    ages: [3, 10],
    unit: 'HOUR',
    price: [900, 1600],
  },
  'nido-prima-infanzia': {
    titles: ['Asilo nido', 'Micronido aziendale', 'Nido famiglia', 'Centro prima infanzia', 'Sezione primavera'],
    qualifiers: ['a tempo pieno', 'part-time mattina', 'con cucina interna', 'aperto a luglio', 'con giardino'],
    sentences: [
      'Spazi pensati per bambini da tre mesi a tre anni.',
      'Inserimento graduale con la presenza di un genitore.',
      'Pasti preparati ogni giorno nella nostra cucina.',
      'Educatrici qualificate e un rapporto numerico attento.',
    ],
    target: 'CHILDREN',
    ages: [0, 3],
    unit: 'MONTH',
    price: [35000, 65000],
  },
  'baby-parking-ludoteca': {
    titles: ['Baby parking', 'Ludoteca', 'Spazio gioco', 'Ludoteca del sabato', 'Baby-parking in centro'],
    qualifiers: ['a ore', 'con laboratori creativi', 'per bambini piccoli', 'il pomeriggio', 'durante le vacanze'],
    sentences: [
      'Un luogo sicuro dove lasciare i bambini per qualche ora.',
      'Laboratori di pittura, musica e lettura animata.',
      'Giochi di gruppo con animatrici esperte.',
      'Prenotazione anche il giorno prima.',
    ],
    target: 'CHILDREN',
    ages: [1, 6],
    unit: 'HOUR',
    price: [600, 1000],
  },
  'pre-post-scuola': {
    titles: ['Pre scuola', 'Post-scuola', 'Doposcuola', 'Pre e post scuola', 'Aiuto compiti'],
    qualifiers: ['alla scuola primaria', 'con mensa', 'fino alle 18', 'dalle 7:30', 'con educatori'],
    sentences: [
      'Accoglienza prima dell’inizio delle lezioni.',
      'Sorveglianza e aiuto nei compiti dopo la scuola.',
      'Merenda e attività ricreative fino all’arrivo dei genitori.',
      'Servizio attivo per tutto l’anno scolastico.',
    ],
    target: 'CHILDREN',
    ages: [6, 11],
    unit: 'MONTH',
    price: [4000, 9000],
  },
  'centri-estivi': {
    titles: ['Centro estivo', 'Campo estivo', 'Centri estivi comunali', 'Estate ragazzi', 'Grest estivo'],
    qualifiers: ['in montagna', 'con piscina', 'sportivo', 'in lingua inglese', 'a settimane'],
    sentences: [
      'Settimane di gioco, sport e gite per bambini e ragazzi.',
      'Iscrizione anche per una sola settimana.',
      'Pranzo incluso e uscite sul territorio.',
      'Attività all’aperto nei parchi della valle.',
    ],
    target: 'CHILDREN',
    ages: [6, 14],
    unit: 'PACKAGE',
    price: [8000, 16000],
  },
  'badantato-assistente-familiare': {
    titles: ['Assistente familiare', 'Badante convivente', 'Badantato a ore', 'Sostituzione della badante', 'Assistente familiare notturna'],
    qualifiers: ['per anziani', 'anche nei festivi', 'con formazione regionale', 'per persone non autosufficienti', 'a domicilio'],
    sentences: [
      'Assistenza continuativa a persone anziane e fragili.',
      'Selezioniamo assistenti familiari formate e referenziate.',
      'Sostituzioni per ferie e malattia della badante.',
      'Supporto nella gestione del contratto di lavoro domestico.',
    ],
    target: 'ELDERLY',
    unit: 'HOUR',
    price: [1300, 2000],
  },
  'assistenza-domiciliare': {
    titles: ['Assistenza domiciliare', 'Infermiera di comunità', 'Assistenza domiciliare per anziani', 'Igiene e cura della persona', 'Assistenza dopo la dimissione'],
    qualifiers: ['a domicilio', 'sette giorni su sette', 'per persone con disabilità', 'dopo il ricovero', 'con operatori sociosanitari'],
    sentences: [
      'Operatori sociosanitari per l’igiene e la cura della persona.',
      'Infermiere a domicilio dopo la dimissione dall’ospedale.',
      'Aiuto per i pasti, la spesa e le piccole commissioni.',
      'Un piano di assistenza concordato con la famiglia.',
    ],
    target: 'ELDERLY',
    unit: 'HOUR',
    price: [1800, 2800],
  },
  'trasporto-accompagnamento': {
    titles: ['Accompagnamento a visite mediche', 'Trasporto sociale', 'Trasporto disabili', 'Accompagnamento in ospedale', 'Navetta per centri diurni'],
    qualifiers: ['con mezzo attrezzato', 'con autista volontario', 'in tutta la provincia', 'con attesa inclusa', 'su prenotazione'],
    sentences: [
      'Accompagniamo anziani e persone con disabilità alle visite mediche.',
      'Mezzi attrezzati per carrozzine.',
      'Un operatore attende durante la visita e riaccompagna a casa.',
      'Prenotazione con almeno due giorni di anticipo.',
    ],
    target: 'DISABLED',
    unit: 'SERVICE',
    price: [1500, 4500],
  },
  'maggiordomo-aziendale': {
    titles: ['Maggiordomo aziendale', 'Servizio commissioni', 'Disbrigo pratiche', 'Ritiro e consegna in azienda', 'Concierge aziendale'],
    qualifiers: ['in pausa pranzo', 'per i dipendenti', 'in azienda', 'con consegna in ufficio', 'settimanale'],
    sentences: [
      'Commissioni, pratiche e piccole incombenze sbrigate per voi.',
      'Ritiro della spesa, dei farmaci e dei pacchi in azienda.',
      'Disbrigo di pratiche presso uffici pubblici.',
      'Un referente fisso per tutte le richieste.',
    ],
    target: 'ADULTS',
    unit: 'SERVICE',
    price: [500, 1500],
  },
  'pulizie-straordinarie': {
    titles: ['Pulizie straordinarie', 'Pulizie di primavera', 'Pulizia dopo trasloco', 'Sanificazione della casa', 'Pulizie vetri e tende'],
    qualifiers: ['con prodotti ecologici', 'in giornata', 'per appartamenti', 'con macchinari professionali', 'anche il sabato'],
    sentences: [
      'Pulizie a fondo di appartamenti e case.',
      'Squadre di due operatori con attrezzatura professionale.',
      'Prodotti ecologici e certificati.',
      'Preventivo gratuito dopo il sopralluogo.',
    ],
    target: 'ADULTS',
    unit: 'HOUR',
    price: [1600, 2600],
  },
  'lavanderia-stireria': {
    titles: ['Lavanderia', 'Stireria', 'Lavanderia con ritiro in azienda', 'Stiratura a domicilio', 'Lavaggio piumoni e tende'],
    qualifiers: ['con ritiro e consegna', 'in 48 ore', 'per famiglie', 'ecologica', 'a peso'],
    sentences: [
      'Ritiriamo i capi in azienda e li riconsegniamo stirati.',
      'Lavaggio ad acqua e a secco.',
      'Trattamento delicato per capi di lana e seta.',
      'Consegna in due giorni lavorativi.',
    ],
    target: 'ADULTS',
    unit: 'SERVICE',
    price: [800, 2500],
  },
  'cura-del-verde': {
    titles: ['Cura del verde', 'Manutenzione giardini', 'Taglio dell’erba', 'Potatura siepi', 'Giardiniere a domicilio'],
    qualifiers: ['stagionale', 'con smaltimento del verde', 'per condomini', 'in primavera', 'a chiamata'],
    sentences: [
      'Taglio del prato, potature e pulizia delle aiuole.',
      'Smaltimento del verde incluso.',
      'Interventi periodici o su richiesta.',
      'Giardinieri di una cooperativa di inserimento lavorativo.',
    ],
    target: 'ADULTS',
    unit: 'HOUR',
    price: [2000, 3200],
  },
  'sport-tempo-libero': {
    titles: ['Corso di nuoto', 'Ginnastica dolce', 'Attività sportive per bambini', 'Yoga', 'Camminate di gruppo'],
    qualifiers: ['per anziani', 'per bambini', 'in palestra', 'all’aperto', 'per principianti'],
    sentences: [
      'Corsi in piccoli gruppi con istruttori qualificati.',
      'Attività motorie adatte a tutte le età.',
      'Lezione di prova gratuita.',
      'Palestre e piscine convenzionate del territorio.',
    ],
    target: 'EVERYONE',
    unit: 'MONTH',
    price: [2500, 6000],
  },
};

// ---------------------------------------------------------------------------------------------
// Helpers

let seed = 42;
function random(): number {
  // mulberry32: the same data on every run.
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const between = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));

const ms = (value: number) => `${value.toFixed(value < 10 ? 1 : 0)} ms`;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

// ---------------------------------------------------------------------------------------------
// 1. Data

async function loadData(databaseUrl: string): Promise<{ entries: number; seconds: number }> {
  const started = performance.now();
  const db = createDb(databaseUrl);
  try {
    await seedDemo(db, { ifEmpty: false });
  } finally {
    await db.$disconnect();
  }
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const alliances = (await client.query<{ id: string }>('SELECT "id" FROM "Alliance" ORDER BY "slug"')).rows.map((r) => r.id);
    // More admitted providers, so offerings spread over many of them.
    for (let i = 0; i < EXTRA_PROVIDERS; i++) {
      const allianceId = alliances[i % alliances.length]!;
      const id = randomUUID();
      const kind = pick(['COOPERATIVA_SOCIALE', 'RSA', 'ASSOCIAZIONE', 'ENTE_PUBBLICO', 'IMPRESA'] as const);
      const name = `${pick(['Cooperativa Sociale', 'Associazione', 'Fondazione', 'Società', 'Consorzio'])} ${pick(['Il Girasole', 'La Quercia', 'Arcobaleno', 'Il Melograno', 'Insieme', 'La Rondine', 'Primavera', 'Il Ponte', 'Sole e Luna', 'La Sorgente'])} ${i + 1}`;
      await client.query(
        `INSERT INTO "Organization" ("id", "allianceId", "kind", "legalName", "codiceFiscale") VALUES ($1, $2, 'PROVIDER', $3, $4)`,
        [id, allianceId, name, String(90_000_000_000 + i)],
      );
      await client.query(
        `INSERT INTO "ProviderProfile" ("organizationId", "providerKind", "status", "iban", "registeredOffice", "contactGivenName", "contactFamilyName", "contactEmail", "updatedAt")
         VALUES ($1, $2, 'ADMITTED', 'IT60X0542811101000000123456', 'Via Roma 1', 'Referente', 'Bench', 'bench@example.it', now())`,
        [id, kind],
      );
    }
    const providers = (
      await client.query<{ id: string; allianceId: string }>(
        `SELECT o."id", o."allianceId" FROM "Organization" o JOIN "ProviderProfile" p ON p."organizationId" = o."id" WHERE p."status" = 'ADMITTED'`,
      )
    ).rows;
    const comuni = (await client.query<{ id: string; allianceId: string; name: string }>('SELECT "id", "allianceId", "name" FROM "Comune"')).rows;
    const categories = (await client.query<{ id: string; slug: string }>('SELECT "id", "slug" FROM "ServiceCategory"')).rows;

    const BATCH = 1_000;
    for (let done = 0; done < OFFERINGS; done += BATCH) {
      const n = Math.min(BATCH, OFFERINGS - done);
      const o = { id: [] as string[], alliance: [] as string[], provider: [] as string[] };
      const v = {
        id: [] as string[],
        title: [] as string[],
        description: [] as string[],
        category: [] as string[],
        target: [] as string[],
        ageMin: [] as Array<number | null>,
        ageMax: [] as Array<number | null>,
        unit: [] as Array<string | null>,
        hours: [] as Array<number | null>,
        list: [] as Array<number | null>,
        rate: [] as Array<number | null>,
        vat: [] as Array<string | null>,
      };
      const vc = { version: [] as string[], comune: [] as string[] };
      for (let i = 0; i < n; i++) {
        const provider = pick(providers);
        const category = pick(categories);
        const content = CONTENT[category.slug]!;
        const own = comuni.filter((c) => c.allianceId === provider.allianceId);
        const served = [...new Set(Array.from({ length: between(1, 5) }, () => pick(own)))];
        const offeringId = randomUUID();
        const versionId = randomUUID();
        o.id.push(offeringId);
        o.alliance.push(provider.allianceId);
        o.provider.push(provider.id);
        v.id.push(versionId);
        v.title.push(`${pick(content.titles)} ${pick(content.qualifiers)}${random() < 0.5 ? ` a ${served[0]!.name}` : ''}`);
        v.description.push(
          [...new Set(Array.from({ length: between(2, 4) }, () => pick(content.sentences)))].join(' ') +
            `\n\n- Comuni: ${served.map((c) => c.name).join(', ')}\n- Ente: **${between(1, 9)} operatori** dedicati`,
        );
        v.category.push(category.id);
        v.target.push(content.target);
        v.ageMin.push(content.ages ? content.ages[0] : null);
        v.ageMax.push(content.ages ? content.ages[1] : null);
        const rate = content.unit ? Math.round(between(content.price[0], content.price[1]) / 10) * 10 : null;
        v.unit.push(content.unit);
        v.hours.push(content.unit === 'PACKAGE' ? 40 : null);
        v.rate.push(rate);
        v.list.push(rate === null ? null : Math.round((rate * 1.2) / 10) * 10);
        v.vat.push(content.unit ? pick(['EXEMPT_ART10', 'VAT_5', 'VAT_22']) : null);
        for (const c of served) {
          vc.version.push(versionId);
          vc.comune.push(c.id);
        }
      }
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO "Offering" ("id", "allianceId", "providerId", "updatedAt") SELECT * , now() FROM unnest($1::uuid[], $2::uuid[], $3::uuid[])`,
        [o.id, o.alliance, o.provider],
      );
      await client.query(
        `INSERT INTO "OfferingVersion" ("id", "offeringId", "versionNumber", "status", "title", "description", "categoryId", "target", "ageMin", "ageMax",
                                        "priceUnit", "packageHours", "listPriceCents", "allianceRateCents", "vatTreatment", "availability",
                                        "bookingNoticeDays", "cancellationTerms", "submittedAt", "reviewedAt", "updatedAt")
         SELECT t.id, t.offering, 1, 'APPROVED', t.title, t.description, t.category, t.target::"OfferingTarget", t.age_min, t.age_max,
                t.unit::"PriceUnit", t.hours, t.list, t.rate, t.vat::"VatTreatment", '{"weekdays":[1,2,3,4,5],"bands":[{"from":"08:00","to":"18:00"}]}'::jsonb,
                1, 'Disdetta gratuita fino a 24 ore prima.', now(), now(), now()
           FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::uuid[], $6::text[], $7::int[], $8::int[], $9::text[], $10::int[], $11::int[], $12::int[], $13::text[])
             AS t(id, offering, title, description, category, target, age_min, age_max, unit, hours, list, rate, vat)`,
        [v.id, o.id, v.title, v.description, v.category, v.target, v.ageMin, v.ageMax, v.unit, v.hours, v.list, v.rate, v.vat],
      );
      await client.query(`INSERT INTO "OfferingVersionComune" ("versionId", "comuneId") SELECT * FROM unnest($1::uuid[], $2::uuid[])`, [vc.version, vc.comune]);
      // Approval: the Offering trigger builds each CatalogueEntry.
      await client.query(
        `UPDATE "Offering" o SET "status" = 'APPROVED', "liveVersionId" = t.version, "headVersionId" = t.version
           FROM unnest($1::uuid[], $2::uuid[]) AS t(offering, version) WHERE o."id" = t.offering`,
        [o.id, v.id],
      );
      await client.query('COMMIT');
      process.stdout.write(`\r  offerings: ${done + n}/${OFFERINGS}`);
    }
    process.stdout.write('\n');
    await client.query('ANALYZE');
    const entries = Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM "CatalogueEntry"')).rows[0]!.n);
    return { entries, seconds: (performance.now() - started) / 1000 };
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------------------------
// 2. The app

async function startServer(databaseUrl: string, redisPrefix: string, extraEnv: Record<string, string> = {}): Promise<{ baseUrl: string; stop: () => Promise<void> }> {
  if (!existsSync(path.join(ROOT, 'build/index.js'))) throw new Error('The Remix build is missing: run `npx remix build` first.');
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'server.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      APP_URL: `http://localhost:${port}`,
      DATABASE_URL: databaseUrl,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: redisPrefix,
      SESSION_SECRET: randomBytes(32).toString('hex'),
      SMTP_URL: 'smtp://127.0.0.1:2525',
      LOG_LEVEL: 'warn',
      CONCILIAMO_PROCESS: 'web',
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`web server exited (${child.exitCode}):\n${output}`);
    try {
      if ((await fetch(`${baseUrl}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`web server did not answer within 60 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    baseUrl,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
    },
  };
}

// ---------------------------------------------------------------------------------------------
// 3. Measurements

interface Result {
  label: string;
  requests: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
}

const queryString = (params: Record<string, string>) => new URLSearchParams(params).toString();

async function http(label: string, baseUrl: string, pathname: string, queries: Array<Record<string, string>> = QUERIES): Promise<Result> {
  const requests = queries.map((params) => ({ method: 'GET' as const, path: Object.keys(params).length ? `${pathname}?${queryString(params)}` : pathname }));
  // Check every query answers 200 with results before measuring.
  for (const r of requests) {
    const response = await fetch(`${baseUrl}${r.path}`);
    if (response.status !== 200) throw new Error(`${r.path} answered ${response.status}`);
    await response.arrayBuffer();
  }
  const result = await autocannon({ url: baseUrl, connections: CONNECTIONS, duration: SECONDS, requests });
  return {
    label,
    requests: result.requests.total,
    rps: result.requests.total / (result.duration || SECONDS),
    p50: result.latency.p50,
    p95: percentileFromAutocannon(result.latency),
    p99: result.latency.p99,
    errors: result.errors + result.non2xx + result.timeouts,
  };
}

function percentileFromAutocannon(latency: autocannon.Histogram): number {
  // autocannon reports p90 and p97_5 but not p95: interpolate between them.
  const p90 = latency.p90;
  const p975 = latency.p97_5;
  return p90 + ((p975 - p90) * (95 - 90)) / (97.5 - 90);
}

async function sql(databaseUrl: string): Promise<Result> {
  const statements = QUERIES.map((params) => {
    const search = catalogueSearchSchema.parse(params);
    return catalogueSearchSql(search, searchText(search.q), 1);
  });
  const clients = await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      return client;
    }),
  );
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const until = started + SECONDS * 1000;
  await Promise.all(
    clients.map(async (client, c) => {
      let i = c;
      while (performance.now() < until) {
        const statement = statements[i++ % statements.length]!;
        const t0 = performance.now();
        try {
          await client.query(statement.text, statement.values as unknown[]);
          latencies.push(performance.now() - t0);
        } catch {
          errors++;
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  await Promise.all(clients.map((c) => c.end()));
  latencies.sort((a, b) => a - b);
  return {
    label: 'SQL (pg, same statement)',
    requests: latencies.length,
    rps: latencies.length / elapsed,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    errors,
  };
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const databaseName = `conciliamo_bench_catalogue_${randomBytes(4).toString('hex')}`;
  console.log(`Catalogue search benchmark: ${OFFERINGS} offerings, ${CONNECTIONS} connections, ${SECONDS} s per run`);
  const template = await ensureTemplateDatabase();
  const databaseUrl = await createDatabaseFromTemplate(databaseName, template);
  let server: Awaited<ReturnType<typeof startServer>> | null = null;
  try {
    const loaded = await loadData(databaseUrl);
    console.log(`  loaded in ${loaded.seconds.toFixed(0)} s: ${loaded.entries} public catalogue entries`);
    const results: Result[] = [];
    let reference: Result | null = null;
    for (const cache of ['off', 'on'] as const) {
      server = await startServer(databaseUrl, `bench:${databaseName}`, { CATALOGUE_CACHE: cache });
      // Warm up the server (module loading, JIT, connection pool, the cache when on).
      await autocannon({ url: server.baseUrl, connections: CONNECTIONS, duration: 2, requests: QUERIES.map((p) => ({ path: `/catalogo?${queryString(p)}` })) });
      results.push(await http(`HTTP /catalogo?q=… (page), cache ${cache}`, server.baseUrl, '/catalogo'));
      results.push(await http(`HTTP /api/v1/catalogue?q=… (JSON), cache ${cache}`, server.baseUrl, '/api/v1/catalogue'));
      // The floor of any server-rendered page of this app on this machine: a static page.
      if (cache === 'on') reference = await http('HTTP /accessibilita (reference: static page, no data)', server.baseUrl, '/accessibilita', [{}]);
      await server.stop();
      server = null;
    }
    const direct = await sql(databaseUrl);
    results.push(direct);
    if (reference) results.push(reference);
    console.log(`\nQueries (cycled): ${QUERIES.map((q) => queryString(q)).join(' | ')}\n`);
    console.log('| run | requests | req/s | p50 | p95 | p99 | errors |');
    console.log('|---|---:|---:|---:|---:|---:|---:|');
    for (const r of results) {
      console.log(`| ${r.label} | ${r.requests} | ${r.rps.toFixed(0)} | ${ms(r.p50)} | ${ms(r.p95)} | ${ms(r.p99)} | ${r.errors} |`);
    }
    console.log('');
    for (const r of results.slice(0, 4)) {
      const ratio = (100 * r.rps) / direct.rps;
      const ok = r.p95 <= 50 && ratio >= 40 && r.errors === 0;
      console.log(`${r.label}: ${ratio.toFixed(0)} % of direct-SQL throughput, p95 ${ms(r.p95)} → ${ok ? 'goal met' : 'GOAL MISSED'} (p95 ≤ 50 ms, ≥ 40 %)`);
    }
  } finally {
    await server?.stop();
    if (KEEP) console.log(`Kept database ${databaseName}`);
    else await dropDatabase(databaseName);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
