// Pure rules of welfare plans (no I/O): the fiscal basis of each category, what makes a plan
// valid and ready to activate, the dates a wallet expires and reminders fall due, the premio di
// risultato window and limits, and the "key; amount" lines companies paste. Dates are ISO days
// (YYYY-MM-DD) read in Europe/Rome; amounts are integer cents. Messages are i18n keys
// (app/i18n/messages/plans.ts).

export const PLAN_STATUSES = ['DRAFT', 'ACTIVE', 'CLOSED'] as const;
export type PlanStatusName = (typeof PLAN_STATUSES)[number];

export const PLAN_END_RULES = ['RETURN_TO_COMPANY', 'CARRY_OVER', 'DONATE_TO_SOLIDARITY_FUND'] as const;
export type PlanEndRuleName = (typeof PLAN_END_RULES)[number];

export const AGREEMENT_KINDS = ['COMPANY', 'TERRITORIAL'] as const;
export type AgreementKindName = (typeof AGREEMENT_KINDS)[number];

export const RULE_KINDS = ['FLAT', 'PER_CHILD', 'PER_DEPENDENT', 'BY_CATEGORY', 'MANUAL'] as const;
export type RuleKindName = (typeof RULE_KINDS)[number];

/**
 * Art. 51 TUIR: the four bases a welfare service can have, as stored in ServiceCategory.fiscalBasis
 * (the migration allows exactly these). Reports and payroll files classify every euro by them.
 */
export const FISCAL_BASES = ['art. 51 c. 2 lett. f', 'art. 51 c. 2 lett. f-bis', 'art. 51 c. 2 lett. f-ter', 'art. 51 c. 3'] as const;
export type FiscalBasis = (typeof FISCAL_BASES)[number];

const FISCAL_BASIS_CODE: Record<FiscalBasis, 'F' | 'F_BIS' | 'F_TER' | 'C3'> = {
  'art. 51 c. 2 lett. f': 'F',
  'art. 51 c. 2 lett. f-bis': 'F_BIS',
  'art. 51 c. 2 lett. f-ter': 'F_TER',
  'art. 51 c. 3': 'C3',
};

export function isFiscalBasis(value: unknown): value is FiscalBasis {
  return typeof value === 'string' && (FISCAL_BASES as readonly string[]).includes(value);
}

/** A stable code for reports and payroll files (F, F_BIS, F_TER, C3), or null when not classified. */
export function fiscalBasisCode(value: string | null | undefined): 'F' | 'F_BIS' | 'F_TER' | 'C3' | null {
  return isFiscalBasis(value) ? FISCAL_BASIS_CODE[value] : null;
}

/** The i18n key explaining a fiscal basis in plain words. */
export function fiscalBasisKey(value: string | null | undefined): string {
  const code = fiscalBasisCode(value);
  return code ? `plans.fiscal.${code}` : 'plans.fiscal.none';
}

// ---------------------------------------------------------------------------------------------
// Dates (ISO days)

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isIsoDay(value: string): boolean {
  const m = ISO_DAY.exec(value);
  if (!m) return false;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return date.toISOString().slice(0, 10) === value;
}

/** "31/12/2026", "31-12-2026", "2026-12-31" → "2026-12-31"; null when not a real day. */
export function parseDay(input: string): string | null {
  const text = input.trim();
  let iso: string;
  const italian = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(text);
  if (italian) iso = `${italian[3]}-${italian[2]!.padStart(2, '0')}-${italian[1]!.padStart(2, '0')}`;
  else iso = text;
  return isIsoDay(iso) ? iso : null;
}

/** A DATE column as Prisma returns it (midnight UTC) → its ISO day. */
export function dayOf(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** ISO day → the Date Prisma writes into a DATE column. */
export function dateOfDay(day: string): Date {
  return new Date(`${day}T00:00:00.000Z`);
}

export function addDays(day: string, days: number): string {
  const date = dateOfDay(day);
  date.setUTCDate(date.getUTCDate() + days);
  return dayOf(date);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((dateOfDay(to).getTime() - dateOfDay(from).getTime()) / 86_400_000);
}

/** Today in Italy: plans start and end on Italian calendar days. */
export function romeToday(now: Date = new Date()): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  return parts;
}

// ---------------------------------------------------------------------------------------------
// Plan validation

export const MAX_PLAN_DAYS = 731;
export const MAX_GRACE_DAYS = 365;
/** Largest per-person amount (rule, cap, manual amount, premio): € 100.000,00. */
export const MAX_PERSON_CENTS = 10_000_000;

