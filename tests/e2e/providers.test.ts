import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePartitaIva } from '~/domain/identifiers/identifiers.fns';
import { pdfBytes } from '~/domain/storage/test-files';
import { makeDemoIban } from '../../prisma/seed/demo-providers';
import { demoAccounts, DESKTOP, expectAccessible, launchBrowser, login, newContext, PHONE, screenshot, startApp, type RunningApp } from './support';

// A provider asks to join on a phone (with a mistake first), the Ambito's curator reviews it on a
// desktop, downloads its document and admits it; an admitted provider's own profile. Every page
// visited passes the axe-core check.

let app: RunningApp;
let browser: Browser;

beforeAll(async () => {
  app = await startApp();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const { password, accounts } = demoAccounts();
const account = (role: string, alliance = 'val-seriana') => accounts.find((a) => a.role === role && a.alliance === alliance)!;
const partitaIva = makePartitaIva(7_654_321);
const LEGAL_NAME = 'Cooperativa Sociale Prova E2E';

describe('a provider asks to join, the curator admits it', () => {
  it('the adhesion form on a phone: alliance, a field error, then the request', async () => {
    const context = await newContext(browser, app.baseUrl, PHONE);
    const page = await context.newPage();
    await page.goto('/aderisci');
    await expectAccessible(page, '/aderisci (phone)');
    await screenshot(page, 'providers-adhesion-alliance-phone');
    // Bootstrap Italia draws the radio on its label, which takes the click.
    await page.locator('label[for="alleanza-val-seriana"]').click();
    await page.getByRole('button', { name: 'Continua' }).click();
    await page.waitForURL('**/aderisci?alleanza=val-seriana');

    await page.getByLabel('Denominazione (ragione sociale)').fill(LEGAL_NAME);
    await page.getByLabel('Tipo di ente').selectOption('COOPERATIVA_SOCIALE');
    await page.getByLabel('Codice fiscale dell’ente').fill(partitaIva);
    // A wrong check digit.
    await page.getByLabel('Partita IVA').fill(`${partitaIva.slice(0, 10)}${(Number(partitaIva[10]) + 1) % 10}`);
    await page.getByLabel('Sede legale').fill('Via Roma 5, 24021 Albino (BG)');
    await page.getByLabel('Albino').check({ force: true });
    await page.getByLabel('Nembro').check({ force: true });
    await page.locator('#field-contactGivenName').fill('Chiara');
    await page.locator('#field-contactFamilyName').fill('Provetta');
    await page.getByLabel('E-mail').fill('chiara.provetta@example.it');
    await page.getByLabel('IBAN per i pagamenti').fill(makeDemoIban('05034', '11101', 42));
    await page.getByLabel('Descrizione dell’ente').fill('Servizi **educativi** <script>alert(1)</script>');
    await page.getByLabel('Statuto o atto costitutivo').setInputFiles({ name: 'statuto.pdf', mimeType: 'application/pdf', buffer: Buffer.from(pdfBytes('statuto e2e')) });
    await page.getByLabel(/Ho letto l’informativa/).check({ force: true });
    await page.getByRole('button', { name: 'Invia la richiesta di adesione' }).click();

    const summary = page.getByRole('alert').filter({ hasText: 'Il modulo contiene errori' });
    await expect.poll(() => summary.textContent()).toContain('la cifra di controllo non corrisponde');
    // What was typed is still there.
    expect(await page.getByLabel('Denominazione (ragione sociale)').inputValue()).toBe(LEGAL_NAME);
    expect(await page.getByLabel('Nembro').isChecked()).toBe(true);
    await expectAccessible(page, '/aderisci with errors (phone)');
    await screenshot(page, 'providers-adhesion-errors-phone');

    await page.getByLabel('Partita IVA').fill(partitaIva);
    await page.getByLabel('Statuto o atto costitutivo').setInputFiles({ name: 'statuto.pdf', mimeType: 'application/pdf', buffer: Buffer.from(pdfBytes('statuto e2e')) });
    await page.getByRole('button', { name: 'Invia la richiesta di adesione' }).click();
    await page.waitForURL('**/aderisci/grazie?alleanza=val-seriana');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Richiesta di adesione ricevuta');
    await expectAccessible(page, '/aderisci/grazie (phone)');
    await screenshot(page, 'providers-adhesion-thanks-phone');
    await context.close();
  });

  it('the curator finds the request, downloads the document and admits the provider', async () => {
    const context = await newContext(browser, app.baseUrl, DESKTOP);
    const page = await context.newPage();
    await login(page, account('AMBITO_CURATOR').email, password);
    await page.getByRole('link', { name: 'Enti erogatori' }).first().click();
    await page.waitForURL('**/ambito/enti');
    await expect.poll(() => page.getByRole('table').textContent()).toContain(LEGAL_NAME);
    await expectAccessible(page, '/ambito/enti');
    await screenshot(page, 'providers-review-list');

    await page.getByRole('link', { name: LEGAL_NAME }).click();
    await page.waitForURL(/\/ambito\/enti\/[0-9a-f-]{36}$/);
    // The description's script is shown as text.
    expect(await page.locator('.provider-description').innerHTML()).toContain('&lt;script&gt;');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /statuto\.pdf/ }).click()]);
    expect(download.suggestedFilename()).toBe('statuto.pdf');
    await expectAccessible(page, '/ambito/enti/:id');
    await screenshot(page, 'providers-review-detail');

    // Asking for changes without a reason is refused next to the field.
    await page.getByLabel('Chiedi modifiche').check({ force: true });
    await page.getByRole('button', { name: 'Registra la decisione' }).click();
    await expect.poll(() => page.locator('#field-reason-error').textContent()).toContain('Scrivi la motivazione');
    await expectAccessible(page, '/ambito/enti/:id with errors');

    await page.getByLabel('Ammetti l’ente').check({ force: true });
    await page.getByRole('button', { name: 'Registra la decisione' }).click();
    await page.waitForURL(/esito=ADMIT$/);
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Ente ammesso');
    expect(await page.locator('.badge').first().textContent()).toBe('Ammesso');
    await screenshot(page, 'providers-review-admitted');
    await context.close();
  });
});

describe('an admitted provider', () => {
  it('sees its profile and can update it, on a phone', async () => {
    const context = await newContext(browser, app.baseUrl, PHONE);
    const page = await context.newPage();
    await login(page, account('PROVIDER_OPERATOR').email, password);
    await page.goto('/ente/profilo');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Profilo dell’ente');
    await expect.poll(() => page.locator('.callout').textContent()).toContain('Ammesso');
    await expectAccessible(page, '/ente/profilo (phone)');
    await screenshot(page, 'providers-profile-phone');
    await page.getByLabel('Telefono').fill('035 999000');
    await page.getByRole('button', { name: 'Salva le modifiche' }).click();
    await page.waitForURL('**/ente/profilo?salvato');
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Modifiche salvate');
    await context.close();
  });
});
