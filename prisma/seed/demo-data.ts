import type { OrganizationKind } from '~/generated/prisma/enums';
import { makeCodiceFiscaleEnte, makePartitaIva } from '~/domain/identifiers/identifiers.fns';

// The demo territory: the two Bergamo alliances of the 2017–18 conciliation plan, their Ambiti
// and real municipalities (ISTAT codes, province BG). Alliances, Ambiti, public bodies and
// municipalities are real names; companies, cooperatives and associations are invented, and
// every tax identifier is generated (valid check digits, not the bodies' real numbers).
// People are generated from the name lists below: never persons named in the source documents.

export interface DemoComune {
  name: string;
  istatCode: string;
}

export interface DemoAmbito {
  code: string;
  name: string;
  comuni: DemoComune[];
}

export interface DemoOrganization {
  kind: OrganizationKind;
  legalName: string;
  codiceFiscale: string;
  partitaIva?: string;
  /** Name of one of the alliance's comuni; the organisation takes that comune's Ambito. */
  comune: string;
  email?: string;
  /** Employees without a demo login (companies, and cooperatives that also employ). */
  employees?: number;
}

export interface DemoAlliance {
  slug: string;
  name: string;
  shortName: string;
  description: string;
  capofila: string;
  territory: string;
  ambiti: DemoAmbito[];
  organizations: DemoOrganization[];
}

/** Same number for codice fiscale and partita IVA, as for most companies and cooperatives. */
function sameTaxIds(seed: number): { codiceFiscale: string; partitaIva: string } {
  const id = makePartitaIva(seed);
  return { codiceFiscale: id, partitaIva: id };
}

