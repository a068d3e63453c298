import { randomUUID } from 'node:crypto';
import type { Actor } from '~/domain/auth/actor';
import { clampPage, pageCount } from '~/domain/directory/directory.fns';
import { ledgerKeyFor, type LedgerTransactionKindName } from '~/domain/ledger/ledger.fns';
import { dayOf, walletLastDay, type PlanEndRuleName, type PlanStatusName } from '~/domain/plans/plans.fns';
import { Prisma } from '~/generated/prisma/client';
import type { DbTx } from '~/utils/db.server';
import { NotFound } from '~/utils/errors.server';
import type { WalletQuery } from './wallets.schema';

// Employee wallets: one ledger account per membership and plan (`wallet:<membershipId>:<planId>`,
// kind EMPLOYEE_WALLET). Created here in bulk for allocation runs (accounts start at zero — the
// ledger's trigger refuses anything else — so creating them moves no money); read here for the
// employee's pages and the company's employees table. An employee sees only their own wallets.

export const MOVEMENTS_PAGE_SIZE = 20;
/** New wallets in one call above which the planner's statistics are refreshed (see ensureWallets). */
const ANALYZE_AFTER_NEW_ACCOUNTS = 2_000;

export function walletLedgerKey(allianceId: string, membershipId: string, planId: string): string {
  return ledgerKeyFor({ allianceId, kind: 'EMPLOYEE_WALLET', membershipId, planId });
}

/**
 * The wallet accounts of `membershipIds` in `planId`, created at zero where missing, in ONE
 * statement whatever the count (50,000 wallets are one INSERT … SELECT unnest, not 50,000 round
 * trips). Idempotent under concurrency: ON CONFLICT on the unique ledgerKey. The ledger's insert
 * trigger still checks every membership is in the alliance. Returns membershipId → account id.
 */
export async function ensureWallets(
  db: DbTx,
  input: { allianceId: string; planId: string; membershipIds: readonly string[] },
): Promise<Map<string, string>> {
  const result = new Map<string, string>();
  const CHUNK = 20_000;
  let created = 0;
  for (let start = 0; start < input.membershipIds.length; start += CHUNK) {
    const memberships = input.membershipIds.slice(start, start + CHUNK);
    const keys = memberships.map((m) => walletLedgerKey(input.allianceId, m, input.planId));
    const ids = memberships.map(() => randomUUID());
    created += await db.$executeRaw`
      INSERT INTO "LedgerAccount" ("id", "allianceId", "kind", "ledgerKey", "membershipId", "planId", "allowNegative")
      SELECT x.id, ${input.allianceId}::uuid, 'EMPLOYEE_WALLET'::"LedgerAccountKind", x.key, x.membership, ${input.planId}::uuid, false
      FROM unnest(${ids}::uuid[], ${keys}::text[], ${memberships}::uuid[]) AS x(id, key, membership)
      ON CONFLICT ("ledgerKey") DO NOTHING`;
    const rows = await db.$queryRaw<Array<{ id: string; membershipId: string; allianceId: string; planId: string; kind: string }>>`
      SELECT "id", "membershipId", "allianceId", "planId", "kind" FROM "LedgerAccount" WHERE "ledgerKey" = ANY(${keys}::text[])`;
    for (const row of rows) {
      // A key is derived from its owners, so a row found by key has them; checked all the same.
      if (row.allianceId !== input.allianceId || row.planId !== input.planId || row.kind !== 'EMPLOYEE_WALLET') {
        throw new NotFound('Wallet account not found');
      }
      result.set(row.membershipId, row.id);
    }
  }
  if (result.size !== new Set(input.membershipIds).size) throw new NotFound('Some wallets could not be created');
  // Thousands of new accounts in this transaction: refresh the planner's statistics now, or the
  // ledger's next statements (which join their entries to LedgerAccount) may be planned for the
  // small table autovacuum last saw — a sequential scan per entry, quadratic (50,000 wallets: minutes
  // instead of seconds). ANALYZE sees this transaction's own rows and blocks no reader or writer.
  if (created >= ANALYZE_AFTER_NEW_ACCOUNTS) await db.$executeRawUnsafe('ANALYZE "LedgerAccount"');
  return result;
}

/**
 * Balances for the company's employees table (part C): per membership, the sum of its wallets in
 * plans that are not closed. Memberships without a wallet are absent (show 0).
 */
