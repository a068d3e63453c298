import { z } from 'zod';
import {
  bandsOverlap,
  MAX_BANDS,
  CURATOR_DECISIONS,
  decisionNeedsReason,
  minutesOf,
  OFFERING_STATUSES,
  parseEuroToCents,
  PRICE_UNITS,
  TARGETS,
  VAT_TREATMENTS,
} from './offerings.fns';

export { availabilitySchema, readAvailability } from './offerings.fns';

// Shared by the provider's form, the curator's decision form, the review queue's URL and the
// domain functions. Messages are i18n keys (app/i18n/messages/offerings.ts, validation.ts).

const blankToUndefined = (value: unknown): unknown => (typeof value === 'string' && value.trim() === '' ? undefined : value);
/** A checkbox group sends nothing, one string or several: always a list. */
const toList = (value: unknown): unknown => (value === undefined || value === '' ? [] : Array.isArray(value) ? value : [value]);

const optionalText = (max: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? blankToUndefined(v.trim()) : v),
    z.string().max(max, { error: 'validation.tooLong' }).optional(),
  );

const optionalInt = (min: number, max: number, error: string) =>
  z.preprocess(blankToUndefined, z.coerce.number({ error }).int({ error }).min(min, { error }).max(max, { error }).optional());

const euro = z.preprocess(
  (v) => (typeof v === 'string' ? blankToUndefined(v) : v),
  z
    .string()
    .transform((text, ctx) => {
      const cents = parseEuroToCents(text);
      if (cents === null) {
        ctx.addIssue({ code: 'custom', message: 'offerings.validation.price' });
        return z.NEVER;
      }
      return cents;
    })
    .optional(),
);

const time = z.preprocess(
  blankToUndefined,
  z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'offerings.validation.time' })
    .optional(),
);

export const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;

const bandFields = Object.fromEntries(
  Array.from({ length: MAX_BANDS }, (_, i) => [
    [`band${i + 1}From`, time],
    [`band${i + 1}To`, time],
  ]).flat(),
) as Record<`band${1 | 2 | 3}${'From' | 'To'}`, typeof time>;

