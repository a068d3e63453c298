import { describe, expect, it } from 'vitest';
import { decisionFormSchema, offeringCategoryErrors, offeringFormSchema, reviewQueueQuerySchema } from './offerings.schema';

const COMUNE = '6f1c1d1e-2a3b-4c5d-8e9f-0a1b2c3d4e5f';
const CATEGORY = '0b8f9a3c-1d2e-4f50-9a6b-7c8d9e0f1a2b';

function form(overrides: Record<string, unknown> = {}) {
  return {
    title: 'Baby-sitting a domicilio',
    description: 'Educatrici qualificate, anche la sera.',
    categoryId: CATEGORY,
    target: 'CHILDREN',
    ageMin: '3',
    ageMax: '10',
    priceUnit: 'HOUR',
    packageHours: '',
    listPrice: '15,00',
    allianceRate: '12,50',
    vatTreatment: 'EXEMPT_ART10',
    weekdays: ['1', '3', '5'],
    band1From: '08:00',
    band1To: '12:00',
    band2From: '',
    band2To: '',
    bookingNoticeDays: '2',
    cancellationTerms: 'Gratuita fino a 24 ore prima',
    capacityPerWeek: '',
    comuni: COMUNE,
    ...overrides,
  };
}

function errorsOf(input: Record<string, unknown>) {
  const result = offeringFormSchema.safeParse(input);
  if (result.success) return {};
  return Object.fromEntries(result.error.issues.map((i) => [i.path.join('.'), i.message]));
}

describe('offeringFormSchema', () => {
  it('turns the typed form into a version: euro the Italian way to cents, one comune to a list', () => {
    const parsed = offeringFormSchema.parse(form());
    expect(parsed).toMatchObject({
      listPriceCents: 1500,
      allianceRateCents: 1250,
      ageMin: 3,
      ageMax: 10,
      packageHours: null,
      capacityPerWeek: null,
      comuneIds: [COMUNE],
      availability: { weekdays: [1, 3, 5], bands: [{ from: '08:00', to: '12:00' }] },
    });
  });

  it('accepts a decimal point too ("12.5")', () => {
    expect(offeringFormSchema.parse(form({ allianceRate: '12.5' })).allianceRateCents).toBe(1250);
  });

  it('gives a field error for an amount that is not one', () => {
    expect(errorsOf(form({ listPrice: 'quindici' }))).toEqual({ listPrice: 'offerings.validation.price' });
    expect(errorsOf(form({ allianceRate: '12,505' }))).toEqual({ allianceRate: 'offerings.validation.price' });
    expect(errorsOf(form({ allianceRate: '-1' }))).toEqual({ allianceRate: 'offerings.validation.price' });
  });

  it('refuses an alliance rate above the list price', () => {
    expect(errorsOf(form({ allianceRate: '16' }))).toEqual({ allianceRate: 'offerings.validation.rateAboveList' });
  });

  it('needs an age range for children, in order, and drops it for other targets', () => {
    expect(errorsOf(form({ ageMin: '', ageMax: '' }))).toEqual({ ageMin: 'offerings.validation.ageRequired', ageMax: 'offerings.validation.ageRequired' });
    expect(errorsOf(form({ ageMin: '9', ageMax: '4' }))).toEqual({ ageMax: 'offerings.validation.ageOrder' });
    expect(errorsOf(form({ ageMax: '30' }))).toEqual({ ageMax: 'offerings.validation.age' });
    expect(offeringFormSchema.parse(form({ target: 'ELDERLY' }))).toMatchObject({ ageMin: null, ageMax: null });
  });

  it('needs the hours of a package', () => {
    expect(errorsOf(form({ priceUnit: 'PACKAGE' }))).toEqual({ packageHours: 'offerings.validation.packageHours' });
    expect(offeringFormSchema.parse(form({ priceUnit: 'PACKAGE', packageHours: '10' })).packageHours).toBe(10);
  });

  it('checks time bands: both ends, in order, not overlapping', () => {
    expect(errorsOf(form({ band1To: '' }))).toEqual({ band1To: 'offerings.validation.bandIncomplete' });
    expect(errorsOf(form({ band1From: '13:00' }))).toEqual({ band1To: 'offerings.validation.bandOrder' });
    expect(errorsOf(form({ band2From: '11:00', band2To: '15:00' }))).toEqual({ band1From: 'offerings.validation.bandOverlap' });
    expect(errorsOf(form({ band1From: '25:00' }))).toEqual({ band1From: 'offerings.validation.time' });
  });

  it('needs at least one comune, a valid category and a title', () => {
    expect(errorsOf(form({ comuni: undefined }))).toMatchObject({ comuni: 'offerings.validation.comuni' });
    expect(errorsOf(form({ categoryId: 'babysitter' }))).toMatchObject({ categoryId: 'offerings.validation.category' });
    expect(errorsOf(form({ title: ' a ' }))).toMatchObject({ title: 'offerings.validation.title' });
  });
});

describe('offeringCategoryErrors', () => {
  it('orientamento: no price, a contact', () => {
    const priced = offeringFormSchema.parse(form());
    expect(offeringCategoryErrors(priced, true)).toMatchObject({
      listPrice: 'offerings.validation.noPriceForOrientamento',
      contactPhone: 'offerings.validation.contactRequired',
    });
    const info = offeringFormSchema.parse(
      form({ priceUnit: '', listPrice: '', allianceRate: '', vatTreatment: '', weekdays: [], band1From: '', band1To: '', contactEmail: 'sportello@comune.it' }),
    );
    expect(offeringCategoryErrors(info, true)).toEqual({});
  });

  it('any other category: price block and weekdays', () => {
    const info = offeringFormSchema.parse(form({ priceUnit: '', listPrice: '', allianceRate: '', vatTreatment: '', weekdays: [] }));
    expect(Object.keys(offeringCategoryErrors(info, false)).sort()).toEqual(['allianceRate', 'listPrice', 'priceUnit', 'vatTreatment', 'weekdays']);
    expect(offeringCategoryErrors(offeringFormSchema.parse(form()), false)).toEqual({});
  });
});

describe('decisionFormSchema', () => {
  it('needs a reason to ask for changes, reject or suspend', () => {
    expect(decisionFormSchema.safeParse({ decision: 'approve', reason: '' }).success).toBe(true);
    for (const decision of ['requestChanges', 'reject', 'suspend']) {
      const result = decisionFormSchema.safeParse({ decision, reason: ' ' });
      expect(result.success, decision).toBe(false);
      expect(result.error?.issues[0]?.path).toEqual(['reason']);
    }
    expect(decisionFormSchema.safeParse({ decision: 'publish', reason: '' }).success).toBe(false);
  });
});

describe('reviewQueueQuerySchema', () => {
  it('defaults to what awaits review and ignores junk in the URL', () => {
    expect(reviewQueueQuerySchema.parse({})).toEqual({ status: 'REVIEW', page: 1, sort: 'submittedAt', dir: 'asc' });
    expect(reviewQueueQuerySchema.parse({ status: 'DRAFT', sort: 'x;drop', page: '-4', provider: 'nope', category: 'Baby Sitting' })).toEqual({
      status: 'REVIEW',
      page: 1,
      sort: 'submittedAt',
      dir: 'asc',
    });
  });
});
