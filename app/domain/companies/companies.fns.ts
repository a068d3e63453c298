// Pure rules of the companies' side: the adhesion's states and the alliance admin's decisions.

export const COMPANY_STATUSES = ['PENDING', 'ADMITTED', 'REJECTED'] as const;
export type CompanyStatusName = (typeof COMPANY_STATUSES)[number];

/** MICRO 1–9, SMALL 10–49, MEDIUM 50–249, LARGE 250 and more (employees). */
export const SIZE_BANDS = ['MICRO', 'SMALL', 'MEDIUM', 'LARGE'] as const;
export type SizeBandName = (typeof SIZE_BANDS)[number];

export const COMPANY_DECISIONS = ['ADMIT', 'REJECT'] as const;
export type CompanyDecisionName = (typeof COMPANY_DECISIONS)[number];

export type DecisionCheck =
  | { ok: true; to: CompanyStatusName }
  | { ok: false; conflict: boolean; fieldErrors: Record<string, string> };

/**
 * The alliance admin decides a PENDING request once: admitted, or rejected with a reason the
 * company reads. A decided request is not decided again (409).
 */
export function checkCompanyDecision(input: { from: CompanyStatusName; decision: CompanyDecisionName; reason: string | null }): DecisionCheck {
  if (input.from !== 'PENDING') return { ok: false, conflict: true, fieldErrors: { decision: 'companies.decision.alreadyDecided' } };
  if (input.decision === 'REJECT') {
    if (!input.reason || input.reason.trim() === '') return { ok: false, conflict: false, fieldErrors: { reason: 'companies.decision.reasonRequired' } };
    return { ok: true, to: 'REJECTED' };
  }
  return { ok: true, to: 'ADMITTED' };
}

export function companyDecisionAuditAction(decision: CompanyDecisionName): string {
  return decision === 'ADMIT' ? 'company.admitted' : 'company.rejected';
}

/** "62.01.00" and "6201" (as some chambers of commerce print it) → "62.01.00"-style with dots. */
export function normalizeAteco(value: string): string | null {
  const compact = value.replace(/\s+/g, '');
  if (compact === '') return null;
  if (/^\d{2}(\.\d{1,2}(\.\d{1,2})?)?$/.test(compact)) return compact;
  const digits = /^\d{2,6}$/.exec(compact)?.[0];
  if (!digits || digits.length % 2 !== 0) return null;
  return digits.match(/\d{2}/g)!.join('.');
}
