import { randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  companyMayCancel,
  formatReceiptNumber,
  formatReference,
  isCredited,
  newPaymentReference,
  normalizeReference,
  parseEuroAmount,
  receiptFileName,
  REFERENCE_ALPHABET,
  refundDelta,
  rfCheckDigits,
  romeYear,
  validateReference,
} from './topups.fns';

describe('RF creditor reference (ISO 11649)', () => {
  it('computes the check digits of the standard example RF18 5390 0754 7034', () => {
    expect(rfCheckDigits('539007547034')).toBe('18');
    expect(validateReference('RF18 5390 0754 7034')).toEqual({ ok: true, value: 'RF18539007547034' });
    expect(validateReference('rf18-5390-0754-7034')).toEqual({ ok: true, value: 'RF18539007547034' });
  });

  it('generates references that validate, in the printed groups of four', () => {
    for (let i = 0; i < 500; i++) {
      const reference = newPaymentReference((n) => randomInt(n));
      expect(reference).toMatch(/^RF[0-9]{2}[A-HJKMNP-Z2-9]{8}$/);
      expect(validateReference(reference)).toEqual({ ok: true, value: reference });
      expect(formatReference(reference)).toMatch(/^RF[0-9]{2} [A-Z0-9]{4} [A-Z0-9]{4}$/);
    }
  });

  it('never uses characters that read alike', () => {
    expect(REFERENCE_ALPHABET).not.toMatch(/[ILO01]/);
  });

  it('catches every single wrong character and every swap of two neighbours', () => {
    const reference = newPaymentReference(() => 7);
    const chars = [...REFERENCE_ALPHABET, ...'0123456789'];
    for (let i = 2; i < reference.length; i++) {
      for (const ch of chars) {
        if (ch === reference[i]) continue;
        const typo = `${reference.slice(0, i)}${ch}${reference.slice(i + 1)}`;
        expect(validateReference(typo).ok, typo).toBe(false);
      }
    }
    for (let i = 2; i < reference.length - 1; i++) {
      if (reference[i] === reference[i + 1]) continue;
      const swapped = `${reference.slice(0, i)}${reference[i + 1]}${reference[i]}${reference.slice(i + 2)}`;
      expect(validateReference(swapped).ok, swapped).toBe(false);
    }
  });

  it('says why a typed reference is refused', () => {
    expect(validateReference('  ')).toEqual({ ok: false, reason: 'empty' });
    expect(validateReference('XX18539007547034')).toEqual({ ok: false, reason: 'format' });
    expect(validateReference('RF1853900754703')).toEqual({ ok: false, reason: 'check_digits' });
    expect(normalizeReference(' rf18 5390\u00a00754 ')).toBe('RF1853900754');
  });
});

describe('parseEuroAmount', () => {
  it.each([
    ['1500', 150_000],
    ['1.500', 150_000],
    ['1.500,50', 150_050],
    ['1500,5', 150_050],
    ['1500.50', 150_050],
    ['€ 12.345,67', 1_234_567],
    ['2.000.000', 200_000_000],
    ['0,01', 1],
  ])('reads %s as %i cents', (text, cents) => {
    expect(parseEuroAmount(text)).toBe(cents);
  });

  it.each(['', 'abc', '-10', '10,123', '1,500.00', '1.50.0', '12 34,5x'])('refuses %j', (text) => {
    expect(parseEuroAmount(text)).toBeNull();
  });
});

describe('receipts', () => {
  it('numbers receipts per year with five digits', () => {
    expect(formatReceiptNumber(2026, 42)).toBe('2026/00042');
    expect(receiptFileName(2026, 42)).toBe('ricevuta-2026-00042.pdf');
  });

  it('takes the year in Italian time', () => {
    expect(romeYear(new Date('2026-12-31T23:30:00Z'))).toBe(2027);
    expect(romeYear(new Date('2026-12-31T22:30:00Z'))).toBe(2026);
  });
});

describe('statuses and refunds', () => {
  it('lets the company withdraw only a declared bank transfer', () => {
    expect(companyMayCancel('DECLARED', 'BANK_TRANSFER')).toBe(true);
    expect(companyMayCancel('CREDITED', 'BANK_TRANSFER')).toBe(false);
    expect(companyMayCancel('PENDING_PAYMENT', 'STRIPE_CARD')).toBe(false);
    expect(isCredited('REFUNDED')).toBe(true);
    expect(isCredited('FAILED')).toBe(false);
  });

  it('turns a cumulative refunded amount into what is left to reverse', () => {
    expect(refundDelta({ amountCents: 10_000, alreadyRefundedCents: 0, refundedTotalCents: 4_000 })).toEqual({ deltaCents: 4_000, fullyRefunded: false });
    expect(refundDelta({ amountCents: 10_000, alreadyRefundedCents: 4_000, refundedTotalCents: 10_000 })).toEqual({ deltaCents: 6_000, fullyRefunded: true });
    expect(refundDelta({ amountCents: 10_000, alreadyRefundedCents: 10_000, refundedTotalCents: 10_000 })).toEqual({ deltaCents: 0, fullyRefunded: true });
    // An older event delivered late never reverses twice nor goes backwards.
    expect(refundDelta({ amountCents: 10_000, alreadyRefundedCents: 10_000, refundedTotalCents: 4_000 })).toEqual({ deltaCents: 0, fullyRefunded: false });
  });
});
