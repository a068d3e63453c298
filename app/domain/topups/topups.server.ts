import { randomInt, randomUUID } from 'node:crypto';
import { recordAudit } from '~/domain/audit/audit.server';
import type { Actor, ActorMembership } from '~/domain/auth/actor';
import { appUrl, userLocale } from '~/domain/auth/auth.server';
import type { RoleName } from '~/domain/auth/roles';
import { clampPage, pageCount } from '~/domain/directory/directory.fns';
import { ledgerKeyFor } from '~/domain/ledger/ledger.fns';
import { ensureAccount, getBalance, postTransaction, type LedgerActor } from '~/domain/ledger/ledger.server';
import { queueEmail } from '~/domain/mail/mail.server';
import { renderEmail } from '~/domain/mail/templates';
import type { PaymentGateway } from '~/domain/payments/payments.server';
import type { Prisma, TopUp } from '~/generated/prisma/client';
import { translator, type Locale } from '~/i18n/i18n';
import type { Db, DbTx } from '~/utils/db.server';
import { Conflict, NotFound, ValidationFailed } from '~/utils/errors.server';
import {
  companyMayCancel,
  formatReceiptNumber,
  formatReference,
  isCredited,
  newPaymentReference,
  romeYear,
  type TopUpMethodName,
  type TopUpStatusName,
} from './topups.fns';
import {
  ReferenceSearchSchema,
  type AllianceTopUpQuery,
  type BankAccountForm,
  type CompanyTopUpQuery,
  type ConfirmTopUpForm,
} from './topups.schema';

// Money into a company's budget (docs/decisions/0009-top-ups-and-stripe.md).
//
// - Bank transfer: the company's COMPANY_ADMIN declares an amount and gets the alliance's IBAN and
//   a payment reference (also by e-mail); the alliance's ALLIANCE_ADMIN confirms receipt with the
//   bank's reference and date, and only then is the budget credited (BANK_CLEARING → COMPANY_BUDGET).
// - Stripe: the company starts a Checkout Session; only the signed webhook credits
//   (STRIPE_CLEARING → COMPANY_BUDGET, see ./stripe-webhook.server.ts).
// Either way the credit is one ledger transaction under the key topup:<id>:credit, written while
// the TopUp row is locked, so a double click, two admins or twenty webhook deliveries credit once.
// Scope: a company admin sees its own company's top-ups, the alliance admin those of its alliance;
// anything else is NotFound.

export const PAGE_SIZE = 20;
const TRANSACTION_OPTIONS = { isolationLevel: 'ReadCommitted', maxWait: 15_000, timeout: 30_000 } as const;
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const creditIdempotencyKey = (topUpId: string) => `topup:${topUpId}:credit`;
export const refundIdempotencyKey = (topUpId: string, refundedTotalCents: number) => `topup:${topUpId}:refund:${refundedTotalCents}`;

// ---------------------------------------------------------------------------------------------
// Scope

function membershipWithRole(actor: Actor, roles: readonly RoleName[]): ActorMembership {
  const membership = actor.membership;
  // Outside one's role the page does not exist: 404, as for foreign ids.
  if (!membership || !roles.includes(membership.role)) throw new NotFound('Not available for this role');
  return membership;
}

const companyAdmin = (actor: Actor) => membershipWithRole(actor, ['COMPANY_ADMIN']);
const allianceAdmin = (actor: Actor) => membershipWithRole(actor, ['ALLIANCE_ADMIN']);

function assertUuid(id: string): void {
  if (!UUID_PATTERN.test(id)) throw new NotFound('Top-up not found');
}

// ---------------------------------------------------------------------------------------------
// Views

export interface TopUpListRow {
  id: string;
  amountCents: number;
  method: TopUpMethodName;
  status: TopUpStatusName;
  paymentReference: string;
  createdAt: string;
  creditedAt: string | null;
  receiptNumber: string | null;
  refundedCents: number;
  needsAttention: boolean;
}

function listRow(t: TopUp): TopUpListRow {
  return {
    id: t.id,
    amountCents: t.amountCents,
    method: t.method,
    status: t.status,
    paymentReference: formatReference(t.paymentReference),
    createdAt: t.createdAt.toISOString(),
    creditedAt: t.creditedAt?.toISOString() ?? null,
    receiptNumber: t.receiptYear && t.receiptSeq ? formatReceiptNumber(t.receiptYear, t.receiptSeq) : null,
    refundedCents: t.refundedCents,
    needsAttention: t.needsAttention,
  };
}

