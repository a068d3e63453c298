import { recordAudit } from '~/domain/audit/audit.server';
import type { Db, DbTx } from '~/utils/db.server';
import type { Logger } from '~/utils/logger.server';
import { NEGATIVE_ALLOWED_KINDS } from './ledger.fns';

// `conciliamo ledger verify` and the nightly ledger:verify job. Recomputes every balance from the
// entries and checks every invariant the database is meant to keep — in case a trigger was
// disabled, a row was written by hand with triggers off, or a migration went wrong. Set-based SQL
// inside one REPEATABLE READ snapshot: postings running meanwhile are either wholly seen or not
// at all, so they never look like problems. About two aggregate passes over LedgerEntry.

export const LEDGER_PROBLEM_CODES = [
  /** The cached balance differs from the sum of the account's entries. */
  'BALANCE_MISMATCH',
  /** An account that may not go negative is (or computes) below zero. */
  'NEGATIVE_BALANCE',
  /** An account kind that must never go negative is flagged allowNegative. */
  'NEGATIVE_NOT_ALLOWED',
  /** A transaction's entries do not sum to zero. */
  'UNBALANCED_TRANSACTION',
  /** A transaction with fewer than two entries. */
  'TOO_FEW_ENTRIES',
  /** An entry of zero cents. */
  'ZERO_ENTRY',
  /** An entry on an account of another alliance than its transaction's. */
  'CROSS_ALLIANCE_ENTRY',
  /** An entry written after its transaction's database transaction (appended later). */
  'ENTRY_OUTSIDE_TRANSACTION',
  /** An entry whose transaction or account does not exist. */
  'ORPHAN_ENTRY',
  /** An account whose owner (organisation, membership, hold source) is in another alliance. */
  'OWNER_OUTSIDE_ALLIANCE',
] as const;
export type LedgerProblemCode = (typeof LEDGER_PROBLEM_CODES)[number];

export interface LedgerProblem {
  code: LedgerProblemCode;
  message: string;
  allianceId: string | null;
  accountId?: string;
  ledgerKey?: string;
  transactionId?: string;
  idempotencyKey?: string;
  /** What the entries say (BALANCE_MISMATCH, UNBALANCED_TRANSACTION: the sum). */
  expectedCents?: string;
  /** What is recorded (the cached balance). */
  actualCents?: string;
}

export interface LedgerVerification {
  ok: boolean;
  problems: LedgerProblem[];
  /** More problems existed than were listed (the listing stops at `maxProblems` per check). */
  truncated: boolean;
  checked: { accounts: number; transactions: number; entries: number };
  durationMs: number;
}

const NEGATIVE_KINDS_SQL = NEGATIVE_ALLOWED_KINDS.map((k) => `'${k}'`).join(', ');

interface AccountProblemRow {
  id: string;
  allianceId: string;
  ledgerKey: string;
  kind: string;
  allowNegative: boolean;
  balanceCents: bigint;
  computed: bigint;
}

interface TransactionProblemRow {
  transactionId: string;
  allianceId: string | null;
  idempotencyKey: string | null;
  headerMissing: boolean;
  entries: bigint;
  total: bigint;
  zeros: bigint;
  orphans: bigint;
  foreign: bigint;
  late: bigint;
}

interface OwnerProblemRow {
  id: string;
  allianceId: string;
  ledgerKey: string;
  owner: string;
}

async function accountProblems(tx: DbTx, limit: number): Promise<AccountProblemRow[]> {
  return tx.$queryRawUnsafe<AccountProblemRow[]>(`
    WITH sums AS (
      SELECT "accountId", sum("amountCents")::bigint AS total FROM "LedgerEntry" GROUP BY "accountId"
    )
    SELECT a."id", a."allianceId", a."ledgerKey", a."kind"::text AS kind, a."allowNegative", a."balanceCents",
           coalesce(s.total, 0)::bigint AS computed
    FROM "LedgerAccount" a LEFT JOIN sums s ON s."accountId" = a."id"
    WHERE a."balanceCents" <> coalesce(s.total, 0)
       OR (NOT a."allowNegative" AND (a."balanceCents" < 0 OR coalesce(s.total, 0) < 0))
       OR (a."allowNegative" AND a."kind" NOT IN (${NEGATIVE_KINDS_SQL}))
    ORDER BY a."ledgerKey"
    LIMIT ${limit}`);
}