export interface PlanDraft {
  name: string;
  startsOn: string;
  endsOn: string;
  companyFundingCents: number;
  publicFundingCents: number;
  publicFundingSource: string | null;
  premioConversion: boolean;
  premioWindowStartsOn: string | null;
  premioWindowEndsOn: string | null;
  premioCapCents: number | null;
  agreementKind: AgreementKindName | null;
  agreementReference: string | null;
  reimbursementsAllowed: boolean;
  leaverGraceDays: number;
  endRule: PlanEndRuleName;
  carryOverPlanId: string | null;
}

/** What the validation needs to know about the plan named for CARRY_OVER. */
export interface CarryOverTarget {
  id: string;
  sameCompany: boolean;
  endsOn: string;
  status: PlanStatusName;
}

export type FieldErrors = Record<string, string>;

/**
 * The plan's own fields: period, funding, premio conversion (only with an agreement reference and
 * a window inside the period), grace days, end rule. Field name → i18n key; empty when valid.
 */
export function validatePlanDraft(plan: PlanDraft, context: { planId?: string; carryOverTarget?: CarryOverTarget | null } = {}): FieldErrors {
  const errors: FieldErrors = {};
  const name = plan.name.trim();
  if (name.length < 3) errors.name = 'plans.validation.name';
  else if (name.length > 120) errors.name = 'validation.tooLong';

  const periodOk = isIsoDay(plan.startsOn) && isIsoDay(plan.endsOn);
  if (!isIsoDay(plan.startsOn)) errors.startsOn = 'plans.validation.date';
  if (!isIsoDay(plan.endsOn)) errors.endsOn = 'plans.validation.date';
  if (periodOk) {
    if (plan.endsOn < plan.startsOn) errors.endsOn = 'plans.validation.endBeforeStart';
    else if (daysBetween(plan.startsOn, plan.endsOn) > MAX_PLAN_DAYS) errors.endsOn = 'plans.validation.periodTooLong';
  }

  if (!Number.isSafeInteger(plan.companyFundingCents) || plan.companyFundingCents < 0) errors.companyFunding = 'plans.validation.amount';
  if (!Number.isSafeInteger(plan.publicFundingCents) || plan.publicFundingCents < 0) errors.publicFunding = 'plans.validation.amount';
  if (plan.publicFundingCents > 0 && !plan.publicFundingSource?.trim()) errors.publicFundingSource = 'plans.validation.publicSource';

  if (plan.premioConversion) {
    if (!plan.agreementKind) errors.agreementKind = 'plans.validation.agreementKind';
    if (!plan.agreementReference?.trim()) errors.agreementReference = 'plans.validation.agreementRequired';
    const opens = plan.premioWindowStartsOn;
    const closes = plan.premioWindowEndsOn;
    if (!opens || !isIsoDay(opens)) errors.premioWindowStartsOn = 'plans.validation.windowRequired';
    if (!closes || !isIsoDay(closes)) errors.premioWindowEndsOn = 'plans.validation.windowRequired';
    if (opens && closes && isIsoDay(opens) && isIsoDay(closes)) {
      if (closes < opens) errors.premioWindowEndsOn = 'plans.validation.endBeforeStart';
      else if (periodOk && (opens < plan.startsOn || closes > plan.endsOn)) errors.premioWindowEndsOn = 'plans.validation.windowOutsidePlan';
    }
    if (plan.premioCapCents !== null && (plan.premioCapCents <= 0 || plan.premioCapCents > MAX_PERSON_CENTS)) {
      errors.premioCap = 'plans.validation.amountPositive';
    }
  }
  if (plan.agreementReference !== null && plan.agreementReference.length > 200) errors.agreementReference = 'validation.tooLong';

  if (!Number.isInteger(plan.leaverGraceDays) || plan.leaverGraceDays < 0 || plan.leaverGraceDays > MAX_GRACE_DAYS) {
    errors.leaverGraceDays = 'plans.validation.graceDays';
  }

  if (plan.endRule === 'CARRY_OVER' && plan.carryOverPlanId) {
    const target = context.carryOverTarget;
    if (!target || !target.sameCompany || target.id === context.planId) errors.carryOverPlanId = 'plans.validation.carryOverTarget';
    else if (target.status === 'CLOSED') errors.carryOverPlanId = 'plans.validation.carryOverClosed';
    else if (periodOk && target.endsOn <= plan.endsOn) errors.carryOverPlanId = 'plans.validation.carryOverLater';
  }
  if (plan.endRule !== 'CARRY_OVER' && plan.carryOverPlanId) errors.carryOverPlanId = 'plans.validation.carryOverOnlyForRule';
  return errors;
}

export interface RuleDraft {
  kind: RuleKindName;
  employeeCategory: string | null;
  amountCents: number | null;
}