export interface BankAccountView {
  holderName: string;
  iban: string;
  bankName: string | null;
}

/** IT60 X054 2811 1010 0000 0123 456 */
export function formatIban(iban: string): string {
  return iban.replace(/(.{4})(?=.)/g, '$1 ');
}

async function bankAccountOf(db: DbTx, allianceId: string): Promise<BankAccountView | null> {
  const account = await db.allianceBankAccount.findUnique({ where: { allianceId }, select: { holderName: true, iban: true, bankName: true } });
  return account ? { holderName: account.holderName, iban: formatIban(account.iban), bankName: account.bankName } : null;
}

/** What the company writes in the transfer's "causale". */
export function causaleFor(reference: string, companyName: string): string {
  return `${formatReference(reference)} Ricarica welfare ${companyName}`.slice(0, 140);
}

// ---------------------------------------------------------------------------------------------
// Ledger, receipts and mail shared by the bank confirmation and the Stripe webhook

/** Locks the top-up row (FOR UPDATE) inside the caller's transaction and reads it; null when absent. */
export async function lockTopUp(tx: DbTx, id: string): Promise<TopUp | null> {
  const rows = await tx.$queryRaw<Array<{ id: string }>>`SELECT "id" FROM "TopUp" WHERE "id" = ${id}::uuid FOR UPDATE`;
  if (rows.length === 0) return null;
  return tx.topUp.findUnique({ where: { id } });
}

function budgetAccountSpec(allianceId: string, companyId: string) {
  return { allianceId, kind: 'COMPANY_BUDGET' as const, organizationId: companyId };
}

/** The company budget's ledger key (budget:<companyId>): the account top-ups credit and allocations draw from. */
export function companyBudgetKey(allianceId: string, companyId: string): string {
  return ledgerKeyFor(budgetAccountSpec(allianceId, companyId));
}

function clearingAccountSpec(allianceId: string, method: TopUpMethodName) {
  return { allianceId, kind: method === 'BANK_TRANSFER' ? ('BANK_CLEARING' as const) : ('STRIPE_CLEARING' as const) };
}

/** The next receipt number of the alliance and year; the counter row stays locked until commit. */
async function nextReceiptSeq(tx: DbTx, allianceId: string, year: number): Promise<number> {
  const rows = await tx.$queryRaw<Array<{ lastSeq: number }>>`
    INSERT INTO "TopUpReceiptCounter" ("allianceId", "year", "lastSeq") VALUES (${allianceId}::uuid, ${year}, 1)
    ON CONFLICT ("allianceId", "year") DO UPDATE SET "lastSeq" = "TopUpReceiptCounter"."lastSeq" + 1
    RETURNING "lastSeq"`;
  return rows[0]!.lastSeq;
}

export interface CreditDetails {
  ledgerActor: LedgerActor;
  confirmedById: string | null;
  bank?: { bankReference: string; receivedOn: Date };
  paymentIntentId?: string | null;
  ipAddress?: string | null;
  /** Audit action: topup.confirmed (bank transfer) or topup.credited (Stripe). */
  auditAction: 'topup.confirmed' | 'topup.credited';
  auditMetadata?: Record<string, unknown>;
  /** E-mail the company's administrators (default). The demo seed credits without mailing. */
  notify?: boolean;
}

/**
 * Credits a locked, not yet credited top-up: the ledger transaction, the receipt number, the row,
 * the audit event and the e-mail to the company's administrators, all in the caller's transaction.
 */
