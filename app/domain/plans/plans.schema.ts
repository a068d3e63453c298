import { z } from 'zod';
import { parseEuroToCents } from '~/domain/offerings/offerings.fns';
import { AGREEMENT_KINDS, normalizeCategory, parseDay, PLAN_END_RULES, type CarnetCategoryDraft, type PlanDraft, type RuleDraft } from './plans.fns';

// Forms of the plan pages (company) and the premio page (employee). Messages are i18n keys
// (app/i18n/messages/plans.ts, validation.ts). Cross-field rules live in plans.fns.ts
// (validatePlanDraft), which the domain functions apply after these shapes.

const blankToUndefined = (value: unknown): unknown => (typeof value === 'string' && value.trim() === '' ? undefined : value);
const checkbox = z.preprocess((v) => v === 'on' || v === 'true' || v === true, z.boolean());

const day = (error: string) =>
  z.string({ error }).transform((text, ctx) => {
    const parsed = parseDay(text);
    if (!parsed) {
      ctx.addIssue({ code: 'custom', message: error });
      return z.NEVER;
    }
    return parsed;
  });

const optionalDay = (error: string) => z.preprocess(blankToUndefined, day(error).optional());

/** Euro text ("1.200,50", "300") → cents; blank → undefined. */
export const euroField = (error = 'plans.validation.amount') =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .transform((text, ctx) => {
        const cents = parseEuroToCents(text);
        if (cents === null) {
          ctx.addIssue({ code: 'custom', message: error });
          return z.NEVER;
        }
        return cents;
      })
      .optional(),
  );

/** Planned funding totals may exceed one person's € 100.000: euro text up to € 1 billion. */
const fundingField = z.preprocess(
  blankToUndefined,
  z
    .string()
    .transform((text, ctx) => {
      const normalized = text.replace(/€|eur(o)?/gi, '').replace(/[\s\u00a0\u202f]/g, '');
      const match = /^(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d{1,2}))?$/.exec(normalized);
      if (!match) {
        ctx.addIssue({ code: 'custom', message: 'plans.validation.amount' });
        return z.NEVER;
      }
      const cents = Number(match[1]!.replace(/\./g, '')) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
      if (!Number.isSafeInteger(cents) || cents > 100_000_000_000) {
        ctx.addIssue({ code: 'custom', message: 'plans.validation.amount' });
        return z.NEVER;
      }
      return cents;
    })
    .optional(),
);

const optionalText = (max: number) =>
  z.preprocess((v) => (typeof v === 'string' ? blankToUndefined(v.trim()) : v), z.string().max(max, { error: 'validation.tooLong' }).optional());

/** The plan's own fields (create and edit), premio conversion included. */
export const planFormSchema = z
  .object({
    name: z.string({ error: 'plans.validation.name' }).trim().min(3, { error: 'plans.validation.name' }).max(120, { error: 'validation.tooLong' }),
    startsOn: day('plans.validation.date'),
    endsOn: day('plans.validation.date'),
    companyFunding: fundingField,
    publicFunding: fundingField,
    publicFundingSource: optionalText(200),
    premioConversion: checkbox,
    premioWindowStartsOn: optionalDay('plans.validation.date'),
    premioWindowEndsOn: optionalDay('plans.validation.date'),
    premioCap: euroField(),
    agreementKind: z.preprocess(blankToUndefined, z.enum(AGREEMENT_KINDS, { error: 'validation.invalidChoice' }).optional()),
    agreementReference: optionalText(200),
    reimbursementsAllowed: checkbox,
    leaverGraceDays: z.preprocess(
      (v) => blankToUndefined(v) ?? '0',
      z.coerce.number({ error: 'plans.validation.graceDays' }).int({ error: 'plans.validation.graceDays' }).min(0, { error: 'plans.validation.graceDays' }).max(365, { error: 'plans.validation.graceDays' }),
    ),
    endRule: z.enum(PLAN_END_RULES, { error: 'validation.invalidChoice' }),
    carryOverPlanId: z.preprocess(blankToUndefined, z.uuid({ error: 'plans.validation.carryOverTarget' }).optional()),
  })
  .transform(
    (f): PlanDraft => ({
      name: f.name,
      startsOn: f.startsOn,
      endsOn: f.endsOn,
      companyFundingCents: f.companyFunding ?? 0,
      publicFundingCents: f.publicFunding ?? 0,
      publicFundingSource: f.publicFundingSource ?? null,
      premioConversion: f.premioConversion,
      // Without conversion, the window and cap mean nothing: drop them; the agreement stays (it may be informative).
      premioWindowStartsOn: f.premioConversion ? (f.premioWindowStartsOn ?? null) : null,
      premioWindowEndsOn: f.premioConversion ? (f.premioWindowEndsOn ?? null) : null,
      premioCapCents: f.premioConversion ? (f.premioCap ?? null) : null,
      agreementKind: f.agreementKind ?? null,
      agreementReference: f.agreementReference ?? null,
      reimbursementsAllowed: f.reimbursementsAllowed,
      leaverGraceDays: f.leaverGraceDays,
      endRule: f.endRule,
      carryOverPlanId: f.endRule === 'CARRY_OVER' ? (f.carryOverPlanId ?? null) : null,
    }),
  );
export type PlanForm = z.output<typeof planFormSchema>;

