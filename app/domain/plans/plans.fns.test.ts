import { describe, expect, it } from 'vitest';
import { parseEuroToCents } from '~/domain/offerings/offerings.fns';
import {
  activationProblems,
  addDays,
  daysBetween,
  fiscalBasisCode,
  fiscalBasisKey,
  parseAmountLines,
  parseDay,
  premioMaxCents,
  premioWindowState,
  reminderDue,
  romeToday,
  validateCarnet,
  validatePlanDraft,
  validateRules,
  walletLastDay,
  type PlanDraft,
} from './plans.fns';

const draft: PlanDraft = {
  name: 'Piano welfare 2026',
  startsOn: '2026-01-01',
  endsOn: '2026-12-31',
  companyFundingCents: 1_000_000,
  publicFundingCents: 0,
  publicFundingSource: null,
  premioConversion: false,
  premioWindowStartsOn: null,
  premioWindowEndsOn: null,
  premioCapCents: null,
  agreementKind: null,
  agreementReference: null,
  reimbursementsAllowed: false,
  leaverGraceDays: 90,
  endRule: 'RETURN_TO_COMPANY',
  carryOverPlanId: null,
};

const withPremio: PlanDraft = {
  ...draft,
  premioConversion: true,
  agreementKind: 'TERRITORIAL',
  agreementReference: 'Accordo territoriale Val Seriana 12/2025',
  premioWindowStartsOn: '2026-03-01',
  premioWindowEndsOn: '2026-04-30',
};

describe('validatePlanDraft', () => {
  it('accepts a plain plan and one with premio conversion under an agreement', () => {
    expect(validatePlanDraft(draft)).toEqual({});
    expect(validatePlanDraft(withPremio)).toEqual({});
  });

  it('refuses premio conversion without the agreement reference or its kind', () => {
    expect(validatePlanDraft({ ...withPremio, agreementReference: null })).toEqual({ agreementReference: 'plans.validation.agreementRequired' });
    expect(validatePlanDraft({ ...withPremio, agreementReference: '   ' })).toEqual({ agreementReference: 'plans.validation.agreementRequired' });
    expect(validatePlanDraft({ ...withPremio, agreementKind: null })).toEqual({ agreementKind: 'plans.validation.agreementKind' });
  });

  it('wants the conversion window inside the plan and in order', () => {
    expect(validatePlanDraft({ ...withPremio, premioWindowEndsOn: null })).toEqual({ premioWindowEndsOn: 'plans.validation.windowRequired' });
    expect(validatePlanDraft({ ...withPremio, premioWindowStartsOn: '2026-05-01' })).toEqual({ premioWindowEndsOn: 'plans.validation.endBeforeStart' });
    expect(validatePlanDraft({ ...withPremio, premioWindowEndsOn: '2027-01-15' })).toEqual({ premioWindowEndsOn: 'plans.validation.windowOutsidePlan' });
    expect(validatePlanDraft({ ...withPremio, premioCapCents: 0 })).toEqual({ premioCap: 'plans.validation.amountPositive' });
  });

  it('checks the period: real days, end not before start, at most two years', () => {
    expect(validatePlanDraft({ ...draft, startsOn: '2026-02-30' })).toEqual({ startsOn: 'plans.validation.date' });
    expect(validatePlanDraft({ ...draft, endsOn: '2025-12-31' })).toEqual({ endsOn: 'plans.validation.endBeforeStart' });
    expect(validatePlanDraft({ ...draft, endsOn: '2028-01-03' })).toEqual({ endsOn: 'plans.validation.periodTooLong' });
    expect(validatePlanDraft({ ...draft, endsOn: '2026-01-01' })).toEqual({});
  });

  it('checks name, amounts, public source, grace days', () => {
    expect(validatePlanDraft({ ...draft, name: ' x ' })).toEqual({ name: 'plans.validation.name' });
    expect(validatePlanDraft({ ...draft, companyFundingCents: -1 })).toEqual({ companyFunding: 'plans.validation.amount' });
    expect(validatePlanDraft({ ...draft, publicFundingCents: 500_00 })).toEqual({ publicFundingSource: 'plans.validation.publicSource' });
    expect(validatePlanDraft({ ...draft, leaverGraceDays: 366 })).toEqual({ leaverGraceDays: 'plans.validation.graceDays' });
  });

  it('carries over only into a later open plan of the same company', () => {
    const carry = { ...draft, endRule: 'CARRY_OVER' as const, carryOverPlanId: 'next' };
    const later = { id: 'next', sameCompany: true, endsOn: '2027-12-31', status: 'DRAFT' as const };
    expect(validatePlanDraft(carry, { carryOverTarget: later })).toEqual({});
    expect(validatePlanDraft(carry, { carryOverTarget: { ...later, sameCompany: false } })).toEqual({ carryOverPlanId: 'plans.validation.carryOverTarget' });
    expect(validatePlanDraft(carry, { carryOverTarget: { ...later, endsOn: '2026-06-30' } })).toEqual({ carryOverPlanId: 'plans.validation.carryOverLater' });
    expect(validatePlanDraft(carry, { carryOverTarget: { ...later, status: 'CLOSED' } })).toEqual({ carryOverPlanId: 'plans.validation.carryOverClosed' });
    expect(validatePlanDraft(carry, { planId: 'next', carryOverTarget: later })).toEqual({ carryOverPlanId: 'plans.validation.carryOverTarget' });
    expect(validatePlanDraft({ ...draft, carryOverPlanId: 'next' }, { carryOverTarget: later })).toEqual({
      carryOverPlanId: 'plans.validation.carryOverOnlyForRule',
    });
  });
});