export async function creditLockedTopUp(tx: DbTx, topUp: TopUp, details: CreditDetails): Promise<TopUp> {
  if (isCredited(topUp.status)) throw new Conflict('The top-up is already credited', { reason: 'already_credited' });
  const budget = await ensureAccount(tx, budgetAccountSpec(topUp.allianceId, topUp.companyId));
  const clearing = await ensureAccount(tx, clearingAccountSpec(topUp.allianceId, topUp.method));
  const transaction = await postTransaction(tx, {
    allianceId: topUp.allianceId,
    kind: 'TOP_UP',
    idempotencyKey: creditIdempotencyKey(topUp.id),
    actor: details.ledgerActor,
    metadata: { topUpId: topUp.id, method: topUp.method, paymentReference: topUp.paymentReference },
    entries: [
      { accountId: clearing.id, amountCents: -topUp.amountCents },
      { accountId: budget.id, amountCents: topUp.amountCents },
    ],
  });
  const creditedAt = transaction.createdAt;
  const receiptYear = romeYear(creditedAt);
  const receiptSeq = await nextReceiptSeq(tx, topUp.allianceId, receiptYear);
  const updated = await tx.topUp.update({
    where: { id: topUp.id },
    data: {
      status: 'CREDITED',
      creditTransactionId: transaction.id,
      creditedAt,
      receiptYear,
      receiptSeq,
      confirmedById: details.confirmedById,
      failureReason: null,
      ...(details.bank ? { bankReference: details.bank.bankReference, receivedOn: details.bank.receivedOn } : {}),
      ...(details.paymentIntentId && !topUp.stripePaymentIntentId ? { stripePaymentIntentId: details.paymentIntentId } : {}),
    },
  });
  const receiptNumber = formatReceiptNumber(receiptYear, receiptSeq);
  await recordAudit(tx, {
    action: details.auditAction,
    allianceId: topUp.allianceId,
    organizationId: topUp.companyId,
    actorUserId: details.confirmedById,
    subjectType: 'TopUp',
    subjectId: topUp.id,
    ipAddress: details.ipAddress ?? null,
    metadata: {
      amountCents: topUp.amountCents,
      method: topUp.method,
      ledgerTransactionId: transaction.id,
      receiptNumber,
      ...(details.bank ? { bankReference: details.bank.bankReference } : {}),
      ...details.auditMetadata,
    },
  });
  if (details.notify !== false) await mailCompanyAdmins(tx, updated, 'credited', { receipt: receiptNumber });
  return updated;
}

interface Recipient {
  id: string;
  email: string;
  givenName: string;
  locale: Locale;
}

async function companyAdmins(db: DbTx, companyId: string): Promise<Recipient[]> {
  const rows = await db.membership.findMany({
    where: { organizationId: companyId, role: 'COMPANY_ADMIN', status: 'ACTIVE' },
    select: { user: { select: { id: true, email: true, givenName: true, locale: true } } },
    orderBy: { createdAt: 'asc' },
  });
  return rows.map((r) => ({ ...r.user, locale: userLocale(r.user.locale) }));
}

export type TopUpMailKind = 'declared' | 'credited' | 'rejected' | 'failed' | 'refunded';

/** One e-mail per active administrator of the company, once per top-up and event (dedupe key). */
export async function mailCompanyAdmins(
  tx: DbTx,
  topUp: TopUp,
  kind: TopUpMailKind,
  extra: Record<string, string | number> = {},
  options: { onlyUserId?: string | null; dedupeSuffix?: string } = {},
): Promise<void> {
  const company = await tx.organization.findUniqueOrThrow({ where: { id: topUp.companyId }, select: { legalName: true } });
  const bank = kind === 'declared' ? await bankAccountOf(tx, topUp.allianceId) : null;
  let recipients = await companyAdmins(tx, topUp.companyId);
  if (options.onlyUserId) recipients = recipients.filter((r) => r.id === options.onlyUserId);
  for (const r of recipients) {
    const t = translator(r.locale);
    const amount = new Intl.NumberFormat(r.locale === 'en' ? 'en-GB' : 'it-IT', { style: 'currency', currency: 'EUR' }).format(topUp.amountCents / 100);
    const params = { amount, company: company.legalName, reference: formatReference(topUp.paymentReference), ...extra };
    const paragraphs = [t(`topups.email.${kind}.body`, params)];
    if (kind === 'declared' && bank) {
      paragraphs.push(
        t('topups.email.declared.instructions', {
          holder: bank.holderName,
          iban: bank.iban,
          causale: causaleFor(topUp.paymentReference, company.legalName),
          amount,
        }),
      );
    }
    const rendered = renderEmail({
      locale: r.locale,
      subject: t(`topups.email.${kind}.subject`, params),
      greeting: t('auth.email.greeting', { name: r.givenName }),
      paragraphs,
      action: { label: t('topups.email.action'), url: appUrl(`/azienda/ricariche/${topUp.id}`) },
    });
    await queueEmail(tx, { to: r.email, ...rendered, dedupeKey: `topup:${topUp.id}:${kind}${options.dedupeSuffix ?? ''}:${r.id}` });
  }
}

// ---------------------------------------------------------------------------------------------
// The company's page

export interface CompanyTopUpPage {
  companyName: string;
  allianceName: string;
  balanceCents: number;
  bankAccount: BankAccountView | null;
  stripeEnabled: boolean;
  topUps: { rows: TopUpListRow[]; total: number; page: number; pages: number; pageSize: number };
}