/** Allocation rules: three amounts, "category; amount" lines, and whether manual amounts apply. */
export const rulesFormSchema = z.object({
  flat: euroField(),
  perChild: euroField(),
  perDependent: euroField(),
  byCategory: z.preprocess((v) => (typeof v === 'string' ? v : ''), z.string().max(20_000, { error: 'validation.tooLong' })),
  manual: checkbox,
});
export type RulesForm = z.output<typeof rulesFormSchema>;

/** "impiegati; 200" lines → category codes and cents, with errors per line. */
export function parseCategoryLines(text: string): { rules: Array<{ category: string; cents: number }>; errors: Array<{ line: number; messageKey: string }> } {
  const rules: Array<{ category: string; cents: number }> = [];
  const errors: Array<{ line: number; messageKey: string }> = [];
  const seen = new Set<string>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.trim();
    if (!trimmed || trimmed.startsWith('#')) return;
    const match = /^(.+?)\s*[;\t]\s*(.+)$/.exec(trimmed);
    if (!match) return void errors.push({ line, messageKey: 'plans.lines.shape' });
    const category = normalizeCategory(match[1]!);
    if (!category || category.length > 60) return void errors.push({ line, messageKey: 'plans.validation.categoryCode' });
    const cents = parseEuroToCents(match[2]!);
    if (cents === null || cents <= 0) return void errors.push({ line, messageKey: 'plans.lines.amount' });
    if (seen.has(category)) return void errors.push({ line, messageKey: 'plans.validation.categoryTwice' });
    seen.add(category);
    rules.push({ category, cents });
  });
  return { rules, errors };
}

/** Pasted "who; amount" lines (manual amounts, declared premi). */
export const amountLinesFormSchema = z.object({
  lines: z.preprocess((v) => (typeof v === 'string' ? v : ''), z.string().max(2_000_000, { error: 'validation.tooLong' })),
});

export const planIdParam = z.uuid();

/** The employee's conversion: the amount and the explicit confirmation. */
export const premioFormSchema = z.object({
  planId: z.uuid({ error: 'validation.invalidChoice' }),
  amount: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z
      .string({ error: 'plans.premio.validation.amount' })
      .transform((text, ctx) => {
        const cents = parseEuroToCents(text);
        if (cents === null || cents <= 0) {
          ctx.addIssue({ code: 'custom', message: 'plans.premio.validation.amount' });
          return z.NEVER;
        }
        return cents;
      }),
  ),
  confirm: z.preprocess((v) => v === 'on' || v === 'true', z.literal(true, { error: 'plans.premio.validation.confirm' })),
});

/** What was typed in a form, to refill it after a refusal (files and repeated fields dropped). */
export function formValues(formData: FormData): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of formData.entries()) if (typeof value === 'string' && !(key in values)) values[key] = value;
  return values;
}

/** The rules form → rule drafts in a fixed order (FLAT, PER_CHILD, PER_DEPENDENT, BY_CATEGORY…, MANUAL), or line errors. */
export function rulesFromForm(form: RulesForm): { rules: RuleDraft[]; fieldErrors: Record<string, string> } {
  const rules: RuleDraft[] = [];
  if (form.flat) rules.push({ kind: 'FLAT', employeeCategory: null, amountCents: form.flat });
  if (form.perChild) rules.push({ kind: 'PER_CHILD', employeeCategory: null, amountCents: form.perChild });
  if (form.perDependent) rules.push({ kind: 'PER_DEPENDENT', employeeCategory: null, amountCents: form.perDependent });
  const categories = parseCategoryLines(form.byCategory);
  for (const c of categories.rules) rules.push({ kind: 'BY_CATEGORY', employeeCategory: c.category, amountCents: c.cents });
  if (form.manual) rules.push({ kind: 'MANUAL', employeeCategory: null, amountCents: null });
  const fieldErrors: Record<string, string> = {};
  if (categories.errors.length > 0) fieldErrors.byCategory = categories.errors[0]!.messageKey;
  return { rules, fieldErrors };
}

/**
 * The carnet form: checked categories (`category`), each with an optional cap (`cap_<id>`, euro)
 * and a reimbursable flag (`reimbursable_<id>`), and checked offerings (`offering`).
 */
export function carnetFromForm(formData: FormData): { categories: CarnetCategoryDraft[]; offeringIds: string[]; fieldErrors: Record<string, string> } {
  const fieldErrors: Record<string, string> = {};
  const uuid = z.uuid();
  const ids = formData.getAll('category').filter((v): v is string => typeof v === 'string' && uuid.safeParse(v).success);
  const categories = [...new Set(ids)].map((categoryId) => {
    const capText = String(formData.get(`cap_${categoryId}`) ?? '').trim();
    let capCents: number | null = null;
    if (capText) {
      capCents = parseEuroToCents(capText);
      if (capCents === null || capCents <= 0) {
        fieldErrors[`cap_${categoryId}`] = 'plans.validation.amountPositive';
        capCents = null;
      }
    }
    const reimbursable = formData.get(`reimbursable_${categoryId}`) === 'on';
    return { categoryId, capCents, reimbursable };
  });
  const offeringIds = [...new Set(formData.getAll('offering').filter((v): v is string => typeof v === 'string' && uuid.safeParse(v).success))];
  return { categories, offeringIds, fieldErrors };
}
