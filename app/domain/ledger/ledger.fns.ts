// Pure helpers of the ledger (no I/O): account keys, amount arithmetic, the content of a
// transaction for idempotent replays, hold states, and reading PostgreSQL errors raised by the
// ledger's triggers. See docs/decisions/0007-ledger.md.

export const LEDGER_ACCOUNT_KINDS = [
  'COMPANY_BUDGET',
  'EMPLOYEE_WALLET',
  'HOLD',
  'PROVIDER_PAYABLE',
  'REIMBURSEMENT_PAYABLE',
  'SOLIDARITY_FUND',
  'BANK_CLEARING',
  'STRIPE_CLEARING',
  'EXTERNAL_FUNDING',
] as const;
export type LedgerAccountKindName = (typeof LEDGER_ACCOUNT_KINDS)[number];

export const LEDGER_TRANSACTION_KINDS = [
  'TOP_UP',
  'TOP_UP_REVERSAL',
  'ALLOCATION',
  'HOLD',
  'HOLD_POST',
  'HOLD_VOID',
  'REIMBURSEMENT',
  'PAYOUT',
  'PLAN_CLOSE',
  'FUND_CONTRIBUTION',
  'FUND_GRANT',
  'ADJUSTMENT',
] as const;
export type LedgerTransactionKindName = (typeof LEDGER_TRANSACTION_KINDS)[number];

/** Accounts that mirror money outside the platform (a bank, Stripe, a public funder): they may go negative. */
export const NEGATIVE_ALLOWED_KINDS: readonly LedgerAccountKindName[] = ['BANK_CLEARING', 'STRIPE_CLEARING', 'EXTERNAL_FUNDING'];

/** What a hold may be taken from: money that belongs to someone and cannot go negative. */
export const HOLD_SOURCE_KINDS: readonly LedgerAccountKindName[] = ['EMPLOYEE_WALLET', 'COMPANY_BUDGET', 'SOLIDARITY_FUND'];

/** Where a hold's money goes when it is posted (redemption, approved reimbursement). */
export const HOLD_TARGET_KINDS: readonly LedgerAccountKindName[] = ['PROVIDER_PAYABLE', 'REIMBURSEMENT_PAYABLE'];

/** Transaction kinds that only the hold functions write (they keep the hold's state consistent). */
export const HOLD_TRANSACTION_KINDS: readonly LedgerTransactionKindName[] = ['HOLD', 'HOLD_POST', 'HOLD_VOID'];

export const MAX_ENTRIES_PER_TRANSACTION = 100_000;
export const MAX_KEY_LENGTH = 200;
export const MAX_METADATA_BYTES = 8_192;

/** What identifies one logical account; its ledgerKey is derived from it. */
export interface AccountSpec {
  allianceId: string;
  kind: LedgerAccountKindName;
  organizationId?: string | null;
  membershipId?: string | null;
  planId?: string | null;
  voucherId?: string | null;
  /** HOLD only: the caller's key of the hold (e.g. `voucher:<id>`). */
  holdKey?: string | null;
  /** HOLD only: the account the money is held from. */
  sourceAccountId?: string | null;
}

export class LedgerSpecError extends Error {
  constructor(
    message: string,
    public readonly field: string,
  ) {
    super(message);
    this.name = 'LedgerSpecError';
  }
}

const KEY_PART = /^[A-Za-z0-9_.-]+(?::[A-Za-z0-9_.-]+)*$/;

function part(value: string | null | undefined, field: string, kind: string): string {
  if (!value) throw new LedgerSpecError(`A ${kind} account needs ${field}`, field);
  if (!KEY_PART.test(value)) throw new LedgerSpecError(`${field} may contain only letters, digits, "_", ".", "-" and ":"`, field);
  return value;
}

/**
 * The unique key of the logical account described by `spec`, e.g. `wallet:<membershipId>:<planId>`.
 * The same spec always gives the same key, so an account is never created twice.
 */
