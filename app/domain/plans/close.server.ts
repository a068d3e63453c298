import { recordAudit } from '~/domain/audit/audit.server';
import { appUrl } from '~/domain/auth/auth.server';
import { ensureAccount, getTransactionByKey, InsufficientFunds, postTransaction } from '~/domain/ledger/ledger.server';
import { queueEmail } from '~/domain/mail/mail.server';
import { renderEmail } from '~/domain/mail/templates';
import { formatDate, formatMoney } from '~/ui/format';
import { ensureWallets } from '~/domain/wallets/wallets.server';
import { isLocale, translator, type Locale } from '~/i18n/i18n';
import type { Db } from '~/utils/db.server';
import type { Logger } from '~/utils/logger.server';
import { addDays, dateOfDay, dayOf, reminderDue, romeToday, walletLastDay, type PlanEndRuleName } from './plans.fns';

// The end of a plan's period, run by the scheduled jobs (app/jobs/registry.ts: plans:close daily
// after midnight, plans:remind every morning):
//   * a leaver's credit follows the plan's end rule once their grace days are over;
//   * a plan whose last day has passed applies its end rule to every wallet, then is CLOSED;
//   * employees with credit are reminded 30 and 7 days before it expires, each reminder once.
// Every movement is a ledger transaction under the key `plan-close:<planId>:<membershipId>` (a
// wallet ends once: re-running finds the key and moves nothing), by the system actor.

const ACTOR = { system: 'job:plans-close' } as const;

type Log = Pick<Logger, 'info' | 'warn' | 'error'>;
const silent: Log = { info: () => undefined, warn: () => undefined, error: () => undefined };

interface PlanForClose {
  id: string;
  allianceId: string;
  companyId: string;
  endRule: PlanEndRuleName;
  carryOverPlanId: string | null;
  carryOverStatus: string | null;
}

interface WalletForClose {
  accountId: string;
  membershipId: string;
  balanceCents: number;
}

export function closeKey(planId: string, membershipId: string): string {
  return `plan-close:${planId}:${membershipId}`;
}

/** Where a wallet's remaining credit goes under the plan's end rule: account id per membership. */
async function endRuleTargets(db: Db, plan: PlanForClose, membershipIds: string[]): Promise<Map<string, string>> {
  if (plan.endRule === 'CARRY_OVER' && plan.carryOverPlanId && plan.carryOverStatus !== 'CLOSED') {
    return ensureWallets(db, { allianceId: plan.allianceId, planId: plan.carryOverPlanId, membershipIds });
  }
  const account =
    plan.endRule === 'DONATE_TO_SOLIDARITY_FUND'
      ? await ensureAccount(db, { allianceId: plan.allianceId, kind: 'SOLIDARITY_FUND' })
      : await ensureAccount(db, { allianceId: plan.allianceId, kind: 'COMPANY_BUDGET', organizationId: plan.companyId });
  return new Map(membershipIds.map((m) => [m, account.id]));
}

/** The end rule actually applied: a carry-over whose next plan is gone falls back to the company. */
function appliedRule(plan: PlanForClose): PlanEndRuleName {
  if (plan.endRule === 'CARRY_OVER' && (!plan.carryOverPlanId || plan.carryOverStatus === 'CLOSED')) return 'RETURN_TO_COMPANY';
  return plan.endRule;
}

/**
 * Moves each wallet's balance to its end-rule target, one ledger transaction per wallet (so one
 * employee's concurrent booking cannot hold back everybody's close). A wallet already ended (its
 * key exists) is skipped. Returns how many wallets moved.
 */
async function endWallets(db: Db, plan: PlanForClose, wallets: WalletForClose[], reason: 'plan_end' | 'leaver', log: Log): Promise<number> {
  if (wallets.length === 0) return 0;
  const targets = await endRuleTargets(db, plan, wallets.map((w) => w.membershipId));
  const rule = appliedRule(plan);
  let moved = 0;
  for (const wallet of wallets) {
    const key = closeKey(plan.id, wallet.membershipId);
    if (await getTransactionByKey(db, key)) continue;
    let balance = wallet.balanceCents;
    for (let attempt = 1; attempt <= 3 && balance > 0; attempt++) {
      try {
        await postTransaction(db, {
          allianceId: plan.allianceId,
          kind: 'PLAN_CLOSE',
          idempotencyKey: key,
          actor: ACTOR,
          metadata: { planId: plan.id, endRule: rule, reason, ...(rule === 'CARRY_OVER' ? { toPlanId: plan.carryOverPlanId } : {}) },
          entries: [
            { accountId: wallet.accountId, amountCents: -balance },
            { accountId: targets.get(wallet.membershipId)!, amountCents: balance },
          ],
        });
        moved++;
        break;
      } catch (error) {
        // The balance moved meanwhile (a booking): read it again and move what is there now.
        if (!(error instanceof InsufficientFunds) || attempt === 3) {
          log.error({ err: error, planId: plan.id, membershipId: wallet.membershipId }, 'plan close: wallet not ended');
          break;
        }
        const row = await db.ledgerAccount.findUnique({ where: { id: wallet.accountId }, select: { balanceCents: true } });
        balance = Number(row?.balanceCents ?? 0);
      }
    }
  }
  return moved;
}

