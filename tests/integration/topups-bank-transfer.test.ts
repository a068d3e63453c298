import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { formatReference, validateReference } from '~/domain/topups/topups.fns';
import * as allianceRoute from '~/routes/alleanza.ricariche._index';
import * as detailRoute from '~/routes/azienda.ricariche.$id';
import * as listRoute from '~/routes/azienda.ricariche._index';
import * as receiptRoute from '~/routes/azienda.ricariche.$id.ricevuta[.]pdf';
import { getDb, useTestDatabase } from '../setup/database';
import { budgetCents, call, createTopUpWorld, expectLedgerClean, pdfText, type Person, type TopUpWorld } from './topups-fixtures';

// Money in by bank transfer, through the pages as Remix calls them: the company declares, the
// alliance admin confirms with the bank's reference, and only then is the budget credited — once,
// however many times (or by how many admins at once) the confirmation is sent.

useTestDatabase();

let world: TopUpWorld;

beforeAll(async () => {
  world = await createTopUpWorld(getDb());
});

afterEach(async () => {
  await expectLedgerClean(getDb());
});

const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome' }).format(new Date());

async function declare(person: Person, amount: string): Promise<string> {
  const response = await call(listRoute.action, '/azienda/ricariche', { cookie: person.cookie, form: { amount, method: 'BANK_TRANSFER' } });
  expect(response.status).toBe(302);
  const location = response.headers.get('Location')!;
  expect(location).toMatch(/^\/azienda\/ricariche\/[0-9a-f-]{36}\?nuova=1$/);
  return location.split('/')[3]!.split('?')[0]!;
}

function confirm(person: Person, topUpId: string, form: Partial<Record<'bankReference' | 'receivedOn', string>> = {}) {
  return call(allianceRoute.action, '/alleanza/ricariche', {
    cookie: person.cookie,
    form: { intent: 'confirm', topUpId, bankReference: form.bankReference ?? '0306909606510000000123', receivedOn: form.receivedOn ?? today() },
  });
}

describe('declaring a transfer', () => {
  it('records a DECLARED top-up with a checked reference, shows the IBAN and causale, mails them, and credits nothing', async () => {
    const db = getDb();
    const id = await declare(world.companyAdmin, '1.500,00');
    const topUp = await db.topUp.findUniqueOrThrow({ where: { id } });
    expect(topUp).toMatchObject({ status: 'DECLARED', method: 'BANK_TRANSFER', amountCents: 150_000, companyId: world.tenant.companyId, declaredById: world.companyAdmin.userId });
    expect(validateReference(topUp.paymentReference).ok).toBe(true);
    expect(await budgetCents(db, world.tenant.companyId)).toBe(0);
    expect(await db.ledgerTransaction.count({ where: { idempotencyKey: `topup:${id}:credit` } })).toBe(0);

    const page = (await (await call(detailRoute.loader, `/azienda/ricariche/${id}?nuova=1`, { cookie: world.companyAdmin.cookie, params: { id } })).json()) as {
      topUp: { bankAccount: { iban: string; holderName: string }; causale: string; canCancel: boolean };
      justDeclared: boolean;
    };
    expect(page.justDeclared).toBe(true);
    expect(page.topUp.bankAccount.iban.replace(/ /g, '')).toBe(world.iban);
    expect(page.topUp.causale).toContain(formatReference(topUp.paymentReference));
    expect(page.topUp.canCancel).toBe(true);

    const mail = await db.mailMessage.findFirstOrThrow({ where: { dedupeKey: `topup:${id}:declared:${world.companyAdmin.userId}` } });
    expect(mail.toAddress).toBe(world.companyAdmin.email);
    expect(mail.textBody).toContain(formatReference(topUp.paymentReference));
    expect(mail.textBody.replace(/ /g, '')).toContain(world.iban);
    expect(await db.auditEvent.count({ where: { action: 'topup.declared', subjectId: id } })).toBe(1);
  });

  it('refuses a malformed, too small or too large amount and keeps what was typed', async () => {
    for (const [amount, key] of [
      ['mille euro', 'topups.validation.amount'],
      ['5', 'topups.validation.amountMin'],
      ['2.000.000', 'topups.validation.amountMax'],
    ] as const) {
      const response = await call(listRoute.action, '/azienda/ricariche', { cookie: world.companyAdmin.cookie, form: { amount, method: 'BANK_TRANSFER' } });
      expect(response.status).toBe(422);
      const body = (await response.json()) as { fieldErrors: Record<string, string>; values: Record<string, string> };
      expect(body.fieldErrors.amount).toBe(key);
      expect(body.values.amount).toBe(amount);
    }
  });

  it('refuses a transfer while the alliance has no account, and a Stripe method while Stripe is off', async () => {
    const db = getDb();
    const bare = await createTopUpWorld(db, { bankAccount: false });
    const before = await db.topUp.count();
    const noAccount = await call(listRoute.action, '/azienda/ricariche', { cookie: bare.companyAdmin.cookie, form: { amount: '100', method: 'BANK_TRANSFER' } });
    expect(noAccount.status).toBe(422);
    expect(((await noAccount.json()) as { fieldErrors: Record<string, string> }).fieldErrors.method).toBe('topups.validation.noBankAccount');
    const stripe = await call(listRoute.action, '/azienda/ricariche', { cookie: world.companyAdmin.cookie, form: { amount: '100', method: 'STRIPE_CARD' } });
    expect(stripe.status).toBe(422);
    expect(((await stripe.json()) as { fieldErrors: Record<string, string> }).fieldErrors.method).toBe('topups.validation.stripeDisabled');
    expect(await db.topUp.count()).toBe(before);
    const page = (await (await call(listRoute.loader, '/azienda/ricariche', { cookie: bare.companyAdmin.cookie })).json()) as { page: { bankAccount: unknown; stripeEnabled: boolean } };
    expect(page.page).toMatchObject({ bankAccount: null, stripeEnabled: false });
  });
});

