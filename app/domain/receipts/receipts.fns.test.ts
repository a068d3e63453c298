import { describe, expect, it } from 'vitest';
import { euroInWords, formatEuroIt, italianNumberWords, receiptSections, type TopUpReceiptData } from './receipts.fns';

describe('italianNumberWords', () => {
  it.each([
    [0, 'zero'],
    [1, 'uno'],
    [3, 'tre'],
    [17, 'diciassette'],
    [21, 'ventuno'],
    [23, 'ventitré'],
    [28, 'ventotto'],
    [80, 'ottanta'],
    [100, 'cento'],
    [103, 'centotré'],
    [108, 'centotto'],
    [180, 'centottanta'],
    [999, 'novecentonovantanove'],
    [1000, 'mille'],
    [1003, 'milletré'],
    [1500, 'millecinquecento'],
    [2000, 'duemila'],
    [23_000, 'ventitremila'],
    [21_021, 'ventunomilaventuno'],
    [1_000_000, 'unmilione'],
    [3_000_003, 'tremilionitré'],
    [123_456_789, 'centoventitremilioniquattrocentocinquantaseimilasettecentottantanove'],
  ])('%i → %s', (n, words) => {
    expect(italianNumberWords(n)).toBe(words);
  });

  it('writes euro with the cents after a slash', () => {
    expect(euroInWords(150_050)).toBe('millecinquecento/50');
    expect(euroInWords(1_000)).toBe('dieci/00');
    expect(euroInWords(5)).toBe('zero/05');
  });
});

const BASE: TopUpReceiptData = {
  receiptNumber: '2026/00007',
  fileName: 'ricevuta-2026-00007.pdf',
  alliance: { name: 'W.IN. – Welfare Innovativo', capofila: 'Comune di Albino – Ambito territoriale n. 8 Valle Seriana' },
  payee: { holderName: 'Servizi Sociosanitari Valseriana S.r.l.', iban: 'IT60 X054 2811 1010 0000 0123 456', bankName: 'Banca di prova' },
  company: { legalName: 'Tessiture Seriane S.p.A.', codiceFiscale: '01234567890', partitaIva: '01234567890', address: 'Via Roma 1', comune: 'Albino' },
  amountCents: 150_050,
  method: 'BANK_TRANSFER',
  paymentReference: 'RF18 5390 0754 7034',
  bankReference: '0306909606510000000123',
  receivedOn: '2026-03-02',
  stripePaymentIntentId: null,
  declaredAt: new Date('2026-03-01T09:00:00Z'),
  creditedAt: new Date('2026-03-03T10:00:00Z'),
  refundedCents: 0,
};

describe('receiptSections', () => {
  it('lists a bank transfer with the bank’s reference, the account and the dates, in Italian', () => {
    const content = receiptSections(BASE);
    expect(content.title).toBe('Ricevuta di ricarica n. 2026/00007');
    const lines = Object.fromEntries(content.sections.flatMap((s) => s.lines.map((l) => [l.label, l.value])));
    expect(lines.Importo).toBe(`${formatEuroIt(150_050)} (millecinquecento/50 euro)`);
    expect(formatEuroIt(150_050)).toBe('1.500,50\u00a0€');
    expect(lines['Identificativi']).toBe('Codice fiscale 01234567890');
    expect(lines['Riferimento bancario (CRO/TRN)']).toBe('0306909606510000000123');
    expect(lines['Accreditata sul conto il']).toBe('02/03/2026');
    expect(lines['Budget ricaricato il']).toBe('03/03/2026');
    expect(lines['Intestatario del conto']).toBe('Servizi Sociosanitari Valseriana S.r.l.');
    expect(content.notes.join(' ')).toContain('non è una fattura');
  });

  it('names the Stripe payment and says when it was refunded', () => {
    const content = receiptSections({ ...BASE, method: 'STRIPE_SEPA', payee: null, bankReference: null, receivedOn: null, stripePaymentIntentId: 'pi_123', refundedCents: 150_050 });
    const lines = Object.fromEntries(content.sections.flatMap((s) => s.lines.map((l) => [l.label, l.value])));
    expect(lines['Modalità di pagamento']).toBe('Addebito diretto SEPA (tramite Stripe)');
    expect(lines['Identificativo del pagamento']).toBe('pi_123');
    expect(lines['Riferimento bancario (CRO/TRN)']).toBeUndefined();
    expect(content.notes[0]).toContain('rimborsato per intero');
  });
});
