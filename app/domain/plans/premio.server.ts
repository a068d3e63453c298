import type { Actor } from '~/domain/auth/actor';
import { recordAudit } from '~/domain/audit/audit.server';
import { ensureAccount, postTransaction } from '~/domain/ledger/ledger.server';
import { ensureWallets } from '~/domain/wallets/wallets.server';
import type { Db, DbTx } from '~/utils/db.server';
import { Conflict, NotFound, ValidationFailed } from '~/utils/errors.server';
import { dayOf, premioMaxCents, premioWindowState, romeToday, type AgreementKindName, type PlanEndRuleName, type PremioWindowState } from './plans.fns';
import type { AuditContext } from './plans.server';

// Premio di risultato conversion, as the worker sees it: within the window their plan opens, the
// worker chooses how much of the premio the company declared for them becomes welfare credit.
// The choice is recorded with the plan's agreement reference and the time (final: a database
// trigger refuses changes), audited, and credits the worker's wallet of the plan through the ledger
// from the company's premio funding account (EXTERNAL_FUNDING of the company: the premio is salary
// the company owes, settled outside the platform), under the idempotency key `premio:<conversionId>`.

export interface PremioOffer {
  planId: string;
  planName: string;
  planStartsOn: string;
  planEndsOn: string;
  windowStartsOn: string;
  windowEndsOn: string;
  state: PremioWindowState;
  agreementKind: AgreementKindName;
  agreementReference: string;
  endRule: PlanEndRuleName;
  carryOverPlanName: string | null;
  capCents: number | null;
  declaredCents: number | null;
  maxCents: number;
  convertedCents: number | null;
  convertedAt: string | null;
  convertedAgreementReference: string | null;
}

function employeeScopeOf(actor: Actor) {
  const membership = actor.membership;
  if (!membership || membership.role !== 'EMPLOYEE') throw new NotFound('Not available for this role');
  return { allianceId: membership.allianceId, companyId: membership.organizationId, membershipId: membership.id, userId: actor.user.id };
}

/** The plans of the worker's company that offer conversion (active or closed), with the worker's declaration and choice. */
export async function getMyPremioOffers(db: DbTx, actor: Actor, today = romeToday()): Promise<PremioOffer[]> {
  const scope = employeeScopeOf(actor);
  const plans = await db.welfarePlan.findMany({
    where: { allianceId: scope.allianceId, companyId: scope.companyId, premioConversion: true, status: { in: ['ACTIVE', 'CLOSED'] } },
    orderBy: [{ premioWindowEndsOn: 'desc' }],
    select: {
      id: true,
      name: true,
      status: true,
      startsOn: true,
      endsOn: true,
      premioConversion: true,
      premioWindowStartsOn: true,
      premioWindowEndsOn: true,
      premioCapCents: true,
      agreementKind: true,
      agreementReference: true,
      endRule: true,
      carryOverPlan: { select: { name: true } },
      premioConversions: {
        where: { membershipId: scope.membershipId },
        select: { declaredCents: true, convertedCents: true, convertedAt: true, agreementReference: true },
      },
    },
  });
  return plans.map((p) => {
    const mine = p.premioConversions[0];
    const windowStartsOn = dayOf(p.premioWindowStartsOn!);
    const windowEndsOn = dayOf(p.premioWindowEndsOn!);
    return {
      planId: p.id,
      planName: p.name,
      planStartsOn: dayOf(p.startsOn),
      planEndsOn: dayOf(p.endsOn),
      windowStartsOn,
      windowEndsOn,
      state: premioWindowState(
        { status: p.status, premioConversion: p.premioConversion, premioWindowStartsOn: windowStartsOn, premioWindowEndsOn: windowEndsOn },
        today,
      ),
      agreementKind: p.agreementKind!,
      agreementReference: p.agreementReference!,
      endRule: p.endRule,
      carryOverPlanName: p.carryOverPlan?.name ?? null,
      capCents: p.premioCapCents,
      declaredCents: mine?.declaredCents ?? null,
      maxCents: mine ? premioMaxCents(mine.declaredCents, p.premioCapCents) : 0,
      convertedCents: mine?.convertedCents ?? null,
      convertedAt: mine?.convertedAt?.toISOString() ?? null,
      convertedAgreementReference: mine?.agreementReference ?? null,
    };
  });
}

export interface ConversionResult {
  conversionId: string;
  convertedCents: number;
  convertedAt: string;
  agreementReference: string;
  ledgerTransactionId: string;
  /** The worker had already chosen (a double submit): nothing new was written. */
  alreadyConverted: boolean;
}

/**
 * Records the worker's conversion and credits their wallet, in one database transaction. A second
 * submission returns the first choice (`alreadyConverted`); outside the window, without a
 * declaration, or above the limit it is refused and nothing is written.
 */
