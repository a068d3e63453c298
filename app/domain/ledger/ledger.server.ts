import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { ApiActor } from '~/domain/api-keys/api-keys.server';
import type { Actor } from '~/domain/auth/actor';
import type { Db, DbTx } from '~/utils/db.server';
import { Conflict, isDomainError, NotFound, ValidationFailed } from '~/utils/errors.server';
import {
  allowsNegative,
  centsToNumber,
  contentDifferences,
  entriesProblem,
  HOLD_SOURCE_KINDS,
  HOLD_TARGET_KINDS,
  HOLD_TRANSACTION_KINDS,
  holdLedgerKey,
  holdStatus,
  inLockOrder,
  isRetryable,
  ledgerKeyFor,
  LedgerSpecError,
  pgErrorOf,
  retryDelayMs,
  type HoldStatus,
  type LedgerAccountKindName,
  type LedgerTransactionKindName,
} from './ledger.fns';
import {
  AccountSpecSchema,
  CreateHoldInputSchema,
  ListEntriesInputSchema,
  PostHoldInputSchema,
  PostTransactionInputSchema,
  VoidHoldInputSchema,
  type AccountRef,
  type CreateHoldInput,
  type LedgerActor,
  type LedgerMetadata,
  type ListEntriesInput,
  type PostHoldInput,
  type PostTransactionInput,
  type VoidHoldInput,
} from './ledger.schema';

// The money core (docs/decisions/0007-ledger.md). Every movement is one balanced transaction of
// signed integer-cent entries under a caller-chosen idempotency key; PostgreSQL enforces the
// invariants (migration 20261122200000_ledger) and keeps each account's cached balance with a
// conditional update, so a debit can never spend money a concurrent debit already took.
//
// These functions are the ledger's own API, called by the domain functions that own a money
// movement (top-ups, allocations, vouchers, reimbursements, plan close) after those have checked
// the acting user's permissions. The scope here is the alliance: an account of another alliance
// is NotFound, exactly like one that does not exist.
//
// `db` may be the client (each call runs in its own transaction and is retried on serialization
// failures and deadlocks) or a transaction client (the call joins the caller's transaction: a
// failure then aborts the caller's whole transaction, and the caller decides about retries).

export type { AccountRef, LedgerActor, LedgerMetadata };

/** A debit that would take an account that cannot go negative below zero. 409, with the account kind and the shortfall. */
export class InsufficientFunds extends Conflict {
  constructor(
    public readonly accountId: string,
    /** Null only when the CHECK of last resort fired instead of the entry trigger (it names no account). */
    public readonly accountKind: LedgerAccountKindName | null,
    public readonly shortfallCents: number,
  ) {
    super(`Insufficient funds: the ${accountKind ?? 'debited'} account lacks ${shortfallCents} cents`, {
      reason: 'insufficient_funds',
      messageKey: 'ledger.insufficientFunds',
      accountId,
      accountKind,
      shortfallCents,
    });
  }
}

export interface LedgerAccountView {
  id: string;
  allianceId: string;
  kind: LedgerAccountKindName;
  ledgerKey: string;
  organizationId: string | null;
  membershipId: string | null;
  planId: string | null;
  voucherId: string | null;
  sourceAccountId: string | null;
  currency: string;
  balanceCents: number;
  allowNegative: boolean;
  createdAt: Date;
}

export interface LedgerEntryView {
  accountId: string;
  ledgerKey: string;
  accountKind: LedgerAccountKindName;
  amountCents: number;
}

export interface LedgerTransactionView {
  id: string;
  allianceId: string;
  kind: LedgerTransactionKindName;
  idempotencyKey: string;
  actor: LedgerActor;
  metadata: LedgerMetadata;
  createdAt: Date;
  entries: LedgerEntryView[];
  /** True when the idempotency key had already been used for the same content: nothing new was written. */
  replayed: boolean;
}

export interface HoldView {
  holdKey: string;
  accountId: string;
  sourceAccountId: string;
  allianceId: string;
  voucherId: string | null;
  heldCents: number;
  postedCents: number;
  voidedCents: number;
  remainingCents: number;
  status: HoldStatus;
}

export interface HoldResult {
  transaction: LedgerTransactionView;
  hold: HoldView;
}

/** The ledger actor of a signed-in person. */
export function ledgerActorOf(actor: Pick<Actor, 'user'>): LedgerActor {
  return { userId: actor.user.id };
}

/** The ledger actor of a JSON API call. */
export function ledgerActorOfApiKey(actor: Pick<ApiActor, 'apiKeyId'>): LedgerActor {
  return { apiKeyId: actor.apiKeyId };
}

// ---------------------------------------------------------------------------------------------
// Plumbing