async function transactionProblems(tx: DbTx, limit: number): Promise<TransactionProblemRow[]> {
  return tx.$queryRawUnsafe<TransactionProblemRow[]>(`
    WITH per_tx AS (
      SELECT e."transactionId",
             count(*) AS entries,
             sum(e."amountCents")::bigint AS total,
             count(*) FILTER (WHERE e."amountCents" = 0) AS zeros,
             count(*) FILTER (WHERE a."id" IS NULL) AS orphans,
             count(*) FILTER (WHERE a."allianceId" <> t."allianceId") AS foreign,
             count(*) FILTER (WHERE e."createdAt" <> t."createdAt") AS late,
             bool_or(t."id" IS NULL) AS header_missing
      FROM "LedgerEntry" e
      LEFT JOIN "LedgerTransaction" t ON t."id" = e."transactionId"
      LEFT JOIN "LedgerAccount" a ON a."id" = e."accountId"
      GROUP BY e."transactionId"
    )
    SELECT coalesce(t."id", p."transactionId") AS "transactionId", t."allianceId", t."idempotencyKey",
           coalesce(p.header_missing, false) AS "headerMissing",
           coalesce(p.entries, 0)::bigint AS entries, coalesce(p.total, 0)::bigint AS total,
           coalesce(p.zeros, 0)::bigint AS zeros, coalesce(p.orphans, 0)::bigint AS orphans,
           coalesce(p.foreign, 0)::bigint AS foreign, coalesce(p.late, 0)::bigint AS late
    FROM "LedgerTransaction" t
    FULL JOIN per_tx p ON p."transactionId" = t."id"
    WHERE p."transactionId" IS NULL OR p.header_missing OR p.entries < 2 OR p.total <> 0
       OR p.zeros > 0 OR p.orphans > 0 OR p.foreign > 0 OR p.late > 0
    ORDER BY 1
    LIMIT ${limit}`);
}

async function ownerProblems(tx: DbTx, limit: number): Promise<OwnerProblemRow[]> {
  return tx.$queryRawUnsafe<OwnerProblemRow[]>(`
    SELECT a."id", a."allianceId", a."ledgerKey",
           CASE WHEN o."id" IS NOT NULL AND o."allianceId" <> a."allianceId" THEN 'organisation'
                WHEN mo."id" IS NOT NULL AND mo."allianceId" <> a."allianceId" THEN 'membership'
                ELSE 'hold source' END AS owner
    FROM "LedgerAccount" a
    LEFT JOIN "Organization" o ON o."id" = a."organizationId"
    LEFT JOIN "Membership" m ON m."id" = a."membershipId"
    LEFT JOIN "Organization" mo ON mo."id" = m."organizationId"
    LEFT JOIN "LedgerAccount" s ON s."id" = a."sourceAccountId"
    WHERE (o."id" IS NOT NULL AND o."allianceId" <> a."allianceId")
       OR (mo."id" IS NOT NULL AND mo."allianceId" <> a."allianceId")
       OR (s."id" IS NOT NULL AND s."allianceId" <> a."allianceId")
    ORDER BY a."ledgerKey"
    LIMIT ${limit}`);
}

