// Pure rules of the catalogue: the lifecycle of an offering and of its versions, what editing
// does, euro amounts typed the Italian way and the field-by-field comparison the curator reads
// (Markdown rendering and the description diff are in offerings.text.ts). No I/O:
// offerings.server.ts applies these in transactions.

import { z } from 'zod';

export { diffText, renderDescription, type TextDiffPart } from './offerings.text';

export const OFFERING_STATUSES = ['DRAFT', 'SUBMITTED', 'APPROVED', 'CHANGES_REQUESTED', 'REJECTED', 'SUSPENDED', 'RETIRED'] as const;
export type OfferingStatusName = (typeof OFFERING_STATUSES)[number];

export const VERSION_STATUSES = ['DRAFT', 'SUBMITTED', 'APPROVED', 'CHANGES_REQUESTED', 'REJECTED', 'SUPERSEDED'] as const;
export type VersionStatusName = (typeof VERSION_STATUSES)[number];

export const TARGETS = ['CHILDREN', 'ELDERLY', 'DISABLED', 'ADULTS', 'EVERYONE'] as const;
export type TargetName = (typeof TARGETS)[number];

export const PRICE_UNITS = ['HOUR', 'DAY', 'MONTH', 'SERVICE', 'PACKAGE'] as const;
export type PriceUnitName = (typeof PRICE_UNITS)[number];

export const VAT_TREATMENTS = ['EXEMPT_ART10', 'VAT_5', 'VAT_10', 'VAT_22'] as const;
export type VatTreatmentName = (typeof VAT_TREATMENTS)[number];

/** The offering as a whole (what the catalogue shows). */
export const OFFERING_TRANSITIONS: Record<OfferingStatusName, readonly OfferingStatusName[]> = {
  DRAFT: ['SUBMITTED'],
  SUBMITTED: ['APPROVED', 'CHANGES_REQUESTED', 'REJECTED'],
  CHANGES_REQUESTED: ['SUBMITTED'],
  APPROVED: ['SUSPENDED', 'RETIRED'],
  // Reinstated, or retired for good without being reinstated first.
  SUSPENDED: ['APPROVED', 'RETIRED'],
  REJECTED: [],
  RETIRED: [],
};

/** One version's review. An approved version is superseded when a newer one is approved. */
export const VERSION_TRANSITIONS: Record<VersionStatusName, readonly VersionStatusName[]> = {
  DRAFT: ['SUBMITTED'],
  SUBMITTED: ['APPROVED', 'CHANGES_REQUESTED', 'REJECTED'],
  CHANGES_REQUESTED: ['SUBMITTED'],
  APPROVED: ['SUPERSEDED'],
  REJECTED: [],
  SUPERSEDED: [],
};

export function canOfferingTransition(from: OfferingStatusName, to: OfferingStatusName): boolean {
  return OFFERING_TRANSITIONS[from].includes(to);
}

export function canVersionTransition(from: VersionStatusName, to: VersionStatusName): boolean {
  return VERSION_TRANSITIONS[from].includes(to);
}

/** Statuses in which a version is still open: being written, awaiting review or awaiting changes. */
export const OPEN_VERSION_STATUSES: readonly VersionStatusName[] = ['DRAFT', 'SUBMITTED', 'CHANGES_REQUESTED'];

export interface LifecycleState {
  offeringStatus: OfferingStatusName;
  /** Status of the newest version. */
  headStatus: VersionStatusName;
  /** Whether an approved version is live (the offering was approved at least once). */
  hasLive: boolean;
}

/** A planned change: the newest version's status, the offering's status, and whether the live one is superseded. */
export interface LifecyclePlan {
  versionFrom: VersionStatusName | null;
  versionTo: VersionStatusName | null;
  offeringFrom: OfferingStatusName;
  offeringTo: OfferingStatusName;
  /** Approving a new version of a live offering: the live one becomes SUPERSEDED. */
  supersedeLive: boolean;
}

export type ProviderAction = 'submit';
export type ReviewDecision = 'approve' | 'requestChanges' | 'reject';
export type StatusDecision = 'suspend' | 'reinstate' | 'retire';
export type CuratorDecision = ReviewDecision | StatusDecision;
export const REVIEW_DECISIONS: readonly ReviewDecision[] = ['approve', 'requestChanges', 'reject'];
export const STATUS_DECISIONS: readonly StatusDecision[] = ['suspend', 'reinstate', 'retire'];
export const CURATOR_DECISIONS: readonly CuratorDecision[] = [...REVIEW_DECISIONS, ...STATUS_DECISIONS];