const COMPANY_ORDER: Record<CompanyTopUpQuery['sort'], (dir: 'asc' | 'desc') => Prisma.TopUpOrderByWithRelationInput[]> = {
  createdAt: (dir) => [{ createdAt: dir }],
  amountCents: (dir) => [{ amountCents: dir }, { createdAt: 'desc' }],
  status: (dir) => [{ status: dir }, { createdAt: 'desc' }],
};

/** The budget balance in cents (0 before the first credit). */
export async function companyBudgetBalance(db: DbTx, allianceId: string, companyId: string): Promise<number> {
  try {
    return (await getBalance(db, { allianceId, account: { ledgerKey: companyBudgetKey(allianceId, companyId) } })).balanceCents;
  } catch (error) {
    if (error instanceof NotFound) return 0;
    throw error;
  }
}

export async function getCompanyTopUpPage(db: DbTx, actor: Actor, query: CompanyTopUpQuery, options: { stripeEnabled: boolean }): Promise<CompanyTopUpPage> {
  const m = companyAdmin(actor);
  const where: Prisma.TopUpWhereInput = { companyId: m.organizationId, allianceId: m.allianceId };
  const total = await db.topUp.count({ where });
  const page = clampPage(query.page, total, PAGE_SIZE);
  const rows = await db.topUp.findMany({
    where,
    orderBy: [...COMPANY_ORDER[query.sort](query.dir), { id: 'asc' }],
    skip: (page - 1) * PAGE_SIZE,
    take: PAGE_SIZE,
  });
  return {
    companyName: m.organizationName,
    allianceName: m.allianceName,
    balanceCents: await companyBudgetBalance(db, m.allianceId, m.organizationId),
    bankAccount: await bankAccountOf(db, m.allianceId),
    stripeEnabled: options.stripeEnabled,
    topUps: { rows: rows.map(listRow), total, page, pages: pageCount(total, PAGE_SIZE), pageSize: PAGE_SIZE },
  };
}

async function createTopUpRow(
  tx: DbTx,
  input: { allianceId: string; companyId: string; amountCents: number; method: TopUpMethodName; declaredById: string },
): Promise<TopUp> {
  // A clash of two random references is astronomically rare; the unique index would refuse it.
  for (let attempt = 0; ; attempt++) {
    const paymentReference = newPaymentReference((n) => randomInt(n));
    const taken = await tx.topUp.findUnique({ where: { paymentReference }, select: { id: true } });
    if (taken && attempt < 5) continue;
    return tx.topUp.create({
      data: {
        id: randomUUID(),
        allianceId: input.allianceId,
        companyId: input.companyId,
        amountCents: input.amountCents,
        method: input.method,
        status: input.method === 'BANK_TRANSFER' ? 'DECLARED' : 'PENDING_PAYMENT',
        paymentReference,
        declaredById: input.declaredById,
      },
    });
  }
}

/**
 * The company declares a bank transfer: a DECLARED top-up with its payment reference, an audit
 * event and an e-mail with the IBAN and the causale. Nothing is credited yet.
 */
export async function declareBankTransfer(db: Db, actor: Actor, input: { amountCents: number; ipAddress?: string | null }): Promise<{ id: string }> {
  const m = companyAdmin(actor);
  return db.$transaction(async (tx) => {
    if (!(await tx.allianceBankAccount.findUnique({ where: { allianceId: m.allianceId }, select: { allianceId: true } }))) {
      throw new ValidationFailed('The alliance has not set the account for bank transfers yet', { method: 'topups.validation.noBankAccount' });
    }
    const topUp = await createTopUpRow(tx, {
      allianceId: m.allianceId,
      companyId: m.organizationId,
      amountCents: input.amountCents,
      method: 'BANK_TRANSFER',
      declaredById: actor.user.id,
    });
    await recordAudit(tx, {
      action: 'topup.declared',
      allianceId: m.allianceId,
      organizationId: m.organizationId,
      actorUserId: actor.user.id,
      subjectType: 'TopUp',
      subjectId: topUp.id,
      ipAddress: input.ipAddress ?? null,
      metadata: { amountCents: topUp.amountCents, method: topUp.method, paymentReference: topUp.paymentReference },
    });
    await mailCompanyAdmins(tx, topUp, 'declared', {}, { onlyUserId: actor.user.id });
    return { id: topUp.id };
  }, TRANSACTION_OPTIONS);
}

/**
 * The company pays by card or SEPA Direct Debit: a PENDING_PAYMENT top-up and a Stripe Checkout
 * Session for exactly its amount. Only the signed webhook will credit it.
 */
