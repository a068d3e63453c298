// The content of a top-up receipt (no I/O): the Italian lines the PDF prints, from the stored data
// only, so the same top-up always gives the same document. Amounts in euro written the Italian way
// and, as Italian receipts do, in words ("millecinquecento/00").

export type ReceiptMethod = 'BANK_TRANSFER' | 'STRIPE_CARD' | 'STRIPE_SEPA';

export interface TopUpReceiptData {
  receiptNumber: string;
  fileName: string;
  alliance: { name: string; capofila: string };
  /** Who holds the receiving account (bank transfers), e.g. the capofila's in-house company. */
  payee: { holderName: string; iban: string; bankName: string | null } | null;
  company: { legalName: string; codiceFiscale: string; partitaIva: string | null; address: string | null; comune: string | null };
  amountCents: number;
  method: ReceiptMethod;
  paymentReference: string;
  bankReference: string | null;
  /** YYYY-MM-DD */
  receivedOn: string | null;
  stripePaymentIntentId: string | null;
  declaredAt: Date;
  creditedAt: Date;
  refundedCents: number;
}

const UNITS = [
  'zero', 'uno', 'due', 'tre', 'quattro', 'cinque', 'sei', 'sette', 'otto', 'nove',
  'dieci', 'undici', 'dodici', 'tredici', 'quattordici', 'quindici', 'sedici', 'diciassette', 'diciotto', 'diciannove',
];
const TENS = ['', '', 'venti', 'trenta', 'quaranta', 'cinquanta', 'sessanta', 'settanta', 'ottanta', 'novanta'];

function belowHundred(n: number): string {
  if (n < 20) return UNITS[n]!;
  const tens = TENS[Math.floor(n / 10)]!;
  const unit = n % 10;
  if (unit === 0) return tens;
  // venti + uno → ventuno, trenta + otto → trentotto.
  const stem = unit === 1 || unit === 8 ? tens.slice(0, -1) : tens;
  return `${stem}${UNITS[unit]}`;
}

function belowThousand(n: number): string {
  const hundreds = Math.floor(n / 100);
  const rest = n % 100;
  if (hundreds === 0) return belowHundred(rest);
  const head = hundreds === 1 ? 'cento' : `${UNITS[hundreds]}cento`;
  if (rest === 0) return head;
  const tail = belowHundred(rest);
  // cento + ottanta → centottanta, cento + otto → centotto.
  return tail.startsWith('ott') ? `${head.slice(0, -1)}${tail}` : `${head}${tail}`;
}

/** A whole number in Italian words, as written on cheques and receipts (up to 999.999.999). */
export function italianNumberWords(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > 999_999_999) throw new RangeError('Out of range for words');
  if (n === 0) return 'zero';
  const millions = Math.floor(n / 1_000_000);
  const thousands = Math.floor((n % 1_000_000) / 1000);
  const rest = n % 1000;
  let out = '';
  if (millions) out += millions === 1 ? 'unmilione' : `${belowThousand(millions)}milioni`;
  if (thousands) out += thousands === 1 ? 'mille' : `${belowThousand(thousands)}mila`;
  if (rest) out += belowThousand(rest);
  // A compound ending in "tre" takes the accent (ventitré, centotré, milletré); "tre" alone does not.
  return out !== 'tre' && out.endsWith('tre') ? `${out.slice(0, -1)}é` : out;
}

/** 150050 → "millecinquecento/50" */
export function euroInWords(cents: number): string {
  if (!Number.isSafeInteger(cents) || cents < 0) throw new RangeError('Cents must be a non-negative integer');
  return `${italianNumberWords(Math.floor(cents / 100))}/${String(cents % 100).padStart(2, '0')}`;
}

/** 150050 → "1.500,50 €" (it-IT, grouping always on, as the rest of the platform writes money). */
export function formatEuroIt(cents: number): string {
  return new Intl.NumberFormat('it-IT', { style: 'currency', currency: 'EUR', useGrouping: 'always' } as Intl.NumberFormatOptions).format(cents / 100);
}

