// Pure helpers of top-ups (no I/O): the payment reference a company writes in its bank transfer,
// euro amounts typed the Italian way, receipt numbers, and what each status allows.
// See docs/decisions/0009-top-ups-and-stripe.md.

export const TOP_UP_METHODS = ['BANK_TRANSFER', 'STRIPE_CARD', 'STRIPE_SEPA'] as const;
export type TopUpMethodName = (typeof TOP_UP_METHODS)[number];

export const TOP_UP_STATUSES = ['DECLARED', 'PENDING_PAYMENT', 'CREDITED', 'FAILED', 'REFUNDED', 'CANCELLED'] as const;
export type TopUpStatusName = (typeof TOP_UP_STATUSES)[number];

/** Smallest top-up: € 10,00 (Stripe's own minimum is € 0,50; a budget is never loaded with less). */
export const MIN_TOP_UP_CENTS = 1_000;
/** Largest top-up in one payment: € 1.000.000,00 (more is split into several transfers). */
export const MAX_TOP_UP_CENTS = 100_000_000;

// ---------------------------------------------------------------------------------------------
// Payment reference: an ISO 11649 creditor reference ("RF" + two check digits + body), the
// structured reference SEPA credit transfers carry. The check digits are computed like an IBAN's
// (mod 97), so any single wrong character and almost any swap of two is caught when the alliance
// admin types it from the bank statement.

/** Body characters: letters and digits that cannot be mistaken for one another (no I, L, O, 0, 1). */
export const REFERENCE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const REFERENCE_BODY_LENGTH = 8;

/** Letters → numbers as ISO 7064 mod 97-10 wants them (A = 10 … Z = 35). */
function numeric(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    out += code >= 65 && code <= 90 ? String(code - 55) : ch;
  }
  return out;
}

function mod97(digits: string): number {
  let remainder = 0;
  for (let i = 0; i < digits.length; i += 7) {
    remainder = Number(`${remainder}${digits.slice(i, i + 7)}`) % 97;
  }
  return remainder;
}

/** The two check digits of an RF reference for `body` (1–21 upper-case letters or digits). */
export function rfCheckDigits(body: string): string {
  if (!/^[A-Z0-9]{1,21}$/.test(body)) throw new RangeError('An RF reference body is 1–21 letters or digits');
  return String(98 - mod97(numeric(`${body}RF00`))).padStart(2, '0');
}

/** Upper case, without spaces or dashes: the electronic format. */
export function normalizeReference(input: string): string {
  return input.replace(/[\s\u00a0\u202f-]/g, '').toUpperCase();
}

export type ReferenceProblem = 'empty' | 'format' | 'check_digits';

/** Checks a typed reference; `value` is its electronic format. */
export function validateReference(input: string): { ok: true; value: string } | { ok: false; reason: ReferenceProblem } {
  const value = normalizeReference(input);
  if (!value) return { ok: false, reason: 'empty' };
  if (!/^RF[0-9]{2}[A-Z0-9]{1,21}$/.test(value)) return { ok: false, reason: 'format' };
  if (mod97(numeric(`${value.slice(4)}${value.slice(0, 4)}`)) !== 1) return { ok: false, reason: 'check_digits' };
  return { ok: true, value };
}

/**
 * A new random payment reference, e.g. RF47K7M29QXC. `random(n)` gives an integer in [0, n)
 * (crypto.randomInt on the server; this module stays free of Node imports for the pages).
 */
export function newPaymentReference(random: (n: number) => number): string {
  let body = '';
  for (let i = 0; i < REFERENCE_BODY_LENGTH; i++) body += REFERENCE_ALPHABET[random(REFERENCE_ALPHABET.length)];
  return `RF${rfCheckDigits(body)}${body}`;
}

/** The printed format: groups of four, e.g. "RF47 K7M2 9QXC". */
export function formatReference(reference: string): string {
  return normalizeReference(reference).replace(/(.{4})(?=.)/g, '$1 ');
}