export async function startStripeCheckout(
  db: Db,
  gateway: PaymentGateway | null,
  actor: Actor,
  input: { amountCents: number; method: 'STRIPE_CARD' | 'STRIPE_SEPA'; locale: Locale; ipAddress?: string | null },
): Promise<{ id: string; url: string }> {
  const m = companyAdmin(actor);
  if (!gateway) throw new ValidationFailed('Payments by Stripe are not configured', { method: 'topups.validation.stripeDisabled' });
  const topUp = await db.$transaction(async (tx) => {
    const created = await createTopUpRow(tx, {
      allianceId: m.allianceId,
      companyId: m.organizationId,
      amountCents: input.amountCents,
      method: input.method,
      declaredById: actor.user.id,
    });
    await recordAudit(tx, {
      action: 'topup.checkout_started',
      allianceId: m.allianceId,
      organizationId: m.organizationId,
      actorUserId: actor.user.id,
      subjectType: 'TopUp',
      subjectId: created.id,
      ipAddress: input.ipAddress ?? null,
      metadata: { amountCents: created.amountCents, method: created.method, paymentReference: created.paymentReference },
    });
    return created;
  }, TRANSACTION_OPTIONS);

  const t = translator(input.locale);
  let session;
  try {
    session = await gateway.createCheckoutSession({
      topUpId: topUp.id,
      allianceId: m.allianceId,
      companyId: m.organizationId,
      amountCents: topUp.amountCents,
      paymentMethod: input.method === 'STRIPE_SEPA' ? 'sepa_debit' : 'card',
      productName: t('topups.stripe.productName', { company: m.organizationName }),
      paymentReference: topUp.paymentReference,
      customerEmail: actor.user.email,
      successUrl: appUrl(`/azienda/ricariche/${topUp.id}?esito=completato`),
      cancelUrl: appUrl(`/azienda/ricariche/${topUp.id}?esito=annullato`),
      locale: input.locale,
    });
  } catch (error) {
    await db.topUp.updateMany({
      where: { id: topUp.id, status: 'PENDING_PAYMENT', creditTransactionId: null },
      data: { status: 'FAILED', failureReason: 'checkout_unavailable' },
    });
    throw error;
  }
  // A webhook that found the top-up by its metadata may have stored the ids already.
  await db.topUp.updateMany({
    where: { id: topUp.id, stripeCheckoutSessionId: null },
    data: { stripeCheckoutSessionId: session.id, stripeCheckoutUrl: session.url },
  });
  if (session.paymentIntentId) {
    await db.topUp.updateMany({ where: { id: topUp.id, stripePaymentIntentId: null }, data: { stripePaymentIntentId: session.paymentIntentId } });
  }
  return { id: topUp.id, url: session.url };
}

export interface TopUpDetail extends TopUpListRow {
  rawReference: string;
  companyName: string;
  bankReference: string | null;
  receivedOn: string | null;
  declaredByName: string | null;
  confirmedByName: string | null;
  cancelReason: string | null;
  failureReason: string | null;
  refundShortfallCents: number;
  attentionReason: string | null;
  /** The Checkout page, while the payment can still be made there. */
  checkoutUrl: string | null;
  bankAccount: BankAccountView | null;
  causale: string;
  canCancel: boolean;
}

const personName = (u: { givenName: string; familyName: string } | null) => (u ? `${u.givenName} ${u.familyName}` : null);

async function detailOf(db: DbTx, topUp: TopUp & { company: { legalName: string }; declaredBy: { givenName: string; familyName: string } | null; confirmedBy: { givenName: string; familyName: string } | null }): Promise<TopUpDetail> {
  return {
    ...listRow(topUp),
    rawReference: topUp.paymentReference,
    companyName: topUp.company.legalName,
    bankReference: topUp.bankReference,
    receivedOn: topUp.receivedOn ? topUp.receivedOn.toISOString().slice(0, 10) : null,
    declaredByName: personName(topUp.declaredBy),
    confirmedByName: personName(topUp.confirmedBy),
    cancelReason: topUp.cancelReason,
    failureReason: topUp.failureReason,
    refundShortfallCents: topUp.refundShortfallCents,
    attentionReason: topUp.attentionReason,
    checkoutUrl: topUp.status === 'PENDING_PAYMENT' ? topUp.stripeCheckoutUrl : null,
    bankAccount: topUp.method === 'BANK_TRANSFER' ? await bankAccountOf(db, topUp.allianceId) : null,
    causale: causaleFor(topUp.paymentReference, topUp.company.legalName),
    canCancel: companyMayCancel(topUp.status, topUp.method),
  };
}