export function ledgerKeyFor(spec: AccountSpec): string {
  const k = spec.kind;
  const alliance = () => part(spec.allianceId, 'allianceId', k);
  switch (k) {
    case 'COMPANY_BUDGET':
      return spec.planId
        ? `budget:${part(spec.organizationId, 'organizationId', k)}:${part(spec.planId, 'planId', k)}`
        : `budget:${part(spec.organizationId, 'organizationId', k)}`;
    case 'EMPLOYEE_WALLET':
      return `wallet:${part(spec.membershipId, 'membershipId', k)}:${part(spec.planId, 'planId', k)}`;
    case 'HOLD':
      part(spec.sourceAccountId, 'sourceAccountId', k);
      return `hold:${part(spec.holdKey, 'holdKey', k)}`;
    case 'PROVIDER_PAYABLE':
      return `payable:${part(spec.organizationId, 'organizationId', k)}`;
    case 'REIMBURSEMENT_PAYABLE':
      return `reimbursement:${part(spec.membershipId, 'membershipId', k)}`;
    case 'SOLIDARITY_FUND':
      return `fund:${alliance()}`;
    case 'BANK_CLEARING':
      return `bank:${alliance()}`;
    case 'STRIPE_CLEARING':
      return `stripe:${alliance()}`;
    case 'EXTERNAL_FUNDING':
      return spec.organizationId ? `external:${alliance()}:${part(spec.organizationId, 'organizationId', k)}` : `external:${alliance()}`;
  }
}

export function holdLedgerKey(holdKey: string): string {
  return `hold:${part(holdKey, 'holdKey', 'HOLD')}`;
}

export function allowsNegative(kind: LedgerAccountKindName): boolean {
  return NEGATIVE_ALLOWED_KINDS.includes(kind);
}

// ---------------------------------------------------------------------------------------------
// Amounts

export class AmountError extends Error {
  constructor(
    message: string,
    public readonly messageKey: string,
  ) {
    super(message);
    this.name = 'AmountError';
  }
}

/** A non-zero integer number of cents that a JavaScript number holds exactly. */
export function checkAmount(value: unknown, { allowZero = false, positive = false } = {}): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new AmountError('An amount must be a number of cents', 'ledger.amount.integer');
  if (!Number.isInteger(value)) throw new AmountError(`${value} is not a whole number of cents`, 'ledger.amount.integer');
  if (!Number.isSafeInteger(value)) throw new AmountError(`${value} cents is beyond the largest exact amount`, 'ledger.amount.tooLarge');
  if (!allowZero && value === 0) throw new AmountError('An amount of zero moves nothing', 'ledger.amount.zero');
  if (positive && value < 0) throw new AmountError('The amount must be positive', 'ledger.amount.positive');
  return value;
}

/** bigint (from PostgreSQL) → number, refusing what a number cannot hold exactly. */
export function centsToNumber(value: bigint | number | string): number {
  const big = typeof value === 'bigint' ? value : BigInt(value);
  if (big > BigInt(Number.MAX_SAFE_INTEGER) || big < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new RangeError(`${big} cents is beyond the largest exact amount`);
  }
  return Number(big);
}

export interface EntryAmount {
  accountId: string;
  amountCents: number;
}

/** The sum in bigint, so that many large amounts cannot lose precision on the way. */
export function sumCents(entries: readonly { amountCents: number | bigint }[]): bigint {
  return entries.reduce((total, e) => total + BigInt(e.amountCents), 0n);
}

export type EntriesProblem =
  | { code: 'too_few'; messageKey: 'ledger.entries.tooFew' }
  | { code: 'too_many'; messageKey: 'ledger.entries.tooMany' }
  | { code: 'duplicate_account'; messageKey: 'ledger.entries.duplicateAccount'; accountId: string }
  | { code: 'unbalanced'; messageKey: 'ledger.entries.unbalanced'; sumCents: bigint };

/** Why these entries cannot form a transaction, or null when they can. Amounts are checked separately. */
export function entriesProblem(entries: readonly EntryAmount[]): EntriesProblem | null {
  if (entries.length < 2) return { code: 'too_few', messageKey: 'ledger.entries.tooFew' };
  if (entries.length > MAX_ENTRIES_PER_TRANSACTION) return { code: 'too_many', messageKey: 'ledger.entries.tooMany' };
  const seen = new Set<string>();
  for (const e of entries) {
    if (seen.has(e.accountId)) return { code: 'duplicate_account', messageKey: 'ledger.entries.duplicateAccount', accountId: e.accountId };
    seen.add(e.accountId);
  }
  const total = sumCents(entries);
  if (total !== 0n) return { code: 'unbalanced', messageKey: 'ledger.entries.unbalanced', sumCents: total };
  return null;
}

/** Entries in lock order (by account id): concurrent transactions lock shared accounts in the same order. */
export function inLockOrder<T extends { accountId: string }>(entries: readonly T[]): T[] {
  return [...entries].sort((a, b) => (a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0));
}

// ---------------------------------------------------------------------------------------------
// Idempotent replays

/** JSON with object keys sorted, so two equal values always serialise the same way. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export interface TransactionContent {
  allianceId: string;
  kind: string;
  metadata: unknown;
  entries: readonly { accountId: string; amountCents: number | bigint }[];
}

/** A fingerprint of what a transaction does: alliance, kind, metadata and entries (in any order). */
export function contentFingerprint(content: TransactionContent): string {
  const entries = inLockOrder(content.entries).map((e) => `${e.accountId}=${BigInt(e.amountCents)}`);
  return canonicalJson({ allianceId: content.allianceId, kind: content.kind, metadata: content.metadata ?? {}, entries });
}