export async function getWalletBalancesForMemberships(db: DbTx, membershipIds: readonly string[]): Promise<Map<string, number>> {
  if (membershipIds.length === 0) return new Map();
  const rows = await db.$queryRaw<Array<{ membershipId: string; balance: bigint }>>`
    SELECT a."membershipId", sum(a."balanceCents")::bigint AS balance
    FROM "LedgerAccount" a JOIN "WelfarePlan" p ON p."id" = a."planId"
    WHERE a."kind" = 'EMPLOYEE_WALLET' AND a."membershipId" = ANY(${[...membershipIds]}::uuid[]) AND p."status" <> 'CLOSED'
    GROUP BY a."membershipId"`;
  return new Map(rows.map((r) => [r.membershipId, Number(r.balance)]));
}

// ---------------------------------------------------------------------------------------------
// The employee's own wallets

interface EmployeeScope {
  allianceId: string;
  companyId: string;
  membershipId: string;
}

function employeeScopeOf(actor: Actor): EmployeeScope {
  const membership = actor.membership;
  if (!membership || membership.role !== 'EMPLOYEE') throw new NotFound('Not available for this role');
  return { allianceId: membership.allianceId, companyId: membership.organizationId, membershipId: membership.id };
}

export interface CarnetLine {
  categoryId: string;
  nameIt: string;
  nameEn: string;
  fiscalBasis: string | null;
  capCents: number | null;
  reimbursable: boolean;
}

export interface EmployeeWallet {
  planId: string;
  planName: string;
  status: PlanStatusName;
  startsOn: string;
  endsOn: string;
  /** The last day the employee may use the credit (plan end, or termination + grace days). */
  lastDay: string;
  terminationDate: string | null;
  leaverGraceDays: number;
  balanceCents: number;
  hasAccount: boolean;
  endRule: PlanEndRuleName;
  carryOverPlanName: string | null;
  reimbursementsAllowed: boolean;
  carnet: CarnetLine[];
  offerings: Array<{ offeringId: string; title: string; providerName: string }>;
}

/**
 * The employee's wallets: every active plan of their company (balance 0 until credit arrives) and
 * every closed plan where they had a wallet. Active plans first, ending soonest first.
 */
export async function getMyWallets(db: DbTx, actor: Actor): Promise<EmployeeWallet[]> {
  const scope = employeeScopeOf(actor);
  const [accounts, profile] = await Promise.all([
    db.ledgerAccount.findMany({
      where: { kind: 'EMPLOYEE_WALLET', membershipId: scope.membershipId, allianceId: scope.allianceId },
      select: { planId: true, balanceCents: true },
    }),
    db.employeeProfile.findUnique({ where: { membershipId: scope.membershipId }, select: { terminationDate: true } }),
  ]);
  const accountByPlan = new Map(accounts.filter((a) => a.planId).map((a) => [a.planId!, Number(a.balanceCents)]));
  const plans = await db.welfarePlan.findMany({
    where: {
      allianceId: scope.allianceId,
      companyId: scope.companyId,
      OR: [{ status: 'ACTIVE' }, { id: { in: [...accountByPlan.keys()] }, status: { not: 'DRAFT' } }],
    },
    select: {
      id: true,
      name: true,
      status: true,
      startsOn: true,
      endsOn: true,
      leaverGraceDays: true,
      endRule: true,
      reimbursementsAllowed: true,
      carryOverPlan: { select: { name: true } },
      categories: {
        select: { categoryId: true, capCents: true, reimbursable: true, category: { select: { nameIt: true, nameEn: true, fiscalBasis: true, sortOrder: true } } },
      },
      offerings: { select: { offeringId: true, offering: { select: { catalogueEntry: { select: { title: true, providerName: true } } } } } },
    },
  });
  const terminationDate = profile?.terminationDate ? dayOf(profile.terminationDate) : null;
  const wallets = plans.map((p): EmployeeWallet => {
    const plan = { endsOn: dayOf(p.endsOn), leaverGraceDays: p.leaverGraceDays };
    return {
      planId: p.id,
      planName: p.name,
      status: p.status,
      startsOn: dayOf(p.startsOn),
      endsOn: plan.endsOn,
      lastDay: walletLastDay(plan, terminationDate),
      terminationDate,
      leaverGraceDays: p.leaverGraceDays,
      balanceCents: accountByPlan.get(p.id) ?? 0,
      hasAccount: accountByPlan.has(p.id),
      endRule: p.endRule,
      carryOverPlanName: p.carryOverPlan?.name ?? null,
      reimbursementsAllowed: p.reimbursementsAllowed,
      carnet: p.categories
        .sort((a, b) => a.category.sortOrder - b.category.sortOrder)
        .map((c) => ({
          categoryId: c.categoryId,
          nameIt: c.category.nameIt,
          nameEn: c.category.nameEn,
          fiscalBasis: c.category.fiscalBasis,
          capCents: c.capCents,
          reimbursable: c.reimbursable,
        })),
      offerings: p.offerings
        .filter((o) => o.offering.catalogueEntry)
        .map((o) => ({ offeringId: o.offeringId, title: o.offering.catalogueEntry!.title, providerName: o.offering.catalogueEntry!.providerName })),
    };
  });
  const rank = (w: EmployeeWallet) => (w.status === 'ACTIVE' ? 0 : 1);
  return wallets.sort((a, b) => rank(a) - rank(b) || (a.status === 'ACTIVE' ? a.lastDay.localeCompare(b.lastDay) : b.endsOn.localeCompare(a.endsOn)));
}

