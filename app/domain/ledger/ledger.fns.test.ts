import { describe, expect, it } from 'vitest';
import {
  allowsNegative,
  canonicalJson,
  centsToNumber,
  checkAmount,
  contentDifferences,
  entriesProblem,
  holdLedgerKey,
  holdStatus,
  inLockOrder,
  isRetryable,
  ledgerKeyFor,
  LedgerSpecError,
  pgErrorOf,
  retryDelayMs,
  sumCents,
} from './ledger.fns';
import { CentsSchema, IdempotencyKeySchema, PostTransactionInputSchema } from './ledger.schema';

const A = '3f1c2b9e-7d4a-4c1e-9a8b-0c1d2e3f4a5b';
const M = '8a7b6c5d-4e3f-4a1b-8c9d-0e1f2a3b4c5d';
const P = 'b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e';

describe('ledgerKeyFor', () => {
  it('derives one key per logical account', () => {
    expect(ledgerKeyFor({ allianceId: A, kind: 'EMPLOYEE_WALLET', membershipId: M, planId: P })).toBe(`wallet:${M}:${P}`);
    expect(ledgerKeyFor({ allianceId: A, kind: 'COMPANY_BUDGET', organizationId: M })).toBe(`budget:${M}`);
    expect(ledgerKeyFor({ allianceId: A, kind: 'COMPANY_BUDGET', organizationId: M, planId: P })).toBe(`budget:${M}:${P}`);
    expect(ledgerKeyFor({ allianceId: A, kind: 'PROVIDER_PAYABLE', organizationId: M })).toBe(`payable:${M}`);
    expect(ledgerKeyFor({ allianceId: A, kind: 'REIMBURSEMENT_PAYABLE', membershipId: M })).toBe(`reimbursement:${M}`);
    expect(ledgerKeyFor({ allianceId: A, kind: 'SOLIDARITY_FUND' })).toBe(`fund:${A}`);
    expect(ledgerKeyFor({ allianceId: A, kind: 'BANK_CLEARING' })).toBe(`bank:${A}`);
    expect(ledgerKeyFor({ allianceId: A, kind: 'STRIPE_CLEARING' })).toBe(`stripe:${A}`);
    expect(ledgerKeyFor({ allianceId: A, kind: 'EXTERNAL_FUNDING' })).toBe(`external:${A}`);
    expect(ledgerKeyFor({ allianceId: A, kind: 'EXTERNAL_FUNDING', organizationId: M })).toBe(`external:${A}:${M}`);
    expect(ledgerKeyFor({ allianceId: A, kind: 'HOLD', holdKey: `voucher:${P}`, sourceAccountId: M })).toBe(`hold:voucher:${P}`);
    expect(holdLedgerKey('booking:42')).toBe('hold:booking:42');
  });

  it('refuses a spec without its owner, or a key part with odd characters', () => {
    expect(() => ledgerKeyFor({ allianceId: A, kind: 'EMPLOYEE_WALLET', membershipId: M })).toThrow(LedgerSpecError);
    expect(() => ledgerKeyFor({ allianceId: A, kind: 'HOLD', holdKey: 'x' })).toThrow(/sourceAccountId/);
    expect(() => ledgerKeyFor({ allianceId: A, kind: 'HOLD', holdKey: 'a b', sourceAccountId: M })).toThrow(/holdKey/);
    expect(() => holdLedgerKey('')).toThrow(LedgerSpecError);
  });

  it('lets only clearing and external accounts go negative', () => {
    expect(allowsNegative('BANK_CLEARING')).toBe(true);
    expect(allowsNegative('STRIPE_CLEARING')).toBe(true);
    expect(allowsNegative('EXTERNAL_FUNDING')).toBe(true);
    for (const kind of ['COMPANY_BUDGET', 'EMPLOYEE_WALLET', 'HOLD', 'PROVIDER_PAYABLE', 'REIMBURSEMENT_PAYABLE', 'SOLIDARITY_FUND'] as const) {
      expect(allowsNegative(kind), kind).toBe(false);
    }
  });
});