/** The differences between a request and the transaction already recorded under its key. */
export function contentDifferences(requested: TransactionContent, recorded: TransactionContent): string[] {
  const diffs: string[] = [];
  if (requested.allianceId !== recorded.allianceId) diffs.push('alliance');
  if (requested.kind !== recorded.kind) diffs.push('kind');
  if (canonicalJson(requested.metadata ?? {}) !== canonicalJson(recorded.metadata ?? {})) diffs.push('metadata');
  const a = contentFingerprint({ ...requested, allianceId: '', kind: '', metadata: {} });
  const b = contentFingerprint({ ...recorded, allianceId: '', kind: '', metadata: {} });
  if (a !== b) diffs.push('entries');
  return diffs;
}

// ---------------------------------------------------------------------------------------------
// Holds

export type HoldStatus = 'HELD' | 'PARTIALLY_POSTED' | 'POSTED' | 'VOIDED';

export interface HoldAmounts {
  heldCents: number;
  postedCents: number;
  voidedCents: number;
  remainingCents: number;
}

/** Open while money remains and no void happened; a void closes a hold for good. */
export function holdStatus(amounts: HoldAmounts): HoldStatus {
  if (amounts.voidedCents > 0) return 'VOIDED';
  if (amounts.remainingCents === 0 && amounts.postedCents > 0) return 'POSTED';
  if (amounts.postedCents > 0) return 'PARTIALLY_POSTED';
  return 'HELD';
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL errors raised by the ledger's triggers and constraints

export type LedgerRule =
  | 'insufficient_funds'
  | 'balanced'
  | 'min_entries'
  | 'same_alliance'
  | 'account_same_alliance'
  | 'with_transaction'
  | 'account_exists'
  | 'transaction_exists'
  | 'starts_at_zero';

export interface PgErrorInfo {
  code: string;
  message: string;
  detail?: string;
  /** From the ledger triggers' DETAIL: {"rule": …, …}. */
  rule?: LedgerRule;
  data?: Record<string, unknown>;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
}

function fromCause(cause: Record<string, unknown> | undefined): PgErrorInfo | undefined {
  if (!cause) return undefined;
  const code = cause.originalCode ?? cause.code;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return undefined;
  const message = String(cause.originalMessage ?? cause.message ?? '');
  const detail = typeof cause.detail === 'string' ? cause.detail : undefined;
  const info: PgErrorInfo = { code, message, ...(detail !== undefined ? { detail } : {}) };
  if (detail?.startsWith('{')) {
    try {
      const data = JSON.parse(detail) as Record<string, unknown>;
      if (typeof data.rule === 'string') {
        info.rule = data.rule as LedgerRule;
        info.data = data;
      }
    } catch {
      // Not ours: leave the detail as text.
    }
  }
  if (!info.rule && code === '23514' && message.includes('LedgerAccount_balance_non_negative')) info.rule = 'insufficient_funds';
  return info;
}

/**
 * The PostgreSQL error inside whatever Prisma threw: a raw query's PrismaClientKnownRequestError
 * (P2010, meta.driverAdapterError.cause), a DriverAdapterError raised at COMMIT (cause), or a
 * plain pg error. Undefined when `error` carries no SQLSTATE.
 */
export function pgErrorOf(error: unknown, depth = 0): PgErrorInfo | undefined {
  const e = asRecord(error);
  if (!e || depth > 4) return undefined;
  const meta = asRecord(e.meta);
  const adapter = asRecord(meta?.driverAdapterError);
  return (
    fromCause(asRecord(adapter?.cause)) ??
    (e.name === 'DriverAdapterError' ? fromCause(asRecord(e.cause)) : undefined) ??
    (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) ? fromCause(e) : undefined) ??
    (meta && typeof meta.code === 'string' ? fromCause({ code: meta.code, message: meta.message }) : undefined) ??
    pgErrorOf(e.cause, depth + 1)
  );
}

/** Serialization failures and deadlocks: the whole transaction may simply be run again. */
export function isRetryable(error: unknown): boolean {
  const e = asRecord(error);
  if (e?.code === 'P2034') return true;
  const code = pgErrorOf(error)?.code;
  return code === '40001' || code === '40P01';
}

/** Delay before retry `attempt` (1-based): exponential with full jitter, capped. */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  const cap = Math.min(200, 5 * 2 ** attempt);
  return Math.floor(random() * cap);
}