async function walletsWithBalance(db: Db, planId: string): Promise<WalletForClose[]> {
  const rows = await db.$queryRaw<Array<{ id: string; membershipId: string; balanceCents: bigint }>>`
    SELECT "id", "membershipId", "balanceCents" FROM "LedgerAccount"
    WHERE "kind" = 'EMPLOYEE_WALLET' AND "planId" = ${planId}::uuid AND "balanceCents" > 0
    ORDER BY "membershipId"`;
  return rows.map((r) => ({ accountId: r.id, membershipId: r.membershipId, balanceCents: Number(r.balanceCents) }));
}

const PLAN_FOR_CLOSE = {
  id: true,
  allianceId: true,
  companyId: true,
  endRule: true,
  carryOverPlanId: true,
  carryOverPlan: { select: { status: true } },
} as const;

function forClose(p: { id: string; allianceId: string; companyId: string; endRule: PlanEndRuleName; carryOverPlanId: string | null; carryOverPlan: { status: string } | null }): PlanForClose {
  return { id: p.id, allianceId: p.allianceId, companyId: p.companyId, endRule: p.endRule, carryOverPlanId: p.carryOverPlanId, carryOverStatus: p.carryOverPlan?.status ?? null };
}

/** Leavers whose grace days are over: their credit in every active plan follows the end rule now. */
export async function applyLeaversEndOfAccess(db: Db, options: { today?: string; logger?: Log } = {}): Promise<{ wallets: number }> {
  const today = options.today ?? romeToday();
  const log = options.logger ?? silent;
  const rows = await db.$queryRaw<Array<{ planId: string; accountId: string; membershipId: string; balanceCents: bigint }>>`
    SELECT p."id" AS "planId", a."id" AS "accountId", a."membershipId", a."balanceCents"
    FROM "LedgerAccount" a
    JOIN "WelfarePlan" p ON p."id" = a."planId"
    JOIN "EmployeeProfile" e ON e."membershipId" = a."membershipId"
    WHERE a."kind" = 'EMPLOYEE_WALLET' AND a."balanceCents" > 0 AND p."status" = 'ACTIVE'
      AND e."terminationDate" IS NOT NULL AND e."terminationDate" + p."leaverGraceDays" < ${dateOfDay(today)}::date
    ORDER BY p."id", a."membershipId"`;
  const byPlan = new Map<string, WalletForClose[]>();
  for (const r of rows) {
    const list = byPlan.get(r.planId) ?? [];
    list.push({ accountId: r.accountId, membershipId: r.membershipId, balanceCents: Number(r.balanceCents) });
    byPlan.set(r.planId, list);
  }
  let moved = 0;
  for (const [planId, wallets] of byPlan) {
    const plan = await db.welfarePlan.findUniqueOrThrow({ where: { id: planId }, select: PLAN_FOR_CLOSE });
    moved += await endWallets(db, forClose(plan), wallets, 'leaver', log);
  }
  if (moved > 0) log.info({ wallets: moved }, 'leavers: credit moved by the end rule');
  return { wallets: moved };
}

/**
 * Closes every active plan whose last day is before `today`: each wallet's balance follows the end
 * rule, then the plan is CLOSED. A plan with a wallet that could not be emptied stays ACTIVE and is
 * retried by the next run. Re-running changes nothing.
 */