const MAX_ATTEMPTS = 6;
const TRANSACTION_OPTIONS = { isolationLevel: 'ReadCommitted', maxWait: 15_000, timeout: 30_000 } as const;

function isFullClient(db: Db | DbTx): db is Db {
  return typeof (db as Partial<Db>).$transaction === 'function';
}

function parse<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fieldErrors: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const path = issue.path.map(String).join('.') || what;
    fieldErrors[path] ??= issue.message;
  }
  const summary = Object.entries(fieldErrors)
    .map(([path, message]) => `${path}: ${message}`)
    .join('; ');
  throw new ValidationFailed(`Invalid ${what}: ${summary}`, fieldErrors);
}

/** Turns what PostgreSQL said through Prisma into the ledger's typed errors. */
function mapError(error: unknown): unknown {
  if (isDomainError(error)) return error;
  const pg = pgErrorOf(error);
  if (!pg) return error;
  switch (pg.rule) {
    case 'insufficient_funds': {
      const data = pg.data ?? {};
      const shortfall = typeof data.shortfallCents === 'string' ? centsToNumber(data.shortfallCents) : 0;
      return new InsufficientFunds(String(data.accountId ?? ''), (data.kind as LedgerAccountKindName | undefined) ?? null, shortfall);
    }
    case 'account_exists':
    case 'same_alliance':
      return new NotFound('Ledger account not found');
    case 'account_same_alliance':
      return new NotFound('The owner of the account is not in this alliance');
    default:
      if (pg.code === '23503') return new NotFound('Ledger account or owner not found');
      return error;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `work` with `db`; with the full client, runs it again after a serialization failure or deadlock. */
async function withRetry<T>(db: Db | DbTx, work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (isFullClient(db) && attempt < MAX_ATTEMPTS && isRetryable(error)) {
        await sleep(retryDelayMs(attempt));
        continue;
      }
      throw mapError(error);
    }
  }
}

/** `fn` inside one READ COMMITTED transaction: a new one (retried) for the client, the caller's otherwise. */
function inLedgerTransaction<T>(db: Db | DbTx, fn: (tx: DbTx) => Promise<T>): Promise<T> {
  return withRetry(db, () => (isFullClient(db) ? db.$transaction((tx) => fn(tx), TRANSACTION_OPTIONS) : fn(db)));
}

interface AccountRow {
  id: string;
  allianceId: string;
  kind: LedgerAccountKindName;
  ledgerKey: string;
  organizationId: string | null;
  membershipId: string | null;
  planId: string | null;
  voucherId: string | null;
  sourceAccountId: string | null;
  currency: string;
  balanceCents: bigint;
  allowNegative: boolean;
  createdAt: Date;
}

function accountView(row: AccountRow): LedgerAccountView {
  return { ...row, currency: row.currency.trim(), balanceCents: centsToNumber(row.balanceCents) };
}