describe('amounts', () => {
  it('accepts integer cents only, within the exact range', () => {
    expect(checkAmount(1050)).toBe(1050);
    expect(checkAmount(-1)).toBe(-1);
    expect(() => checkAmount(10.5)).toThrow(/whole number/);
    expect(() => checkAmount(Number.MAX_SAFE_INTEGER + 1)).toThrow(/beyond/);
    expect(() => checkAmount(0)).toThrow(/zero/);
    expect(checkAmount(0, { allowZero: true })).toBe(0);
    expect(() => checkAmount(-5, { positive: true })).toThrow(/positive/);
    expect(() => checkAmount('12')).toThrow(/number of cents/);
    expect(() => checkAmount(Number.NaN)).toThrow();
  });

  it('converts bigint cents to numbers only when exact', () => {
    expect(centsToNumber(123n)).toBe(123);
    expect(centsToNumber('-9007199254740991')).toBe(-9007199254740991);
    expect(() => centsToNumber(9007199254740992n)).toThrow(RangeError);
  });

  it('sums in bigint, without losing precision', () => {
    const big = Number.MAX_SAFE_INTEGER;
    expect(sumCents([{ amountCents: big }, { amountCents: big }, { amountCents: -big }, { amountCents: -big }])).toBe(0n);
    expect(sumCents([{ amountCents: big }, { amountCents: 2 }])).toBe(BigInt(big) + 2n);
  });

  it('validates amounts in the schemas with i18n keys', () => {
    expect(CentsSchema.safeParse(100).success).toBe(true);
    expect(CentsSchema.safeParse(1.5).error?.issues[0]?.message).toBe('ledger.amount.integer');
    expect(CentsSchema.safeParse(2 ** 60).error?.issues[0]?.message).toBe('ledger.amount.tooLarge');
    expect(CentsSchema.safeParse(0).error?.issues[0]?.message).toBe('ledger.amount.zero');
    expect(CentsSchema.safeParse('100').success).toBe(false);
    expect(IdempotencyKeySchema.safeParse('topup:42').success).toBe(true);
    expect(IdempotencyKeySchema.safeParse('with space').success).toBe(false);
    expect(IdempotencyKeySchema.safeParse('').success).toBe(false);
  });

  it('requires an actor and at least two entries', () => {
    const base = { allianceId: A, kind: 'ADJUSTMENT', idempotencyKey: 'k', entries: [{ accountId: M, amountCents: 1 }, { accountId: P, amountCents: -1 }] };
    expect(PostTransactionInputSchema.safeParse({ ...base, actor: { system: 'test' } }).success).toBe(true);
    expect(PostTransactionInputSchema.safeParse({ ...base, actor: {} }).success).toBe(false);
    expect(PostTransactionInputSchema.safeParse({ ...base, actor: { userId: M, apiKeyId: P } }).success).toBe(false);
    expect(PostTransactionInputSchema.safeParse({ ...base, actor: { system: 'test' }, entries: base.entries.slice(1) }).success).toBe(false);
    expect(PostTransactionInputSchema.safeParse({ ...base, actor: { system: 'test' }, kind: 'GIFT' }).success).toBe(false);
  });
});

describe('entriesProblem', () => {
  it('accepts balanced entries on distinct accounts', () => {
    expect(entriesProblem([{ accountId: 'a', amountCents: 500 }, { accountId: 'b', amountCents: -300 }, { accountId: 'c', amountCents: -200 }])).toBeNull();
  });

  it('names what is wrong', () => {
    expect(entriesProblem([{ accountId: 'a', amountCents: 1 }])?.code).toBe('too_few');
    expect(entriesProblem([{ accountId: 'a', amountCents: 1 }, { accountId: 'a', amountCents: -1 }])?.code).toBe('duplicate_account');
    expect(entriesProblem([{ accountId: 'a', amountCents: 100 }, { accountId: 'b', amountCents: -99 }])).toEqual({
      code: 'unbalanced',
      messageKey: 'ledger.entries.unbalanced',
      sumCents: 1n,
    });
  });

  it('orders entries by account id so shared accounts are always locked in the same order', () => {
    expect(inLockOrder([{ accountId: 'c' }, { accountId: 'a' }, { accountId: 'b' }]).map((e) => e.accountId)).toEqual(['a', 'b', 'c']);
  });
});