function toProblems(
  accounts: AccountProblemRow[],
  transactions: TransactionProblemRow[],
  owners: OwnerProblemRow[],
): LedgerProblem[] {
  const problems: LedgerProblem[] = [];
  for (const a of accounts) {
    const base = { allianceId: a.allianceId, accountId: a.id, ledgerKey: a.ledgerKey };
    if (a.balanceCents !== a.computed) {
      problems.push({
        ...base,
        code: 'BALANCE_MISMATCH',
        expectedCents: String(a.computed),
        actualCents: String(a.balanceCents),
        message: `Account ${a.ledgerKey} (${a.kind}): cached balance ${a.balanceCents} cents, its entries sum to ${a.computed} cents`,
      });
    }
    if (!a.allowNegative && (a.balanceCents < 0n || a.computed < 0n)) {
      problems.push({
        ...base,
        code: 'NEGATIVE_BALANCE',
        expectedCents: String(a.computed),
        actualCents: String(a.balanceCents),
        message: `Account ${a.ledgerKey} (${a.kind}) may not go negative but is at ${a.computed < 0n ? a.computed : a.balanceCents} cents`,
      });
    }
    if (a.allowNegative && !NEGATIVE_ALLOWED_KINDS.includes(a.kind as (typeof NEGATIVE_ALLOWED_KINDS)[number])) {
      problems.push({ ...base, code: 'NEGATIVE_NOT_ALLOWED', message: `Account ${a.ledgerKey} (${a.kind}) is allowed to go negative, which its kind forbids` });
    }
  }
  for (const t of transactions) {
    const label = t.idempotencyKey ? `Transaction ${t.transactionId} (${t.idempotencyKey})` : `Transaction ${t.transactionId}`;
    const base = {
      allianceId: t.allianceId,
      transactionId: t.transactionId,
      ...(t.idempotencyKey ? { idempotencyKey: t.idempotencyKey } : {}),
    };
    if (t.headerMissing) {
      problems.push({ ...base, code: 'ORPHAN_ENTRY', message: `${t.entries} entries point to transaction ${t.transactionId}, which does not exist` });
      continue;
    }
    if (t.entries < 2n) problems.push({ ...base, code: 'TOO_FEW_ENTRIES', message: `${label} has ${t.entries} entries: at least two are needed` });
    if (t.total !== 0n) {
      problems.push({ ...base, code: 'UNBALANCED_TRANSACTION', expectedCents: '0', actualCents: String(t.total), message: `${label} is unbalanced: its entries sum to ${t.total} cents` });
    }
    if (t.zeros > 0n) problems.push({ ...base, code: 'ZERO_ENTRY', message: `${label} has ${t.zeros} entries of zero cents` });
    if (t.orphans > 0n) problems.push({ ...base, code: 'ORPHAN_ENTRY', message: `${label} has ${t.orphans} entries on accounts that do not exist` });
    if (t.foreign > 0n) problems.push({ ...base, code: 'CROSS_ALLIANCE_ENTRY', message: `${label} has ${t.foreign} entries on accounts of another alliance` });
    if (t.late > 0n) problems.push({ ...base, code: 'ENTRY_OUTSIDE_TRANSACTION', message: `${label} has ${t.late} entries written after the transaction was committed` });
  }
  for (const o of owners) {
    problems.push({
      code: 'OWNER_OUTSIDE_ALLIANCE',
      allianceId: o.allianceId,
      accountId: o.id,
      ledgerKey: o.ledgerKey,
      message: `Account ${o.ledgerKey}: its ${o.owner} belongs to another alliance`,
    });
  }
  return problems;
}

/**
 * Recomputes every balance and checks every ledger invariant; `ok` only when no problem was found.
 * Lists at most `maxProblems` rows per check (`truncated` says when there were more).
 */
export async function verifyLedger(db: Db, options: { maxProblems?: number } = {}): Promise<LedgerVerification> {
  const started = performance.now();
  const max = Math.max(1, Math.floor(options.maxProblems ?? 1000));
  await refreshStaleLedgerStatistics(db);
  const result = await db.$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe('SET TRANSACTION READ ONLY');
      const counts = await tx.$queryRaw<Array<{ accounts: bigint; transactions: bigint; entries: bigint }>>`
        SELECT (SELECT count(*) FROM "LedgerAccount") AS accounts,
               (SELECT count(*) FROM "LedgerTransaction") AS transactions,
               (SELECT count(*) FROM "LedgerEntry") AS entries`;
      const accounts = await accountProblems(tx, max + 1);
      const transactions = await transactionProblems(tx, max + 1);
      const owners = await ownerProblems(tx, max + 1);
      return { counts: counts[0]!, accounts, transactions, owners };
    },
    { isolationLevel: 'RepeatableRead', maxWait: 15_000, timeout: 30 * 60_000 },
  );
  const truncated = result.accounts.length > max || result.transactions.length > max || result.owners.length > max;
  const problems = toProblems(result.accounts.slice(0, max), result.transactions.slice(0, max), result.owners.slice(0, max));
  return {
    ok: problems.length === 0,
    problems,
    truncated,
    checked: {
      accounts: Number(result.counts.accounts),
      transactions: Number(result.counts.transactions),
      entries: Number(result.counts.entries),
    },
    durationMs: Math.round(performance.now() - started),
  };
}