const DETAIL_INCLUDE = {
  company: { select: { legalName: true } },
  declaredBy: { select: { givenName: true, familyName: true } },
  confirmedBy: { select: { givenName: true, familyName: true } },
} as const;

/** One top-up of the company, for its administrators; any other top-up is NotFound. */
export async function getCompanyTopUp(db: DbTx, actor: Actor, id: string): Promise<TopUpDetail> {
  const m = companyAdmin(actor);
  assertUuid(id);
  const topUp = await db.topUp.findFirst({ where: { id, companyId: m.organizationId, allianceId: m.allianceId }, include: DETAIL_INCLUDE });
  if (!topUp) throw new NotFound('Top-up not found');
  return detailOf(db, topUp);
}

/** The company withdraws a bank transfer it declared and has not been confirmed. */
export async function cancelDeclaredTopUp(db: Db, actor: Actor, input: { topUpId: string; ipAddress?: string | null }): Promise<{ alreadyCancelled: boolean }> {
  const m = companyAdmin(actor);
  assertUuid(input.topUpId);
  return db.$transaction(async (tx) => {
    const topUp = await lockTopUp(tx, input.topUpId);
    if (!topUp || topUp.companyId !== m.organizationId || topUp.allianceId !== m.allianceId) throw new NotFound('Top-up not found');
    if (topUp.status === 'CANCELLED') return { alreadyCancelled: true };
    if (!companyMayCancel(topUp.status, topUp.method)) {
      throw new Conflict('Only a declared bank transfer can be withdrawn', { reason: 'not_cancellable', messageKey: 'topups.error.notCancellable' });
    }
    await tx.topUp.update({ where: { id: topUp.id }, data: { status: 'CANCELLED', cancelledById: actor.user.id, cancelReason: null } });
    await recordAudit(tx, {
      action: 'topup.cancelled',
      allianceId: topUp.allianceId,
      organizationId: topUp.companyId,
      actorUserId: actor.user.id,
      subjectType: 'TopUp',
      subjectId: topUp.id,
      ipAddress: input.ipAddress ?? null,
      metadata: { amountCents: topUp.amountCents, paymentReference: topUp.paymentReference },
    });
    return { alreadyCancelled: false };
  }, TRANSACTION_OPTIONS);
}

// ---------------------------------------------------------------------------------------------
// The alliance admin's page

export interface AllianceTopUpRow extends TopUpListRow {
  companyName: string;
  declaredByName: string | null;
  attentionReason: string | null;
  refundShortfallCents: number;
}

export interface AllianceTopUpPage {
  allianceName: string;
  bankAccount: (BankAccountView & { ibanRaw: string }) | null;
  counts: { toConfirm: number; attention: number };
  /** Set when the typed reference was searched; its error key when it could not be (a typo). */
  referenceSearch: { value: string; error: string | null } | null;
  topUps: { rows: AllianceTopUpRow[]; total: number; page: number; pages: number; pageSize: number };
  /** The top-up opened with ?verifica=<id>, when it is a transfer of this alliance still to confirm. */
  selected: TopUpDetail | null;
}

const ALLIANCE_ORDER: Record<AllianceTopUpQuery['sort'], (dir: 'asc' | 'desc') => Prisma.TopUpOrderByWithRelationInput[]> = {
  createdAt: (dir) => [{ createdAt: dir }],
  amountCents: (dir) => [{ amountCents: dir }, { createdAt: 'asc' }],
  company: (dir) => [{ company: { legalName: dir } }, { createdAt: 'asc' }],
  status: (dir) => [{ status: dir }, { createdAt: 'asc' }],
};

function filterWhere(filter: AllianceTopUpQuery['filter']): Prisma.TopUpWhereInput {
  switch (filter) {
    case 'TO_CONFIRM':
      return { method: 'BANK_TRANSFER', status: 'DECLARED' };
    case 'ATTENTION':
      return { needsAttention: true };
    case 'ALL':
      return {};
    default:
      return { status: filter };
  }
}