export async function convertPremio(
  db: Db,
  actor: Actor,
  input: { planId: string; amountCents: number },
  context: AuditContext & { today?: string } = {},
): Promise<ConversionResult> {
  const scope = employeeScopeOf(actor);
  const today = context.today ?? romeToday();
  return db.$transaction(
    async (tx) => {
      const plan = await tx.welfarePlan.findFirst({
        where: { id: input.planId, allianceId: scope.allianceId, companyId: scope.companyId, premioConversion: true, status: { not: 'DRAFT' } },
        select: {
          id: true,
          status: true,
          premioConversion: true,
          premioWindowStartsOn: true,
          premioWindowEndsOn: true,
          premioCapCents: true,
          agreementReference: true,
        },
      });
      if (!plan) throw new NotFound('Plan not found');
      const rows = await tx.$queryRaw<Array<{ id: string; declaredCents: number; convertedCents: number | null; convertedAt: Date | null; agreementReference: string | null; ledgerTransactionId: string | null }>>`
        SELECT "id", "declaredCents", "convertedCents", "convertedAt", "agreementReference", "ledgerTransactionId"
        FROM "PremioConversion" WHERE "planId" = ${plan.id}::uuid AND "membershipId" = ${scope.membershipId}::uuid
        FOR UPDATE`;
      const row = rows[0];
      if (!row) throw new Conflict('No premio was declared for this worker in this plan', { reason: 'premio_not_declared', messageKey: 'plans.premio.notDeclared' });
      if (row.convertedAt) {
        return {
          conversionId: row.id,
          convertedCents: row.convertedCents!,
          convertedAt: row.convertedAt.toISOString(),
          agreementReference: row.agreementReference!,
          ledgerTransactionId: row.ledgerTransactionId!,
          alreadyConverted: true,
        };
      }
      const state = premioWindowState(
        {
          status: plan.status,
          premioConversion: plan.premioConversion,
          premioWindowStartsOn: plan.premioWindowStartsOn ? dayOf(plan.premioWindowStartsOn) : null,
          premioWindowEndsOn: plan.premioWindowEndsOn ? dayOf(plan.premioWindowEndsOn) : null,
        },
        today,
      );
      if (state !== 'open') {
        throw new Conflict('The conversion window is not open', { reason: 'premio_window_closed', messageKey: `plans.premio.window.${state}` });
      }
      const max = premioMaxCents(row.declaredCents, plan.premioCapCents);
      if (!Number.isSafeInteger(input.amountCents) || input.amountCents <= 0) throw new ValidationFailed('Invalid amount', { amount: 'plans.premio.validation.amount' });
      if (input.amountCents > max) throw new ValidationFailed('Above the convertible amount', { amount: 'plans.premio.validation.max' });

      const source = await ensureAccount(tx, { allianceId: scope.allianceId, kind: 'EXTERNAL_FUNDING', organizationId: scope.companyId });
      const wallets = await ensureWallets(tx, { allianceId: scope.allianceId, planId: plan.id, membershipIds: [scope.membershipId] });
      const transaction = await postTransaction(tx, {
        allianceId: scope.allianceId,
        kind: 'TOP_UP',
        idempotencyKey: `premio:${row.id}`,
        actor: { userId: scope.userId },
        metadata: { reason: 'premio_conversion', planId: plan.id, conversionId: row.id },
        entries: [
          { accountId: source.id, amountCents: -input.amountCents },
          { accountId: wallets.get(scope.membershipId)!, amountCents: input.amountCents },
        ],
      });
      const convertedAt = new Date();
      await tx.premioConversion.update({
        where: { id: row.id },
        data: { convertedCents: input.amountCents, agreementReference: plan.agreementReference, convertedAt, ledgerTransactionId: transaction.id },
      });
      await recordAudit(tx, {
        action: 'premio.converted',
        allianceId: scope.allianceId,
        organizationId: scope.companyId,
        actorUserId: scope.userId,
        subjectType: 'PremioConversion',
        subjectId: row.id,
        ipAddress: context.ipAddress ?? null,
        metadata: {
          planId: plan.id,
          declaredCents: row.declaredCents,
          convertedCents: input.amountCents,
          agreementReference: plan.agreementReference,
          ledgerTransactionId: transaction.id,
        },
      });
      return {
        conversionId: row.id,
        convertedCents: input.amountCents,
        convertedAt: convertedAt.toISOString(),
        agreementReference: plan.agreementReference!,
        ledgerTransactionId: transaction.id,
        alreadyConverted: false,
      };
    },
    { isolationLevel: 'ReadCommitted', maxWait: 15_000, timeout: 30_000 },
  );
}
