import PDFDocument from 'pdfkit';
import type { Actor } from '~/domain/auth/actor';
import { formatReceiptNumber, formatReference, isCredited, receiptFileName } from '~/domain/topups/topups.fns';
import type { DbTx } from '~/utils/db.server';
import { NotFound } from '~/utils/errors.server';
import { NOT_AN_INVOICE, receiptSections, type TopUpReceiptData } from './receipts.fns';

// Receipts of credited top-ups, for the company's administrators only (anyone else: NotFound, as
// for a top-up that does not exist or is not credited). The PDF is generated on request from the
// stored data and is deterministic: the same top-up always gives the same bytes (its creation date
// is the credit time, so even the PDF's file identifier does not change).

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function getTopUpReceipt(db: DbTx, actor: Actor, topUpId: string): Promise<TopUpReceiptData> {
  const m = actor.membership;
  if (!m || m.role !== 'COMPANY_ADMIN' || !UUID_PATTERN.test(topUpId)) throw new NotFound('Receipt not found');
  const topUp = await db.topUp.findFirst({
    where: { id: topUpId, companyId: m.organizationId, allianceId: m.allianceId },
    include: {
      alliance: { select: { name: true, capofila: true, bankAccount: { select: { holderName: true, iban: true, bankName: true } } } },
      company: { select: { legalName: true, codiceFiscale: true, partitaIva: true, address: true, comune: { select: { name: true } } } },
    },
  });
  if (!topUp || !isCredited(topUp.status) || !topUp.creditedAt || !topUp.receiptYear || !topUp.receiptSeq) throw new NotFound('Receipt not found');
  const bank = topUp.alliance.bankAccount;
  return {
    receiptNumber: formatReceiptNumber(topUp.receiptYear, topUp.receiptSeq),
    fileName: receiptFileName(topUp.receiptYear, topUp.receiptSeq),
    alliance: { name: topUp.alliance.name, capofila: topUp.alliance.capofila },
    payee: topUp.method === 'BANK_TRANSFER' && bank ? { holderName: bank.holderName, iban: bank.iban.replace(/(.{4})(?=.)/g, '$1 '), bankName: bank.bankName } : null,
    company: {
      legalName: topUp.company.legalName,
      codiceFiscale: topUp.company.codiceFiscale,
      partitaIva: topUp.company.partitaIva,
      address: topUp.company.address,
      comune: topUp.company.comune?.name ?? null,
    },
    amountCents: topUp.amountCents,
    method: topUp.method,
    paymentReference: formatReference(topUp.paymentReference),
    bankReference: topUp.bankReference,
    receivedOn: topUp.receivedOn ? topUp.receivedOn.toISOString().slice(0, 10) : null,
    stripePaymentIntentId: topUp.stripePaymentIntentId,
    declaredAt: topUp.createdAt,
    creditedAt: topUp.creditedAt,
    refundedCents: topUp.refundedCents,
  };
}

const INK = '#1a1a1a';
const MUTED = '#5c6f82';
const ACCENT = '#0066cc';

/**
 * The receipt as an A4 PDF (Helvetica, Italian). Content streams are not compressed: a receipt is
 * small, and its text stays searchable by any tool.
 */
export function renderTopUpReceiptPdf(receipt: TopUpReceiptData): Promise<Buffer> {
  const content = receiptSections(receipt);
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({
      size: 'A4',
      margin: 56,
      compress: false,
      lang: 'it-IT',
      displayTitle: true,
      info: {
        Title: content.title,
        Subject: `${receipt.company.legalName} – ${receipt.alliance.name}`,
        Author: receipt.alliance.name,
        Creator: 'Conciliamo',
        Producer: 'Conciliamo',
        CreationDate: receipt.creditedAt,
        ModDate: receipt.creditedAt,
      },
    });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);

    const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
    doc.rect(doc.page.margins.left, 40, width, 4).fill(ACCENT);
    doc.moveDown(0.5);
    doc.fillColor(INK).font('Helvetica-Bold').fontSize(13).text(content.heading[0]!, { width });
    doc.fillColor(MUTED).font('Helvetica').fontSize(10);
    for (const line of content.heading.slice(1)) doc.text(line, { width });
    doc.moveDown(1.2);
    doc.fillColor(INK).font('Helvetica-Bold').fontSize(18).text(content.title, { width });
    doc.moveDown(1);

    const labelWidth = 170;
    for (const section of content.sections) {
      doc.fillColor(ACCENT).font('Helvetica-Bold').fontSize(11).text(section.title.toUpperCase(), { width, characterSpacing: 0.5 });
      doc.moveDown(0.3);
      for (const line of section.lines) {
        const y = doc.y;
        doc.fillColor(MUTED).font('Helvetica').fontSize(10).text(line.label, doc.page.margins.left, y, { width: labelWidth - 10 });
        const afterLabel = doc.y;
        doc.fillColor(INK).font('Helvetica').fontSize(11).text(line.value, doc.page.margins.left + labelWidth, y, { width: width - labelWidth });
        doc.y = Math.max(doc.y, afterLabel) + 4;
      }
      doc.x = doc.page.margins.left;
      doc.moveDown(1);
    }

    doc.fillColor(INK).font('Helvetica').fontSize(10);
    for (const note of content.notes) {
      doc.text(note, doc.page.margins.left, doc.y, { width, align: 'left' });
      doc.moveDown(0.6);
    }
    doc.moveDown(1);
    doc.fillColor(MUTED).fontSize(8).text(`Documento generato da Conciliamo per ${receipt.alliance.name}. ${NOT_AN_INVOICE.split(':')[0]}.`, { width });
    doc.end();
  });
}