function describeRef(ref: AccountRef): string {
  return 'accountId' in ref ? ref.accountId : ref.ledgerKey;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The accounts `refs` name, all inside the alliance; NotFound for any that is missing or foreign. */
async function resolveAccounts(db: DbTx, allianceId: string, refs: readonly AccountRef[]): Promise<AccountRow[]> {
  // A malformed id names nothing: NotFound, like an unknown one (not a PostgreSQL cast error).
  if (!UUID.test(allianceId)) throw new NotFound('Alliance not found');
  for (const ref of refs) if ('accountId' in ref && !UUID.test(ref.accountId)) throw new NotFound(`Ledger account ${ref.accountId} not found`);
  const ids = refs.flatMap((r) => ('accountId' in r ? [r.accountId] : []));
  const keys = refs.flatMap((r) => ('ledgerKey' in r ? [r.ledgerKey] : []));
  const rows = await db.$queryRaw<AccountRow[]>`
    SELECT "id", "allianceId", "kind", "ledgerKey", "organizationId", "membershipId", "planId", "voucherId",
           "sourceAccountId", "currency", "balanceCents", "allowNegative", "createdAt"
    FROM "LedgerAccount"
    WHERE "allianceId" = ${allianceId}::uuid AND ("id" = ANY(${ids}::uuid[]) OR "ledgerKey" = ANY(${keys}::text[]))`;
  const byId = new Map(rows.map((r) => [r.id, r]));
  const byKey = new Map(rows.map((r) => [r.ledgerKey, r]));
  return refs.map((ref) => {
    const row = 'accountId' in ref ? byId.get(ref.accountId) : byKey.get(ref.ledgerKey);
    if (!row) throw new NotFound(`Ledger account ${describeRef(ref)} not found`);
    return row;
  });
}

async function lockAccount(db: DbTx, allianceId: string, ledgerKey: string): Promise<AccountRow | undefined> {
  const rows = await db.$queryRaw<AccountRow[]>`
    SELECT "id", "allianceId", "kind", "ledgerKey", "organizationId", "membershipId", "planId", "voucherId",
           "sourceAccountId", "currency", "balanceCents", "allowNegative", "createdAt"
    FROM "LedgerAccount"
    WHERE "ledgerKey" = ${ledgerKey} AND "allianceId" = ${allianceId}::uuid
    FOR NO KEY UPDATE`;
  return rows[0];
}

function actorColumns(actor: LedgerActor) {
  return {
    userId: 'userId' in actor ? actor.userId : null,
    apiKeyId: 'apiKeyId' in actor ? actor.apiKeyId : null,
    system: 'system' in actor ? actor.system : null,
  };
}

function actorOf(row: { actorUserId: string | null; actorApiKeyId: string | null; actorSystem: string | null }): LedgerActor {
  if (row.actorUserId) return { userId: row.actorUserId };
  if (row.actorApiKeyId) return { apiKeyId: row.actorApiKeyId };
  return { system: row.actorSystem ?? 'unknown' };
}

interface ResolvedPosting {
  allianceId: string;
  kind: LedgerTransactionKindName;
  idempotencyKey: string;
  actor: LedgerActor;
  metadata: LedgerMetadata;
  /** In lock order. */
  entries: Array<{ account: Pick<AccountRow, 'id' | 'kind' | 'ledgerKey'>; amountCents: number }>;
}

/** One transaction and its entries, read back (for replays and listings). */
export async function getTransactionByKey(db: DbTx, idempotencyKey: string): Promise<Omit<LedgerTransactionView, 'replayed'> | null> {
  const headers = await db.$queryRaw<
    Array<{
      id: string;
      allianceId: string;
      kind: LedgerTransactionKindName;
      idempotencyKey: string;
      actorUserId: string | null;
      actorApiKeyId: string | null;
      actorSystem: string | null;
      metadata: LedgerMetadata;
      createdAt: Date;
    }>
  >`
    SELECT "id", "allianceId", "kind", "idempotencyKey", "actorUserId", "actorApiKeyId", "actorSystem", "metadata", "createdAt"
    FROM "LedgerTransaction" WHERE "idempotencyKey" = ${idempotencyKey}`;
  const header = headers[0];
  if (!header) return null;
  const entries = await db.$queryRaw<Array<{ accountId: string; ledgerKey: string; accountKind: LedgerAccountKindName; amountCents: bigint }>>`
    SELECT e."accountId", a."ledgerKey", a."kind" AS "accountKind", e."amountCents"
    FROM "LedgerEntry" e JOIN "LedgerAccount" a ON a."id" = e."accountId"
    WHERE e."transactionId" = ${header.id}::uuid
    ORDER BY e."id"`;
  return {
    id: header.id,
    allianceId: header.allianceId,
    kind: header.kind,
    idempotencyKey: header.idempotencyKey,
    actor: actorOf(header),
    metadata: header.metadata,
    createdAt: header.createdAt,
    entries: entries.map((e) => ({ ...e, amountCents: centsToNumber(e.amountCents) })),
  };
}

function newTransactionView(posting: ResolvedPosting, id: string, createdAt: Date): LedgerTransactionView {
  return {
    id,
    allianceId: posting.allianceId,
    kind: posting.kind,
    idempotencyKey: posting.idempotencyKey,
    actor: posting.actor,
    metadata: posting.metadata,
    createdAt,
    entries: posting.entries.map((e) => ({
      accountId: e.account.id,
      ledgerKey: e.account.ledgerKey,
      accountKind: e.account.kind,
      amountCents: e.amountCents,
    })),
    replayed: false,
  };
}

/** The recorded transaction when `posting` repeats it; Conflict when the key was used for something else. */
function replayOf(posting: ResolvedPosting, recorded: Omit<LedgerTransactionView, 'replayed'>): LedgerTransactionView {
  const differences = contentDifferences(
    {
      allianceId: posting.allianceId,
      kind: posting.kind,
      metadata: posting.metadata,
      entries: posting.entries.map((e) => ({ accountId: e.account.id, amountCents: e.amountCents })),
    },
    recorded,
  );
  if (differences.length > 0) {
    throw new Conflict(`Idempotency key "${posting.idempotencyKey}" was already used for a different transaction (${differences.join(', ')} differ)`, {
      reason: 'idempotency_conflict',
      messageKey: 'ledger.idempotencyConflict',
      transactionId: recorded.id,
      differences,
    });
  }
  return { ...recorded, replayed: true };
}

/**
 * Writes the header and its entries in ONE statement (so it is atomic even without an explicit
 * transaction), or nothing when the idempotency key is taken — then the recorded transaction is
 * compared and returned as a replay.
 */
async function writePosting(db: DbTx, posting: ResolvedPosting): Promise<LedgerTransactionView> {
  const id = randomUUID();
  const actor = actorColumns(posting.actor);
  const accountIds = posting.entries.map((e) => e.account.id);
  const amounts = posting.entries.map((e) => String(e.amountCents));
  const rows = await db.$queryRaw<Array<{ id: string; createdAt: Date; entryCount: number }>>`
    WITH header AS (
      INSERT INTO "LedgerTransaction" ("id", "allianceId", "kind", "idempotencyKey", "actorUserId", "actorApiKeyId", "actorSystem", "metadata")
      VALUES (${id}::uuid, ${posting.allianceId}::uuid, ${posting.kind}::"LedgerTransactionKind", ${posting.idempotencyKey},
              ${actor.userId}::uuid, ${actor.apiKeyId}::uuid, ${actor.system}, ${JSON.stringify(posting.metadata)}::jsonb)
      ON CONFLICT ("idempotencyKey") DO NOTHING
      RETURNING "id", "createdAt"
    ), inserted AS (
      INSERT INTO "LedgerEntry" ("transactionId", "accountId", "amountCents")
      SELECT header."id", x.account_id, x.amount
      FROM header CROSS JOIN unnest(${accountIds}::uuid[], ${amounts}::bigint[]) WITH ORDINALITY AS x(account_id, amount, ord)
      ORDER BY x.ord
      RETURNING 1
    )
    SELECT header."id", header."createdAt", (SELECT count(*)::int FROM inserted) AS "entryCount" FROM header`;
  const created = rows[0];
  if (created) return newTransactionView(posting, created.id, created.createdAt);
  const recorded = await getTransactionByKey(db, posting.idempotencyKey);
  // Committed by someone else between our conflict and this read cannot vanish; missing means the
  // caller's snapshot predates it (REPEATABLE READ): a retry sees it.
  if (!recorded) throw new Conflict('The idempotency key is being used by a concurrent transaction: retry', { reason: 'idempotency_in_flight' });
  return replayOf(posting, recorded);
}

function checkEntries(entries: Array<{ account: Pick<AccountRow, 'id'>; amountCents: number }>): void {
  const problem = entriesProblem(entries.map((e) => ({ accountId: e.account.id, amountCents: e.amountCents })));
  if (!problem) return;
  const messages: Record<typeof problem.code, string> = {
    too_few: 'A transaction needs at least two entries',
    too_many: 'Too many entries for one transaction',
    duplicate_account: 'Each account may appear once per transaction',
    unbalanced: `The entries must sum to zero (they sum to ${problem.code === 'unbalanced' ? problem.sumCents : 0} cents)`,
  };
  throw new ValidationFailed(messages[problem.code], { entries: problem.messageKey });
}

// ---------------------------------------------------------------------------------------------
// Accounts

function ledgerKeyOrValidation(spec: Parameters<typeof ledgerKeyFor>[0]): string {
  try {
    return ledgerKeyFor(spec);
  } catch (error) {
    if (error instanceof LedgerSpecError) throw new ValidationFailed(error.message, { [error.field]: 'ledger.account.invalid' });
    throw error;
  }
}

async function ensureAccountRow(db: DbTx, input: z.input<typeof AccountSpecSchema>): Promise<AccountRow> {
  const spec = parse(AccountSpecSchema, input, 'ledger account');
  const ledgerKey = ledgerKeyOrValidation(spec);
  const allowNegative = allowsNegative(spec.kind);
  await db.$executeRaw`
    INSERT INTO "LedgerAccount" ("id", "allianceId", "kind", "ledgerKey", "organizationId", "membershipId", "planId", "voucherId", "sourceAccountId", "allowNegative")
    VALUES (${randomUUID()}::uuid, ${spec.allianceId}::uuid, ${spec.kind}::"LedgerAccountKind", ${ledgerKey},
            ${spec.organizationId ?? null}::uuid, ${spec.membershipId ?? null}::uuid, ${spec.planId ?? null}::uuid,
            ${spec.voucherId ?? null}::uuid, ${spec.sourceAccountId ?? null}::uuid, ${allowNegative})
    ON CONFLICT ("ledgerKey") DO NOTHING`;
  const rows = await db.$queryRaw<AccountRow[]>`
    SELECT "id", "allianceId", "kind", "ledgerKey", "organizationId", "membershipId", "planId", "voucherId",
           "sourceAccountId", "currency", "balanceCents", "allowNegative", "createdAt"
    FROM "LedgerAccount" WHERE "ledgerKey" = ${ledgerKey}`;
  const row = rows[0];
  if (!row) throw new Conflict('The ledger account is being created by a concurrent transaction: retry', { reason: 'account_in_flight' });
  if (row.allianceId !== spec.allianceId) throw new NotFound('Ledger account not found');
  const same =
    row.kind === spec.kind &&
    row.organizationId === (spec.organizationId ?? null) &&
    row.membershipId === (spec.membershipId ?? null) &&
    row.planId === (spec.planId ?? null) &&
    (spec.kind !== 'HOLD' || (row.sourceAccountId === (spec.sourceAccountId ?? null) && row.voucherId === (spec.voucherId ?? null)));
  if (!same) {
    throw new Conflict(`Ledger account ${ledgerKey} already exists with different owners`, { reason: 'account_key_conflict', ledgerKey });
  }
  return row;
}

/**
 * The account `spec` describes, created at zero the first time (idempotent: the same spec always
 * returns the same account, also under concurrent calls). Owners must be in the alliance.
 */
export async function ensureAccount(db: Db | DbTx, spec: z.input<typeof AccountSpecSchema>): Promise<LedgerAccountView> {
  return accountView(await withRetry(db, () => ensureAccountRow(db, spec)));
}

/** One account of the alliance, by id or key. */
export async function getAccount(db: Db | DbTx, input: { allianceId: string; account: AccountRef }): Promise<LedgerAccountView> {
  const [row] = await resolveAccounts(db, input.allianceId, [input.account]);
  return accountView(row!);
}

/** The balance of one account of the alliance. */
export async function getBalance(
  db: Db | DbTx,
  input: { allianceId: string; account: AccountRef },
): Promise<{ accountId: string; ledgerKey: string; kind: LedgerAccountKindName; balanceCents: number }> {
  const account = await getAccount(db, input);
  return { accountId: account.id, ledgerKey: account.ledgerKey, kind: account.kind, balanceCents: account.balanceCents };
}

export interface EntryListRow {
  entryId: string;
  transactionId: string;
  transactionKind: LedgerTransactionKindName;
  idempotencyKey: string;
  amountCents: number;
  createdAt: Date;
  metadata: LedgerMetadata;
}

/** An account's entries, newest first, a page at a time (keyset paging: pass `nextCursor` back). */
export async function listEntries(db: Db | DbTx, input: ListEntriesInput): Promise<{ rows: EntryListRow[]; nextCursor: string | null }> {
  const query = parse(ListEntriesInputSchema, input, 'entry listing');
  const [account] = await resolveAccounts(db, query.allianceId, [query.account]);
  const cursor = query.cursor ?? null;
  const rows = await db.$queryRaw<
    Array<{ id: bigint; transactionId: string; kind: LedgerTransactionKindName; idempotencyKey: string; amountCents: bigint; createdAt: Date; metadata: LedgerMetadata }>
  >`
    SELECT e."id", e."transactionId", t."kind", t."idempotencyKey", e."amountCents", e."createdAt", t."metadata"
    FROM "LedgerEntry" e JOIN "LedgerTransaction" t ON t."id" = e."transactionId"
    WHERE e."accountId" = ${account!.id}::uuid AND (${cursor}::bigint IS NULL OR e."id" < ${cursor}::bigint)
    ORDER BY e."id" DESC
    LIMIT ${query.limit + 1}`;
  const page = rows.slice(0, query.limit);
  return {
    rows: page.map((r) => ({
      entryId: String(r.id),
      transactionId: r.transactionId,
      transactionKind: r.kind,
      idempotencyKey: r.idempotencyKey,
      amountCents: centsToNumber(r.amountCents),
      createdAt: r.createdAt,
      metadata: r.metadata,
    })),
    nextCursor: rows.length > query.limit ? String(page[page.length - 1]!.id) : null,
  };
}

// ---------------------------------------------------------------------------------------------
// Transactions

/**
 * Posts one balanced transaction: entries (by account id or ledger key, each account once) whose
 * signed amounts sum to zero. Checked here first for a clear error, then enforced by PostgreSQL.
 *
 * - The same idempotency key with the same content returns the recorded transaction
 *   (`replayed: true`) and writes nothing; with different content it is a Conflict.
 * - A debit beyond the balance of an account that cannot go negative throws InsufficientFunds and
 *   writes nothing.
 * - Holds move only through createHold / postHold / voidHold.
 */
export async function postTransaction(db: Db | DbTx, input: PostTransactionInput): Promise<LedgerTransactionView> {
  const request = parse(PostTransactionInputSchema, input, 'ledger transaction');
  if (HOLD_TRANSACTION_KINDS.includes(request.kind)) {
    throw new ValidationFailed(`${request.kind} transactions are written by createHold, postHold and voidHold`, { kind: 'ledger.kind.holdOnly' });
  }
  // Count and balance need no database; distinct accounts are checked once they are resolved.
  checkEntries(request.entries.map((e, i) => ({ account: { id: `#${i}`, kind: 'EMPLOYEE_WALLET', ledgerKey: '' }, amountCents: e.amountCents })));
  return withRetry(db, () => resolveAndWrite(db, request));
}

interface ResolvedAccountJson {
  ord: number;
  id: string | null;
  kind: LedgerAccountKindName | null;
  ledgerKey: string | null;
}

/**
 * postTransaction in ONE statement (one round trip, atomic without an explicit transaction):
 * resolves the entries' accounts inside the alliance, and writes the header and the entries (in
 * lock order) only when every account was found, each once, and none is a hold. Then either the
 * new transaction, a replay of the recorded one, or the reason nothing was written.
 */
async function resolveAndWrite(db: DbTx, request: z.output<typeof PostTransactionInputSchema>): Promise<LedgerTransactionView> {
  const id = randomUUID();
  const actor = actorColumns(request.actor);
  const ids = request.entries.map((e) => ('accountId' in e ? e.accountId : null));
  const keys = request.entries.map((e) => ('ledgerKey' in e ? e.ledgerKey : null));
  const amounts = request.entries.map((e) => String(e.amountCents));
  const rows = await db.$queryRaw<Array<{ transactionId: string | null; createdAt: Date | null; accounts: ResolvedAccountJson[] }>>`
    WITH input AS (
      SELECT x.ord, x.account_id, x.ledger_key, x.amount
      FROM unnest(${ids}::uuid[], ${keys}::text[], ${amounts}::bigint[]) WITH ORDINALITY AS x(account_id, ledger_key, amount, ord)
    ), resolved AS (
      SELECT i.ord, i.amount, a."id", a."kind", a."ledgerKey"
      FROM input i
      LEFT JOIN "LedgerAccount" a ON a."allianceId" = ${request.allianceId}::uuid
        AND ((i.account_id IS NOT NULL AND a."id" = i.account_id) OR (i.account_id IS NULL AND a."ledgerKey" = i.ledger_key))
    ), verdict AS (
      SELECT count(*) = count("id") AND count(DISTINCT "id") = count(*) AND bool_and("kind" IS DISTINCT FROM 'HOLD') AS ok FROM resolved
    ), header AS (
      INSERT INTO "LedgerTransaction" ("id", "allianceId", "kind", "idempotencyKey", "actorUserId", "actorApiKeyId", "actorSystem", "metadata")
      SELECT ${id}::uuid, ${request.allianceId}::uuid, ${request.kind}::"LedgerTransactionKind", ${request.idempotencyKey},
             ${actor.userId}::uuid, ${actor.apiKeyId}::uuid, ${actor.system}, ${JSON.stringify(request.metadata)}::jsonb
      FROM verdict WHERE verdict.ok
      ON CONFLICT ("idempotencyKey") DO NOTHING
      RETURNING "id", "createdAt"
    ), inserted AS (
      INSERT INTO "LedgerEntry" ("transactionId", "accountId", "amountCents")
      SELECT header."id", r."id", r.amount FROM header CROSS JOIN resolved r
      ORDER BY r."id"
      RETURNING 1
    )
    SELECT (SELECT "id" FROM header) AS "transactionId", (SELECT "createdAt" FROM header) AS "createdAt",
           (SELECT count(*) FROM inserted) AS "entryCount",
           (SELECT json_agg(json_build_object('ord', r.ord, 'id', r."id", 'kind', r."kind", 'ledgerKey', r."ledgerKey") ORDER BY r.ord) FROM resolved r) AS accounts`;
  const result = rows[0]!;
  const accounts = result.accounts;
  accounts.forEach((a, i) => {
    if (!a.id) throw new NotFound(`Ledger account ${describeRef(request.entries[i]!)} not found`);
  });
  const entries = accounts.map((a, i) => ({
    account: { id: a.id!, kind: a.kind!, ledgerKey: a.ledgerKey! },
    amountCents: request.entries[i]!.amountCents,
    accountId: a.id!,
  }));
  checkEntries(entries);
  if (entries.some((e) => e.account.kind === 'HOLD')) {
    throw new ValidationFailed('Hold accounts move only through createHold, postHold and voidHold', { entries: 'ledger.kind.holdOnly' });
  }
  const posting: ResolvedPosting = { ...request, entries: inLockOrder(entries) };
  if (result.transactionId && result.createdAt) return newTransactionView(posting, result.transactionId, result.createdAt);
  const recorded = await getTransactionByKey(db, request.idempotencyKey);
  if (!recorded) throw new Conflict('The idempotency key is being used by a concurrent transaction: retry', { reason: 'idempotency_in_flight' });
  return replayOf(posting, recorded);
}

/** Reads a transaction by its idempotency key, inside the alliance. */
export async function getTransaction(db: Db | DbTx, input: { allianceId: string; idempotencyKey: string }): Promise<LedgerTransactionView> {
  const recorded = await getTransactionByKey(db, input.idempotencyKey);
  if (!recorded || recorded.allianceId !== input.allianceId) throw new NotFound('Ledger transaction not found');
  return { ...recorded, replayed: false };
}

// ---------------------------------------------------------------------------------------------
// Holds: two-phase movements, like TigerBeetle's pending transfers. createHold moves the amount
// from the source (a wallet) into an account of its own; postHold moves part or all of what
// remains to a payable (several partial posts allowed, never more than held); voidHold returns
// what remains to the source and closes the hold. Each runs in one transaction holding the hold
// account's row lock, so concurrent posts and voids of one hold are serialised.

async function holdView(db: DbTx, hold: AccountRow, holdKey: string): Promise<HoldView> {
  const sums = await db.$queryRaw<Array<{ kind: LedgerTransactionKindName; total: bigint }>>`
    SELECT t."kind", sum(e."amountCents")::bigint AS total
    FROM "LedgerEntry" e JOIN "LedgerTransaction" t ON t."id" = e."transactionId"
    WHERE e."accountId" = ${hold.id}::uuid
    GROUP BY t."kind"`;
  const byKind = new Map(sums.map((s) => [s.kind, centsToNumber(s.total)]));
  const heldCents = byKind.get('HOLD') ?? 0;
  const postedCents = 0 - (byKind.get('HOLD_POST') ?? 0); // 0 - x, not -x: never -0
  const voidedCents = 0 - (byKind.get('HOLD_VOID') ?? 0);
  const remainingCents = heldCents - postedCents - voidedCents;
  const amounts = { heldCents, postedCents, voidedCents, remainingCents };
  return {
    holdKey,
    accountId: hold.id,
    sourceAccountId: hold.sourceAccountId!,
    allianceId: hold.allianceId,
    voucherId: hold.voucherId,
    ...amounts,
    status: holdStatus(amounts),
  };
}

function holdKeyToLedgerKey(holdKey: string): string {
  try {
    return holdLedgerKey(holdKey);
  } catch {
    throw new NotFound(`Hold ${holdKey} not found`);
  }
}

async function lockHold(tx: DbTx, allianceId: string, holdKey: string): Promise<AccountRow> {
  const hold = await lockAccount(tx, allianceId, holdKeyToLedgerKey(holdKey));
  if (!hold || hold.kind !== 'HOLD') throw new NotFound(`Hold ${holdKey} not found`);
  return hold;
}

function holdClosed(holdKey: string, hold: HoldView): Conflict {
  return new Conflict(`Hold ${holdKey} is ${hold.status.toLowerCase()}: nothing remains to move`, {
    reason: 'hold_closed',
    messageKey: 'ledger.holdClosed',
    status: hold.status,
  });
}

/** Moves `amountCents` from `from` (a wallet, budget or fund) into a new hold named `holdKey`. */
export async function createHold(db: Db | DbTx, input: CreateHoldInput): Promise<HoldResult> {
  const request = parse(CreateHoldInputSchema, input, 'hold');
  return inLedgerTransaction(db, async (tx) => {
    const [source] = await resolveAccounts(tx, request.allianceId, [request.from]);
    if (!HOLD_SOURCE_KINDS.includes(source!.kind)) {
      throw new ValidationFailed(`A hold cannot be taken from a ${source!.kind} account`, { from: 'ledger.hold.source' });
    }
    const created = await ensureAccountRow(tx, {
      allianceId: request.allianceId,
      kind: 'HOLD',
      holdKey: request.holdKey,
      sourceAccountId: source!.id,
      voucherId: request.voucherId ?? null,
    });
    // Lock the hold: a concurrent createHold of the same key waits here, then sees ours.
    const hold = await lockHold(tx, request.allianceId, request.holdKey);
    if (hold.id !== created.id) throw new Conflict(`Hold ${request.holdKey} changed concurrently: retry`, { reason: 'hold_exists' });
    const posting: ResolvedPosting = {
      allianceId: request.allianceId,
      kind: 'HOLD',
      idempotencyKey: request.idempotencyKey,
      actor: request.actor,
      metadata: { ...request.metadata, holdKey: request.holdKey },
      entries: inLockOrder([
        { account: source!, amountCents: -request.amountCents, accountId: source!.id },
        { account: hold, amountCents: request.amountCents, accountId: hold.id },
      ]),
    };
    const recorded = await getTransactionByKey(tx, request.idempotencyKey);
    if (recorded) return { transaction: replayOf(posting, recorded), hold: await holdView(tx, hold, request.holdKey) };
    const before = await holdView(tx, hold, request.holdKey);
    if (before.heldCents !== 0) {
      throw new Conflict(`Hold ${request.holdKey} already exists`, { reason: 'hold_exists', messageKey: 'ledger.holdExists', status: before.status });
    }
    const transaction = await writePosting(tx, posting);
    return { transaction, hold: await holdView(tx, hold, request.holdKey) };
  });
}

/** Moves `amountCents` (at most what remains) of a hold to a payable. May be called several times. */
export async function postHold(db: Db | DbTx, input: PostHoldInput): Promise<HoldResult> {
  const request = parse(PostHoldInputSchema, input, 'hold posting');
  return inLedgerTransaction(db, async (tx) => {
    const hold = await lockHold(tx, request.allianceId, request.holdKey);
    const [target] = await resolveAccounts(tx, request.allianceId, [request.to]);
    if (!HOLD_TARGET_KINDS.includes(target!.kind)) {
      throw new ValidationFailed(`A hold cannot be posted to a ${target!.kind} account`, { to: 'ledger.hold.target' });
    }
    const posting: ResolvedPosting = {
      allianceId: request.allianceId,
      kind: 'HOLD_POST',
      idempotencyKey: request.idempotencyKey,
      actor: request.actor,
      metadata: { ...request.metadata, holdKey: request.holdKey },
      entries: inLockOrder([
        { account: hold, amountCents: -request.amountCents, accountId: hold.id },
        { account: target!, amountCents: request.amountCents, accountId: target!.id },
      ]),
    };
    const recorded = await getTransactionByKey(tx, request.idempotencyKey);
    if (recorded) return { transaction: replayOf(posting, recorded), hold: await holdView(tx, hold, request.holdKey) };
    const before = await holdView(tx, hold, request.holdKey);
    if (before.status === 'VOIDED' || before.status === 'POSTED') throw holdClosed(request.holdKey, before);
    if (request.amountCents > before.remainingCents) {
      throw new InsufficientFunds(hold.id, 'HOLD', request.amountCents - before.remainingCents);
    }
    const transaction = await writePosting(tx, posting);
    return { transaction, hold: await holdView(tx, hold, request.holdKey) };
  });
}

/** Returns what remains of a hold to its source and closes it. */
export async function voidHold(db: Db | DbTx, input: VoidHoldInput): Promise<HoldResult> {
  const request = parse(VoidHoldInputSchema, input, 'hold void');
  return inLedgerTransaction(db, async (tx) => {
    const hold = await lockHold(tx, request.allianceId, request.holdKey);
    const [source] = await resolveAccounts(tx, request.allianceId, [{ accountId: hold.sourceAccountId! }]);
    const metadata = { ...request.metadata, holdKey: request.holdKey };
    const recorded = await getTransactionByKey(tx, request.idempotencyKey);
    if (recorded) {
      // The amount a void moves is what remained then: compare with the recorded amount.
      const moved = recorded.entries.find((e) => e.accountId === source!.id)?.amountCents ?? 0;
      const posting: ResolvedPosting = {
        allianceId: request.allianceId,
        kind: 'HOLD_VOID',
        idempotencyKey: request.idempotencyKey,
        actor: request.actor,
        metadata,
        entries: inLockOrder([
          { account: hold, amountCents: -moved, accountId: hold.id },
          { account: source!, amountCents: moved, accountId: source!.id },
        ]),
      };
      return { transaction: replayOf(posting, recorded), hold: await holdView(tx, hold, request.holdKey) };
    }
    const before = await holdView(tx, hold, request.holdKey);
    if (before.status === 'VOIDED' || before.remainingCents === 0) throw holdClosed(request.holdKey, before);
    const transaction = await writePosting(tx, {
      allianceId: request.allianceId,
      kind: 'HOLD_VOID',
      idempotencyKey: request.idempotencyKey,
      actor: request.actor,
      metadata,
      entries: inLockOrder([
        { account: hold, amountCents: -before.remainingCents, accountId: hold.id },
        { account: source!, amountCents: before.remainingCents, accountId: source!.id },
      ]),
    });
    return { transaction, hold: await holdView(tx, hold, request.holdKey) };
  });
}

/** A hold's amounts and status. */
export async function getHold(db: Db | DbTx, input: { allianceId: string; holdKey: string }): Promise<HoldView> {
  const [hold] = await resolveAccounts(db, input.allianceId, [{ ledgerKey: holdKeyToLedgerKey(input.holdKey) }]);
  if (hold!.kind !== 'HOLD') throw new NotFound(`Hold ${input.holdKey} not found`);
  return holdView(db, hold!, input.holdKey);
}
