import { randomUUID } from 'node:crypto';
import type { PriceUnitName, TargetName, VatTreatmentName } from '~/domain/offerings/offerings.fns';
import type { DbTx } from '~/utils/db.server';

// Demo offerings for the admitted demo providers of prisma/seed/demo-providers.ts, in both
// alliances and most categories: approved ones with their history (created by the provider's demo
// operator, approved by the alliance's demo curator), a few SUBMITTED for the review queue, one
// approved offering with a newer version awaiting review, one sent back for changes, one draft,
// and an "Orientamento" entry per alliance. Rows are written directly (no e-mails, no audit) inside
// the demo seed's transaction, in the states the offerings domain produces.

type DemoState = 'APPROVED' | 'SUBMITTED' | 'CHANGES_REQUESTED' | 'DRAFT';

interface DemoVersion {
  title: string;
  description: string;
  category: string;
  target: TargetName;
  ages?: [number, number];
  price?: { unit: PriceUnitName; list: number; rate: number; vat: VatTreatmentName; packageHours?: number };
  weekdays: number[];
  bands: Array<[string, string]>;
  notice?: number;
  cancellation?: string;
  capacity?: number;
  contact?: { name: string; email?: string; phone?: string; address?: string };
  comuni: string[];
}

interface DemoOffering extends DemoVersion {
  alliance: string;
  provider: string;
  state: DemoState;
  reason?: string;
  /** A newer version of an approved offering, sent for review: the approved one stays live. */
  pending?: Partial<DemoVersion>;
}

const SORRISO = 'Cooperativa Sociale Il Sorriso';
const GIROTONDO = 'Asilo Nido Il Girotondo S.n.c.';
const LAGO_BLU = 'Cooperativa Sociale Lago Blu';
const INFERMIERI = 'Infermieri di Comunità Val Cavallina Impresa Sociale S.r.l.';
const WEEK = [1, 2, 3, 4, 5];
const CANCEL_24H = 'Disdetta gratuita fino a 24 ore prima; dopo, è dovuto il 50% del prezzo.';

