import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoAccounts, DESKTOP, expectAccessible, launchBrowser, login, newContext, PHONE, screenshot, startApp, type RunningApp } from './support';

// The governed catalogue end to end, on a phone and a desktop window, with the accessibility check
// on every page visited: a provider operator writes an offering and sends it for review, the
// Ambito's curator approves it from the review queue, and the public finds it in /catalogo by a
// query (spelled differently from the title) and opens its page, its provider and its alliance.
// Then the alliance admin publishes a news item and the public reads it on the alliance page.

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

async function heading(page: Page): Promise<string | null> {
  return page.getByRole('heading', { level: 1 }).textContent();
}

describe.each([
  ['desktop', DESKTOP, 'turnisti'],
  ['phone', PHONE, 'pendolari'],
] as const)('the governed catalogue (%s)', (name, device, word) => {
  const title = `Baby-sitting per genitori ${word}`;

  it('a provider submits an offering, the curator approves it, the public finds it', async () => {
    // The provider operator writes the offering and sends it for review.
    const provider = await newContext(browser, app.baseUrl, device);
    let page = await provider.newPage();
    await login(page, emailOf('PROVIDER_OPERATOR'), password);
    await page.goto('/ente/offerte/nuova');
    await expectAccessible(page, `/ente/offerte/nuova (${name})`);
    await page.getByLabel('Titolo').fill(title);
    await page.getByLabel('Categoria').selectOption({ label: 'Baby-sitting (3–10 anni)' });
    await page.getByLabel('Descrizione').fill(`Una baby sitter a casa vostra quando lavorate su turni.\n\n- anche la sera\n- anche il sabato`);
    await page.getByLabel('Destinatari').selectOption('CHILDREN');
    await page.getByLabel('Età minima (anni)').fill('3');
    await page.getByLabel('Età massima (anni)').fill('10');
    await page.getByLabel('Unità di prezzo').selectOption('HOUR');
    await page.getByLabel('Prezzo di listino (€)').fill('15');
    await page.getByLabel('Tariffa agevolata dell’alleanza (€)').fill('12,50');
    await page.getByLabel('Trattamento IVA').selectOption('EXEMPT_ART10');
    await page.locator('label[for="field-weekdays-1"]').click();
    await page.locator('label[for="field-weekdays-6"]').click();
    await page.getByLabel('Fascia 1: dalle').fill('18:00');
    await page.getByLabel('Fascia 1: alle').fill('23:00');
    await page.getByLabel('Preavviso di prenotazione (giorni)').fill('2');
    await page.getByLabel('Condizioni di disdetta').fill('Gratuita fino a 24 ore prima.');
    await page.getByText('Albino', { exact: true }).click();
    await page.getByText('Nembro', { exact: true }).click();
    await Promise.all([page.waitForURL(/\/ente\/offerte\/[0-9a-f-]{36}\?esito=/), page.getByRole('button', { name: 'Salva e invia in revisione' }).click()]);
    const offeringId = /\/ente\/offerte\/([0-9a-f-]{36})/.exec(page.url())![1]!;
    await expectAccessible(page, `/ente/offerte/:id submitted (${name})`);
    await provider.close();

    // Not public while under review.
    const early = await newContext(browser, app.baseUrl, device);
    page = await early.newPage();
    expect((await page.goto(`/catalogo/${offeringId}`))?.status()).toBe(404);
    await early.close();

    // The curator approves it from the review queue.
    const curator = await newContext(browser, app.baseUrl, device);
    page = await curator.newPage();
    await login(page, emailOf('AMBITO_CURATOR'), password);
    await page.goto('/ambito/offerte');
    await expectAccessible(page, `/ambito/offerte (${name})`);
    await Promise.all([page.waitForURL(`**/ambito/offerte/${offeringId}`), page.getByRole('link', { name: title }).click()]);
    await expectAccessible(page, `/ambito/offerte/:id (${name})`);
    await page.locator('label[for="field-decision-approve"]').click();
    await Promise.all([page.waitForURL(/\?esito=decisa$/), page.getByRole('button', { name: 'Registra la decisione' }).click()]);
    await expectAccessible(page, `/ambito/offerte/:id approved (${name})`);
    await curator.close();

    // The public searches from the home page with another spelling and finds it.
    const visitor = await newContext(browser, app.baseUrl, device);
    page = await visitor.newPage();
    await page.goto('/');
    await expectAccessible(page, `/ (${name})`);
    await screenshot(page, `public-home-${name}`);
    await page.getByRole('searchbox', { name: /Che cosa cerchi/ }).fill(`baby sitter ${word}`);
    await Promise.all([page.waitForURL(/\/catalogo\?q=/), page.getByRole('button', { name: 'Cerca' }).click()]);
    await expect.poll(() => heading(page)).toBe('Catalogo dei servizi');
    await expect.poll(() => page.getByTestId('result-count').textContent()).toBe('1 servizio trovato.');
    await expectAccessible(page, `/catalogo?q= (${name})`);
    await screenshot(page, `catalogue-search-${name}`);

    // The filters narrow the same search; a bad price is a field error, typed value kept.
    await page.goto(`/catalogo?q=babysitter&age=6&comune=016004&maxPrice=dieci`);
    expect(await page.getByLabel('Prezzo fino a (€)').inputValue()).toBe('dieci');
    expect(await page.getByLabel('Prezzo fino a (€)').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByRole('link', { name: title }).count()).toBe(1);
    await expectAccessible(page, `/catalogo with filters (${name})`);
    await screenshot(page, `catalogue-filters-${name}`);

    await Promise.all([page.waitForURL(`**/catalogo/${offeringId}`), page.getByRole('link', { name: title }).click()]);
    await expect.poll(() => heading(page)).toBe(title);
    // Intl writes a no-break space before the euro sign.
    const facts = ((await page.getByRole('complementary').textContent()) ?? '').replace(/\s/g, ' ');
    expect(facts).toContain('12,50 € all’ora');
    expect(facts).toContain('Prezzo di listino 15,00 €');
    expect(facts).toContain('Esente IVA');
    expect(facts).toContain('Con almeno 2 giorni di anticipo');
    expect(facts).toContain('dalle 18:00 alle 23:00');
    expect(await page.locator('.offering-description li').count()).toBe(2);
    await expectAccessible(page, `/catalogo/:id (${name})`);
    await screenshot(page, `catalogue-offering-${name}`);

    await Promise.all([page.waitForURL(/\/enti\/[0-9a-f-]{36}$/), page.getByRole('link', { name: 'Cooperativa Sociale Il Sorriso' }).click()]);
    await expect.poll(() => heading(page)).toBe('Cooperativa Sociale Il Sorriso');
    await expect.poll(() => page.getByRole('link', { name: title }).count()).toBe(1);
    await expectAccessible(page, `/enti/:id (${name})`);
    await screenshot(page, `catalogue-provider-${name}`);
    await visitor.close();
  });

  it('the alliance admin publishes a news item and the public reads it on the alliance page', async () => {
    const admin = await newContext(browser, app.baseUrl, device);
    let page = await admin.newPage();
    await login(page, emailOf('ALLIANCE_ADMIN'), password);
    await page.goto('/alleanza/notizie');
    await expect.poll(() => heading(page)).toBe('Notizie e buone pratiche');
    await expectAccessible(page, `/alleanza/notizie (${name})`);
    await Promise.all([page.waitForURL('**/alleanza/notizie/nuova'), page.getByRole('link', { name: 'Scrivi una notizia' }).click()]);
    await page.getByLabel('Titolo').fill('No');
    await page.getByRole('button', { name: 'Pubblica' }).click();
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('Il modulo contiene errori');
    expect(await page.getByLabel('Titolo').inputValue()).toBe('No');
    await expectAccessible(page, `/alleanza/notizie/nuova with errors (${name})`);
    const newsTitle = `Sportello welfare aperto il sabato (${name})`;
    await page.getByLabel('Titolo').fill(newsTitle);
    await page.getByLabel('Testo').fill('Da **sabato** lo sportello è aperto anche al mattino. <script>alert(1)</script>');
    await Promise.all([page.waitForURL(/\?esito=published$/), page.getByRole('button', { name: 'Pubblica' }).click()]);
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Pubblicata');
    await expectAccessible(page, `/alleanza/notizie/:id (${name})`);
    await screenshot(page, `news-editor-${name}`);
    await admin.close();

    const visitor = await newContext(browser, app.baseUrl, device);
    page = await visitor.newPage();
    await page.goto('/alleanze/val-seriana');
    await expect.poll(() => heading(page)).toBe('W.IN. – Welfare Innovativo');
    await expect.poll(() => page.getByRole('link', { name: newsTitle }).count()).toBe(1);
    expect(await page.locator('main script').count()).toBe(0);
    // The demo draft is not public.
    expect(await page.getByText('Centri estivi 2026: in arrivo le proposte').count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Cooperativa Sociale Il Sorriso' }).count()).toBe(1);
    await expectAccessible(page, `/alleanze/val-seriana (${name})`);
    await screenshot(page, `alliance-page-${name}`);
    await Promise.all([page.waitForURL(/\?notizia=/), page.getByRole('link', { name: newsTitle }).click()]);
    await expect.poll(() => page.getByRole('heading', { level: 2, name: newsTitle }).count()).toBe(1);
    await expectAccessible(page, `/alleanze/val-seriana?notizia= (${name})`);
    await visitor.close();
  });
});