/** Decisions that must say why (the provider reads the reason). */
export function decisionNeedsReason(decision: CuratorDecision): boolean {
  return decision === 'requestChanges' || decision === 'reject' || decision === 'suspend';
}

const REVIEW_VERSION_TARGET: Record<ReviewDecision, VersionStatusName> = {
  approve: 'APPROVED',
  requestChanges: 'CHANGES_REQUESTED',
  reject: 'REJECTED',
};

/**
 * What submitting for review changes, or null when it is not allowed now. A first submission moves
 * the offering too; a new version of a live offering leaves the live one (and the offering's
 * status) alone until the curator decides.
 */
export function planSubmit(state: LifecycleState): LifecyclePlan | null {
  if (!canVersionTransition(state.headStatus, 'SUBMITTED')) return null;
  if (state.hasLive) {
    if (state.offeringStatus !== 'APPROVED' && state.offeringStatus !== 'SUSPENDED') return null;
    return { versionFrom: state.headStatus, versionTo: 'SUBMITTED', offeringFrom: state.offeringStatus, offeringTo: state.offeringStatus, supersedeLive: false };
  }
  if (!canOfferingTransition(state.offeringStatus, 'SUBMITTED')) return null;
  return { versionFrom: state.headStatus, versionTo: 'SUBMITTED', offeringFrom: state.offeringStatus, offeringTo: 'SUBMITTED', supersedeLive: false };
}

/** What a curator's review decision on the submitted version changes, or null when not allowed. */
export function planReview(state: LifecycleState, decision: ReviewDecision): LifecyclePlan | null {
  const versionTo = REVIEW_VERSION_TARGET[decision];
  if (!canVersionTransition(state.headStatus, versionTo)) return null;
  if (state.hasLive) {
    // A new version of a live offering: the offering keeps its status; approval moves the live pointer.
    if (state.offeringStatus !== 'APPROVED' && state.offeringStatus !== 'SUSPENDED') return null;
    return {
      versionFrom: state.headStatus,
      versionTo,
      offeringFrom: state.offeringStatus,
      offeringTo: state.offeringStatus,
      supersedeLive: decision === 'approve',
    };
  }
  const offeringTo: OfferingStatusName = versionTo === 'APPROVED' ? 'APPROVED' : versionTo === 'REJECTED' ? 'REJECTED' : 'CHANGES_REQUESTED';
  if (!canOfferingTransition(state.offeringStatus, offeringTo)) return null;
  return { versionFrom: state.headStatus, versionTo, offeringFrom: state.offeringStatus, offeringTo, supersedeLive: false };
}

const STATUS_DECISION_TARGET: Record<StatusDecision, OfferingStatusName> = {
  suspend: 'SUSPENDED',
  reinstate: 'APPROVED',
  retire: 'RETIRED',
};

/** Suspend, reinstate or retire the offering as a whole; versions are untouched. */
export function planStatusDecision(state: Pick<LifecycleState, 'offeringStatus' | 'hasLive'>, decision: StatusDecision): LifecyclePlan | null {
  const offeringTo = STATUS_DECISION_TARGET[decision];
  if (!state.hasLive || !canOfferingTransition(state.offeringStatus, offeringTo)) return null;
  return { versionFrom: null, versionTo: null, offeringFrom: state.offeringStatus, offeringTo, supersedeLive: false };
}

/** The decisions a curator may take on an offering in this state (for the decision form). */
export function availableDecisions(state: LifecycleState): CuratorDecision[] {
  const review = REVIEW_DECISIONS.filter((d) => planReview(state, d) !== null);
  const status = STATUS_DECISIONS.filter((d) => planStatusDecision(state, d) !== null);
  return [...review, ...status];
}

/**
 * What saving the provider's form does: edit the open version in place, start a new version
 * (the approved one stays live meanwhile), or nothing because the offering is locked.
 */
export type EditMode = 'in-place' | 'new-version' | 'locked';

export function editMode(state: LifecycleState): EditMode {
  if (state.offeringStatus === 'RETIRED' || state.offeringStatus === 'REJECTED') return 'locked';
  if (state.headStatus === 'DRAFT' || state.headStatus === 'CHANGES_REQUESTED') return 'in-place';
  // Awaiting review: the curator is reading it, so it does not change under their eyes.
  if (state.headStatus === 'SUBMITTED') return 'locked';
  // The newest version was approved (it is live) or rejected while an older one stays live.
  if (state.hasLive && (state.offeringStatus === 'APPROVED' || state.offeringStatus === 'SUSPENDED')) return 'new-version';
  return 'locked';
}