export const DEMO_ALLIANCES: DemoAlliance[] = [
  {
    slug: 'val-seriana',
    name: 'W.IN. – Welfare Innovativo',
    shortName: 'W.IN.',
    description:
      'Welfare aziendale integrato con i servizi del territorio: un’area riservata per ogni azienda con il portafoglio ' +
      'di ogni dipendente e il carnet dei servizi territoriali, acquisto di servizi con risorse aziendali e un’offerta ' +
      'governata dall’Ambito, che mappa gli enti erogatori e li invita ad aderire.',
    capofila: 'Comune di Albino – Ambito territoriale n. 8 Valle Seriana',
    territory: 'Valle Seriana e Val di Scalve',
    ambiti: [
      {
        code: 'valle-seriana',
        name: 'Ambito territoriale n. 8 Valle Seriana',
        comuni: [
          { name: 'Albino', istatCode: '016004' },
          { name: 'Alzano Lombardo', istatCode: '016008' },
          { name: 'Gandino', istatCode: '016108' },
          { name: 'Gazzaniga', istatCode: '016111' },
          { name: 'Nembro', istatCode: '016144' },
          { name: 'Pradalunga', istatCode: '016173' },
          { name: 'Ranica', istatCode: '016178' },
          { name: 'Vertova', istatCode: '016234' },
          { name: 'Villa di Serio', istatCode: '016240' },
        ],
      },
      {
        code: 'valle-seriana-superiore-val-di-scalve',
        name: 'Ambito territoriale Valle Seriana Superiore e Val di Scalve',
        comuni: [
          { name: 'Ardesio', istatCode: '016012' },
          { name: 'Castione della Presolana', istatCode: '016064' },
          { name: 'Clusone', istatCode: '016077' },
          { name: 'Rovetta', istatCode: '016187' },
          { name: 'Schilpario', istatCode: '016195' },
          { name: 'Vilminore di Scalve', istatCode: '016243' },
        ],
      },
    ],
    organizations: [
      {
        kind: 'AMBITO',
        legalName: 'Comune di Albino – Ambito territoriale n. 8 Valle Seriana',
        codiceFiscale: makeCodiceFiscaleEnte(10_401, '8'),
        partitaIva: makePartitaIva(2_410_401),
        comune: 'Albino',
        email: 'ambito@val-seriana.demo.conciliamo.it',
      },
      {
        // The in-house company through which the Ambito runs the platform; providers invoice it.
        kind: 'OTHER',
        legalName: 'Servizi Sociosanitari Valseriana S.r.l.',
        ...sameTaxIds(2_410_402),
        comune: 'Albino',
        email: 'amministrazione@val-seriana.demo.conciliamo.it',
      },
      {
        kind: 'PUBLIC_BODY',
        legalName: 'Comune di Clusone',
        codiceFiscale: makeCodiceFiscaleEnte(10_403, '8'),
        partitaIva: makePartitaIva(2_410_403),
        comune: 'Clusone',
      },
      { kind: 'COMPANY', legalName: 'Tessiture Seriane S.p.A.', ...sameTaxIds(2_410_411), comune: 'Albino', employees: 10 },
      { kind: 'COMPANY', legalName: 'Officine Meccaniche Gandinesi S.r.l.', ...sameTaxIds(2_410_412), comune: 'Gandino', employees: 10 },
      { kind: 'COMPANY', legalName: 'Caseificio Alta Valle Seriana S.r.l.', ...sameTaxIds(2_410_413), comune: 'Rovetta', employees: 10 },
      // A social cooperative that provides services and employs staff who use the platform too.
      { kind: 'PROVIDER', legalName: 'Cooperativa Sociale Il Sorriso', ...sameTaxIds(2_410_421), comune: 'Nembro', employees: 6 },
      { kind: 'PROVIDER', legalName: 'Asilo Nido Il Girotondo S.n.c.', ...sameTaxIds(2_410_422), comune: 'Alzano Lombardo' },
      {
        kind: 'PROVIDER',
        legalName: 'Associazione Mani Amiche ODV',
        codiceFiscale: makeCodiceFiscaleEnte(10_423, '9'),
        comune: 'Clusone',
      },
    ],
  },
  {
    slug: 'val-cavallina',
    name: 'Networking 2.0 – fare sistema per sostenere la famiglia che cura',
    shortName: 'Networking 2.0',
    description:
      'Pacchetti assistenziali ed educativi personalizzabili, prenotabili sul portale; un fondo di solidarietà ' +
      'sostenuto da enti locali, imprese e lavoratori e assegnato con bando; maggiordomo aziendale, accompagnamento ' +
      'di familiari anziani o con disabilità alle visite mediche e infermiera di comunità dopo le dimissioni.',
    capofila: 'Consorzio Servizi Val Cavallina',
    territory: 'Val Cavallina, Alto Sebino e Basso Sebino',
    ambiti: [
      {
        code: 'val-cavallina',
        name: 'Ambito territoriale Val Cavallina',
        comuni: [
          { name: 'Casazza', istatCode: '016058' },
          { name: 'Endine Gaiano', istatCode: '016093' },
          { name: 'Entratico', istatCode: '016094' },
          { name: 'Gorlago', istatCode: '016114' },
          { name: 'Trescore Balneario', istatCode: '016218' },
          { name: 'Zandobbio', istatCode: '016244' },
        ],
      },
      {
        code: 'alto-sebino',
        name: 'Ambito territoriale Alto Sebino',
        comuni: [
          { name: 'Castro', istatCode: '016065' },
          { name: 'Costa Volpino', istatCode: '016086' },
          { name: 'Lovere', istatCode: '016128' },
          { name: 'Sovere', istatCode: '016204' },
        ],
      },
      {
        code: 'basso-sebino',
        name: 'Ambito territoriale Basso Sebino',
        comuni: [
          { name: 'Credaro', istatCode: '016088' },
          { name: 'Predore', istatCode: '016174' },
          { name: 'Sarnico', istatCode: '016193' },
          { name: 'Villongo', istatCode: '016242' },
        ],
      },
    ],
    organizations: [
      {
        kind: 'AMBITO',
        legalName: 'Consorzio Servizi Val Cavallina',
        ...sameTaxIds(2_420_401),
        comune: 'Trescore Balneario',
        email: 'ambito@val-cavallina.demo.conciliamo.it',
      },
      {
        kind: 'PUBLIC_BODY',
        legalName: 'Comune di Lovere',
        codiceFiscale: makeCodiceFiscaleEnte(20_402, '8'),
        partitaIva: makePartitaIva(2_420_402),
        comune: 'Lovere',
      },
      { kind: 'COMPANY', legalName: 'Meccanica Trescore S.r.l.', ...sameTaxIds(2_420_411), comune: 'Trescore Balneario', employees: 10 },
      { kind: 'COMPANY', legalName: 'Guarnizioni Basso Sebino S.p.A.', ...sameTaxIds(2_420_412), comune: 'Villongo', employees: 10 },
      { kind: 'COMPANY', legalName: 'Carpenterie Alto Sebino S.r.l.', ...sameTaxIds(2_420_413), comune: 'Costa Volpino', employees: 10 },
      { kind: 'PROVIDER', legalName: 'Cooperativa Sociale Lago Blu', ...sameTaxIds(2_420_421), comune: 'Lovere', employees: 6 },
      {
        kind: 'PROVIDER',
        legalName: 'Infermieri di Comunità Val Cavallina Impresa Sociale S.r.l.',
        ...sameTaxIds(2_420_422),
        comune: 'Casazza',
      },
      {
        kind: 'PROVIDER',
        legalName: 'Associazione Accompagnamento Solidale ODV',
        codiceFiscale: makeCodiceFiscaleEnte(20_423, '9'),
        comune: 'Sarnico',
      },
    ],
  },
];

