// Pure rules of a provider's admission (no I/O, safe for browser code): the state machine of
// ProviderStatus, who may take each decision, and what a decision requires.
//
//   PENDING ──admit──────────────▶ ADMITTED ──suspend──▶ SUSPENDED
//      │  ╲──request changes──▶ CHANGES_REQUESTED        │   ▲
//      │         ▲        │  ╲                             │   │
//      │         │     resubmit ╲──reject──▶ REJECTED      └reinstate
//      │         └────────┘ (→ PENDING)        ▲
//      └──reject───────────────────────────────┘

export const PROVIDER_STATUSES = ['PENDING', 'CHANGES_REQUESTED', 'ADMITTED', 'REJECTED', 'SUSPENDED'] as const;
export type ProviderStatusName = (typeof PROVIDER_STATUSES)[number];

export const PROVIDER_DECISIONS = ['ADMIT', 'REQUEST_CHANGES', 'REJECT', 'SUSPEND', 'REINSTATE', 'RESUBMIT'] as const;
export type ProviderDecisionName = (typeof PROVIDER_DECISIONS)[number];

/** Decisions the Ambito's curator takes; RESUBMIT belongs to the provider. */
export const CURATOR_DECISIONS = ['ADMIT', 'REQUEST_CHANGES', 'REJECT', 'SUSPEND', 'REINSTATE'] as const satisfies readonly ProviderDecisionName[];
export type CuratorDecisionName = (typeof CURATOR_DECISIONS)[number];

export const PROVIDER_KINDS = ['COOPERATIVA_SOCIALE', 'RSA', 'ASSOCIAZIONE', 'ENTE_PUBBLICO', 'IMPRESA'] as const;
export type ProviderKindName = (typeof PROVIDER_KINDS)[number];

export const PROVIDER_DOCUMENT_KINDS = ['STATUTO', 'ACCREDITAMENTO', 'VISURA', 'OTHER'] as const;
export type ProviderDocumentKindName = (typeof PROVIDER_DOCUMENT_KINDS)[number];

const TRANSITIONS: Record<ProviderDecisionName, Partial<Record<ProviderStatusName, ProviderStatusName>>> = {
  ADMIT: { PENDING: 'ADMITTED' },
  REQUEST_CHANGES: { PENDING: 'CHANGES_REQUESTED' },
  // A provider that never answers a request for changes can be turned down too.
  REJECT: { PENDING: 'REJECTED', CHANGES_REQUESTED: 'REJECTED' },
  SUSPEND: { ADMITTED: 'SUSPENDED' },
  REINSTATE: { SUSPENDED: 'ADMITTED' },
  RESUBMIT: { CHANGES_REQUESTED: 'PENDING' },
};

/** The status a decision leads to from `from`, or null when the decision is not allowed there. */
export function nextProviderStatus(from: ProviderStatusName, decision: ProviderDecisionName): ProviderStatusName | null {
  return TRANSITIONS[decision][from] ?? null;
}

/** What the curator may decide on a provider in `status`, in the order the form shows them. */
export function curatorDecisionsFor(status: ProviderStatusName): CuratorDecisionName[] {
  return CURATOR_DECISIONS.filter((d) => nextProviderStatus(status, d) !== null);
}

/** Asking for changes, rejecting and suspending always tell the provider why (also a CHECK in SQL). */
export function decisionRequiresReason(decision: ProviderDecisionName): boolean {
  return decision === 'REQUEST_CHANGES' || decision === 'REJECT' || decision === 'SUSPEND';
}

const AUDIT_ACTIONS: Record<ProviderDecisionName, string> = {
  ADMIT: 'provider.admitted',
  REQUEST_CHANGES: 'provider.changes_requested',
  REJECT: 'provider.rejected',
  SUSPEND: 'provider.suspended',
  REINSTATE: 'provider.reinstated',
  RESUBMIT: 'provider.resubmitted',
};

export function providerDecisionAuditAction(decision: ProviderDecisionName): string {
  return AUDIT_ACTIONS[decision];
}

/**
 * Decisions after which the contact person needs a login: to fix the application (changes
 * requested) or to run the provider's offer (admitted).
 */
export function decisionInvitesContact(decision: ProviderDecisionName): boolean {
  return decision === 'ADMIT' || decision === 'REQUEST_CHANGES';
}

/** Which profile fields an operator may edit in each status (the rest are read-only). */
export type ProviderEditMode = 'application' | 'admitted' | 'none';

export function providerEditMode(status: ProviderStatusName): ProviderEditMode {
  if (status === 'CHANGES_REQUESTED') return 'application';
  if (status === 'ADMITTED' || status === 'SUSPENDED') return 'admitted';
  return 'none';
}

export type DecisionCheck =
  | { ok: true; to: ProviderStatusName }
  | { ok: false; fieldErrors: Record<string, string>; conflict?: true };

/** Validates a decision before it is written: allowed from this status, with a reason when needed. */
export function checkProviderDecision(input: {
  from: ProviderStatusName;
  decision: ProviderDecisionName;
  reason: string | null | undefined;
}): DecisionCheck {
  const to = nextProviderStatus(input.from, input.decision);
  if (!to) return { ok: false, fieldErrors: { decision: 'providers.decision.notAllowed' }, conflict: true };
  if (decisionRequiresReason(input.decision) && !input.reason?.trim()) {
    return { ok: false, fieldErrors: { reason: 'providers.decision.reasonRequired' } };
  }
  return { ok: true, to };
}

/** "IT60X0542811101000000123456" → "IT60 … 3456": enough to recognise an account in an audit row. */
export function maskIban(iban: string): string {
  return iban.length > 8 ? `${iban.slice(0, 4)} … ${iban.slice(-4)}` : '…';
}

/** Groups "IT60X0542811101000000123456" in fours for reading: "IT60 X054 2811 …". */
export function formatIban(iban: string): string {
  return iban.replace(/(.{4})/g, '$1 ').trim();
}