describe('confirming a transfer', () => {
  it('credits the budget only on confirmation: ledger BANK_CLEARING → COMPANY_BUDGET, receipt number, audit, e-mail', async () => {
    const db = getDb();
    const id = await declare(world.companyAdmin, '2500');
    const before = await budgetCents(db, world.tenant.companyId);

    const listed = (await (await call(allianceRoute.loader, '/alleanza/ricariche', { cookie: world.allianceAdmin.cookie })).json()) as {
      page: { topUps: { rows: Array<{ id: string }> }; counts: { toConfirm: number } };
    };
    expect(listed.page.topUps.rows.map((r) => r.id)).toContain(id);

    const response = await confirm(world.allianceAdmin, id, { bankReference: ' trn 0306909606510000000123 ' });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { ok: boolean; alreadyConfirmed: boolean; receiptNumber: string; amountCents: number };
    expect(body).toMatchObject({ ok: true, alreadyConfirmed: false, amountCents: 250_000 });
    expect(body.receiptNumber).toMatch(/^\d{4}\/\d{5}$/);

    expect(await budgetCents(db, world.tenant.companyId)).toBe(before + 250_000);
    const topUp = await db.topUp.findUniqueOrThrow({ where: { id } });
    expect(topUp).toMatchObject({ status: 'CREDITED', bankReference: 'TRN 0306909606510000000123', confirmedById: world.allianceAdmin.userId });
    expect(topUp.receivedOn?.toISOString().slice(0, 10)).toBe(today());
    const transaction = await db.ledgerTransaction.findUniqueOrThrow({ where: { idempotencyKey: `topup:${id}:credit` }, include: { entries: { include: { account: true } } } });
    expect(transaction.id).toBe(topUp.creditTransactionId);
    expect(transaction.kind).toBe('TOP_UP');
    expect(transaction.actorUserId).toBe(world.allianceAdmin.userId);
    expect(Object.fromEntries(transaction.entries.map((e) => [e.account.kind, Number(e.amountCents)]))).toEqual({ BANK_CLEARING: -250_000, COMPANY_BUDGET: 250_000 });
    expect(await db.auditEvent.count({ where: { action: 'topup.confirmed', subjectId: id, actorUserId: world.allianceAdmin.userId } })).toBe(1);
    const mails = await db.mailMessage.findMany({ where: { dedupeKey: { startsWith: `topup:${id}:credited:` } } });
    expect(mails.map((m) => m.toAddress).sort()).toEqual([world.companyAdmin.email, world.secondCompanyAdmin.email].sort());
    expect(mails[0]!.textBody).toContain(body.receiptNumber);
  });

  it('credits once when the same admin confirms twice and when two admins confirm at the same moment', async () => {
    const db = getDb();
    const id = await declare(world.companyAdmin, '300');
    const before = await budgetCents(db, world.tenant.companyId);
    const first = (await (await confirm(world.allianceAdmin, id)).json()) as { alreadyConfirmed: boolean; receiptNumber: string };
    const again = (await (await confirm(world.allianceAdmin, id)).json()) as { alreadyConfirmed: boolean; receiptNumber: string };
    expect(first.alreadyConfirmed).toBe(false);
    expect(again).toMatchObject({ alreadyConfirmed: true, receiptNumber: first.receiptNumber });

    const raced = await declare(world.secondCompanyAdmin, '700');
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => confirm(i % 2 ? world.secondAllianceAdmin : world.allianceAdmin, raced).then((r) => r.json() as Promise<{ ok: boolean; alreadyConfirmed: boolean }>)),
    );
    expect(answers.every((a) => a.ok)).toBe(true);
    expect(answers.filter((a) => !a.alreadyConfirmed)).toHaveLength(1);
    expect(await budgetCents(db, world.tenant.companyId)).toBe(before + 30_000 + 70_000);
    expect(await db.ledgerTransaction.count({ where: { idempotencyKey: { in: [`topup:${id}:credit`, `topup:${raced}:credit`] } } })).toBe(2);
    expect(await db.auditEvent.count({ where: { action: 'topup.confirmed', subjectId: raced } })).toBe(1);
  });

  it('numbers receipts one after the other within the alliance and year', async () => {
    const db = getDb();
    const ids = [await declare(world.companyAdmin, '100'), await declare(world.companyAdmin, '200'), await declare(world.companyAdmin, '300')];
    await Promise.all(ids.map((id) => confirm(world.allianceAdmin, id)));
    const rows = await db.topUp.findMany({ where: { allianceId: world.tenant.allianceId, receiptSeq: { not: null } }, select: { receiptYear: true, receiptSeq: true } });
    const seqs = rows.map((r) => r.receiptSeq!).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
  });

  it('refuses a confirmation without the bank’s reference or dated in the future, and keeps the typed values', async () => {
    const db = getDb();
    const id = await declare(world.companyAdmin, '100');
    const missing = await confirm(world.allianceAdmin, id, { bankReference: ' ' });
    expect(missing.status).toBe(422);
    expect(((await missing.json()) as { fieldErrors: Record<string, string> }).fieldErrors.bankReference).toBe('topups.validation.bankReference');
    const future = await confirm(world.allianceAdmin, id, { receivedOn: '2999-01-01' });
    expect(future.status).toBe(422);
    const body = (await future.json()) as { fieldErrors: Record<string, string>; values: Record<string, string> };
    expect(body.fieldErrors.receivedOn).toBe('topups.validation.receivedOnFuture');
    expect(body.values.receivedOn).toBe('2999-01-01');
    expect((await db.topUp.findUniqueOrThrow({ where: { id } })).status).toBe('DECLARED');
  });

  it('lets the admin reject with a reason (the company is told) and then nothing can credit it', async () => {
    const db = getDb();
    const id = await declare(world.companyAdmin, '450');
    const rejected = await call(allianceRoute.action, '/alleanza/ricariche', { cookie: world.allianceAdmin.cookie, form: { intent: 'reject', topUpId: id, reason: 'Nessun bonifico ricevuto entro 30 giorni' } });
    expect(((await rejected.json()) as { ok: boolean }).ok).toBe(true);
    expect(await db.topUp.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'CANCELLED', cancelReason: 'Nessun bonifico ricevuto entro 30 giorni', cancelledById: world.allianceAdmin.userId });
    const mail = await db.mailMessage.findFirstOrThrow({ where: { dedupeKey: `topup:${id}:rejected:${world.companyAdmin.userId}` } });
    expect(mail.textBody).toContain('Nessun bonifico ricevuto entro 30 giorni');
    const late = await confirm(world.allianceAdmin, id);
    expect(late.status).toBe(409);
    expect(((await late.json()) as { formError: string }).formError).toBe('topups.error.notDeclared');
    expect(await db.ledgerTransaction.count({ where: { idempotencyKey: `topup:${id}:credit` } })).toBe(0);
  });

  it('lets the company withdraw its own declaration before confirmation', async () => {
    const db = getDb();
    const id = await declare(world.companyAdmin, '120');
    const response = await call(detailRoute.action, `/azienda/ricariche/${id}`, { cookie: world.secondCompanyAdmin.cookie, form: { topUpId: id }, params: { id } });
    expect(((await response.json()) as { cancelled: boolean }).cancelled).toBe(true);
    expect((await db.topUp.findUniqueOrThrow({ where: { id } })).status).toBe('CANCELLED');
    expect((await confirm(world.allianceAdmin, id)).status).toBe(409);
  });
});

