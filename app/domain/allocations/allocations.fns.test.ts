import { describe, expect, it } from 'vitest';
import { computeAllocation, linesDigestInput, previewExpired, shortfallCents, type EmployeeForAllocation, type RuleForAllocation } from './allocations.fns';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';
const C = '00000000-0000-4000-8000-00000000000c';
const D = '00000000-0000-4000-8000-00000000000d';

const employees: EmployeeForAllocation[] = [
  { membershipId: C, category: 'operai', children: 2, dependents: 0 },
  { membershipId: A, category: 'impiegati', children: 0, dependents: 1 },
  { membershipId: B, category: null, children: 1, dependents: 2 },
];

const rules: RuleForAllocation[] = [
  { id: 'r-flat', kind: 'FLAT', employeeCategory: null, amountCents: 20_000 },
  { id: 'r-child', kind: 'PER_CHILD', employeeCategory: null, amountCents: 10_000 },
  { id: 'r-dep', kind: 'PER_DEPENDENT', employeeCategory: null, amountCents: 15_000 },
  { id: 'r-ops', kind: 'BY_CATEGORY', employeeCategory: 'operai', amountCents: 5_000 },
  { id: 'r-manual', kind: 'MANUAL', employeeCategory: null, amountCents: null },
];

describe('computeAllocation', () => {
  it('computes every rule per employee, totals per rule and the grand total', () => {
    const result = computeAllocation({ rules, employees, manualAmounts: new Map([[A, 7_500], [D, 99_999]]), alreadyAllocated: new Map() });
    expect(result.rules).toEqual([
      { ruleId: 'r-flat', kind: 'FLAT', employeeCategory: null, amountCents: 20_000, employees: 3, units: 3, totalCents: 60_000 },
      { ruleId: 'r-child', kind: 'PER_CHILD', employeeCategory: null, amountCents: 10_000, employees: 2, units: 3, totalCents: 30_000 },
      { ruleId: 'r-dep', kind: 'PER_DEPENDENT', employeeCategory: null, amountCents: 15_000, employees: 2, units: 3, totalCents: 45_000 },
      { ruleId: 'r-ops', kind: 'BY_CATEGORY', employeeCategory: 'operai', amountCents: 5_000, employees: 1, units: 1, totalCents: 5_000 },
      // D is not on the roster: its manual amount is ignored.
      { ruleId: 'r-manual', kind: 'MANUAL', employeeCategory: null, amountCents: null, employees: 1, units: 1, totalCents: 7_500 },
    ]);
    expect(result.lines).toEqual([
      { membershipId: A, targetCents: 20_000 + 15_000 + 7_500, alreadyCents: 0, amountCents: 42_500 },
      { membershipId: B, targetCents: 20_000 + 10_000 + 30_000, alreadyCents: 0, amountCents: 60_000 },
      { membershipId: C, targetCents: 20_000 + 20_000 + 5_000, alreadyCents: 0, amountCents: 45_000 },
    ]);
    expect(result.totalCents).toBe(147_500);
    expect(result.targetCents).toBe(147_500);
    expect(result.rules.reduce((s, r) => s + r.totalCents, 0)).toBe(result.totalCents);
    expect(result.eligibleEmployees).toBe(3);
  });

  it('moves only what earlier runs did not give, and never takes credit back', () => {
    const result = computeAllocation({
      rules: [rules[0]!],
      employees,
      manualAmounts: new Map(),
      alreadyAllocated: new Map([[A, 20_000], [B, 5_000], [C, 30_000]]),
    });
    expect(result.lines).toEqual([{ membershipId: B, targetCents: 20_000, alreadyCents: 5_000, amountCents: 15_000 }]);
    expect(result.totalCents).toBe(15_000);
    expect(result.alreadyAllocatedCents).toBe(55_000);
    expect(result.aboveTarget).toBe(1);
  });

  it('gives nothing without rules and refuses an employee listed twice', () => {
    expect(computeAllocation({ rules: [], employees, manualAmounts: new Map(), alreadyAllocated: new Map() }).lines).toEqual([]);
    expect(() =>
      computeAllocation({ rules, employees: [...employees, employees[0]!], manualAmounts: new Map(), alreadyAllocated: new Map() }),
    ).toThrow(/twice/);
  });

  it('orders lines the same way whatever the roster order, so the digest is stable', () => {
    const one = computeAllocation({ rules, employees, manualAmounts: new Map(), alreadyAllocated: new Map() });
    const two = computeAllocation({ rules, employees: [...employees].reverse(), manualAmounts: new Map(), alreadyAllocated: new Map() });
    expect(linesDigestInput(one.lines)).toBe(linesDigestInput(two.lines));
    expect(linesDigestInput(one.lines).split('\n')[0]).toBe(`${A}:35000:0:35000`);
  });

  it('handles 50,000 employees quickly and exactly', () => {
    const many = Array.from({ length: 50_000 }, (_, i) => ({
      membershipId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      category: i % 2 ? 'operai' : 'impiegati',
      children: i % 3,
      dependents: 0,
    }));
    const started = performance.now();
    const result = computeAllocation({ rules, employees: many, manualAmounts: new Map(), alreadyAllocated: new Map() });
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(result.lines).toHaveLength(50_000);
    expect(result.totalCents).toBe(50_000 * 20_000 + 10_000 * (16_667 * 1 + 16_666 * 2) + 5_000 * 25_000);
  });
});

describe('shortfall and preview age', () => {
  it('is what the budget lacks, never negative', () => {
    expect(shortfallCents(100_00, 60_00)).toBe(40_00);
    expect(shortfallCents(100_00, 100_00)).toBe(0);
    expect(shortfallCents(100_00, 500_00)).toBe(0);
    expect(shortfallCents(100_00, -5)).toBe(100_00);
  });
  it('expires a preview after a day', () => {
    const now = new Date('2026-05-02T10:00:00Z');
    expect(previewExpired(new Date('2026-05-01T11:00:00Z'), now)).toBe(false);
    expect(previewExpired(new Date('2026-05-01T09:00:00Z'), now)).toBe(true);
  });
});