/** dd/mm/yyyy in Italian time. */
export function formatDateIt(date: Date): string {
  return new Intl.DateTimeFormat('it-IT', { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'Europe/Rome' }).format(date);
}

const METHOD_LABEL: Record<ReceiptMethod, string> = {
  BANK_TRANSFER: 'Bonifico bancario',
  STRIPE_CARD: 'Carta di pagamento (tramite Stripe)',
  STRIPE_SEPA: 'Addebito diretto SEPA (tramite Stripe)',
};

export const NOT_AN_INVOICE =
  'Questo documento non è una fattura né una ricevuta fiscale: attesta il versamento di somme destinate al budget ' +
  'welfare dell’azienda, gestito sulla piattaforma dell’alleanza. Le somme restano dell’azienda fino al loro utilizzo ' +
  'per i servizi del piano welfare.';

export interface ReceiptLine {
  label: string;
  value: string;
}

/** The sections of the receipt, in order. */
export function receiptSections(r: TopUpReceiptData): { title: string; heading: string[]; sections: Array<{ title: string; lines: ReceiptLine[] }>; notes: string[] } {
  const companyIds = [`Codice fiscale ${r.company.codiceFiscale}`];
  if (r.company.partitaIva && r.company.partitaIva !== r.company.codiceFiscale) companyIds.push(`Partita IVA ${r.company.partitaIva}`);
  const companyLines: ReceiptLine[] = [
    { label: 'Azienda', value: r.company.legalName },
    { label: 'Identificativi', value: companyIds.join(' – ') },
  ];
  const place = [r.company.address, r.company.comune].filter(Boolean).join(', ');
  if (place) companyLines.push({ label: 'Sede', value: place });

  const paymentLines: ReceiptLine[] = [
    { label: 'Importo', value: `${formatEuroIt(r.amountCents)} (${euroInWords(r.amountCents)} euro)` },
    { label: 'Causale', value: 'Ricarica del budget welfare aziendale' },
    { label: 'Modalità di pagamento', value: METHOD_LABEL[r.method] },
    { label: 'Riferimento di pagamento', value: r.paymentReference },
    { label: 'Dichiarata il', value: formatDateIt(r.declaredAt) },
  ];
  if (r.method === 'BANK_TRANSFER') {
    if (r.bankReference) paymentLines.push({ label: 'Riferimento bancario (CRO/TRN)', value: r.bankReference });
    if (r.receivedOn) paymentLines.push({ label: 'Accreditata sul conto il', value: formatDateIt(new Date(`${r.receivedOn}T12:00:00Z`)) });
    if (r.payee) {
      paymentLines.push({ label: 'Conto di accredito', value: `${r.payee.iban}${r.payee.bankName ? ` (${r.payee.bankName})` : ''}` });
      paymentLines.push({ label: 'Intestatario del conto', value: r.payee.holderName });
    }
  } else if (r.stripePaymentIntentId) {
    paymentLines.push({ label: 'Identificativo del pagamento', value: r.stripePaymentIntentId });
  }
  paymentLines.push({ label: 'Budget ricaricato il', value: formatDateIt(r.creditedAt) });

  const notes = [NOT_AN_INVOICE];
  if (r.refundedCents > 0) {
    notes.unshift(
      r.refundedCents >= r.amountCents
        ? `Il pagamento è stato successivamente rimborsato per intero (${formatEuroIt(r.refundedCents)}).`
        : `Il pagamento è stato successivamente rimborsato in parte: ${formatEuroIt(r.refundedCents)}.`,
    );
  }
  return {
    title: `Ricevuta di ricarica n. ${r.receiptNumber}`,
    heading: [r.alliance.name, `Capofila: ${r.alliance.capofila}`],
    sections: [
      { title: 'Versamento ricevuto da', lines: companyLines },
      { title: 'Dati del versamento', lines: paymentLines },
    ],
    notes,
  };
}