// ---------------------------------------------------------------------------------------------
// Money typed the Italian way

/** Largest amount a form accepts: € 100.000,00. */
export const MAX_PRICE_CENTS = 10_000_000;

/**
 * Euro text → integer cents, or null when it is not an amount. Accepts "12,50", "12.5", "1.234,56",
 * "1.234" (Italian thousands), "€ 12", "12,5 €"; at most two decimals; no negatives.
 */
export function parseEuroToCents(input: string): number | null {
  const text = input.replace(/€|eur(o)?/gi, '').replace(/[\s\u00a0\u202f]/g, '');
  if (!text) return null;
  let integer: string;
  let decimals = '';
  if (/^\d{1,3}(\.\d{3})+(,\d{1,2})?$/.test(text)) {
    // 1.234 or 1.234,56: dots group thousands.
    const [int, dec] = text.split(',');
    integer = int!.replace(/\./g, '');
    decimals = dec ?? '';
  } else if (/^\d+(,\d{1,2})?$/.test(text)) {
    const [int, dec] = text.split(',');
    integer = int!;
    decimals = dec ?? '';
  } else if (/^\d+\.\d{1,2}$/.test(text)) {
    // 12.5 or 12.50: a decimal point, as a keyboard with an English layout types it.
    const [int, dec] = text.split('.');
    integer = int!;
    decimals = dec!;
  } else {
    return null;
  }
  const cents = Number(integer) * 100 + Number(decimals.padEnd(2, '0'));
  if (!Number.isSafeInteger(cents) || cents > MAX_PRICE_CENTS) return null;
  return cents;
}

/** Cents → the text the form shows back ("12,50"), without currency sign or grouping. */
export function centsToEuroInput(cents: number | null | undefined): string {
  if (cents === null || cents === undefined) return '';
  const euros = Math.trunc(cents / 100);
  const rest = String(cents % 100).padStart(2, '0');
  return `${euros},${rest}`;
}

// ---------------------------------------------------------------------------------------------
// Availability

export interface TimeBand {
  from: string;
  to: string;
}

export interface Availability {
  /** ISO weekdays: 1 = Monday … 7 = Sunday. */
  weekdays: number[];
  bands: TimeBand[];
}