describe('validateRules and validateCarnet', () => {
  it('accepts one rule per kind and one per category', () => {
    expect(
      validateRules([
        { kind: 'FLAT', employeeCategory: null, amountCents: 100 },
        { kind: 'BY_CATEGORY', employeeCategory: 'operai', amountCents: 100 },
        { kind: 'BY_CATEGORY', employeeCategory: 'impiegati', amountCents: 100 },
        { kind: 'MANUAL', employeeCategory: null, amountCents: null },
      ]),
    ).toEqual({});
  });
  it('refuses duplicates, bad amounts and bad category codes', () => {
    expect(validateRules([{ kind: 'FLAT', employeeCategory: null, amountCents: 100 }, { kind: 'FLAT', employeeCategory: null, amountCents: 200 }])).toEqual({
      flat: 'plans.validation.ruleTwice',
    });
    expect(validateRules([{ kind: 'PER_CHILD', employeeCategory: null, amountCents: 0 }])).toEqual({ perChild: 'plans.validation.amountPositive' });
    expect(validateRules([{ kind: 'PER_DEPENDENT', employeeCategory: null, amountCents: 10_000_001 }])).toEqual({
      perDependent: 'plans.validation.amountPositive',
    });
    expect(validateRules([{ kind: 'BY_CATEGORY', employeeCategory: 'Operai', amountCents: 100 }])).toEqual({ byCategory: 'plans.validation.categoryCode' });
    expect(
      validateRules([
        { kind: 'BY_CATEGORY', employeeCategory: 'operai', amountCents: 100 },
        { kind: 'BY_CATEGORY', employeeCategory: 'operai', amountCents: 300 },
      ]),
    ).toEqual({ byCategory: 'plans.validation.categoryTwice' });
  });
  it('checks caps and reimbursable categories against the plan', () => {
    expect(validateCarnet([{ categoryId: 'c1', capCents: 50_000, reimbursable: true }], true)).toEqual({});
    expect(validateCarnet([{ categoryId: 'c1', capCents: 0, reimbursable: false }], true)).toEqual({ cap_c1: 'plans.validation.amountPositive' });
    expect(validateCarnet([{ categoryId: 'c1', capCents: null, reimbursable: true }], false)).toEqual({ reimbursable_c1: 'plans.validation.reimbursementsOff' });
  });
});

describe('activationProblems', () => {
  const facts = { draft, rules: 1, carnetCategories: 2, carnetOfferings: 0, reimbursableCategories: 0, carryOverTarget: null, today: '2026-01-10' };
  it('is empty for a complete plan', () => {
    expect(activationProblems(facts)).toEqual([]);
  });
  it('lists what is missing', () => {
    expect(activationProblems({ ...facts, rules: 0, carnetCategories: 0 })).toEqual(['plans.activate.emptyCarnet', 'plans.activate.noFunding']);
    expect(activationProblems({ ...facts, rules: 0, draft: withPremio })).toEqual([]);
    expect(activationProblems({ ...facts, draft: { ...draft, endRule: 'CARRY_OVER' } })).toEqual(['plans.activate.carryOverMissing']);
    expect(activationProblems({ ...facts, draft: { ...draft, reimbursementsAllowed: true } })).toEqual(['plans.activate.noReimbursableCategory']);
    expect(activationProblems({ ...facts, today: '2027-01-01' })).toEqual(['plans.activate.alreadyEnded']);
    expect(activationProblems({ ...facts, draft: { ...withPremio, agreementReference: null } })).toEqual(['plans.activate.fieldErrors']);
  });
});