export async function getAllianceTopUpPage(db: DbTx, actor: Actor, query: AllianceTopUpQuery, selectedId: string | null): Promise<AllianceTopUpPage> {
  const m = allianceAdmin(actor);
  const where: Prisma.TopUpWhereInput = { allianceId: m.allianceId, ...filterWhere(query.filter) };
  let referenceSearch: AllianceTopUpPage['referenceSearch'] = null;
  if (query.riferimento) {
    const parsed = ReferenceSearchSchema.safeParse(query.riferimento);
    referenceSearch = parsed.success ? { value: parsed.data, error: null } : { value: query.riferimento, error: parsed.error.issues[0]?.message ?? 'topups.validation.reference.format' };
    // A reference with a typo finds nothing rather than the wrong transfer.
    where.paymentReference = parsed.success ? parsed.data : '';
  }
  const [total, toConfirm, attention, bank] = await Promise.all([
    db.topUp.count({ where }),
    db.topUp.count({ where: { allianceId: m.allianceId, ...filterWhere('TO_CONFIRM') } }),
    db.topUp.count({ where: { allianceId: m.allianceId, ...filterWhere('ATTENTION') } }),
    db.allianceBankAccount.findUnique({ where: { allianceId: m.allianceId } }),
  ]);
  const page = clampPage(query.page, total, PAGE_SIZE);
  const rows = await db.topUp.findMany({
    where,
    orderBy: [...ALLIANCE_ORDER[query.sort](query.dir), { id: 'asc' }],
    skip: (page - 1) * PAGE_SIZE,
    take: PAGE_SIZE,
    include: { company: { select: { legalName: true } }, declaredBy: { select: { givenName: true, familyName: true } } },
  });
  let selected: TopUpDetail | null = null;
  if (selectedId && UUID_PATTERN.test(selectedId)) {
    const topUp = await db.topUp.findFirst({ where: { id: selectedId, allianceId: m.allianceId }, include: DETAIL_INCLUDE });
    if (topUp) selected = await detailOf(db, topUp);
  }
  return {
    allianceName: m.allianceName,
    bankAccount: bank ? { holderName: bank.holderName, iban: formatIban(bank.iban), ibanRaw: bank.iban, bankName: bank.bankName } : null,
    counts: { toConfirm, attention },
    referenceSearch,
    topUps: {
      rows: rows.map((t) => ({
        ...listRow(t),
        companyName: t.company.legalName,
        declaredByName: personName(t.declaredBy),
        attentionReason: t.attentionReason,
        refundShortfallCents: t.refundShortfallCents,
      })),
      total,
      page,
      pages: pageCount(total, PAGE_SIZE),
      pageSize: PAGE_SIZE,
    },
    selected,
  };
}

async function lockAllianceTopUp(tx: DbTx, m: ActorMembership, topUpId: string): Promise<TopUp> {
  assertUuid(topUpId);
  const topUp = await lockTopUp(tx, topUpId);
  if (!topUp || topUp.allianceId !== m.allianceId) throw new NotFound('Top-up not found');
  return topUp;
}

export interface ConfirmResult {
  alreadyConfirmed: boolean;
  receiptNumber: string;
  companyName: string;
  amountCents: number;
}

/**
 * The alliance admin confirms that a declared transfer reached the account: ONLY NOW is the
 * budget credited. Confirming again (double click, a second admin) credits nothing more and says so.
 */
export async function confirmBankTransfer(db: Db, actor: Actor, input: ConfirmTopUpForm & { ipAddress?: string | null }, now = new Date()): Promise<ConfirmResult> {
  const m = allianceAdmin(actor);
  const receivedOn = new Date(`${input.receivedOn}T00:00:00Z`);
  const today = new Date(`${new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome' }).format(now)}T00:00:00Z`);
  if (receivedOn.getTime() > today.getTime()) throw new ValidationFailed('The received date is in the future', { receivedOn: 'topups.validation.receivedOnFuture' });
  if (today.getTime() - receivedOn.getTime() > 366 * 24 * 3600 * 1000) {
    throw new ValidationFailed('The received date is more than a year ago', { receivedOn: 'topups.validation.receivedOnOld' });
  }
  return db.$transaction(async (tx) => {
    const topUp = await lockAllianceTopUp(tx, m, input.topUpId);
    const company = await tx.organization.findUniqueOrThrow({ where: { id: topUp.companyId }, select: { legalName: true } });
    if (topUp.method !== 'BANK_TRANSFER') throw new NotFound('Top-up not found');
    if (isCredited(topUp.status)) {
      return { alreadyConfirmed: true, receiptNumber: formatReceiptNumber(topUp.receiptYear!, topUp.receiptSeq!), companyName: company.legalName, amountCents: topUp.amountCents };
    }
    if (topUp.status !== 'DECLARED') {
      throw new Conflict('This transfer was withdrawn or rejected', { reason: 'not_declared', messageKey: 'topups.error.notDeclared' });
    }
    const credited = await creditLockedTopUp(tx, topUp, {
      ledgerActor: { userId: actor.user.id },
      confirmedById: actor.user.id,
      bank: { bankReference: input.bankReference, receivedOn },
      ipAddress: input.ipAddress,
      auditAction: 'topup.confirmed',
      auditMetadata: { receivedOn: input.receivedOn },
    });
    return { alreadyConfirmed: false, receiptNumber: formatReceiptNumber(credited.receiptYear!, credited.receiptSeq!), companyName: company.legalName, amountCents: credited.amountCents };
  }, TRANSACTION_OPTIONS);
}

