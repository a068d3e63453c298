import { listEmployeesForAllocation } from '~/domain/roster/roster.server';
import type { DbTx } from '~/utils/db.server';
import type { EmployeeForAllocation } from './allocations.fns';

// Who an allocation run gives credit to: the company's employees on the roster employed on the
// run's day (the roster's own reading, listEmployeesForAllocation: hired on or before, not
// terminated before, membership not suspended), plus the employees a small company invited
// directly without a roster record (no dates known: counted as employed, no category, no
// dependants). Set-based queries, whatever the company's size; ordered by membership id.

export async function employeesForAllocation(db: DbTx, input: { companyId: string; asOf: string }): Promise<EmployeeForAllocation[]> {
  const [onRoster, withoutRecord] = await Promise.all([
    listEmployeesForAllocation(db, input),
    db.$queryRaw<Array<{ membershipId: string }>>`
      SELECT m."id" AS "membershipId"
      FROM "Membership" m
      WHERE m."organizationId" = ${input.companyId}::uuid AND m."role" = 'EMPLOYEE' AND m."status" <> 'SUSPENDED'
        AND NOT EXISTS (SELECT 1 FROM "EmployeeProfile" p WHERE p."membershipId" = m."id")`,
  ]);
  const employees: EmployeeForAllocation[] = onRoster.map((e) => ({ membershipId: e.membershipId, category: e.category, children: e.children, dependents: e.dependents }));
  for (const m of withoutRecord) employees.push({ membershipId: m.membershipId, category: null, children: 0, dependents: 0 });
  return employees.sort((a, b) => (a.membershipId < b.membershipId ? -1 : a.membershipId > b.membershipId ? 1 : 0));
}
