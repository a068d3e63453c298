import type { LedgerTransactionKindName } from '~/domain/ledger/ledger.fns';

// Pure helpers of the wallet pages (no I/O): what a movement is called for the employee who sees it.

export interface MovementFacts {
  kind: LedgerTransactionKindName;
  /** The transaction's metadata (ids and codes only). */
  metadata: Record<string, unknown>;
  /** Signed, as seen from the wallet: positive credits it. */
  amountCents: number;
}

/**
 * The i18n key describing a wallet movement in plain words: credit assigned, premio converted,
 * credit carried over from the previous plan, credit returned / donated / carried at the plan's end,
 * bookings and their release, reimbursements.
 */
export function movementLabelKey(movement: MovementFacts): string {
  const reason = typeof movement.metadata.reason === 'string' ? movement.metadata.reason : null;
  switch (movement.kind) {
    case 'ALLOCATION':
      return 'wallets.movement.allocation';
    case 'TOP_UP':
      return reason === 'premio_conversion' ? 'wallets.movement.premio' : 'wallets.movement.topUp';
    case 'PLAN_CLOSE': {
      if (movement.amountCents > 0) return 'wallets.movement.carriedIn';
      const endRule = typeof movement.metadata.endRule === 'string' ? movement.metadata.endRule : '';
      if (endRule === 'CARRY_OVER') return 'wallets.movement.carriedOut';
      if (endRule === 'DONATE_TO_SOLIDARITY_FUND') return 'wallets.movement.donated';
      return 'wallets.movement.returned';
    }
    case 'HOLD':
      return 'wallets.movement.hold';
    case 'HOLD_VOID':
      return 'wallets.movement.holdVoid';
    case 'HOLD_POST':
      return 'wallets.movement.holdPost';
    case 'REIMBURSEMENT':
      return 'wallets.movement.reimbursement';
    default:
      return `ledger.transactionKind.${movement.kind}`;
  }
}