// Generated people. The lists avoid every name of a person in the source documents (see the
// deny-list in tests/integration/seed-demo.test.ts).
export const GIVEN_NAMES = {
  F: ['Giulia', 'Francesca', 'Sara', 'Martina', 'Alessia', 'Valentina', 'Federica', 'Silvia', 'Paola', 'Laura', 'Roberta', 'Ilaria', 'Marta', 'Beatrice', 'Elisa', 'Noemi'],
  M: ['Marco', 'Luca', 'Andrea', 'Matteo', 'Stefano', 'Paolo', 'Alessandro', 'Fabio', 'Simone', 'Riccardo', 'Giorgio', 'Massimo', 'Daniele', 'Nicola', 'Pietro', 'Tommaso'],
} as const;

export const FAMILY_NAMES = [
  'Bonetti', 'Rota', 'Pesenti', 'Locatelli', 'Belotti', 'Cortinovis', 'Carminati', 'Gamba', 'Mazzoleni', 'Bonomi',
  'Capelli', 'Ghilardi', 'Rottoli', 'Zanchi', 'Previtali', 'Marchesi', 'Bergamelli', 'Ravasio', 'Signori', 'Tironi',
  'Moretti', 'Pedrini', 'Zanardi', 'Bertocchi', 'Fornoni', 'Magni', 'Testa', 'Carrara', 'Epis', 'Arizzi', 'Lazzaroni',
] as const;

export interface DemoPerson {
  givenName: string;
  familyName: string;
}

/** The n-th generated person: the same on every run, varied enough to look like a roster. */
export function demoPerson(n: number): DemoPerson {
  const gender = n % 2 === 0 ? 'F' : 'M';
  const given = GIVEN_NAMES[gender];
  return {
    givenName: given[Math.floor(n / 2) % given.length]!,
    familyName: FAMILY_NAMES[(n * 7 + Math.floor(n / FAMILY_NAMES.length)) % FAMILY_NAMES.length]!,
  };
}

/** ASCII, lowercase, dots for spaces: "Cortinovis" → "cortinovis". */
export function emailPart(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '.')
    .replace(/^\.|\.$/g, '');
}