describe('scope: foreign top-ups are 404', () => {
  it('another alliance’s admin cannot see, confirm or reject; another company cannot see or withdraw', async () => {
    const db = getDb();
    const id = await declare(world.companyAdmin, '640');
    expect((await confirm(world.otherAllianceAdmin, id)).status).toBe(404);
    const reject = await call(allianceRoute.action, '/alleanza/ricariche', { cookie: world.otherAllianceAdmin.cookie, form: { intent: 'reject', topUpId: id, reason: 'Non è nostro' } });
    expect(reject.status).toBe(404);
    const foreignPanel = (await (await call(allianceRoute.loader, `/alleanza/ricariche?verifica=${id}&filter=ALL`, { cookie: world.otherAllianceAdmin.cookie })).json()) as {
      page: { selected: unknown; topUps: { rows: Array<{ id: string }> } };
    };
    expect(foreignPanel.page.selected).toBeNull();
    expect(foreignPanel.page.topUps.rows.map((r) => r.id)).not.toContain(id);

    for (const person of [world.neighbourAdmin, world.otherCompanyAdmin]) {
      expect((await call(detailRoute.loader, `/azienda/ricariche/${id}`, { cookie: person.cookie, params: { id } })).status).toBe(404);
      expect((await call(detailRoute.action, `/azienda/ricariche/${id}`, { cookie: person.cookie, form: { topUpId: id }, params: { id } })).status).toBe(404);
      const list = (await (await call(listRoute.loader, '/azienda/ricariche', { cookie: person.cookie })).json()) as { page: { topUps: { rows: Array<{ id: string }> } } };
      expect(list.page.topUps.rows.map((r) => r.id)).not.toContain(id);
    }
    for (const person of [world.employee, world.curator, world.allianceAdmin]) {
      expect((await call(detailRoute.loader, `/azienda/ricariche/${id}`, { cookie: person.cookie, params: { id } })).status).toBe(404);
    }
    expect((await call(detailRoute.loader, '/azienda/ricariche/not-a-uuid', { cookie: world.companyAdmin.cookie, params: { id: 'not-a-uuid' } })).status).toBe(404);
    expect((await db.topUp.findUniqueOrThrow({ where: { id } })).status).toBe('DECLARED');
  });
});