describe('idempotent replays', () => {
  const recorded = {
    allianceId: A,
    kind: 'TOP_UP',
    metadata: { topUpId: 'x', nested: { b: 1, a: 2 } },
    entries: [
      { accountId: 'bank', amountCents: -100 },
      { accountId: 'budget', amountCents: 100 },
    ],
  };

  it('sees the same content whatever the order of entries and keys', () => {
    expect(
      contentDifferences(
        { ...recorded, metadata: { nested: { a: 2, b: 1 }, topUpId: 'x' }, entries: [...recorded.entries].reverse() },
        { ...recorded, entries: recorded.entries.map((e) => ({ ...e, amountCents: BigInt(e.amountCents) })) },
      ),
    ).toEqual([]);
  });

  it('names every difference', () => {
    expect(contentDifferences({ ...recorded, kind: 'ADJUSTMENT' }, recorded)).toEqual(['kind']);
    expect(contentDifferences({ ...recorded, metadata: { topUpId: 'y' } }, recorded)).toEqual(['metadata']);
    expect(
      contentDifferences({ ...recorded, entries: [{ accountId: 'bank', amountCents: -101 }, { accountId: 'budget', amountCents: 101 }] }, recorded),
    ).toEqual(['entries']);
    expect(contentDifferences({ ...recorded, allianceId: P }, recorded)).toEqual(['alliance']);
  });

  it('serialises JSON canonically', () => {
    expect(canonicalJson({ b: [1, { d: 1, c: undefined, a: null }], a: 'x' })).toBe('{"a":"x","b":[1,{"a":null,"d":1}]}');
  });
});

describe('holdStatus', () => {
  it('follows the two phases', () => {
    expect(holdStatus({ heldCents: 100, postedCents: 0, voidedCents: 0, remainingCents: 100 })).toBe('HELD');
    expect(holdStatus({ heldCents: 100, postedCents: 30, voidedCents: 0, remainingCents: 70 })).toBe('PARTIALLY_POSTED');
    expect(holdStatus({ heldCents: 100, postedCents: 100, voidedCents: 0, remainingCents: 0 })).toBe('POSTED');
    expect(holdStatus({ heldCents: 100, postedCents: 30, voidedCents: 70, remainingCents: 0 })).toBe('VOIDED');
  });
});

describe('PostgreSQL errors through Prisma', () => {
  const detail = JSON.stringify({ rule: 'insufficient_funds', accountId: M, kind: 'EMPLOYEE_WALLET', shortfallCents: '250' });

  it('reads a raw query error (P2010 with the driver adapter cause)', () => {
    const error = {
      name: 'PrismaClientKnownRequestError',
      code: 'P2010',
      meta: { driverAdapterError: { name: 'DriverAdapterError', cause: { originalCode: '23514', originalMessage: 'Insufficient funds', detail } } },
    };
    expect(pgErrorOf(error)).toMatchObject({ code: '23514', rule: 'insufficient_funds', data: { shortfallCents: '250' } });
  });

  it('reads an error raised at COMMIT (DriverAdapterError) and a plain pg error', () => {
    const atCommit = { name: 'DriverAdapterError', cause: { originalCode: '23514', message: 'unbalanced', detail: '{"rule":"balanced"}' } };
    expect(pgErrorOf(atCommit)).toMatchObject({ code: '23514', rule: 'balanced' });
    expect(pgErrorOf({ code: '40P01', message: 'deadlock detected' })).toMatchObject({ code: '40P01' });
    expect(pgErrorOf(new Error('nothing'))).toBeUndefined();
  });

  it('maps the CHECK of last resort to insufficient funds', () => {
    const error = { name: 'DriverAdapterError', cause: { code: '23514', message: 'new row for relation "LedgerAccount" violates check constraint "LedgerAccount_balance_non_negative"' } };
    expect(pgErrorOf(error)?.rule).toBe('insufficient_funds');
  });

  it('retries serialization failures and deadlocks only', () => {
    expect(isRetryable({ code: '40001', message: 'could not serialize' })).toBe(true);
    expect(isRetryable({ name: 'DriverAdapterError', cause: { originalCode: '40P01', message: 'deadlock' } })).toBe(true);
    expect(isRetryable({ code: 'P2034' })).toBe(true);
    expect(isRetryable({ code: '23514', message: 'check' })).toBe(false);
    expect(isRetryable(new Error('x'))).toBe(false);
  });

  it('waits a bounded, jittered delay before a retry', () => {
    expect(retryDelayMs(1, () => 0.999)).toBeLessThan(10);
    expect(retryDelayMs(10, () => 0.999)).toBeLessThan(200);
    expect(retryDelayMs(3, () => 0)).toBe(0);
  });
});
