import { describe, expect, it } from 'vitest';
import {
  checkProviderDecision,
  CURATOR_DECISIONS,
  curatorDecisionsFor,
  decisionInvitesContact,
  decisionRequiresReason,
  formatIban,
  maskIban,
  nextProviderStatus,
  PROVIDER_DECISIONS,
  PROVIDER_STATUSES,
  providerDecisionAuditAction,
  providerEditMode,
  type ProviderDecisionName,
  type ProviderStatusName,
} from './providers.fns';

// Every (status, decision) pair: the allowed ones lead where the table says, all others are refused.
const ALLOWED: Array<[ProviderStatusName, ProviderDecisionName, ProviderStatusName]> = [
  ['PENDING', 'ADMIT', 'ADMITTED'],
  ['PENDING', 'REQUEST_CHANGES', 'CHANGES_REQUESTED'],
  ['PENDING', 'REJECT', 'REJECTED'],
  ['CHANGES_REQUESTED', 'RESUBMIT', 'PENDING'],
  ['CHANGES_REQUESTED', 'REJECT', 'REJECTED'],
  ['ADMITTED', 'SUSPEND', 'SUSPENDED'],
  ['SUSPENDED', 'REINSTATE', 'ADMITTED'],
];

describe('provider state machine', () => {
  for (const from of PROVIDER_STATUSES) {
    for (const decision of PROVIDER_DECISIONS) {
      const allowed = ALLOWED.find(([f, d]) => f === from && d === decision);
      it(`${from} --${decision}--> ${allowed ? allowed[2] : 'refused'}`, () => {
        expect(nextProviderStatus(from, decision)).toBe(allowed ? allowed[2] : null);
      });
    }
  }

  it('has exactly the seven allowed transitions', () => {
    const count = PROVIDER_STATUSES.flatMap((s) => PROVIDER_DECISIONS.map((d) => nextProviderStatus(s, d))).filter(Boolean).length;
    expect(count).toBe(ALLOWED.length);
  });

  it('REJECTED is final', () => {
    expect(PROVIDER_DECISIONS.map((d) => nextProviderStatus('REJECTED', d))).toEqual(PROVIDER_DECISIONS.map(() => null));
  });

  it('offers the curator only the decisions allowed from the status, never RESUBMIT', () => {
    expect(curatorDecisionsFor('PENDING')).toEqual(['ADMIT', 'REQUEST_CHANGES', 'REJECT']);
    expect(curatorDecisionsFor('CHANGES_REQUESTED')).toEqual(['REJECT']);
    expect(curatorDecisionsFor('ADMITTED')).toEqual(['SUSPEND']);
    expect(curatorDecisionsFor('SUSPENDED')).toEqual(['REINSTATE']);
    expect(curatorDecisionsFor('REJECTED')).toEqual([]);
    expect(CURATOR_DECISIONS).not.toContain('RESUBMIT');
  });
});

describe('checkProviderDecision', () => {
  it('requires a reason to ask for changes, reject or suspend', () => {
    for (const [from, decision] of [
      ['PENDING', 'REQUEST_CHANGES'],
      ['PENDING', 'REJECT'],
      ['ADMITTED', 'SUSPEND'],
    ] as const) {
      expect(checkProviderDecision({ from, decision, reason: '' })).toEqual({ ok: false, fieldErrors: { reason: 'providers.decision.reasonRequired' } });
      expect(checkProviderDecision({ from, decision, reason: '   ' })).toMatchObject({ ok: false });
      expect(checkProviderDecision({ from, decision, reason: 'Manca lo statuto' })).toMatchObject({ ok: true });
    }
    expect(decisionRequiresReason('ADMIT')).toBe(false);
    expect(decisionRequiresReason('REINSTATE')).toBe(false);
    expect(checkProviderDecision({ from: 'PENDING', decision: 'ADMIT', reason: null })).toEqual({ ok: true, to: 'ADMITTED' });
  });

  it('refuses a decision the status does not allow as a conflict', () => {
    expect(checkProviderDecision({ from: 'ADMITTED', decision: 'ADMIT', reason: null })).toEqual({
      ok: false,
      fieldErrors: { decision: 'providers.decision.notAllowed' },
      conflict: true,
    });
    expect(checkProviderDecision({ from: 'REJECTED', decision: 'REINSTATE', reason: 'x' })).toMatchObject({ ok: false, conflict: true });
  });
});

describe('side effects of decisions', () => {
  it('names each audit action provider.<past tense>', () => {
    expect(PROVIDER_DECISIONS.map(providerDecisionAuditAction)).toEqual([
      'provider.admitted',
      'provider.changes_requested',
      'provider.rejected',
      'provider.suspended',
      'provider.reinstated',
      'provider.resubmitted',
    ]);
  });

  it('invites the contact when admitted or asked for changes (so they can sign in and act)', () => {
    expect(PROVIDER_DECISIONS.filter(decisionInvitesContact)).toEqual(['ADMIT', 'REQUEST_CHANGES']);
  });

  it('lets the operator edit the application only when changes are requested, the profile once admitted', () => {
    expect(PROVIDER_STATUSES.map(providerEditMode)).toEqual(['none', 'application', 'admitted', 'none', 'admitted']);
  });
});

describe('IBAN display', () => {
  it('masks all but the country, check digits and last four characters', () => {
    expect(maskIban('IT60X0542811101000000123456')).toBe('IT60 … 3456');
    expect(maskIban('short')).toBe('…');
  });
  it('groups in fours', () => {
    expect(formatIban('IT60X0542811101000000123456')).toBe('IT60 X054 2811 1010 0000 0123 456');
  });
});