// ---------------------------------------------------------------------------------------------
// Euro amounts typed the Italian way

/**
 * Euro text → integer cents, or null when it is not an amount. Accepts "1500", "1.500", "1.500,50",
 * "1500,5", "1500.50" (a decimal point, as an English keyboard types it), "€ 1.500"; at most two
 * decimals; no negatives. Limits are checked by the caller.
 */
export function parseEuroAmount(input: string): number | null {
  const text = input.replace(/€|eur(o)?/gi, '').replace(/[\s\u00a0\u202f]/g, '');
  if (!text) return null;
  let integer: string;
  let decimals = '';
  if (/^\d{1,3}(\.\d{3})+(,\d{1,2})?$/.test(text)) {
    const [int, dec] = text.split(',');
    integer = int!.replace(/\./g, '');
    decimals = dec ?? '';
  } else if (/^\d+(,\d{1,2})?$/.test(text)) {
    const [int, dec] = text.split(',');
    integer = int!;
    decimals = dec ?? '';
  } else if (/^\d+\.\d{1,2}$/.test(text)) {
    const [int, dec] = text.split('.');
    integer = int!;
    decimals = dec!;
  } else {
    return null;
  }
  if (integer.length > 12) return null;
  const cents = Number(integer) * 100 + Number(decimals.padEnd(2, '0'));
  return Number.isSafeInteger(cents) ? cents : null;
}

// ---------------------------------------------------------------------------------------------
// Receipts

/** The calendar year in Italy at `date` (a credit at 00:30 on 1 January, Rome time, is the new year). */
export function romeYear(date: Date): number {
  return Number(new Intl.DateTimeFormat('en', { timeZone: 'Europe/Rome', year: 'numeric' }).format(date));
}

/** "2026/00042": the year, then the sequence within the alliance and year. */
export function formatReceiptNumber(year: number, seq: number): string {
  return `${year}/${String(seq).padStart(5, '0')}`;
}

/** The file name of a receipt: ricevuta-2026-00042.pdf */
export function receiptFileName(year: number, seq: number): string {
  return `ricevuta-${formatReceiptNumber(year, seq).replace('/', '-')}.pdf`;
}

// ---------------------------------------------------------------------------------------------
// Statuses

export function isStripeMethod(method: TopUpMethodName): boolean {
  return method === 'STRIPE_CARD' || method === 'STRIPE_SEPA';
}

/** Whether the budget received the money (and a receipt exists). */
export function isCredited(status: TopUpStatusName): boolean {
  return status === 'CREDITED' || status === 'REFUNDED';
}

/** The company may withdraw a bank transfer it declared, until the alliance admin confirms it. */
export function companyMayCancel(status: TopUpStatusName, method: TopUpMethodName): boolean {
  return method === 'BANK_TRANSFER' && status === 'DECLARED';
}

/** Bootstrap Italia badge colour of a status. */
export function statusTone(status: TopUpStatusName): 'success' | 'warning' | 'danger' | 'secondary' | 'info' {
  switch (status) {
    case 'CREDITED':
      return 'success';
    case 'DECLARED':
    case 'PENDING_PAYMENT':
      return 'warning';
    case 'FAILED':
      return 'danger';
    case 'REFUNDED':
      return 'info';
    case 'CANCELLED':
      return 'secondary';
  }
}

/**
 * What a refund of `refundedTotalCents` (Stripe's cumulative amount_refunded) means for a top-up
 * that already had `alreadyRefundedCents` reversed: the new amount to reverse now, and whether the
 * top-up is now refunded in full.
 */
export function refundDelta(input: { amountCents: number; alreadyRefundedCents: number; refundedTotalCents: number }): {
  deltaCents: number;
  fullyRefunded: boolean;
} {
  const total = Math.min(Math.max(input.refundedTotalCents, 0), input.amountCents);
  const deltaCents = Math.max(total - input.alreadyRefundedCents, 0);
  return { deltaCents, fullyRefunded: total >= input.amountCents };
}
