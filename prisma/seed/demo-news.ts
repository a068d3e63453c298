import { randomUUID } from 'node:crypto';
import type { NewsKindName } from '~/domain/news/news.fns';
import type { DbTx } from '~/utils/db.server';

// Demo news and good practices for each demo alliance, written by its demo alliance admin: a few
// published (so the public alliance pages have something to show) and one draft per alliance
// (visible only in /alleanza/notizie). Invented content about the real territories.

interface DemoPost {
  alliance: string;
  kind: NewsKindName;
  title: string;
  slug: string;
  body: string;
  /** Days before the seeding; null for a draft. */
  publishedDaysAgo: number | null;
}

export const DEMO_NEWS: DemoPost[] = [
  {
    alliance: 'val-seriana',
    kind: 'NEWS',
    title: 'Il catalogo dei servizi W.IN. è online',
    slug: 'il-catalogo-dei-servizi-win-e-online',
    body:
      'Da oggi lavoratrici, lavoratori e famiglie della Val Seriana possono cercare i servizi di conciliazione approvati dall’Ambito: ' +
      '**baby-sitting**, pre e post scuola, assistenza domiciliare e molto altro.\n\n' +
      'Cerca per parola o per Comune nel [catalogo](/catalogo?alliance=val-seriana).',
    publishedDaysAgo: 2,
  },
  {
    alliance: 'val-seriana',
    kind: 'NEWS',
    title: 'Aperte le adesioni per gli enti erogatori',
    slug: 'aperte-le-adesioni-per-gli-enti-erogatori',
    body:
      'Cooperative sociali, associazioni, RSA e imprese del territorio possono chiedere di aderire all’alleanza.\n\n' +
      'L’Ambito verifica i requisiti e i documenti, poi l’ente pubblica le proprie offerte.',
    publishedDaysAgo: 10,
  },
  {
    alliance: 'val-seriana',
    kind: 'GOOD_PRACTICE',
    title: 'Il premio di risultato convertito in welfare territoriale',
    slug: 'premio-di-risultato-convertito-in-welfare-territoriale',
    body:
      'Un’azienda tessile di Albino ha concordato con i sindacati la conversione di parte del premio di risultato in crediti welfare ' +
      'da spendere presso gli enti del territorio.\n\n- più servizi vicino a casa\n- nessuna spesa che esce dalla valle\n- un piano semplice da spiegare',
    publishedDaysAgo: 20,
  },
  {
    alliance: 'val-seriana',
    kind: 'NEWS',
    title: 'Centri estivi 2026: in arrivo le proposte',
    slug: 'centri-estivi-2026-in-arrivo-le-proposte',
    body: 'Bozza in preparazione: elenco dei centri estivi convenzionati e delle date di iscrizione.',
    publishedDaysAgo: null,
  },
  {
    alliance: 'val-cavallina',
    kind: 'NEWS',
    title: 'Networking 2.0: i pacchetti di cura prenotabili sul portale',
    slug: 'networking-2-0-i-pacchetti-di-cura-prenotabili-sul-portale',
    body:
      'Le famiglie che si prendono cura di un familiare anziano o con disabilità trovano nel catalogo i pacchetti di assistenza, ' +
      'accompagnamento alle visite mediche e infermiera di comunità dopo la dimissione.',
    publishedDaysAgo: 3,
  },
  {
    alliance: 'val-cavallina',
    kind: 'GOOD_PRACTICE',
    title: 'Il fondo di solidarietà: Comuni, aziende e lavoratori insieme',
    slug: 'il-fondo-di-solidarieta-comuni-aziende-e-lavoratori-insieme',
    body:
      'Il fondo raccoglie i contributi di Comuni, aziende e lavoratori e li distribuisce con un bando pubblico alle famiglie ' +
      'che affrontano un carico di cura improvviso.',
    publishedDaysAgo: 15,
  },
  {
    alliance: 'val-cavallina',
    kind: 'NEWS',
    title: 'Maggiordomo aziendale: la sperimentazione continua',
    slug: 'maggiordomo-aziendale-la-sperimentazione-continua',
    body: 'Bozza: risultati del primo semestre del servizio di maggiordomo aziendale nelle aziende del Basso Sebino.',
    publishedDaysAgo: null,
  },
];

const DAY_MS = 24 * 60 * 60 * 1000;

/** Writes DEMO_NEWS for the demo alliances present, authored by each alliance's admin. */
export async function seedDemoNews(tx: DbTx): Promise<number> {
  const alliances = await tx.alliance.findMany({ where: { slug: { in: [...new Set(DEMO_NEWS.map((p) => p.alliance))] } }, select: { id: true, slug: true } });
  const now = Date.now();
  const rows = [];
  for (const alliance of alliances) {
    const admin = await tx.membership.findFirst({
      where: { role: 'ALLIANCE_ADMIN', status: 'ACTIVE', organization: { allianceId: alliance.id } },
      orderBy: { createdAt: 'asc' },
      select: { userId: true },
    });
    for (const post of DEMO_NEWS.filter((p) => p.alliance === alliance.slug)) {
      const publishedAt = post.publishedDaysAgo === null ? null : new Date(now - post.publishedDaysAgo * DAY_MS);
      rows.push({
        id: randomUUID(),
        allianceId: alliance.id,
        kind: post.kind,
        title: post.title,
        slug: post.slug,
        body: post.body,
        publishedAt,
        authorId: admin?.userId ?? null,
        createdAt: publishedAt ?? new Date(now),
      });
    }
  }
  await tx.newsPost.createMany({ data: rows });
  return rows.length;
}