const LEDGER_TABLES = ['LedgerAccount', 'LedgerTransaction', 'LedgerEntry'] as const;

/**
 * The verification joins every entry to its account and transaction: right after a bulk run
 * (an allocation of 50,000 wallets) and before autovacuum has analysed the new rows, the planner
 * picked nested loops and one run took 54–64 s instead of 0.2 s. ANALYZE (sampled, well under a
 * second at a million entries) the ledger tables whose rows changed by more than a tenth since.
 */
export async function refreshStaleLedgerStatistics(db: Db): Promise<string[]> {
  const stale = await db.$queryRaw<Array<{ relname: string }>>`
    SELECT relname FROM pg_stat_user_tables
     WHERE relname IN ('LedgerAccount', 'LedgerTransaction', 'LedgerEntry')
       AND n_mod_since_analyze > GREATEST(1000, n_live_tup / 10)`;
  const names = stale.map((row) => row.relname).filter((name): name is (typeof LEDGER_TABLES)[number] => (LEDGER_TABLES as readonly string[]).includes(name));
  for (const name of names) await db.$executeRawUnsafe(`ANALYZE "${name}"`);
  return names;
}

/** How many problems of each code. */
export function countByCode(problems: readonly LedgerProblem[]): Partial<Record<LedgerProblemCode, number>> {
  const counts: Partial<Record<LedgerProblemCode, number>> = {};
  for (const p of problems) counts[p.code] = (counts[p.code] ?? 0) + 1;
  return counts;
}

const AUDITED_PROBLEMS = 20;

/**
 * The nightly job: verifies, logs the outcome and, when something is wrong, writes one
 * `ledger.verify_failed` audit event per alliance concerned (ids and codes only) so the alliance's
 * administrators see it in their audit log.
 */
export async function verifyLedgerAndReport(
  db: Db,
  logger: Pick<Logger, 'info' | 'error'>,
  options: { maxProblems?: number } = {},
): Promise<LedgerVerification> {
  const result = await verifyLedger(db, options);
  if (result.ok) {
    logger.info({ checked: result.checked, durationMs: result.durationMs }, 'ledger verified: no problems');
    return result;
  }
  logger.error(
    { checked: result.checked, durationMs: result.durationMs, counts: countByCode(result.problems), truncated: result.truncated, problems: result.problems.slice(0, AUDITED_PROBLEMS) },
    'ledger verification found problems',
  );
  const byAlliance = new Map<string | null, LedgerProblem[]>();
  for (const p of result.problems) byAlliance.set(p.allianceId, [...(byAlliance.get(p.allianceId) ?? []), p]);
  const allianceIds = [...byAlliance.keys()].filter((id): id is string => id !== null);
  const existing = new Set((await db.alliance.findMany({ where: { id: { in: allianceIds } }, select: { id: true } })).map((a) => a.id));
  await db.$transaction(async (tx) => {
    for (const [allianceId, problems] of byAlliance) {
      await recordAudit(tx, {
        action: 'ledger.verify_failed',
        allianceId: allianceId && existing.has(allianceId) ? allianceId : null,
        subjectType: 'Ledger',
        metadata: {
          problemCount: problems.length,
          truncated: result.truncated,
          counts: countByCode(problems),
          problems: problems.slice(0, AUDITED_PROBLEMS).map((p) => ({
            code: p.code,
            accountId: p.accountId ?? null,
            transactionId: p.transactionId ?? null,
            expectedCents: p.expectedCents ?? null,
            actualCents: p.actualCents ?? null,
          })),
        },
      });
    }
  });
  return result;
}