describe('the receipt', () => {
  it('is a PDF with the receipt number for the company’s admins, and 404 for everyone else or before the credit', async () => {
    const db = getDb();
    const id = await declare(world.companyAdmin, '1.234,56');
    const path = `/azienda/ricariche/${id}/ricevuta.pdf`;
    expect((await call(receiptRoute.loader, path, { cookie: world.companyAdmin.cookie, params: { id } })).status).toBe(404);

    const { receiptNumber } = (await (await confirm(world.allianceAdmin, id, { bankReference: 'CRO 12345678901' })).json()) as { receiptNumber: string };
    const response = await call(receiptRoute.loader, path, { cookie: world.secondCompanyAdmin.cookie, params: { id } });
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('application/pdf');
    expect(response.headers.get('Content-Disposition')).toBe(`attachment; filename="ricevuta-${receiptNumber.replace('/', '-')}.pdf"`);
    const pdf = Buffer.from(await response.arrayBuffer());
    expect(pdf.subarray(0, 4).toString('latin1')).toBe('%PDF');
    const text = pdfText(pdf);
    expect(text).toContain(`Ricevuta di ricarica n. ${receiptNumber}`);
    expect(text).toContain('1.234,56');
    expect(text).toContain('milleduecentotrentaquattro/56 euro');
    expect(text).toContain('CRO 12345678901');
    expect(text).toContain('Tessiture di prova S.p.A.');
    expect(text).toContain('non è una fattura');

    // Generated from stored data: the same bytes on every download.
    const again = Buffer.from(await (await call(receiptRoute.loader, path, { cookie: world.companyAdmin.cookie, params: { id } })).arrayBuffer());
    expect(again.equals(pdf)).toBe(true);

    for (const person of [world.neighbourAdmin, world.otherCompanyAdmin, world.allianceAdmin, world.employee]) {
      expect((await call(receiptRoute.loader, path, { cookie: person.cookie, params: { id } })).status, person.email).toBe(404);
    }
    const anonymous = await call(receiptRoute.loader, path, { params: { id } });
    expect(anonymous.status).toBe(302);
    expect(await db.topUp.count({ where: { id, status: 'CREDITED' } })).toBe(1);
  });
});