/** The provider's offering form (create and edit). Category-dependent rules: offeringCategoryErrors. */
export const offeringFormSchema = z
  .object({
    title: z
      .string({ error: 'validation.required' })
      .trim()
      .min(3, { error: 'offerings.validation.title' })
      .max(160, { error: 'validation.tooLong' }),
    description: z
      .string({ error: 'validation.required' })
      .trim()
      .min(10, { error: 'offerings.validation.description' })
      .max(10_000, { error: 'validation.tooLong' }),
    categoryId: z.uuid({ error: 'offerings.validation.category' }),
    target: z.enum(TARGETS, { error: 'validation.invalidChoice' }),
    ageMin: optionalInt(0, 17, 'offerings.validation.age'),
    ageMax: optionalInt(0, 17, 'offerings.validation.age'),
    priceUnit: z.preprocess(blankToUndefined, z.enum(PRICE_UNITS, { error: 'validation.invalidChoice' }).optional()),
    packageHours: optionalInt(1, 1000, 'offerings.validation.packageHours'),
    listPrice: euro,
    allianceRate: euro,
    vatTreatment: z.preprocess(blankToUndefined, z.enum(VAT_TREATMENTS, { error: 'validation.invalidChoice' }).optional()),
    weekdays: z.preprocess(
      toList,
      z.array(z.coerce.number().int().min(1).max(7), { error: 'offerings.validation.weekdays' }).max(7, { error: 'offerings.validation.weekdays' }),
    ),
    ...bandFields,
    bookingNoticeDays: z.preprocess(
      (v) => blankToUndefined(v) ?? '0',
      z.coerce.number({ error: 'offerings.validation.notice' }).int({ error: 'offerings.validation.notice' }).min(0, { error: 'offerings.validation.notice' }).max(365, { error: 'offerings.validation.notice' }),
    ),
    cancellationTerms: z.preprocess((v) => (typeof v === 'string' ? v.trim() : ''), z.string().max(2000, { error: 'validation.tooLong' })),
    capacityPerWeek: optionalInt(1, 100_000, 'offerings.validation.capacity'),
    contactName: optionalText(200),
    contactEmail: z.preprocess(
      (v) => (typeof v === 'string' ? blankToUndefined(v.trim().toLowerCase()) : v),
      z.email({ error: 'validation.email' }).max(254, { error: 'validation.tooLong' }).optional(),
    ),
    contactPhone: z.preprocess(
      (v) => (typeof v === 'string' ? blankToUndefined(v.trim()) : v),
      z
        .string()
        .regex(/^\+?[0-9 ./-]{6,20}$/, { error: 'offerings.validation.phone' })
        .optional(),
    ),
    contactAddress: optionalText(300),
    comuni: z.preprocess(toList, z.array(z.uuid({ error: 'validation.invalidId' })).min(1, { error: 'offerings.validation.comuni' })),
  })
  // Run even when a field failed (`when`), so every error shows at once; a field that failed
  // arrives here raw, so cross-field rules only look at values of the right type.
  .superRefine((form, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
    const isTime = (v: unknown): v is string => typeof v === 'string' && /^([01]\d|2[0-3]):[0-5]\d$/.test(v);
    if (form.target === 'CHILDREN') {
      if (form.ageMin === undefined) issue('ageMin', 'offerings.validation.ageRequired');
      if (form.ageMax === undefined) issue('ageMax', 'offerings.validation.ageRequired');
      if (isInt(form.ageMin) && isInt(form.ageMax) && form.ageMin > form.ageMax) issue('ageMax', 'offerings.validation.ageOrder');
    }
    if (form.priceUnit === 'PACKAGE' && form.packageHours === undefined) issue('packageHours', 'offerings.validation.packageHours');
    if (isInt(form.listPrice) && isInt(form.allianceRate) && form.allianceRate > form.listPrice) {
      issue('allianceRate', 'offerings.validation.rateAboveList');
    }
    if (Array.isArray(form.weekdays) && new Set(form.weekdays).size !== form.weekdays.length) issue('weekdays', 'offerings.validation.weekdays');
    const bands = [];
    for (let i = 1; i <= MAX_BANDS; i++) {
      const from = form[`band${i}From` as `band${1 | 2 | 3}From`];
      const to = form[`band${i}To` as `band${1 | 2 | 3}To`];
      if (!from && !to) continue;
      // A malformed time already has its own error.
      if ((from && !isTime(from)) || (to && !isTime(to))) continue;
      if (!from || !to) {
        issue(from ? `band${i}To` : `band${i}From`, 'offerings.validation.bandIncomplete');
        continue;
      }
      if (minutesOf(from) >= minutesOf(to)) {
        issue(`band${i}To`, 'offerings.validation.bandOrder');
        continue;
      }
      bands.push({ from, to });
    }
    if (bandsOverlap(bands)) issue('band1From', 'offerings.validation.bandOverlap');
  }, { when: () => true })
  .transform((form) => {
    const bands = [];
    for (let i = 1; i <= MAX_BANDS; i++) {
      const from = form[`band${i}From` as `band${1 | 2 | 3}From`];
      const to = form[`band${i}To` as `band${1 | 2 | 3}To`];
      if (from && to) bands.push({ from, to });
    }
    return {
      title: form.title,
      description: form.description,
      categoryId: form.categoryId,
      target: form.target,
      ageMin: form.target === 'CHILDREN' ? (form.ageMin ?? null) : null,
      ageMax: form.target === 'CHILDREN' ? (form.ageMax ?? null) : null,
      priceUnit: form.priceUnit ?? null,
      packageHours: form.priceUnit === 'PACKAGE' ? (form.packageHours ?? null) : null,
      listPriceCents: form.listPrice ?? null,
      allianceRateCents: form.allianceRate ?? null,
      vatTreatment: form.vatTreatment ?? null,
      availability: {
        weekdays: [...form.weekdays].sort((a, b) => a - b),
        bands: bands.sort((a, b) => minutesOf(a.from) - minutesOf(b.from)),
      },
      bookingNoticeDays: form.bookingNoticeDays,
      cancellationTerms: form.cancellationTerms,
      capacityPerWeek: form.capacityPerWeek ?? null,
      contactName: form.contactName ?? null,
      contactEmail: form.contactEmail ?? null,
      contactPhone: form.contactPhone ?? null,
      contactAddress: form.contactAddress ?? null,
      comuneIds: [...new Set(form.comuni)],
    };
  });