/** The alliance admin rejects a declared transfer (never arrived, wrong amount, …), with the reason the company reads. */
export async function rejectBankTransfer(db: Db, actor: Actor, input: { topUpId: string; reason: string; ipAddress?: string | null }): Promise<{ alreadyRejected: boolean }> {
  const m = allianceAdmin(actor);
  return db.$transaction(async (tx) => {
    const topUp = await lockAllianceTopUp(tx, m, input.topUpId);
    if (topUp.method !== 'BANK_TRANSFER') throw new NotFound('Top-up not found');
    // Rejected already (double click, a second admin): the company was told once.
    if (topUp.status === 'CANCELLED' && topUp.cancelReason !== null) return { alreadyRejected: true };
    if (topUp.status !== 'DECLARED') {
      throw new Conflict('Only a declared transfer can be rejected', { reason: 'not_declared', messageKey: 'topups.error.notDeclared' });
    }
    const updated = await tx.topUp.update({ where: { id: topUp.id }, data: { status: 'CANCELLED', cancelledById: actor.user.id, cancelReason: input.reason } });
    await recordAudit(tx, {
      action: 'topup.rejected',
      allianceId: topUp.allianceId,
      organizationId: topUp.companyId,
      actorUserId: actor.user.id,
      subjectType: 'TopUp',
      subjectId: topUp.id,
      ipAddress: input.ipAddress ?? null,
      metadata: { amountCents: topUp.amountCents, paymentReference: topUp.paymentReference },
    });
    await mailCompanyAdmins(tx, updated, 'rejected', { reason: input.reason });
    return { alreadyRejected: false };
  }, TRANSACTION_OPTIONS);
}

/** The alliance admin records how a flagged top-up (refund shortfall, amount mismatch, …) was handled. */
export async function resolveTopUpAttention(db: Db, actor: Actor, input: { topUpId: string; note: string; ipAddress?: string | null }): Promise<void> {
  const m = allianceAdmin(actor);
  await db.$transaction(async (tx) => {
    const topUp = await lockAllianceTopUp(tx, m, input.topUpId);
    if (!topUp.needsAttention) return;
    await tx.topUp.update({ where: { id: topUp.id }, data: { needsAttention: false } });
    await recordAudit(tx, {
      action: 'topup.attention_resolved',
      allianceId: topUp.allianceId,
      organizationId: topUp.companyId,
      actorUserId: actor.user.id,
      subjectType: 'TopUp',
      subjectId: topUp.id,
      ipAddress: input.ipAddress ?? null,
      metadata: { attentionReason: topUp.attentionReason, refundShortfallCents: topUp.refundShortfallCents, note: input.note },
    });
  }, TRANSACTION_OPTIONS);
}

/** The account companies' transfers go to; every change is audited (old and new IBAN). */
export async function saveAllianceBankAccount(db: Db, actor: Actor, input: BankAccountForm & { ipAddress?: string | null }): Promise<void> {
  const m = allianceAdmin(actor);
  await db.$transaction(async (tx) => {
    const previous = await tx.allianceBankAccount.findUnique({ where: { allianceId: m.allianceId } });
    const data = { holderName: input.holderName, iban: input.iban, bankName: input.bankName ?? null, updatedById: actor.user.id };
    await tx.allianceBankAccount.upsert({ where: { allianceId: m.allianceId }, create: { allianceId: m.allianceId, ...data }, update: data });
    await recordAudit(tx, {
      action: 'alliance.bank_account_updated',
      allianceId: m.allianceId,
      organizationId: m.organizationId,
      actorUserId: actor.user.id,
      subjectType: 'AllianceBankAccount',
      subjectId: m.allianceId,
      ipAddress: input.ipAddress ?? null,
      metadata: { previousIban: previous?.iban ?? null, iban: input.iban, holderName: input.holderName },
    });
  }, TRANSACTION_OPTIONS);
}