export interface MovementRow {
  id: string;
  createdAt: string;
  kind: LedgerTransactionKindName;
  metadata: Record<string, unknown>;
  amountCents: number;
  planId: string;
  planName: string;
}

const MOVEMENT_ORDER: Record<WalletQuery['sort'], Record<WalletQuery['dir'], Prisma.Sql>> = {
  date: { asc: Prisma.sql`e."id" ASC`, desc: Prisma.sql`e."id" DESC` },
  amount: { asc: Prisma.sql`e."amountCents" ASC, e."id" DESC`, desc: Prisma.sql`e."amountCents" DESC, e."id" DESC` },
};

/**
 * The movements of the employee's own wallets (all plans, or one: a plan that is not theirs is
 * NotFound), sorted and paged on the server.
 */
export async function listMyMovements(db: DbTx, actor: Actor, query: WalletQuery) {
  const scope = employeeScopeOf(actor);
  if (query.piano) {
    const plan = await db.welfarePlan.findFirst({
      where: { id: query.piano, companyId: scope.companyId, allianceId: scope.allianceId, status: { not: 'DRAFT' } },
      select: { id: true },
    });
    if (!plan) throw new NotFound('Plan not found');
  }
  const planFilter = query.piano ? Prisma.sql`AND a."planId" = ${query.piano}::uuid` : Prisma.empty;
  const [{ total }] = await db.$queryRaw<Array<{ total: bigint }>>`
    SELECT count(*)::bigint AS total
    FROM "LedgerEntry" e JOIN "LedgerAccount" a ON a."id" = e."accountId"
    WHERE a."kind" = 'EMPLOYEE_WALLET' AND a."membershipId" = ${scope.membershipId}::uuid AND a."allianceId" = ${scope.allianceId}::uuid ${planFilter}` as [
    { total: bigint },
  ];
  const count = Number(total);
  const page = clampPage(query.page, count, MOVEMENTS_PAGE_SIZE);
  const rows = await db.$queryRaw<
    Array<{ id: bigint; createdAt: Date; kind: LedgerTransactionKindName; metadata: Record<string, unknown>; amountCents: bigint; planId: string; planName: string | null }>
  >`
    SELECT e."id", e."createdAt", t."kind", t."metadata", e."amountCents", a."planId", p."name" AS "planName"
    FROM "LedgerEntry" e
    JOIN "LedgerAccount" a ON a."id" = e."accountId"
    JOIN "LedgerTransaction" t ON t."id" = e."transactionId"
    LEFT JOIN "WelfarePlan" p ON p."id" = a."planId"
    WHERE a."kind" = 'EMPLOYEE_WALLET' AND a."membershipId" = ${scope.membershipId}::uuid AND a."allianceId" = ${scope.allianceId}::uuid ${planFilter}
    ORDER BY ${MOVEMENT_ORDER[query.sort][query.dir]}
    LIMIT ${MOVEMENTS_PAGE_SIZE} OFFSET ${(page - 1) * MOVEMENTS_PAGE_SIZE}`;
  return {
    rows: rows.map(
      (r): MovementRow => ({
        id: String(r.id),
        createdAt: r.createdAt.toISOString(),
        kind: r.kind,
        metadata: r.metadata,
        amountCents: Number(r.amountCents),
        planId: r.planId,
        planName: r.planName ?? '',
      }),
    ),
    total: count,
    page,
    pages: pageCount(count, MOVEMENTS_PAGE_SIZE),
  };
}
