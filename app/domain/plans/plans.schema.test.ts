import { describe, expect, it } from 'vitest';
import { carnetFromForm, parseCategoryLines, planFormSchema, premioFormSchema, rulesFormSchema, rulesFromForm } from './plans.schema';

const CAT_A = '0b8f0c6e-8a8e-4a52-9a57-5d3f4d0b6a11';
const CAT_B = '1c8f0c6e-8a8e-4a52-9a57-5d3f4d0b6a22';

describe('planFormSchema', () => {
  it('reads Italian dates and amounts, and drops the premio window when conversion is off', () => {
    const parsed = planFormSchema.parse({
      name: '  Piano 2027 ',
      startsOn: '01/01/2027',
      endsOn: '2027-12-31',
      companyFunding: '1.250.000,50',
      publicFunding: '',
      premioWindowStartsOn: '2027-03-01',
      premioWindowEndsOn: '2027-03-31',
      agreementReference: 'Accordo 2026',
      leaverGraceDays: '45',
      endRule: 'RETURN_TO_COMPANY',
      carryOverPlanId: CAT_A,
    });
    expect(parsed).toMatchObject({
      name: 'Piano 2027',
      startsOn: '2027-01-01',
      endsOn: '2027-12-31',
      companyFundingCents: 125_000_050,
      publicFundingCents: 0,
      premioConversion: false,
      premioWindowStartsOn: null,
      premioWindowEndsOn: null,
      agreementReference: 'Accordo 2026',
      leaverGraceDays: 45,
      carryOverPlanId: null,
    });
  });

  it('keeps the conversion fields when conversion is on, and reports bad fields by name', () => {
    const on = planFormSchema.parse({
      name: 'Piano',
      startsOn: '2027-01-01',
      endsOn: '2027-12-31',
      premioConversion: 'on',
      premioWindowStartsOn: '01/03/2027',
      premioWindowEndsOn: '31/03/2027',
      premioCap: '1.500',
      agreementKind: 'COMPANY',
      agreementReference: 'Accordo integrativo aziendale 2026',
      leaverGraceDays: '',
      endRule: 'CARRY_OVER',
    });
    expect(on).toMatchObject({ premioConversion: true, premioWindowStartsOn: '2027-03-01', premioCapCents: 150_000, agreementKind: 'COMPANY', leaverGraceDays: 0 });
    const bad = planFormSchema.safeParse({ name: 'x', startsOn: '31/02/2027', endsOn: '2027-12-31', companyFunding: 'tanti', leaverGraceDays: '400', endRule: 'NO' });
    expect(bad.success).toBe(false);
    const fields = Object.fromEntries(bad.error!.issues.map((i) => [i.path.join('.'), i.message]));
    expect(fields).toMatchObject({
      name: 'plans.validation.name',
      startsOn: 'plans.validation.date',
      companyFunding: 'plans.validation.amount',
      leaverGraceDays: 'plans.validation.graceDays',
      endRule: 'validation.invalidChoice',
    });
  });
});

describe('rules and carnet forms', () => {
  it('turns the rules form into rule drafts in a fixed order', () => {
    const form = rulesFormSchema.parse({ flat: '250', perChild: '', perDependent: '150,50', byCategory: '# categoria; importo\nOperai; 100\n impiegati ;50', manual: 'on' });
    expect(rulesFromForm(form)).toEqual({
      rules: [
        { kind: 'FLAT', employeeCategory: null, amountCents: 25_000 },
        { kind: 'PER_DEPENDENT', employeeCategory: null, amountCents: 15_050 },
        { kind: 'BY_CATEGORY', employeeCategory: 'operai', amountCents: 10_000 },
        { kind: 'BY_CATEGORY', employeeCategory: 'impiegati', amountCents: 5_000 },
        { kind: 'MANUAL', employeeCategory: null, amountCents: null },
      ],
      fieldErrors: {},
    });
  });

  it('reports the first bad category line', () => {
    expect(parseCategoryLines('operai; 10\noperai; 20\nquadri').errors).toEqual([
      { line: 2, messageKey: 'plans.validation.categoryTwice' },
      { line: 3, messageKey: 'plans.lines.shape' },
    ]);
    expect(rulesFromForm(rulesFormSchema.parse({ byCategory: 'operai; zero' })).fieldErrors).toEqual({ byCategory: 'plans.lines.amount' });
  });

  it('reads checked categories with caps and reimbursable flags, and checked offerings', () => {
    const form = new FormData();
    form.append('category', CAT_A);
    form.append('category', CAT_B);
    form.append('category', 'not-a-uuid');
    form.append(`cap_${CAT_A}`, '300,00');
    form.append(`reimbursable_${CAT_B}`, 'on');
    form.append(`cap_${CAT_B}`, '');
    form.append('offering', CAT_A);
    expect(carnetFromForm(form)).toEqual({
      categories: [
        { categoryId: CAT_A, capCents: 30_000, reimbursable: false },
        { categoryId: CAT_B, capCents: null, reimbursable: true },
      ],
      offeringIds: [CAT_A],
      fieldErrors: {},
    });
    const bad = new FormData();
    bad.append('category', CAT_A);
    bad.append(`cap_${CAT_A}`, 'molto');
    expect(carnetFromForm(bad).fieldErrors).toEqual({ [`cap_${CAT_A}`]: 'plans.validation.amountPositive' });
  });
});

describe('premioFormSchema', () => {
  it('needs an amount and the explicit confirmation', () => {
    expect(premioFormSchema.parse({ planId: CAT_A, amount: '500,00', confirm: 'on' })).toEqual({ planId: CAT_A, amount: 50_000, confirm: true });
    const missing = premioFormSchema.safeParse({ planId: CAT_A, amount: '' });
    expect(Object.fromEntries(missing.error!.issues.map((i) => [i.path.join('.'), i.message]))).toEqual({
      amount: 'plans.premio.validation.amount',
      confirm: 'plans.premio.validation.confirm',
    });
  });
});
