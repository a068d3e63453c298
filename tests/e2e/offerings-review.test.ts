import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoAccounts, DESKTOP, expectAccessible, launchBrowser, login, newContext, PHONE, screenshot, startApp, type RunningApp } from './support';

// The offering pages in a browser, on a phone and a desktop window, with the accessibility check:
// the provider's list, form (field errors that keep what was typed) and offering page; the
// curator's queue, the side-by-side review of the demo's pending new version with a decision,
// and the territory map. (The provider → curator → public journey is tests/e2e/catalogue*.)

let app: RunningApp;
let browser: Browser;
const { password, accounts } = demoAccounts();
const emailOf = (role: string, alliance = 'val-seriana') => accounts.find((a) => a.role === role && a.alliance === alliance)!.email;

beforeAll(async () => {
  app = await startApp();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe.each([
  ['desktop', DESKTOP],
  ['phone', PHONE],
] as const)('offering pages (%s)', (name, device) => {
  it('the provider lists offerings, gets field errors with typed values kept, and opens an offering', async () => {
    const context = await newContext(browser, app.baseUrl, device);
    const page = await context.newPage();
    await login(page, emailOf('PROVIDER_OPERATOR'), password);
    await page.goto('/ente/offerte');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Le mie offerte');
    expect(await page.getByRole('link', { name: 'Baby-sitting a domicilio' }).count()).toBe(1);
    await expectAccessible(page, `/ente/offerte (${name})`);
    await screenshot(page, `offerings-provider-list-${name}`);

    await page.getByRole('link', { name: 'Nuova offerta' }).click();
    await page.waitForURL('**/ente/offerte/nuova');
    await page.getByLabel('Titolo').fill('Stireria in azienda');
    await page.getByLabel('Categoria').selectOption({ label: 'Lavanderia e stireria' });
    await page.getByLabel('Descrizione').fill('Ritiro e consegna dei capi <script>alert(1)</script> in azienda.');
    await page.getByLabel('Unità di prezzo').selectOption('SERVICE');
    await page.getByLabel('Prezzo di listino (€)').fill('dieci');
    await page.getByLabel('Tariffa agevolata dell’alleanza (€)').fill('8,50');
    await page.locator('label[for="field-weekdays-2"]').click();
    await page.getByText('Albino', { exact: true }).click();
    await page.getByRole('button', { name: 'Salva bozza' }).click();
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('Il modulo contiene errori');
    expect(await page.getByLabel('Prezzo di listino (€)').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('Tariffa agevolata dell’alleanza (€)').inputValue()).toBe('8,50');
    expect(await page.getByLabel('Martedì').isChecked()).toBe(true);
    expect(await page.getByLabel('Albino').isChecked()).toBe(true);
    await expectAccessible(page, `/ente/offerte/nuova with errors (${name})`);
    await screenshot(page, `offerings-provider-form-errors-${name}`);

    await page.getByLabel('Prezzo di listino (€)').fill('10');
    await page.getByLabel('Trattamento IVA').selectOption('VAT_22');
    await Promise.all([page.waitForURL(/\/ente\/offerte\/[0-9a-f-]{36}\?esito=salvata/), page.getByRole('button', { name: 'Salva bozza' }).click()]);
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Bozza salvata');
    // The description's HTML is shown as text, never run.
    expect(await page.locator('.offering-description script').count()).toBe(0);
    expect(await page.locator('.offering-description').first().textContent()).toContain('<script>alert(1)</script>');
    await expectAccessible(page, `/ente/offerte/:id (${name})`);
    await screenshot(page, `offerings-provider-detail-${name}`);
    await context.close();
  });

  it('the curator reviews the pending new version side by side and asks for changes; the territory map shows the gaps', async () => {
    const context = await newContext(browser, app.baseUrl, device);
    const page = await context.newPage();
    await login(page, emailOf('AMBITO_CURATOR'), password);
    await page.goto('/ambito/offerte');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Offerte da esaminare');
    await expectAccessible(page, `/ambito/offerte (${name})`);
    await screenshot(page, `offerings-queue-${name}`);

    await page.getByRole('link', { name: 'Baby-sitting a domicilio' }).click();
    await page.waitForURL(/\/ambito\/offerte\/[0-9a-f-]{36}$/);
    await expect.poll(() => page.getByRole('heading', { name: 'Confronto con la versione pubblicata' }).count()).toBe(1);
    const changedRows = await page.locator('tr.table-warning th').allTextContents();
    expect(changedRows).toEqual(['Tariffa agevolata', 'Comuni serviti']);
    expect(await page.locator('ins').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('catechismo')]));
    await expectAccessible(page, `/ambito/offerte/:id (${name})`);
    await screenshot(page, `offerings-review-${name}`);

    // Decided once, in the last run, so both runs find the version in the queue.
    if (name === 'phone') {
      await page.getByRole('button', { name: 'Registra la decisione' }).click();
      await expect.poll(() => page.locator('#field-decision-error').textContent()).toContain('Scegli una decisione');
      await page.locator('label[for="field-decision-requestChanges"]').click();
      await page.getByRole('button', { name: 'Registra la decisione' }).click();
      await expect.poll(() => page.locator('#field-reason-error').textContent()).toContain('motivazione');
      await expectAccessible(page, `/ambito/offerte/:id with errors (${name})`);
      await page.getByLabel('Motivazione').fill('Indicate anche la tariffa del sabato.');
      await Promise.all([page.waitForURL(/\?esito=decisa$/), page.getByRole('button', { name: 'Registra la decisione' }).click()]);
      await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Decisione registrata');
      await expectAccessible(page, `/ambito/offerte/:id decided (${name})`);
    }

    await page.goto('/ambito/territorio');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Mappa del territorio');
    expect(await page.locator('td.table-danger').count()).toBeGreaterThan(0);
    expect(await page.getByRole('img', { name: 'Offerte approvate per categoria' }).count()).toBe(1);
    await expectAccessible(page, `/ambito/territorio (${name})`);
    await screenshot(page, `territory-map-${name}`);
    await context.close();
  });
});
