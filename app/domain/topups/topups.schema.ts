import { z } from 'zod';
import { ibanItSchema } from '~/domain/identifiers/identifiers.schema';
import { MAX_TOP_UP_CENTS, MIN_TOP_UP_CENTS, parseEuroAmount, TOP_UP_METHODS, TOP_UP_STATUSES, validateReference } from './topups.fns';

// Forms and list queries of the top-up pages. Messages are i18n keys (app/i18n/messages/topups.ts).

const trimmed = (min: number, max: number, error: string) =>
  z
    .string({ error })
    .trim()
    .min(min, { error })
    .max(max, { error: 'validation.tooLong' });

/** Euro typed the Italian way → integer cents within the top-up limits. */
export const TopUpAmountSchema = z.string({ error: 'topups.validation.amount' }).transform((text, ctx) => {
  const cents = parseEuroAmount(text);
  if (cents === null) {
    ctx.addIssue({ code: 'custom', message: 'topups.validation.amount' });
    return z.NEVER;
  }
  if (cents < MIN_TOP_UP_CENTS) {
    ctx.addIssue({ code: 'custom', message: 'topups.validation.amountMin' });
    return z.NEVER;
  }
  if (cents > MAX_TOP_UP_CENTS) {
    ctx.addIssue({ code: 'custom', message: 'topups.validation.amountMax' });
    return z.NEVER;
  }
  return cents;
});

export const DeclareTopUpFormSchema = z.object({
  amount: TopUpAmountSchema,
  method: z.enum(TOP_UP_METHODS, { error: 'topups.validation.method' }).default('BANK_TRANSFER'),
});
export type DeclareTopUpForm = z.infer<typeof DeclareTopUpFormSchema>;

export const TopUpIdSchema = z.uuid({ error: 'topups.validation.topUpId' });

/** The day the money reached the account: a real date, not in the future, at most a year ago. */
export const ReceivedOnSchema = z
  .string({ error: 'topups.validation.receivedOn' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'topups.validation.receivedOn' })
  .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), {
    error: 'topups.validation.receivedOn',
  });

/** CRO / TRN as the bank statement prints it: letters, digits and a few separators. */
export const BankReferenceSchema = z
  .string({ error: 'topups.validation.bankReference' })
  .trim()
  .transform((v) => v.replace(/\s+/g, ' ').toUpperCase())
  .pipe(
    z
      .string()
      .min(5, { error: 'topups.validation.bankReference' })
      .max(50, { error: 'topups.validation.bankReference' })
      .regex(/^[A-Z0-9][A-Z0-9 ./-]*$/, { error: 'topups.validation.bankReference' }),
  );

export const ConfirmTopUpFormSchema = z.object({
  topUpId: TopUpIdSchema,
  bankReference: BankReferenceSchema,
  receivedOn: ReceivedOnSchema,
});
export type ConfirmTopUpForm = z.infer<typeof ConfirmTopUpFormSchema>;

export const RejectTopUpFormSchema = z.object({
  topUpId: TopUpIdSchema,
  reason: trimmed(5, 500, 'topups.validation.reason'),
});

export const CancelTopUpFormSchema = z.object({ topUpId: TopUpIdSchema });

export const ResolveAttentionFormSchema = z.object({
  topUpId: TopUpIdSchema,
  note: trimmed(3, 500, 'topups.validation.note'),
});

export const BankAccountFormSchema = z.object({
  holderName: trimmed(2, 200, 'topups.validation.holderName'),
  iban: ibanItSchema,
  bankName: z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.string().trim().max(200, { error: 'validation.tooLong' }).optional()),
});
export type BankAccountForm = z.infer<typeof BankAccountFormSchema>;

/** A payment reference typed to find a transfer: checked (typos caught) and normalised. */
export const ReferenceSearchSchema = z.string().transform((raw, ctx) => {
  const result = validateReference(raw);
  if (!result.ok) {
    ctx.addIssue({ code: 'custom', message: `topups.validation.reference.${result.reason}` });
    return z.NEVER;
  }
  return result.value;
});

export const COMPANY_SORTS = ['createdAt', 'amountCents', 'status'] as const;

export const CompanyTopUpQuerySchema = z.object({
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
  sort: z.enum(COMPANY_SORTS).catch('createdAt'),
  dir: z.enum(['asc', 'desc']).catch('desc'),
});
export type CompanyTopUpQuery = z.infer<typeof CompanyTopUpQuerySchema>;

export const ALLIANCE_FILTERS = ['TO_CONFIRM', 'ATTENTION', ...TOP_UP_STATUSES, 'ALL'] as const;
export type AllianceFilter = (typeof ALLIANCE_FILTERS)[number];
export const ALLIANCE_SORTS = ['createdAt', 'amountCents', 'company', 'status'] as const;

export const AllianceTopUpQuerySchema = z.object({
  filter: z.enum(ALLIANCE_FILTERS).catch('TO_CONFIRM'),
  /** The payment reference from the bank statement (checked: a typo is reported, not searched). */
  riferimento: z.string().trim().max(40).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
  sort: z.enum(ALLIANCE_SORTS).catch('createdAt'),
  dir: z.enum(['asc', 'desc']).catch('asc'),
});
export type AllianceTopUpQuery = z.infer<typeof AllianceTopUpQuerySchema>;
