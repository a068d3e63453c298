import { randomUUID } from 'node:crypto';
import { composeIBAN } from 'ibantools';
import PDFDocument from 'pdfkit';
import { italianCin, validateIbanIt } from '~/domain/identifiers/identifiers.fns';
import type { ProviderDecisionName, ProviderKindName, ProviderStatusName } from '~/domain/providers/providers.fns';
import { sha256Hex } from '~/domain/storage/storage.fns';
import { getStorage, type ObjectStorage } from '~/domain/storage/storage.server';
import type { DbTx } from '~/utils/db.server';
import { demoPerson, emailPart } from './demo-data';

// Demo provider profiles for the PROVIDER organisations of prisma/seed/demo-data.ts: most are
// ADMITTED (the two demo operators' cooperatives among them, so they can publish offerings at
// once), one is PENDING and one has CHANGES_REQUESTED, each with the municipalities it serves, a
// decision history signed by the alliance's demo curator and one small generated PDF document.

interface DemoProvider {
  alliance: string;
  legalName: string;
  providerKind: ProviderKindName;
  status: ProviderStatusName;
  alsoEmployer?: boolean;
  comuni: string[];
  accreditationRef?: string;
  website?: string;
  description: string;
  /** The demo login that is this provider's contact, when it has one. */
  contactEmail?: string;
  reason?: string;
}

export const DEMO_PROVIDERS: DemoProvider[] = [
  {
    alliance: 'val-seriana',
    legalName: 'Cooperativa Sociale Il Sorriso',
    providerKind: 'COOPERATIVA_SOCIALE',
    status: 'ADMITTED',
    alsoEmployer: true,
    comuni: ['Nembro', 'Albino', 'Alzano Lombardo', 'Pradalunga', 'Ranica', 'Villa di Serio'],
    accreditationRef: 'Accreditamento unità d’offerta sociali, Ambito n. 8 Valle Seriana, 2024',
    website: 'https://www.example.org/il-sorriso',
    description:
      'Cooperativa sociale di tipo A della bassa Val Seriana.\n\nOffriamo:\n\n- **baby-sitting** e pre/post scuola\n- assistenza domiciliare ad anziani\n- accompagnamento a visite mediche',
    contactEmail: 'ente.val-seriana@demo.conciliamo.it',
  },
  {
    alliance: 'val-seriana',
    legalName: 'Asilo Nido Il Girotondo S.n.c.',
    providerKind: 'IMPRESA',
    status: 'ADMITTED',
    comuni: ['Alzano Lombardo', 'Nembro', 'Ranica'],
    accreditationRef: 'Autorizzazione al funzionamento nido, Comune di Alzano Lombardo',
    description: 'Nido e micronido per bambini da 3 a 36 mesi, aperto anche d’estate.',
  },
  {
    alliance: 'val-seriana',
    legalName: 'Associazione Mani Amiche ODV',
    providerKind: 'ASSOCIAZIONE',
    status: 'PENDING',
    comuni: ['Clusone', 'Rovetta', 'Castione della Presolana'],
    description: 'Volontari per trasporto e *accompagnamento* di persone anziane in alta valle.',
  },
  {
    alliance: 'val-cavallina',
    legalName: 'Cooperativa Sociale Lago Blu',
    providerKind: 'COOPERATIVA_SOCIALE',
    status: 'ADMITTED',
    alsoEmployer: true,
    comuni: ['Lovere', 'Costa Volpino', 'Castro', 'Sovere'],
    accreditationRef: 'Convenzione Ambito Alto Sebino n. 12/2024',
    website: 'https://www.example.org/lago-blu',
    description: 'Centri estivi, ludoteca e **maggiordomo aziendale** sul lago d’Iseo.',
    contactEmail: 'ente.val-cavallina@demo.conciliamo.it',
  },
  {
    alliance: 'val-cavallina',
    legalName: 'Infermieri di Comunità Val Cavallina Impresa Sociale S.r.l.',
    providerKind: 'IMPRESA',
    status: 'ADMITTED',
    comuni: ['Casazza', 'Endine Gaiano', 'Trescore Balneario', 'Entratico'],
    accreditationRef: 'Accreditamento ATS Bergamo, cure domiciliari',
    description: 'Infermiere di comunità dopo la dimissione ospedaliera e assistenza domiciliare.',
  },
  {
    alliance: 'val-cavallina',
    legalName: 'Associazione Accompagnamento Solidale ODV',
    providerKind: 'ASSOCIAZIONE',
    status: 'CHANGES_REQUESTED',
    comuni: ['Sarnico', 'Villongo', 'Credaro'],
    description: 'Accompagnamento di anziani e persone con disabilità a visite e terapie.',
    reason: 'Manca lo statuto dell’associazione: allegatelo e indicate l’iscrizione al registro del Terzo settore (RUNTS).',
  },
];

/** A valid Italian IBAN from a bank (ABI), branch (CAB) and account number, for demo data. */
export function makeDemoIban(abi: string, cab: string, account: number): string {
  const accountNumber = String(account).padStart(12, '0');
  const cin = italianCin(`${abi}${cab}${accountNumber}`);
  const iban = composeIBAN({ countryCode: 'IT', bban: `${cin}${abi}${cab}${accountNumber}` });
  const check = iban ? validateIbanIt(iban) : null;
  if (!check?.ok) throw new Error(`makeDemoIban produced an invalid IBAN for ${abi}/${cab}/${account}`);
  return check.value;
}