export async function closeDuePlans(db: Db, options: { today?: string; logger?: Log } = {}): Promise<{ plans: number; wallets: number }> {
  const today = options.today ?? romeToday();
  const log = options.logger ?? silent;
  const due = await db.welfarePlan.findMany({
    where: { status: 'ACTIVE', endsOn: { lt: dateOfDay(today) } },
    orderBy: { endsOn: 'asc' },
    select: PLAN_FOR_CLOSE,
  });
  let plans = 0;
  let wallets = 0;
  for (const row of due) {
    const plan = forClose(row);
    wallets += await endWallets(db, plan, await walletsWithBalance(db, plan.id), 'plan_end', log);
    const left = await walletsWithBalance(db, plan.id);
    if (left.length > 0) {
      log.warn({ planId: plan.id, wallets: left.length }, 'plan close: some wallets still hold credit; retried on the next run');
      continue;
    }
    await db.$transaction(async (tx) => {
      const closed = await tx.welfarePlan.updateMany({ where: { id: plan.id, status: 'ACTIVE' }, data: { status: 'CLOSED', closedAt: new Date() } });
      if (closed.count === 0) return;
      await recordAudit(tx, {
        action: 'plan.closed',
        allianceId: plan.allianceId,
        organizationId: plan.companyId,
        subjectType: 'WelfarePlan',
        subjectId: plan.id,
        metadata: { endRule: appliedRule(plan), actor: ACTOR.system, today },
      });
      plans++;
    });
  }
  if (plans > 0) log.info({ plans, wallets }, 'plans closed');
  return { plans, wallets };
}

/**
 * E-mails employees whose credit expires in 30 or 7 days (plan end, or a leaver's last day). Each
 * reminder once: the e-mail's dedupe key names the plan, the person, the last day and the days.
 */
export async function sendExpiryReminders(db: Db, options: { today?: string; logger?: Log } = {}): Promise<{ queued: number }> {
  const today = options.today ?? romeToday();
  const log = options.logger ?? silent;
  const horizon = dateOfDay(addDays(today, 30));
  const rows = await db.$queryRaw<
    Array<{
      planId: string;
      planName: string;
      endsOn: Date;
      leaverGraceDays: number;
      endRule: PlanEndRuleName;
      carryOverName: string | null;
      membershipId: string;
      balanceCents: bigint;
      terminationDate: Date | null;
      email: string;
      givenName: string;
      locale: string;
    }>
  >`
    SELECT p."id" AS "planId", p."name" AS "planName", p."endsOn", p."leaverGraceDays", p."endRule", n."name" AS "carryOverName",
           a."membershipId", a."balanceCents", e."terminationDate", u."email", u."givenName", u."locale"
    FROM "LedgerAccount" a
    JOIN "WelfarePlan" p ON p."id" = a."planId"
    LEFT JOIN "WelfarePlan" n ON n."id" = p."carryOverPlanId"
    JOIN "Membership" m ON m."id" = a."membershipId"
    JOIN "User" u ON u."id" = m."userId"
    LEFT JOIN "EmployeeProfile" e ON e."membershipId" = a."membershipId"
    WHERE a."kind" = 'EMPLOYEE_WALLET' AND a."balanceCents" > 0 AND p."status" = 'ACTIVE' AND m."status" <> 'SUSPENDED'
      AND (p."endsOn" <= ${horizon}::date OR (e."terminationDate" IS NOT NULL AND e."terminationDate" + p."leaverGraceDays" <= ${horizon}::date))
    ORDER BY p."id", a."membershipId"`;
  let queued = 0;
  for (const row of rows) {
    const lastDay = walletLastDay({ endsOn: dayOf(row.endsOn), leaverGraceDays: row.leaverGraceDays }, row.terminationDate ? dayOf(row.terminationDate) : null);
    const days = reminderDue(lastDay, today);
    if (days === null) continue;
    const locale: Locale = isLocale(row.locale) ? row.locale : 'it';
    const t = translator(locale);
    const balance = formatMoney(Number(row.balanceCents), locale);
    const date = formatDate(lastDay, locale);
    const rendered = renderEmail({
      locale,
      subject: t('plans.email.expiry.subject', { date }),
      greeting: t('plans.email.greeting', { name: row.givenName }),
      paragraphs: [
        t(days === 30 ? 'plans.email.expiry.intro30' : 'plans.email.expiry.intro7', { amount: balance, plan: row.planName, date }),
        t(`plans.email.expiry.after.${row.endRule}`, { plan: row.carryOverName ?? '' }),
      ],
      action: { label: t('plans.email.expiry.action'), url: appUrl('/lavoratore/portafoglio') },
    });
    const result = await db.$transaction((tx) =>
      queueEmail(tx, { to: row.email, ...rendered, dedupeKey: `plan-expiry:${row.planId}:${row.membershipId}:${lastDay}:${days}` }),
    );
    if (result.created) queued++;
  }
  if (queued > 0) log.info({ queued }, 'credit expiry reminders queued');
  return { queued };
}

/** The nightly job: leavers first (their credit leaves before the plan's own close), then due plans. */
export async function runPlanClose(db: Db, options: { today?: string; logger?: Log } = {}) {
  const leavers = await applyLeaversEndOfAccess(db, options);
  const closed = await closeDuePlans(db, options);
  return { leaverWallets: leavers.wallets, closedPlans: closed.plans, closedWallets: closed.wallets };
}