/** Allocation rules: one per kind (one per category for BY_CATEGORY), positive amounts, MANUAL without amount. */
export function validateRules(rules: readonly RuleDraft[]): FieldErrors {
  const errors: FieldErrors = {};
  const seen = new Set<string>();
  for (const rule of rules) {
    const field = ruleField(rule.kind);
    const key = rule.kind === 'BY_CATEGORY' ? `BY_CATEGORY:${rule.employeeCategory ?? ''}` : rule.kind;
    if (seen.has(key)) {
      errors[field] = rule.kind === 'BY_CATEGORY' ? 'plans.validation.categoryTwice' : 'plans.validation.ruleTwice';
      continue;
    }
    seen.add(key);
    if (rule.kind === 'BY_CATEGORY' && !isCategoryCode(rule.employeeCategory)) errors[field] = 'plans.validation.categoryCode';
    if (rule.kind === 'MANUAL') {
      if (rule.amountCents !== null) errors[field] = 'plans.validation.manualNoAmount';
    } else if (rule.amountCents === null || !Number.isSafeInteger(rule.amountCents) || rule.amountCents <= 0 || rule.amountCents > MAX_PERSON_CENTS) {
      errors[field] = 'plans.validation.amountPositive';
    }
  }
  return errors;
}

function ruleField(kind: RuleKindName): string {
  switch (kind) {
    case 'FLAT':
      return 'flat';
    case 'PER_CHILD':
      return 'perChild';
    case 'PER_DEPENDENT':
      return 'perDependent';
    case 'BY_CATEGORY':
      return 'byCategory';
    case 'MANUAL':
      return 'manual';
  }
}

/** The roster's category codes: lower case, letters, digits, spaces, "-" and "_" (as EmployeeProfile.category). */
export function isCategoryCode(value: string | null | undefined): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= 60 && value === value.toLowerCase() && value.trim() === value;
}

/** "Impiegati " → "impiegati": how a typed category becomes the roster's code. */
export function normalizeCategory(value: string): string {
  return value.trim().replace(/\s+/g, ' ').toLowerCase();
}

export interface CarnetCategoryDraft {
  categoryId: string;
  capCents: number | null;
  reimbursable: boolean;
}

/** Caps are positive cents; reimbursable categories only when the plan allows reimbursements. */
export function validateCarnet(categories: readonly CarnetCategoryDraft[], reimbursementsAllowed: boolean): FieldErrors {
  const errors: FieldErrors = {};
  for (const c of categories) {
    if (c.capCents !== null && (!Number.isSafeInteger(c.capCents) || c.capCents <= 0 || c.capCents > MAX_PERSON_CENTS)) {
      errors[`cap_${c.categoryId}`] = 'plans.validation.amountPositive';
    }
    if (c.reimbursable && !reimbursementsAllowed) errors[`reimbursable_${c.categoryId}`] = 'plans.validation.reimbursementsOff';
  }
  return errors;
}

export interface ActivationFacts {
  draft: PlanDraft;
  rules: number;
  carnetCategories: number;
  carnetOfferings: number;
  reimbursableCategories: number;
  carryOverTarget: CarryOverTarget | null;
  today: string;
}

/**
 * What stops a draft from becoming active (i18n keys, in the order to fix them): the plan's fields,
 * something to buy, a way to receive credit, a next plan for CARRY_OVER, an end not yet past.
 */