describe('the alliance’s account and the reference search', () => {
  it('saves a valid IBAN (audited) and refuses an invalid one', async () => {
    const db = getDb();
    const bad = await call(allianceRoute.action, '/alleanza/ricariche', {
      cookie: world.allianceAdmin.cookie,
      form: { intent: 'bankAccount', holderName: 'Servizi Sociosanitari Valseriana S.r.l.', iban: `${world.iban.slice(0, 26)}${world.iban[26] === '1' ? '2' : '1'}` },
    });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { fieldErrors: Record<string, string> }).fieldErrors.iban).toMatch(/^validation\.iban\./);

    const spaced = world.iban.replace(/(.{4})/g, '$1 ');
    const good = await call(allianceRoute.action, '/alleanza/ricariche', {
      cookie: world.allianceAdmin.cookie,
      form: { intent: 'bankAccount', holderName: 'Servizi Sociosanitari Valseriana S.r.l.', iban: spaced.toLowerCase(), bankName: '' },
    });
    expect(((await good.json()) as { ok: boolean }).ok).toBe(true);
    expect(await db.allianceBankAccount.findUniqueOrThrow({ where: { allianceId: world.tenant.allianceId } })).toMatchObject({
      holderName: 'Servizi Sociosanitari Valseriana S.r.l.',
      iban: world.iban,
      bankName: null,
      updatedById: world.allianceAdmin.userId,
    });
    expect(await db.auditEvent.count({ where: { action: 'alliance.bank_account_updated', allianceId: world.tenant.allianceId } })).toBe(1);
  });

  it('finds a transfer by the reference typed from the statement and reports a typo instead of a wrong match', async () => {
    const db = getDb();
    const id = await declare(world.companyAdmin, '880');
    const reference = (await db.topUp.findUniqueOrThrow({ where: { id } })).paymentReference;
    const printed = formatReference(reference).toLowerCase();
    const found = (await (await call(allianceRoute.loader, `/alleanza/ricariche?filter=ALL&riferimento=${encodeURIComponent(printed)}`, { cookie: world.allianceAdmin.cookie })).json()) as {
      page: { topUps: { rows: Array<{ id: string }> }; referenceSearch: { error: string | null } };
    };
    expect(found.page.referenceSearch.error).toBeNull();
    expect(found.page.topUps.rows.map((r) => r.id)).toEqual([id]);

    const last = reference.at(-1)!;
    const typo = `${reference.slice(0, -1)}${last === 'A' ? 'B' : 'A'}`;
    const wrong = (await (await call(allianceRoute.loader, `/alleanza/ricariche?filter=ALL&riferimento=${typo}`, { cookie: world.allianceAdmin.cookie })).json()) as {
      page: { topUps: { total: number }; referenceSearch: { error: string | null } };
    };
    expect(wrong.page.referenceSearch.error).toBe('topups.validation.reference.check_digits');
    expect(wrong.page.topUps.total).toBe(0);
  });
});