/** A one-page PDF standing in for a chamber-of-commerce certificate. */
function demoPdf(title: string, lines: string[]): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', margin: 56, info: { Title: title, Author: 'Conciliamo (dati dimostrativi)' } });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    doc.on('error', reject);
    doc.fontSize(18).text(title);
    doc.moveDown();
    doc.fontSize(11);
    for (const line of lines) doc.text(line);
    doc.moveDown();
    doc.fillColor('#5c6f82').text('Documento dimostrativo generato da Conciliamo: non ha valore legale.');
    doc.end();
  });
}

const DAY = 24 * 3600 * 1000;
const DECISION_FOR: Partial<Record<ProviderStatusName, ProviderDecisionName>> = {
  ADMITTED: 'ADMIT',
  CHANGES_REQUESTED: 'REQUEST_CHANGES',
};

/**
 * Creates the demo provider profiles inside the demo seed's transaction. The documents' bytes go
 * to the storage (the local folder STORAGE_DIR by default) before their rows are written.
 */
export async function seedDemoProviders(tx: DbTx, options: { storage?: ObjectStorage; now?: Date } = {}): Promise<{ providers: number }> {
  const storage = options.storage ?? getStorage();
  const now = options.now ?? new Date();
  let created = 0;
  for (const [index, demo] of DEMO_PROVIDERS.entries()) {
    const organization = await tx.organization.findFirst({
      where: { kind: 'PROVIDER', legalName: demo.legalName, alliance: { slug: demo.alliance } },
      select: { id: true, allianceId: true, codiceFiscale: true, partitaIva: true, comune: { select: { name: true } } },
    });
    if (!organization) throw new Error(`Demo provider ${demo.legalName} is not an organisation of ${demo.alliance}`);
    const comuni = await tx.comune.findMany({ where: { allianceId: organization.allianceId, name: { in: demo.comuni } }, select: { id: true } });
    if (comuni.length !== demo.comuni.length) throw new Error(`Demo provider ${demo.legalName}: some comuni are not in ${demo.alliance}`);
    const curator = await tx.membership.findFirst({
      where: { role: 'AMBITO_CURATOR', status: 'ACTIVE', organization: { allianceId: organization.allianceId, kind: 'AMBITO' } },
      select: { userId: true },
      orderBy: { createdAt: 'asc' },
    });
    const login = demo.contactEmail
      ? await tx.user.findUnique({ where: { email: demo.contactEmail }, select: { givenName: true, familyName: true, email: true } })
      : null;
    const person = login ?? demoPerson(900 + index);
    const contactEmail = login?.email ?? `${emailPart(person.givenName)}.${emailPart(person.familyName)}.referente${index}@demo.conciliamo.it`;

    const submittedAt = new Date(now.getTime() - (30 - index * 3) * DAY);
    const decision = DECISION_FOR[demo.status];
    const decidedAt = decision ? new Date(submittedAt.getTime() + 5 * DAY) : null;
    await tx.providerProfile.create({
      data: {
        organizationId: organization.id,
        providerKind: demo.providerKind,
        status: demo.status,
        iban: makeDemoIban('05034', String(11100 + index * 10).padStart(5, '0'), 240_000 + index),
        registeredOffice: `Via Roma ${index + 1}, ${organization.comune?.name ?? demo.comuni[0]} (BG)`,
        accreditationRef: demo.accreditationRef ?? null,
        contactGivenName: person.givenName,
        contactFamilyName: person.familyName,
        contactEmail,
        contactPhone: `035 ${String(400_100 + index * 17)}`,
        description: demo.description,
        website: demo.website ?? null,
        alsoEmployer: demo.alsoEmployer ?? false,
        submittedAt,
        decidedAt,
        createdAt: submittedAt,
      },
    });
    await tx.providerComune.createMany({ data: comuni.map((c) => ({ organizationId: organization.id, comuneId: c.id })) });

    const bytes = await demoPdf('Visura camerale (dimostrativa)', [
      demo.legalName,
      `Codice fiscale: ${organization.codiceFiscale}`,
      ...(organization.partitaIva ? [`Partita IVA: ${organization.partitaIva}`] : []),
      `Sede: ${organization.comune?.name ?? ''} (BG)`,
    ]);
    const documentId = randomUUID();
    const storageKey = `provider-documents/${documentId}`;
    await storage.put(storageKey, bytes, 'application/pdf');
    await tx.providerDocument.create({
      data: {
        id: documentId,
        organizationId: organization.id,
        kind: 'VISURA',
        fileName: `Visura camerale – ${demo.legalName}.pdf`,
        contentType: 'application/pdf',
        sizeBytes: bytes.byteLength,
        sha256: sha256Hex(bytes),
        storageKey,
        createdAt: submittedAt,
      },
    });
    if (decision && decidedAt) {
      await tx.providerDecision.create({
        data: {
          organizationId: organization.id,
          decision,
          fromStatus: 'PENDING',
          toStatus: demo.status,
          reason: demo.reason ?? null,
          actorUserId: curator?.userId ?? null,
          createdAt: decidedAt,
        },
      });
    }
    created++;
  }
  return { providers: created };
}
