import { describe, expect, it } from 'vitest';
import type { TopUpReceiptData } from './receipts.fns';
import { renderTopUpReceiptPdf } from './receipts.server';

// The PDF itself: valid, deterministic, and carrying the receipt's text.

const RECEIPT: TopUpReceiptData = {
  receiptNumber: '2026/00042',
  fileName: 'ricevuta-2026-00042.pdf',
  alliance: { name: 'W.IN. – Welfare Innovativo', capofila: 'Comune di Albino – Ambito territoriale n. 8 Valle Seriana' },
  payee: { holderName: 'Servizi Sociosanitari Valseriana S.r.l.', iban: 'IT60 X054 2811 1010 0000 0123 456', bankName: null },
  company: { legalName: 'Tessiture Seriane S.p.A.', codiceFiscale: '01234567890', partitaIva: null, address: null, comune: 'Albino' },
  amountCents: 250_000,
  method: 'BANK_TRANSFER',
  paymentReference: 'RF18 5390 0754 7034',
  bankReference: 'TRN 0306909606510000000123',
  receivedOn: '2026-03-02',
  stripePaymentIntentId: null,
  declaredAt: new Date('2026-03-01T09:00:00Z'),
  creditedAt: new Date('2026-03-03T10:00:00Z'),
  refundedCents: 0,
};

/** The text shown by the page's TJ/Tj operators (standard fonts: WinAnsi bytes in hex strings). */
function pdfText(pdf: Buffer): string {
  const source = pdf.toString('latin1');
  const parts: string[] = [];
  for (const match of source.matchAll(/\[((?:<[0-9a-fA-F]*>\s*-?\d*\.?\d*\s*)+)\]\s*TJ|<([0-9a-fA-F]*)>\s*Tj/g)) {
    const hexes = match[1] ? [...match[1].matchAll(/<([0-9a-fA-F]*)>/g)].map((m) => m[1]!) : [match[2]!];
    parts.push(hexes.map((h) => Buffer.from(h, 'hex').toString('latin1')).join(''));
  }
  return parts.join('\n');
}

describe('renderTopUpReceiptPdf', () => {
  it('is a PDF with the receipt number, the amount, the company and the "not an invoice" line', async () => {
    const pdf = await renderTopUpReceiptPdf(RECEIPT);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.subarray(-6).toString('latin1')).toContain('%%EOF');
    const text = pdfText(pdf);
    expect(text).toContain('Ricevuta di ricarica n. 2026/00042');
    expect(text).toContain('2.500,00');
    expect(text).toContain('duemilacinquecento/00 euro');
    expect(text).toContain('Tessiture Seriane S.p.A.');
    expect(text).toContain('TRN 0306909606510000000123');
    expect(text).toContain('non è una fattura');
  });

  it('gives the same bytes every time for the same top-up', async () => {
    const [a, b] = await Promise.all([renderTopUpReceiptPdf(RECEIPT), renderTopUpReceiptPdf({ ...RECEIPT })]);
    expect(a.equals(b)).toBe(true);
    const other = await renderTopUpReceiptPdf({ ...RECEIPT, receiptNumber: '2026/00043' });
    expect(other.equals(a)).toBe(false);
  });
});
