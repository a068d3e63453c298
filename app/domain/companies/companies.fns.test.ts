import { describe, expect, it } from 'vitest';
import { checkCompanyDecision, companyDecisionAuditAction, normalizeAteco } from './companies.fns';

describe('checkCompanyDecision', () => {
  it('admits a pending request', () => {
    expect(checkCompanyDecision({ from: 'PENDING', decision: 'ADMIT', reason: null })).toEqual({ ok: true, to: 'ADMITTED' });
  });
  it('rejects only with a reason', () => {
    expect(checkCompanyDecision({ from: 'PENDING', decision: 'REJECT', reason: '  ' })).toEqual({
      ok: false,
      conflict: false,
      fieldErrors: { reason: 'companies.decision.reasonRequired' },
    });
    expect(checkCompanyDecision({ from: 'PENDING', decision: 'REJECT', reason: 'Sede fuori territorio' })).toEqual({ ok: true, to: 'REJECTED' });
  });
  it('does not decide twice', () => {
    for (const from of ['ADMITTED', 'REJECTED'] as const) {
      expect(checkCompanyDecision({ from, decision: 'ADMIT', reason: null })).toMatchObject({ ok: false, conflict: true });
    }
  });
  it('names the audit action', () => {
    expect(companyDecisionAuditAction('ADMIT')).toBe('company.admitted');
    expect(companyDecisionAuditAction('REJECT')).toBe('company.rejected');
  });
});

describe('normalizeAteco', () => {
  it('accepts dotted and compact codes', () => {
    expect(normalizeAteco('62.01.00')).toBe('62.01.00');
    expect(normalizeAteco('620100')).toBe('62.01.00');
    expect(normalizeAteco('13.2')).toBe('13.2');
    expect(normalizeAteco('')).toBeNull();
    expect(normalizeAteco('62-01')).toBeNull();
    expect(normalizeAteco('62010')).toBeNull();
  });
});