export function minutesOf(time: string): number {
  const [h, m] = time.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

export const MAX_BANDS = 3;

/** Bands must not overlap once sorted. */
export function bandsOverlap(bands: readonly TimeBand[]): boolean {
  const sorted = [...bands].sort((a, b) => minutesOf(a.from) - minutesOf(b.from));
  for (let i = 1; i < sorted.length; i++) if (minutesOf(sorted[i]!.from) < minutesOf(sorted[i - 1]!.to)) return true;
  return false;
}

/** Availability as stored in OfferingVersion.availability (JSONB). */
export const availabilitySchema = z
  .object({
    weekdays: z.array(z.number().int().min(1).max(7)).max(7),
    bands: z
      .array(
        z.object({
          from: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
          to: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
        }),
      )
      .max(MAX_BANDS),
  })
  .refine((a) => new Set(a.weekdays).size === a.weekdays.length, { error: 'offerings.validation.weekdays' })
  .refine((a) => a.bands.every((b) => minutesOf(b.from) < minutesOf(b.to)), { error: 'offerings.validation.bandOrder' })
  .refine((a) => !bandsOverlap(a.bands), { error: 'offerings.validation.bandOverlap' });

/** Reads a stored availability value; an unreadable one counts as "not stated". */
export function readAvailability(value: unknown): z.infer<typeof availabilitySchema> {
  const parsed = availabilitySchema.safeParse(value);
  return parsed.success ? parsed.data : { weekdays: [], bands: [] };
}


// ---------------------------------------------------------------------------------------------
// The curator's comparison of a submitted version with the live one

export interface ComparableVersion {
  title: string;
  description: string;
  categoryName: string;
  target: string;
  ageMin: number | null;
  ageMax: number | null;
  priceUnit: string | null;
  packageHours: number | null;
  listPriceCents: number | null;
  allianceRateCents: number | null;
  vatTreatment: string | null;
  availability: Availability;
  bookingNoticeDays: number;
  cancellationTerms: string;
  capacityPerWeek: number | null;
  contactName: string | null;
  contactEmail: string | null;
  contactPhone: string | null;
  contactAddress: string | null;
  comuni: string[];
}

export const COMPARED_FIELDS = [
  'title',
  'categoryName',
  'target',
  'ages',
  'priceUnit',
  'packageHours',
  'listPriceCents',
  'allianceRateCents',
  'vatTreatment',
  'weekdays',
  'bands',
  'bookingNoticeDays',
  'cancellationTerms',
  'capacityPerWeek',
  'contactName',
  'contactEmail',
  'contactPhone',
  'contactAddress',
  'comuni',
] as const;
export type ComparedField = (typeof COMPARED_FIELDS)[number];

/** A comparable value per field; equal values mean "unchanged". */
export function comparableValue(version: ComparableVersion, field: ComparedField): string {
  switch (field) {
    case 'ages':
      return version.ageMin === null ? '' : `${version.ageMin}-${version.ageMax}`;
    case 'weekdays':
      return [...version.availability.weekdays].sort().join(',');
    case 'bands':
      return version.availability.bands.map((b) => `${b.from}-${b.to}`).join(',');
    case 'comuni':
      return [...version.comuni].sort((a, b) => a.localeCompare(b, 'it')).join(', ');
    default: {
      const value = version[field];
      return value === null || value === undefined ? '' : String(value);
    }
  }
}

export interface FieldChange {
  field: ComparedField;
  changed: boolean;
}

/** Field by field: which fields the submitted version changes against the live one. */
export function compareVersions(live: ComparableVersion | null, proposed: ComparableVersion): FieldChange[] {
  return COMPARED_FIELDS.map((field) => ({
    field,
    changed: live === null ? false : comparableValue(live, field) !== comparableValue(proposed, field),
  }));
}

// ---------------------------------------------------------------------------------------------
// Form values (what the provider's form shows: a saved version, or what was just typed)

export type OfferingFormValues = Record<string, string | string[]>;

/** A submitted form as typed, keeping the checkbox groups (several values under one name). */
export function formDataValues(formData: FormData, lists: readonly string[] = ['weekdays', 'comuni']): OfferingFormValues {
  const values: OfferingFormValues = {};
  for (const [key, value] of formData.entries()) {
    if (typeof value !== 'string' || key === 'intent') continue;
    if (lists.includes(key)) values[key] = [...((values[key] as string[] | undefined) ?? []), value];
    else values[key] = value;
  }
  for (const key of lists) values[key] ??= [];
  return values;
}

export interface VersionFormSource {
  title: string;
  description: string;
  category: { id: string };
  target: string;
  ageMin: number | null;
  ageMax: number | null;
  priceUnit: string | null;
  packageHours: number | null;
  listPriceCents: number | null;
  allianceRateCents: number | null;
  vatTreatment: string | null;
  availability: Availability;
  bookingNoticeDays: number;
  cancellationTerms: string;
  capacityPerWeek: number | null;
  contactName: string | null;
  contactEmail: string | null;
  contactPhone: string | null;
  contactAddress: string | null;
  comuni: Array<{ id: string }>;
}

/** A saved version as the form's starting values (euro written the Italian way). */
export function versionToFormValues(v: VersionFormSource): OfferingFormValues {
  const text = (n: number | null) => (n === null ? '' : String(n));
  const values: OfferingFormValues = {
    title: v.title,
    description: v.description,
    categoryId: v.category.id,
    target: v.target,
    ageMin: text(v.ageMin),
    ageMax: text(v.ageMax),
    priceUnit: v.priceUnit ?? '',
    packageHours: text(v.packageHours),
    listPrice: centsToEuroInput(v.listPriceCents),
    allianceRate: centsToEuroInput(v.allianceRateCents),
    vatTreatment: v.vatTreatment ?? '',
    weekdays: v.availability.weekdays.map(String),
    bookingNoticeDays: String(v.bookingNoticeDays),
    cancellationTerms: v.cancellationTerms,
    capacityPerWeek: text(v.capacityPerWeek),
    contactName: v.contactName ?? '',
    contactEmail: v.contactEmail ?? '',
    contactPhone: v.contactPhone ?? '',
    contactAddress: v.contactAddress ?? '',
    comuni: v.comuni.map((c) => c.id),
  };
  v.availability.bands.forEach((band, i) => {
    values[`band${i + 1}From`] = band.from;
    values[`band${i + 1}To`] = band.to;
  });
  return values;
}