export type OfferingInput = z.output<typeof offeringFormSchema>;

/** What the category decides: "orientamento" carries contacts and no price; everything else a price. */
export function offeringCategoryErrors(input: OfferingInput, isOrientamento: boolean): Record<string, string> {
  const errors: Record<string, string> = {};
  if (isOrientamento) {
    if (input.priceUnit !== null) errors.priceUnit = 'offerings.validation.noPriceForOrientamento';
    if (input.listPriceCents !== null) errors.listPrice = 'offerings.validation.noPriceForOrientamento';
    if (input.allianceRateCents !== null) errors.allianceRate = 'offerings.validation.noPriceForOrientamento';
    if (input.vatTreatment !== null) errors.vatTreatment = 'offerings.validation.noPriceForOrientamento';
    if (!input.contactEmail && !input.contactPhone) errors.contactPhone = 'offerings.validation.contactRequired';
    return errors;
  }
  if (input.priceUnit === null) errors.priceUnit = 'offerings.validation.priceUnit';
  if (input.listPriceCents === null) errors.listPrice = 'offerings.validation.priceRequired';
  if (input.allianceRateCents === null) errors.allianceRate = 'offerings.validation.priceRequired';
  if (input.vatTreatment === null) errors.vatTreatment = 'offerings.validation.vat';
  if (input.availability.weekdays.length === 0) errors.weekdays = 'offerings.validation.weekdaysRequired';
  return errors;
}

/** The provider's buttons: save the draft, save and send for review, or send the saved version as it is. */
export const offeringFormIntentSchema = z.enum(['save', 'submit', 'submitOnly']).catch('save');

/** The curator's decision form. */
export const decisionFormSchema = z
  .object({
    decision: z.enum(CURATOR_DECISIONS, { error: 'offerings.validation.decision' }),
    /** The version the curator read: a decision on a version that changed meanwhile is refused. */
    versionId: z.preprocess(blankToUndefined, z.uuid({ error: 'validation.invalidId' }).optional()),
    reason: z.preprocess((v) => (typeof v === 'string' ? v.trim() : ''), z.string().max(2000, { error: 'validation.tooLong' })),
  })
  .superRefine((form, ctx) => {
    if (decisionNeedsReason(form.decision) && form.reason.length < 5) {
      ctx.addIssue({ code: 'custom', path: ['reason'], message: 'offerings.validation.reasonRequired' });
    }
  });
export type DecisionForm = z.output<typeof decisionFormSchema>;

const page = z.coerce.number().int().min(1).max(100_000).catch(1);
const dir = z.enum(['asc', 'desc']);
const optionalUuid = z.preprocess(blankToUndefined, z.uuid().optional()).catch(undefined);

/** REVIEW: a version awaits the curator (the default view of the queue); ALL: every submitted offering. */
export const QUEUE_STATUS_FILTERS = ['REVIEW', 'ALL', ...OFFERING_STATUSES.filter((s) => s !== 'DRAFT')] as const;
export type QueueStatusFilter = (typeof QUEUE_STATUS_FILTERS)[number];
export const QUEUE_SORTS = ['title', 'provider', 'category', 'status', 'submittedAt'] as const;

export const reviewQueueQuerySchema = z.object({
  q: z.preprocess(blankToUndefined, z.string().trim().max(100).optional()).catch(undefined),
  status: z.enum(QUEUE_STATUS_FILTERS).catch('REVIEW'),
  category: z.preprocess(blankToUndefined, z.string().regex(/^[a-z0-9-]{1,80}$/).optional()).catch(undefined),
  provider: optionalUuid,
  comune: optionalUuid,
  page,
  sort: z.enum(QUEUE_SORTS).catch('submittedAt'),
  dir: dir.catch('asc'),
});
export type ReviewQueueQuery = z.infer<typeof reviewQueueQuerySchema>;

export const PROVIDER_LIST_SORTS = ['title', 'category', 'status', 'updatedAt'] as const;
export const providerListQuerySchema = z.object({
  page,
  sort: z.enum(PROVIDER_LIST_SORTS).catch('updatedAt'),
  dir: dir.catch('desc'),
});
export type ProviderListQuery = z.infer<typeof providerListQuerySchema>;

export const offeringIdSchema = z.uuid();