describe('dates, expiry and reminders', () => {
  it('parses Italian and ISO days', () => {
    expect(parseDay('31/12/2026')).toBe('2026-12-31');
    expect(parseDay('1/3/2026')).toBe('2026-03-01');
    expect(parseDay('2026-12-31')).toBe('2026-12-31');
    expect(parseDay('31/02/2026')).toBeNull();
    expect(parseDay('domani')).toBeNull();
  });
  it('adds and counts days across months and leap years', () => {
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(daysBetween('2026-01-01', '2026-12-31')).toBe(364);
    expect(daysBetween('2026-03-10', '2026-03-01')).toBe(-9);
  });
  it("reads today in Italy's time zone", () => {
    expect(romeToday(new Date('2026-06-30T22:30:00Z'))).toBe('2026-07-01');
    expect(romeToday(new Date('2026-12-31T22:59:00Z'))).toBe('2026-12-31');
  });
  it("ends a leaver's access after the grace days, never after the plan", () => {
    const plan = { endsOn: '2026-12-31', leaverGraceDays: 30 };
    expect(walletLastDay(plan, null)).toBe('2026-12-31');
    expect(walletLastDay(plan, '2026-05-15')).toBe('2026-06-14');
    expect(walletLastDay(plan, '2026-12-20')).toBe('2026-12-31');
    expect(walletLastDay({ ...plan, leaverGraceDays: 0 }, '2026-05-15')).toBe('2026-05-15');
  });
  it('makes the 30-day reminder due from 30 to 8 days before, the 7-day one until the last day', () => {
    expect(reminderDue('2026-12-31', '2026-11-30')).toBeNull();
    expect(reminderDue('2026-12-31', '2026-12-01')).toBe(30);
    expect(reminderDue('2026-12-31', '2026-12-23')).toBe(30);
    expect(reminderDue('2026-12-31', '2026-12-24')).toBe(7);
    expect(reminderDue('2026-12-31', '2026-12-31')).toBe(7);
    expect(reminderDue('2026-12-31', '2027-01-01')).toBeNull();
  });
});

describe('premio di risultato', () => {
  const active = { ...withPremio, status: 'ACTIVE' as const };
  it('opens the window only for an active plan offering conversion', () => {
    expect(premioWindowState(active, '2026-02-28')).toBe('before');
    expect(premioWindowState(active, '2026-03-01')).toBe('open');
    expect(premioWindowState(active, '2026-04-30')).toBe('open');
    expect(premioWindowState(active, '2026-05-01')).toBe('closed');
    expect(premioWindowState({ ...active, status: 'DRAFT' }, '2026-03-10')).toBe('none');
    expect(premioWindowState({ ...active, status: 'CLOSED' }, '2026-03-10')).toBe('closed');
    expect(premioWindowState({ ...active, premioConversion: false }, '2026-03-10')).toBe('none');
  });
  it('limits the conversion to the declared premio and the plan cap', () => {
    expect(premioMaxCents(150_000, null)).toBe(150_000);
    expect(premioMaxCents(150_000, 100_000)).toBe(100_000);
    expect(premioMaxCents(80_000, 100_000)).toBe(80_000);
  });
});

describe('fiscal basis', () => {
  it('maps the four bases of art. 51 TUIR to stable codes and messages', () => {
    expect(fiscalBasisCode('art. 51 c. 2 lett. f')).toBe('F');
    expect(fiscalBasisCode('art. 51 c. 2 lett. f-bis')).toBe('F_BIS');
    expect(fiscalBasisCode('art. 51 c. 2 lett. f-ter')).toBe('F_TER');
    expect(fiscalBasisCode('art. 51 c. 3')).toBe('C3');
    expect(fiscalBasisCode(null)).toBeNull();
    expect(fiscalBasisKey('art. 51 c. 3')).toBe('plans.fiscal.C3');
    expect(fiscalBasisKey('boh')).toBe('plans.fiscal.none');
  });
});

describe('parseAmountLines', () => {
  it('reads e-mails and codici fiscali with Italian amounts', () => {
    const result = parseAmountLines(
      ['# e-mail o codice fiscale; importo', 'Mario.Rossi@Example.it; 1.200,50', '', 'rssmra80a01h501u\t300', 'anna@example.it, 99.5'].join('\n'),
      parseEuroToCents,
    );
    expect(result.errors).toEqual([]);
    expect(result.lines).toEqual([
      { line: 2, who: 'mario.rossi@example.it', whoKind: 'email', cents: 120_050 },
      { line: 4, who: 'RSSMRA80A01H501U', whoKind: 'codiceFiscale', cents: 30_000 },
      { line: 5, who: 'anna@example.it', whoKind: 'email', cents: 9_950 },
    ]);
  });
  it('reports each bad line with its number', () => {
    const result = parseAmountLines(['nessuno; 10', 'a@b.it; dieci', 'a@b.it; 0', 'solo-testo', 'c@d.it; 5', 'C@D.it; 6'].join('\n'), parseEuroToCents);
    expect(result.errors.map((e) => [e.line, e.messageKey])).toEqual([
      [1, 'plans.lines.who'],
      [2, 'plans.lines.amount'],
      [3, 'plans.lines.amount'],
      [4, 'plans.lines.shape'],
      [6, 'plans.lines.duplicate'],
    ]);
    expect(result.lines).toHaveLength(1);
  });
  it('stops at the line limit', () => {
    const text = Array.from({ length: 5 }, (_, i) => `p${i}@example.it; 1`).join('\n');
    const result = parseAmountLines(text, parseEuroToCents, { maxLines: 3 });
    expect(result.lines).toHaveLength(3);
    expect(result.errors).toEqual([{ line: 4, messageKey: 'plans.lines.tooMany', text: '' }]);
  });
});
