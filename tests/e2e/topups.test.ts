import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeStripe, type FakeStripe } from '../support/fake-stripe';
import { demoAccounts, DESKTOP, expectAccessible, launchBrowser, login, newContext, PHONE, screenshot, startApp, type RunningApp } from './support';

// Money in, end to end in the browser (desktop and phone), with the accessibility check on every
// page visited: the company's HR declares a bank transfer and reads the IBAN and causale, the
// alliance admin finds it by the reference typed from the statement and confirms it, the budget
// grows and the receipt downloads as a PDF; a card payment leads to the link to Stripe's Checkout
// (the local fake Stripe answers the API call).

let app: RunningApp;
let browser: Browser;
let fake: FakeStripe;
const { password, accounts } = demoAccounts();
const emailOf = (role: string, alliance = 'val-seriana') => accounts.find((a) => a.role === role && a.alliance === alliance)!.email;

beforeAll(async () => {
  fake = await startFakeStripe();
  process.env.STRIPE_SECRET_KEY = 'sk_test_e2e';
  process.env.STRIPE_WEBHOOK_SECRET = 'whsec_e2e';
  process.env.STRIPE_API_BASE = fake.url;
  app = await startApp();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await fake?.close();
  delete process.env.STRIPE_SECRET_KEY;
  delete process.env.STRIPE_WEBHOOK_SECRET;
  delete process.env.STRIPE_API_BASE;
});

async function budget(page: Page): Promise<number> {
  const text = (await page.getByTestId('budget-balance').textContent()) ?? '';
  return Number(text.replace(/[^\d,]/g, '').replace(',', '.'));
}

describe.each([
  ['desktop', DESKTOP, '1.200,00', 1200],
  ['phone', PHONE, '850', 850],
] as const)('top-ups (%s)', (name, device, typed, euros) => {
  it('a declared transfer is credited only when the alliance admin confirms it, and the receipt downloads', async () => {
    const company = await newContext(browser, app.baseUrl, device);
    const page = await company.newPage();
    await login(page, emailOf('COMPANY_ADMIN'), password);
    await page.goto('/azienda/ricariche');
    await expectAccessible(page, `/azienda/ricariche (${name})`);
    const before = await budget(page);
    expect(before).toBeGreaterThan(0); // the demo's confirmed transfer
    await screenshot(page, `topups-company-${name}`);

    await page.getByLabel('Importo in euro').fill(typed);
    await page.locator('label[for="field-method"]').click();
    await Promise.all([page.waitForURL(/\/azienda\/ricariche\/[0-9a-f-]{36}\?nuova=1$/), page.getByRole('button', { name: 'Continua' }).click()]);
    await page.getByRole('heading', { level: 2, name: 'Dati per il bonifico' }).waitFor();
    const causale = (await page.getByTestId('transfer-causale').textContent())!;
    expect(await page.getByTestId('transfer-iban').textContent()).toMatch(/^IT\d{2} /);
    const reference = causale.match(/^RF\d{2} \w{4} \w{4}/)![0];
    await expectAccessible(page, `/azienda/ricariche/:id (${name})`);
    await screenshot(page, `topups-declared-${name}`);
    const topUpUrl = new URL(page.url()).pathname;

    // The alliance admin searches the reference as printed on the statement and confirms it.
    const alliance = await newContext(browser, app.baseUrl, device);
    const admin = await alliance.newPage();
    await login(admin, emailOf('ALLIANCE_ADMIN'), password);
    await admin.goto('/alleanza/ricariche');
    await expectAccessible(admin, `/alleanza/ricariche (${name})`);
    await admin.getByLabel('Riferimento di pagamento').fill(reference.toLowerCase());
    await Promise.all([admin.waitForURL(/riferimento=/), admin.getByRole('button', { name: 'Cerca' }).click()]);
    await Promise.all([admin.waitForURL(/verifica=/), admin.getByRole('link', { name: new RegExp(`^Verifica la ricarica ${reference}`) }).click()]);
    await admin.getByLabel('Riferimento della banca (CRO o TRN)').fill(`TRN 0306909606510000${name === 'phone' ? '77' : '66'}`);
    await expectAccessible(admin, `/alleanza/ricariche?verifica (${name})`);
    await screenshot(admin, `topups-alliance-verify-${name}`);
    await admin.getByRole('button', { name: 'Conferma e ricarica il budget' }).click();
    await admin.getByText(/Bonifico confermato: il budget di .* è stato ricaricato/).waitFor();
    await expectAccessible(admin, `/alleanza/ricariche confirmed (${name})`);
    await screenshot(admin, `topups-alliance-confirmed-${name}`);
    await alliance.close();

    // The company sees the budget grown and downloads the receipt.
    await page.goto('/azienda/ricariche');
    expect(await budget(page)).toBeCloseTo(before + euros, 2);
    await page.goto(topUpUrl);
    const receiptLink = page.getByRole('link', { name: /^Scarica la ricevuta n\. \d{4}\/\d{5} in PDF$/ });
    const href = (await receiptLink.getAttribute('href'))!;
    const pdf = await page.request.get(href);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    expect((await pdf.body()).subarray(0, 4).toString('latin1')).toBe('%PDF');
    await expectAccessible(page, `/azienda/ricariche/:id credited (${name})`);
    await screenshot(page, `topups-credited-${name}`);
    await company.close();
  });

  it('a card payment leads to the Stripe Checkout link and credits nothing yet', async () => {
    const company = await newContext(browser, app.baseUrl, device);
    const page = await company.newPage();
    await login(page, emailOf('COMPANY_ADMIN', 'val-cavallina'), password);
    await page.goto('/azienda/ricariche');
    const before = await budget(page);
    await page.getByLabel('Importo in euro').fill('300');
    await page.locator('label[for="field-method-STRIPE_CARD"]').click();
    await Promise.all([page.waitForURL(/\/azienda\/ricariche\/[0-9a-f-]{36}$/), page.getByRole('button', { name: 'Continua' }).click()]);
    const link = page.getByRole('link', { name: 'Procedi al pagamento su Stripe' });
    expect(await link.getAttribute('href')).toMatch(/^https:\/\/checkout\.stripe\.com\/c\/pay\/cs_test_/);
    await expectAccessible(page, `/azienda/ricariche/:id card (${name})`);
    await screenshot(page, `topups-card-${name}`);
    await page.goto('/azienda/ricariche');
    expect(await budget(page)).toBe(before);
    await company.close();
  });
});
