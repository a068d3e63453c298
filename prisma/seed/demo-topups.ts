import { randomInt } from 'node:crypto';
import { newPaymentReference } from '~/domain/topups/topups.fns';
import { creditLockedTopUp, lockTopUp } from '~/domain/topups/topups.server';
import type { DbTx } from '~/utils/db.server';
import { makeDemoIban } from './demo-providers';

// Demo top-ups (issue 4, part M): each demo alliance's receiving account (valid Italian IBANs,
// generated) and, for the company of each alliance's demo HR login, one bank transfer already
// confirmed by the alliance's demo admin (so the budget holds money and a receipt exists) and one
// declared transfer waiting for the admin's confirmation. Runs inside the demo seed's transaction.

const ACCOUNTS: Record<string, { holderName: string; bankName: string; abi: string; cab: string; account: number }> = {
  // W.IN.'s platform belongs to the Ambito's in-house company, which receives the money.
  'val-seriana': { holderName: 'Servizi Sociosanitari Valseriana S.r.l.', bankName: 'Banca di credito cooperativo (demo)', abi: '08940', cab: '52480', account: 310_045 },
  'val-cavallina': { holderName: 'Consorzio Servizi Val Cavallina', bankName: 'Banca popolare (demo)', abi: '05034', cab: '53170', account: 770_219 },
};

const DEMO_TOP_UPS = [
  { cents: 1_500_000, confirmed: true, bankReference: 'TRN 0306909606510000054321' },
  { cents: 250_000, confirmed: false, bankReference: null },
] as const;

export async function seedDemoTopUps(tx: DbTx, options: { companyAdminEmails: Record<string, string>; allianceAdminEmails: Record<string, string> }): Promise<{ topUps: number }> {
  let created = 0;
  const alliances = await tx.alliance.findMany({ where: { slug: { in: Object.keys(ACCOUNTS) } }, select: { id: true, slug: true } });
  for (const alliance of alliances) {
    const spec = ACCOUNTS[alliance.slug]!;
    await tx.allianceBankAccount.create({
      data: { allianceId: alliance.id, holderName: spec.holderName, bankName: spec.bankName, iban: makeDemoIban(spec.abi, spec.cab, spec.account) },
    });
    const hr = await tx.membership.findFirst({
      where: { role: 'COMPANY_ADMIN', user: { email: options.companyAdminEmails[alliance.slug] }, organization: { allianceId: alliance.id } },
      select: { organizationId: true, userId: true },
    });
    const admin = await tx.user.findUnique({ where: { email: options.allianceAdminEmails[alliance.slug] ?? '' }, select: { id: true } });
    if (!hr || !admin) continue;
    for (const demo of DEMO_TOP_UPS) {
      const topUp = await tx.topUp.create({
        data: {
          allianceId: alliance.id,
          companyId: hr.organizationId,
          amountCents: demo.cents,
          method: 'BANK_TRANSFER',
          status: 'DECLARED',
          paymentReference: newPaymentReference((n) => randomInt(n)),
          declaredById: hr.userId,
        },
      });
      created++;
      if (!demo.confirmed) continue;
      const locked = await lockTopUp(tx, topUp.id);
      await creditLockedTopUp(tx, locked!, {
        ledgerActor: { userId: admin.id },
        confirmedById: admin.id,
        bank: { bankReference: demo.bankReference!, receivedOn: new Date(new Date().toISOString().slice(0, 10)) },
        auditAction: 'topup.confirmed',
        auditMetadata: { demo: true },
        notify: false,
      });
    }
  }
  return { topUps: created };
}