export function activationProblems(facts: ActivationFacts, planId?: string): string[] {
  const problems: string[] = [];
  const fieldErrors = validatePlanDraft(facts.draft, { planId, carryOverTarget: facts.carryOverTarget });
  if (Object.keys(fieldErrors).length > 0) problems.push('plans.activate.fieldErrors');
  if (facts.carnetCategories + facts.carnetOfferings === 0) problems.push('plans.activate.emptyCarnet');
  if (facts.rules === 0 && !facts.draft.premioConversion) problems.push('plans.activate.noFunding');
  if (facts.draft.endRule === 'CARRY_OVER' && !facts.draft.carryOverPlanId) problems.push('plans.activate.carryOverMissing');
  if (facts.draft.reimbursementsAllowed && facts.reimbursableCategories === 0) problems.push('plans.activate.noReimbursableCategory');
  if (isIsoDay(facts.draft.endsOn) && facts.draft.endsOn < facts.today) problems.push('plans.activate.alreadyEnded');
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Wallet expiry, reminders, leavers

/**
 * The last day an employee may use the plan's credit: the plan's last day, or for a leaver the
 * termination date plus the plan's grace days, whichever comes first.
 */
export function walletLastDay(plan: { endsOn: string; leaverGraceDays: number }, terminationDate: string | null): string {
  if (!terminationDate) return plan.endsOn;
  const leaverEnd = addDays(terminationDate, plan.leaverGraceDays);
  return leaverEnd < plan.endsOn ? leaverEnd : plan.endsOn;
}

export const REMINDER_DAYS = [30, 7] as const;
export type ReminderDays = (typeof REMINDER_DAYS)[number];

/**
 * Which reminder is due today for credit whose last day is `lastDay`: the 30-day one from 30 to 8
 * days before, the 7-day one from 7 days before to the last day itself. A job that missed a day
 * still sends it (each once: the e-mail's dedupe key carries the days).
 */
export function reminderDue(lastDay: string, today: string): ReminderDays | null {
  const left = daysBetween(today, lastDay);
  if (left < 0) return null;
  if (left <= 7) return 7;
  if (left <= 30) return 30;
  return null;
}

/** The leaver's access has ended (the day after their last day). */
export function accessEnded(lastDay: string, today: string): boolean {
  return today > lastDay;
}

// ---------------------------------------------------------------------------------------------
// Premio di risultato

export type PremioWindowState = 'none' | 'before' | 'open' | 'closed';

export function premioWindowState(
  plan: { status: PlanStatusName; premioConversion: boolean; premioWindowStartsOn: string | null; premioWindowEndsOn: string | null },
  today: string,
): PremioWindowState {
  if (!plan.premioConversion || !plan.premioWindowStartsOn || !plan.premioWindowEndsOn || plan.status === 'DRAFT') return 'none';
  if (plan.status === 'CLOSED' || today > plan.premioWindowEndsOn) return 'closed';
  if (today < plan.premioWindowStartsOn) return 'before';
  return 'open';
}

/** The most a worker may convert: what the company declared for them, within the plan's cap. */
export function premioMaxCents(declaredCents: number, capCents: number | null): number {
  return capCents === null ? declaredCents : Math.min(declaredCents, capCents);
}

// ---------------------------------------------------------------------------------------------
// "who; amount" lines pasted by the company (manual amounts, declared premi)

export interface AmountLine {
  line: number;
  /** E-mail (lower case) or codice fiscale (upper case). */
  who: string;
  whoKind: 'email' | 'codiceFiscale';
  cents: number;
}

export interface AmountLineError {
  line: number;
  messageKey: string;
  text: string;
}

const EMAIL = /^[^\s@;,]+@[^\s@;,]+\.[^\s@;,]+$/;
const CF_SHAPE = /^[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$/;

/**
 * Parses lines "e-mail or codice fiscale; amount" (also tab- or comma-separated when the amount has
 * no comma decimals). Empty lines and lines starting with # are skipped; a person named twice is
 * an error. `parseAmount` turns euro text into cents (null when not an amount).
 */
export function parseAmountLines(
  text: string,
  parseAmount: (text: string) => number | null,
  options: { maxLines?: number } = {},
): { lines: AmountLine[]; errors: AmountLineError[] } {
  const lines: AmountLine[] = [];
  const errors: AmountLineError[] = [];
  const seen = new Set<string>();
  const rows = text.split(/\r?\n/);
  const maxLines = options.maxLines ?? 10_000;
  let counted = 0;
  rows.forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.trim();
    if (!trimmed || trimmed.startsWith('#')) return;
    counted++;
    if (counted > maxLines) {
      if (counted === maxLines + 1) errors.push({ line, messageKey: 'plans.lines.tooMany', text: '' });
      return;
    }
    const match = /^([^;\t]+?)\s*[;\t]\s*(.+)$/.exec(trimmed) ?? /^([^,\s]+)\s*,\s*([^,]+)$/.exec(trimmed);
    if (!match) {
      errors.push({ line, messageKey: 'plans.lines.shape', text: trimmed.slice(0, 80) });
      return;
    }
    const rawWho = match[1]!.trim();
    const email = rawWho.toLowerCase();
    const cf = rawWho.toUpperCase().replace(/\s/g, '');
    let who: string;
    let whoKind: AmountLine['whoKind'];
    if (EMAIL.test(email)) {
      who = email;
      whoKind = 'email';
    } else if (CF_SHAPE.test(cf)) {
      who = cf;
      whoKind = 'codiceFiscale';
    } else {
      errors.push({ line, messageKey: 'plans.lines.who', text: rawWho.slice(0, 80) });
      return;
    }
    const cents = parseAmount(match[2]!.trim());
    if (cents === null || cents <= 0 || cents > MAX_PERSON_CENTS) {
      errors.push({ line, messageKey: 'plans.lines.amount', text: match[2]!.trim().slice(0, 40) });
      return;
    }
    if (seen.has(who)) {
      errors.push({ line, messageKey: 'plans.lines.duplicate', text: rawWho.slice(0, 80) });
      return;
    }
    seen.add(who);
    lines.push({ line, who, whoKind, cents });
  });
  return { lines, errors };
}
