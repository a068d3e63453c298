import type { RuleKindName } from '~/domain/plans/plans.fns';

// Pure computation of an allocation run (no I/O): per rule and per employee, how much credit the
// plan's rules give, what earlier runs already gave, and what this run moves. A run never takes
// credit back: an employee above the rules' target (a child removed from the roster, a smaller
// rule) receives nothing and is counted apart.

export interface EmployeeForAllocation {
  membershipId: string;
  category: string | null;
  children: number;
  dependents: number;
}

export interface RuleForAllocation {
  id: string;
  kind: RuleKindName;
  employeeCategory: string | null;
  /** null for MANUAL. */
  amountCents: number | null;
}

export interface AllocationLine {
  membershipId: string;
  /** What the rules give this employee in the plan. */
  targetCents: number;
  /** What committed runs of the plan already gave. */
  alreadyCents: number;
  /** What this run moves: target − already, only when positive. */
  amountCents: number;
}

export interface RuleTotal {
  ruleId: string;
  kind: RuleKindName;
  employeeCategory: string | null;
  /** Per employee, child or dependent; null for MANUAL. */
  amountCents: number | null;
  /** Employees this rule gives something to. */
  employees: number;
  /** Employees for FLAT/BY_CATEGORY/MANUAL, children for PER_CHILD, dependents for PER_DEPENDENT. */
  units: number;
  totalCents: number;
}

export interface AllocationComputation {
  lines: AllocationLine[];
  rules: RuleTotal[];
  /** Employees on the roster at the run's date. */
  eligibleEmployees: number;
  /** Sum of every employee's target. */
  targetCents: number;
  /** Of that, what committed runs already gave (to employees still eligible). */
  alreadyAllocatedCents: number;
  /** What this run moves (sum of the lines). */
  totalCents: number;
  /** Employees who already received more than their target now says (nothing is taken back). */
  aboveTarget: number;
}

function ruleGives(rule: RuleForAllocation, employee: EmployeeForAllocation, manual: ReadonlyMap<string, number>): { cents: number; units: number } {
  switch (rule.kind) {
    case 'FLAT':
      return { cents: rule.amountCents!, units: 1 };
    case 'PER_CHILD':
      return { cents: rule.amountCents! * employee.children, units: employee.children };
    case 'PER_DEPENDENT':
      return { cents: rule.amountCents! * employee.dependents, units: employee.dependents };
    case 'BY_CATEGORY':
      return employee.category !== null && employee.category === rule.employeeCategory ? { cents: rule.amountCents!, units: 1 } : { cents: 0, units: 0 };
    case 'MANUAL': {
      const cents = manual.get(employee.membershipId) ?? 0;
      return { cents, units: cents > 0 ? 1 : 0 };
    }
  }
}

/**
 * Lines (only employees who receive something, ordered by membership id so the same inputs always
 * give the same lines), totals per rule, and the grand total of the run.
 */
export function computeAllocation(input: {
  rules: readonly RuleForAllocation[];
  employees: readonly EmployeeForAllocation[];
  manualAmounts: ReadonlyMap<string, number>;
  alreadyAllocated: ReadonlyMap<string, number>;
}): AllocationComputation {
  const totals: RuleTotal[] = input.rules.map((rule) => ({
    ruleId: rule.id,
    kind: rule.kind,
    employeeCategory: rule.employeeCategory,
    amountCents: rule.amountCents,
    employees: 0,
    units: 0,
    totalCents: 0,
  }));
  const lines: AllocationLine[] = [];
  let targetCents = 0;
  let alreadyAllocatedCents = 0;
  let totalCents = 0;
  let aboveTarget = 0;
  const seen = new Set<string>();
  for (const employee of input.employees) {
    if (seen.has(employee.membershipId)) throw new Error(`Employee ${employee.membershipId} listed twice`);
    seen.add(employee.membershipId);
    let target = 0;
    input.rules.forEach((rule, i) => {
      const given = ruleGives(rule, employee, input.manualAmounts);
      if (given.cents <= 0) return;
      const total = totals[i]!;
      total.employees += 1;
      total.units += given.units;
      total.totalCents += given.cents;
      target += given.cents;
    });
    const already = input.alreadyAllocated.get(employee.membershipId) ?? 0;
    targetCents += target;
    alreadyAllocatedCents += already;
    if (already > target) aboveTarget++;
    const amount = target - already;
    if (amount > 0) {
      lines.push({ membershipId: employee.membershipId, targetCents: target, alreadyCents: already, amountCents: amount });
      totalCents += amount;
    }
  }
  lines.sort((a, b) => (a.membershipId < b.membershipId ? -1 : a.membershipId > b.membershipId ? 1 : 0));
  if (!Number.isSafeInteger(totalCents) || !Number.isSafeInteger(targetCents)) throw new RangeError('Allocation total beyond the largest exact amount');
  return {
    lines,
    rules: totals,
    eligibleEmployees: input.employees.length,
    targetCents,
    alreadyAllocatedCents,
    totalCents,
    aboveTarget,
  };
}

/** What the company budget lacks to cover `totalCents` (0 when it is enough). */
export function shortfallCents(totalCents: number, budgetCents: number): number {
  return Math.max(0, totalCents - Math.max(0, budgetCents));
}

/** The text the digest of a run's lines is computed over: one "membership:target:already:amount" per line. */
export function linesDigestInput(lines: readonly AllocationLine[]): string {
  return lines.map((l) => `${l.membershipId}:${l.targetCents}:${l.alreadyCents}:${l.amountCents}`).join('\n');
}

/** A preview is committed within this time, or previewed again (the roster and the budget move). */
export const PREVIEW_VALID_MS = 24 * 60 * 60 * 1000;

export function previewExpired(createdAt: Date, now: Date = new Date()): boolean {
  return now.getTime() - createdAt.getTime() > PREVIEW_VALID_MS;
}

/** The columns a run's lines can be sorted by (server-side, in the URL). */
export const LINE_SORTS = ['name', 'amount'] as const;
export type LineSort = (typeof LINE_SORTS)[number];
