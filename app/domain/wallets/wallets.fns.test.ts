import { describe, expect, it } from 'vitest';
import { movementLabelKey } from './wallets.fns';

describe('movementLabelKey', () => {
  it('names each wallet movement in plain words', () => {
    expect(movementLabelKey({ kind: 'ALLOCATION', metadata: { planId: 'p' }, amountCents: 100 })).toBe('wallets.movement.allocation');
    expect(movementLabelKey({ kind: 'TOP_UP', metadata: { reason: 'premio_conversion' }, amountCents: 100 })).toBe('wallets.movement.premio');
    expect(movementLabelKey({ kind: 'TOP_UP', metadata: {}, amountCents: 100 })).toBe('wallets.movement.topUp');
    expect(movementLabelKey({ kind: 'HOLD', metadata: {}, amountCents: -100 })).toBe('wallets.movement.hold');
    expect(movementLabelKey({ kind: 'HOLD_VOID', metadata: {}, amountCents: 100 })).toBe('wallets.movement.holdVoid');
    expect(movementLabelKey({ kind: 'REIMBURSEMENT', metadata: {}, amountCents: -100 })).toBe('wallets.movement.reimbursement');
    expect(movementLabelKey({ kind: 'ADJUSTMENT', metadata: {}, amountCents: -100 })).toBe('ledger.transactionKind.ADJUSTMENT');
  });

  it('tells the two sides of a plan close apart, and the end rule applied', () => {
    expect(movementLabelKey({ kind: 'PLAN_CLOSE', metadata: { endRule: 'CARRY_OVER' }, amountCents: 500 })).toBe('wallets.movement.carriedIn');
    expect(movementLabelKey({ kind: 'PLAN_CLOSE', metadata: { endRule: 'CARRY_OVER' }, amountCents: -500 })).toBe('wallets.movement.carriedOut');
    expect(movementLabelKey({ kind: 'PLAN_CLOSE', metadata: { endRule: 'DONATE_TO_SOLIDARITY_FUND' }, amountCents: -500 })).toBe('wallets.movement.donated');
    expect(movementLabelKey({ kind: 'PLAN_CLOSE', metadata: { endRule: 'RETURN_TO_COMPANY' }, amountCents: -500 })).toBe('wallets.movement.returned');
  });
});