export const DEMO_OFFERINGS: DemoOffering[] = [
  {
    alliance: 'val-seriana',
    provider: SORRISO,
    state: 'APPROVED',
    title: 'Baby-sitting a domicilio',
    description:
      'Educatrici e babysitter formate dalla cooperativa vengono a casa vostra.\n\n- accompagnamento da scuola e attività\n- aiuto nei compiti\n- **anche la sera**, su prenotazione',
    category: 'baby-sitting',
    target: 'CHILDREN',
    ages: [3, 10],
    price: { unit: 'HOUR', list: 1800, rate: 1500, vat: 'EXEMPT_ART10' },
    weekdays: [1, 2, 3, 4, 5, 6],
    bands: [
      ['07:30', '13:00'],
      ['14:00', '21:00'],
    ],
    notice: 2,
    cancellation: CANCEL_24H,
    capacity: 60,
    comuni: ['Nembro', 'Albino', 'Alzano Lombardo', 'Ranica'],
    pending: {
      description:
        'Educatrici e babysitter formate dalla cooperativa vengono a casa vostra.\n\n- accompagnamento da scuola, sport e catechismo\n- aiuto nei compiti\n- **anche la sera e il sabato**, su prenotazione',
      price: { unit: 'HOUR', list: 1800, rate: 1450, vat: 'EXEMPT_ART10' },
      comuni: ['Nembro', 'Albino', 'Alzano Lombardo', 'Ranica', 'Pradalunga'],
    },
  },
  {
    alliance: 'val-seriana',
    provider: SORRISO,
    state: 'APPROVED',
    title: 'Pre e post scuola alla primaria',
    description: 'Accoglienza dalle 7:30 prima delle lezioni e sorveglianza fino alle 18 dopo la scuola, con merenda e spazio compiti.',
    category: 'pre-post-scuola',
    target: 'CHILDREN',
    ages: [6, 10],
    price: { unit: 'MONTH', list: 9000, rate: 7500, vat: 'EXEMPT_ART10' },
    weekdays: WEEK,
    bands: [
      ['07:30', '08:30'],
      ['16:00', '18:00'],
    ],
    notice: 7,
    cancellation: 'Recesso con un mese di preavviso.',
    capacity: 40,
    comuni: ['Nembro', 'Albino'],
  },
  {
    alliance: 'val-seriana',
    provider: SORRISO,
    state: 'APPROVED',
    title: 'Assistenza domiciliare per anziani',
    description: 'Operatori socio-sanitari per l’igiene personale, la cura della casa e la compagnia di persone anziane o fragili.',
    category: 'assistenza-domiciliare',
    target: 'ELDERLY',
    price: { unit: 'HOUR', list: 2400, rate: 2000, vat: 'EXEMPT_ART10' },
    weekdays: [1, 2, 3, 4, 5, 6, 7],
    bands: [['07:00', '20:00']],
    notice: 3,
    cancellation: CANCEL_24H,
    capacity: 120,
    comuni: ['Nembro', 'Albino', 'Alzano Lombardo', 'Pradalunga', 'Ranica', 'Villa di Serio'],
  },
  {
    alliance: 'val-seriana',
    provider: SORRISO,
    state: 'APPROVED',
    title: 'Accompagnamento a visite mediche',
    description: 'Trasporto con mezzo attrezzato e accompagnamento di un operatore a visite, esami e terapie negli ospedali di Bergamo e Seriate.',
    category: 'trasporto-accompagnamento',
    target: 'ELDERLY',
    price: { unit: 'SERVICE', list: 3000, rate: 2500, vat: 'EXEMPT_ART10' },
    weekdays: WEEK,
    bands: [['07:00', '18:00']],
    notice: 3,
    cancellation: 'Disdetta gratuita fino al giorno prima.',
    capacity: 25,
    comuni: ['Nembro', 'Albino', 'Alzano Lombardo'],
  },
  {
    alliance: 'val-seriana',
    provider: SORRISO,
    state: 'APPROVED',
    title: 'Sportello di orientamento al welfare',
    description:
      'Informazioni su servizi, voucher e contributi per la conciliazione famiglia-lavoro in bassa Val Seriana: nidi, centri estivi, assistenza agli anziani, bandi comunali e regionali. Su appuntamento anche in videochiamata.',
    category: 'orientamento-welfare',
    target: 'EVERYONE',
    weekdays: [2, 4],
    bands: [['09:00', '12:30']],
    contact: { name: 'Sportello welfare Il Sorriso', phone: '035 400100', email: 'sportello@il-sorriso.demo.conciliamo.it', address: 'Via Roma 1, Nembro (BG)' },
    comuni: ['Nembro', 'Albino', 'Alzano Lombardo', 'Pradalunga', 'Ranica', 'Villa di Serio'],
  },
  {
    alliance: 'val-seriana',
    provider: SORRISO,
    state: 'SUBMITTED',
    title: 'Assistente familiare di sollievo',
    description: 'Un’assistente familiare per le ore in cui chi cura un anziano non può esserci: pacchetti da 20 ore da usare nel mese.',
    category: 'badantato-assistente-familiare',
    target: 'ELDERLY',
    price: { unit: 'PACKAGE', list: 36000, rate: 32000, vat: 'EXEMPT_ART10', packageHours: 20 },
    weekdays: [1, 2, 3, 4, 5, 6, 7],
    bands: [['08:00', '20:00']],
    notice: 5,
    cancellation: 'Le ore non usate nel mese sono recuperabili nel mese successivo.',
    capacity: 10,
    comuni: ['Nembro', 'Albino', 'Pradalunga'],
  },
  {
    alliance: 'val-seriana',
    provider: SORRISO,
    state: 'DRAFT',
    title: 'Lavanderia e stireria con ritiro in azienda',
    description: 'Ritiriamo i capi in azienda il lunedì e li riconsegniamo stirati il giovedì.',
    category: 'lavanderia-stireria',
    target: 'ADULTS',
    price: { unit: 'SERVICE', list: 1200, rate: 1000, vat: 'VAT_22' },
    weekdays: [1, 4],
    bands: [['11:00', '14:00']],
    comuni: ['Albino', 'Nembro'],
  },
  {
    alliance: 'val-seriana',
    provider: GIROTONDO,
    state: 'APPROVED',
    title: 'Nido e micronido Il Girotondo',
    description: 'Nido per bambini da 3 a 36 mesi con cucina interna e giardino; frequenza a tempo pieno o part-time, aperto anche a luglio.',
    category: 'nido-prima-infanzia',
    target: 'CHILDREN',
    ages: [0, 3],
    price: { unit: 'MONTH', list: 65000, rate: 59000, vat: 'EXEMPT_ART10' },
    weekdays: WEEK,
    bands: [['07:30', '18:00']],
    notice: 15,
    cancellation: 'Ritiro con 30 giorni di preavviso.',
    capacity: 36,
    comuni: ['Alzano Lombardo', 'Nembro', 'Ranica'],
  },
  {
    alliance: 'val-seriana',
    provider: GIROTONDO,
    state: 'APPROVED',
    title: 'Baby-parking del sabato',
    description: 'Spazio gioco custodito per bambini da 1 a 6 anni il sabato mattina, anche per poche ore.',
    category: 'baby-parking-ludoteca',
    target: 'CHILDREN',
    ages: [1, 6],
    price: { unit: 'HOUR', list: 900, rate: 800, vat: 'EXEMPT_ART10' },
    weekdays: [6],
    bands: [['08:30', '12:30']],
    notice: 1,
    cancellation: CANCEL_24H,
    capacity: 30,
    comuni: ['Alzano Lombardo', 'Ranica'],
  },
  {
    alliance: 'val-seriana',
    provider: GIROTONDO,
    state: 'SUBMITTED',
    title: 'Centro estivo per i più piccoli',
    description: 'A luglio, per bambini da 3 a 6 anni: giochi d’acqua, laboratori e pranzo preparato nella nostra cucina.',
    category: 'centri-estivi',
    target: 'CHILDREN',
    ages: [3, 6],
    price: { unit: 'DAY', list: 3500, rate: 3000, vat: 'EXEMPT_ART10' },
    weekdays: WEEK,
    bands: [['08:00', '16:30']],
    notice: 10,
    cancellation: 'Rimborso delle settimane non iniziate.',
    capacity: 25,
    comuni: ['Alzano Lombardo', 'Nembro'],
  },
  {
    alliance: 'val-cavallina',
    provider: LAGO_BLU,
    state: 'APPROVED',
    title: 'Centri estivi sul lago',
    description: 'Giornate al lago d’Iseo per ragazzi da 6 a 14 anni: vela, canoa, escursioni e laboratori, con pranzo.',
    category: 'centri-estivi',
    target: 'CHILDREN',
    ages: [6, 14],
    price: { unit: 'DAY', list: 3800, rate: 3200, vat: 'EXEMPT_ART10' },
    weekdays: WEEK,
    bands: [['08:00', '17:00']],
    notice: 7,
    cancellation: 'Rimborso delle giornate disdette entro 3 giorni prima.',
    capacity: 80,
    comuni: ['Lovere', 'Costa Volpino', 'Castro'],
  },
  {
    alliance: 'val-cavallina',
    provider: LAGO_BLU,
    state: 'APPROVED',
    title: 'Ludoteca Lago Blu',
    description: 'Ludoteca con educatrici per bambini da 3 a 10 anni, il pomeriggio e il sabato.',
    category: 'baby-parking-ludoteca',
    target: 'CHILDREN',
    ages: [3, 10],
    price: { unit: 'HOUR', list: 800, rate: 700, vat: 'EXEMPT_ART10' },
    weekdays: [1, 3, 5, 6],
    bands: [['14:30', '18:30']],
    notice: 1,
    cancellation: CANCEL_24H,
    capacity: 40,
    comuni: ['Lovere', 'Sovere'],
  },
  {
    alliance: 'val-cavallina',
    provider: LAGO_BLU,
    state: 'APPROVED',
    title: 'Baby-sitting serale',
    description: 'Babysitter formate per le sere e i fine settimana, su prenotazione con due giorni di anticipo.',
    category: 'baby-sitting',
    target: 'CHILDREN',
    ages: [3, 10],
    price: { unit: 'HOUR', list: 1700, rate: 1400, vat: 'EXEMPT_ART10' },
    weekdays: [5, 6, 7],
    bands: [['18:00', '23:30']],
    notice: 2,
    cancellation: CANCEL_24H,
    capacity: 30,
    comuni: ['Lovere', 'Costa Volpino'],
  },
  {
    alliance: 'val-cavallina',
    provider: LAGO_BLU,
    state: 'APPROVED',
    title: 'Maggiordomo aziendale',
    description: 'Piccole commissioni per i dipendenti delle aziende aderenti: pratiche in posta e in Comune, ritiro farmaci, consegna della spesa in azienda.',
    category: 'maggiordomo-aziendale',
    target: 'ADULTS',
    price: { unit: 'SERVICE', list: 1500, rate: 1200, vat: 'VAT_22' },
    weekdays: WEEK,
    bands: [['09:00', '17:00']],
    notice: 1,
    cancellation: 'Disdetta gratuita fino alle 18 del giorno prima.',
    capacity: 100,
    comuni: ['Lovere', 'Costa Volpino', 'Castro', 'Sovere'],
  },
  {
    alliance: 'val-cavallina',
    provider: LAGO_BLU,
    state: 'APPROVED',
    title: 'Ginnastica dolce per la terza età',
    description: 'Corsi in piccoli gruppi di movimento, equilibrio e respirazione, con istruttori qualificati.',
    category: 'sport-tempo-libero',
    target: 'ELDERLY',
    price: { unit: 'MONTH', list: 4000, rate: 3200, vat: 'EXEMPT_ART10' },
    weekdays: [2, 4],
    bands: [['09:30', '10:30']],
    notice: 0,
    cancellation: 'Quota mensile non rimborsabile dopo la prima lezione.',
    capacity: 20,
    comuni: ['Lovere', 'Castro'],
  },
  {
    alliance: 'val-cavallina',
    provider: LAGO_BLU,
    state: 'APPROVED',
    title: 'Punto informativo welfare dell’Alto Sebino',
    description: 'Orientamento ai servizi per le famiglie che curano: assistenza agli anziani, fondo di solidarietà, voucher e pacchetti del portale.',
    category: 'orientamento-welfare',
    target: 'EVERYONE',
    weekdays: [1, 3],
    bands: [['14:00', '17:00']],
    contact: { name: 'Punto informativo Lago Blu', phone: '035 400151', email: 'info@lago-blu.demo.conciliamo.it', address: 'Piazza XIII Martiri 5, Lovere (BG)' },
    comuni: ['Lovere', 'Costa Volpino', 'Castro', 'Sovere'],
  },
  {
    alliance: 'val-cavallina',
    provider: LAGO_BLU,
    state: 'SUBMITTED',
    title: 'Pulizie straordinarie della casa',
    description: 'Pulizie di fondo, cambio stagione e sgomberi, con prodotti ecologici.',
    category: 'pulizie-straordinarie',
    target: 'EVERYONE',
    price: { unit: 'HOUR', list: 2200, rate: 1900, vat: 'VAT_22' },
    weekdays: [1, 2, 3, 4, 5, 6],
    bands: [['08:00', '18:00']],
    notice: 3,
    cancellation: CANCEL_24H,
    capacity: 50,
    comuni: ['Lovere', 'Sovere'],
  },
  {
    alliance: 'val-cavallina',
    provider: LAGO_BLU,
    state: 'CHANGES_REQUESTED',
    title: 'Cura del verde',
    description: 'Taglio dell’erba e potature.',
    category: 'cura-del-verde',
    target: 'EVERYONE',
    price: { unit: 'HOUR', list: 2500, rate: 2300, vat: 'VAT_22' },
    weekdays: [1, 2, 3, 4, 5],
    bands: [['08:00', '17:00']],
    comuni: ['Lovere', 'Castro'],
    reason: 'Descrivete meglio il servizio (attrezzature, smaltimento del verde) e indicate le condizioni di disdetta.',
  },
  {
    alliance: 'val-cavallina',
    provider: INFERMIERI,
    state: 'APPROVED',
    title: 'Infermiera di comunità dopo le dimissioni',
    description: 'Visite infermieristiche a domicilio nelle settimane dopo un ricovero: medicazioni, terapie, educazione del caregiver.',
    category: 'assistenza-domiciliare',
    target: 'ELDERLY',
    price: { unit: 'SERVICE', list: 3500, rate: 3000, vat: 'EXEMPT_ART10' },
    weekdays: [1, 2, 3, 4, 5, 6],
    bands: [['08:00', '19:00']],
    notice: 1,
    cancellation: 'Disdetta gratuita fino a 12 ore prima.',
    capacity: 70,
    comuni: ['Casazza', 'Endine Gaiano', 'Trescore Balneario', 'Entratico'],
  },
  {
    alliance: 'val-cavallina',
    provider: INFERMIERI,
    state: 'APPROVED',
    title: 'Trasporto per terapie e dialisi',
    description: 'Trasporto con mezzo attrezzato per carrozzine verso i centri di terapia e dialisi di Bergamo e Seriate.',
    category: 'trasporto-accompagnamento',
    target: 'DISABLED',
    price: { unit: 'SERVICE', list: 2800, rate: 2400, vat: 'EXEMPT_ART10' },
    weekdays: WEEK,
    bands: [['06:30', '19:00']],
    notice: 2,
    cancellation: 'Disdetta gratuita fino al giorno prima.',
    capacity: 40,
    comuni: ['Casazza', 'Trescore Balneario', 'Entratico'],
  },
];

const DAY = 24 * 3600 * 1000;

function versionRow(v: DemoVersion, categoryIds: Map<string, { id: string }>) {
  const category = categoryIds.get(v.category);
  if (!category) throw new Error(`Demo offering ${v.title}: no category ${v.category}`);
  return {
    title: v.title,
    description: v.description,
    categoryId: category.id,
    target: v.target,
    ageMin: v.ages?.[0] ?? null,
    ageMax: v.ages?.[1] ?? null,
    priceUnit: v.price?.unit ?? null,
    packageHours: v.price?.packageHours ?? null,
    listPriceCents: v.price?.list ?? null,
    allianceRateCents: v.price?.rate ?? null,
    vatTreatment: v.price?.vat ?? null,
    availability: { weekdays: v.weekdays, bands: v.bands.map(([from, to]) => ({ from, to })) },
    bookingNoticeDays: v.notice ?? 0,
    cancellationTerms: v.cancellation ?? '',
    capacityPerWeek: v.capacity ?? null,
    contactName: v.contact?.name ?? null,
    contactEmail: v.contact?.email ?? null,
    contactPhone: v.contact?.phone ?? null,
    contactAddress: v.contact?.address ?? null,
  };
}

/** Creates the demo offerings inside the demo seed's transaction, after the provider profiles. */
export async function seedDemoOfferings(tx: DbTx, options: { now?: Date } = {}): Promise<{ offerings: number }> {
  const now = options.now ?? new Date();
  const categories = new Map((await tx.serviceCategory.findMany({ select: { id: true, slug: true } })).map((c) => [c.slug, c]));
  let created = 0;
  for (const [index, demo] of DEMO_OFFERINGS.entries()) {
    const provider = await tx.organization.findFirst({
      where: { kind: 'PROVIDER', legalName: demo.provider, alliance: { slug: demo.alliance } },
      select: { id: true, allianceId: true, providerProfile: { select: { comuni: { select: { comune: { select: { id: true, name: true } } } } } } },
    });
    if (!provider) throw new Error(`Demo offering ${demo.title}: no provider ${demo.provider} in ${demo.alliance}`);
    const served = new Map((provider.providerProfile?.comuni ?? []).map((pc) => [pc.comune.name, pc.comune.id]));
    const comuneIds = (names: string[]): string[] =>
      names.map((name) => {
        const id = served.get(name);
        if (!id) throw new Error(`Demo offering ${demo.title}: ${demo.provider} does not serve ${name}`);
        return id;
      });
    const [operator, curator] = await Promise.all([
      tx.membership.findFirst({ where: { organizationId: provider.id, role: 'PROVIDER_OPERATOR', status: 'ACTIVE' }, select: { userId: true } }),
      tx.membership.findFirst({
        where: { role: 'AMBITO_CURATOR', status: 'ACTIVE', organization: { allianceId: provider.allianceId, kind: 'AMBITO' } },
        select: { userId: true },
        orderBy: { createdAt: 'asc' },
      }),
    ]);
    const operatorId = operator?.userId ?? null;
    const curatorId = curator?.userId ?? null;

    const createdAt = new Date(now.getTime() - (60 - index * 2) * DAY);
    const submittedAt = new Date(createdAt.getTime() + DAY);
    const reviewedAt = new Date(submittedAt.getTime() + 3 * DAY);
    const offeringId = randomUUID();
    const versionId = randomUUID();
    const reviewed = demo.state === 'APPROVED' || demo.state === 'CHANGES_REQUESTED';
    await tx.offering.create({ data: { id: offeringId, allianceId: provider.allianceId, providerId: provider.id, createdAt } });
    await tx.offeringVersion.create({
      data: {
        id: versionId,
        offeringId,
        versionNumber: 1,
        status: demo.state,
        ...versionRow(demo, categories),
        createdById: operatorId,
        createdAt,
        submittedById: demo.state === 'DRAFT' ? null : operatorId,
        submittedAt: demo.state === 'DRAFT' ? null : submittedAt,
        reviewedById: reviewed ? curatorId : null,
        reviewedAt: reviewed ? reviewedAt : null,
        reviewReason: demo.reason ?? null,
        comuni: { createMany: { data: comuneIds(demo.comuni).map((comuneId) => ({ comuneId })) } },
      },
    });
    const events: Array<{ kind: 'CREATED' | 'SUBMITTED' | 'APPROVED' | 'CHANGES_REQUESTED' | 'NEW_VERSION'; at: Date; actor: string | null; versionId: string; from?: string; to?: string; reason?: string }> = [
      { kind: 'CREATED', at: createdAt, actor: operatorId, versionId, to: 'DRAFT' },
    ];
    if (demo.state !== 'DRAFT') events.push({ kind: 'SUBMITTED', at: submittedAt, actor: operatorId, versionId, from: 'DRAFT', to: 'SUBMITTED' });
    if (reviewed) events.push({ kind: demo.state as 'APPROVED' | 'CHANGES_REQUESTED', at: reviewedAt, actor: curatorId, versionId, from: 'SUBMITTED', to: demo.state, reason: demo.reason });

    let headVersionId = versionId;
    if (demo.pending) {
      const pending = { ...demo, ...demo.pending };
      headVersionId = randomUUID();
      const startedAt = new Date(now.getTime() - 4 * DAY);
      await tx.offeringVersion.create({
        data: {
          id: headVersionId,
          offeringId,
          versionNumber: 2,
          status: 'SUBMITTED',
          ...versionRow(pending, categories),
          createdById: operatorId,
          createdAt: startedAt,
          submittedById: operatorId,
          submittedAt: new Date(startedAt.getTime() + DAY),
          comuni: { createMany: { data: comuneIds(pending.comuni).map((comuneId) => ({ comuneId })) } },
        },
      });
      events.push(
        { kind: 'NEW_VERSION', at: startedAt, actor: operatorId, versionId: headVersionId, to: 'DRAFT' },
        { kind: 'SUBMITTED', at: new Date(startedAt.getTime() + DAY), actor: operatorId, versionId: headVersionId, from: 'DRAFT', to: 'SUBMITTED' },
      );
    }
    await tx.offering.update({
      where: { id: offeringId },
      data: { status: demo.state, headVersionId, liveVersionId: demo.state === 'APPROVED' ? versionId : null },
    });
    await tx.offeringEvent.createMany({
      data: events.map((e) => ({
        offeringId,
        versionId: e.versionId,
        kind: e.kind,
        fromStatus: e.from ?? null,
        toStatus: e.to ?? null,
        reason: e.reason ?? null,
        actorUserId: e.actor,
        createdAt: e.at,
      })),
    });
    created++;
  }
  return { offerings: created };
}
