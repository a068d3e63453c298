import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCodiceFiscalePersona } from '~/domain/identifiers/identifiers.fns';
import { demoAccounts, DESKTOP, expectAccessible, launchBrowser, login, newContext, PHONE, screenshot, startApp, type RunningApp } from './support';

// Issue 4's journey in the browser, on a phone and on a desktop, with the accessibility check on
// every page visited: the company's HR imports a small roster, creates a welfare plan (rules,
// carnet, activation), previews an allocation (totals per rule and per employee) and commits it;
// then an employee signs in and finds the credit in their wallet, with the plan in plain words.

let app: RunningApp;
let browser: Browser;
const { password, accounts } = demoAccounts();
const emailOf = (role: string, alliance = 'val-seriana') => accounts.find((a) => a.role === role && a.alliance === alliance)!.email;
const year = new Date().getFullYear();

beforeAll(async () => {
  app = await startApp();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

/** A small roster as payroll software exports it: `;`, Italian headers and dates, accented names. */
function rosterCsv(people: Array<{ givenName: string; familyName: string; birthDate: string; gender: 'M' | 'F' }>, tag: string): string {
  const header = 'Codice fiscale;Cognome;Nome;Email;Data assunzione;Data cessazione;Sede;Categoria;Figli a carico;Familiari a carico';
  const rows = people.map((p, i) => {
    const cf = makeCodiceFiscalePersona({ ...p, birthplace: 'Albino', province: 'BG' });
    const email = `${p.givenName}.${p.familyName}.${tag}@esempio.it`.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '');
    return `${cf};${p.familyName};${p.givenName};${email};01/0${i + 2}/2024;;;operai;${i};0`;
  });
  return `${[header, ...rows].join('\r\n')}\r\n`;
}

/** Bootstrap Italia draws the checkbox on its label: click the label, as a person does. */
async function tick(page: Page, label: string, on: boolean) {
  const box = page.getByRole('checkbox', { name: label, exact: true });
  if ((await box.isChecked()) !== on) await page.locator(`label[for="${await box.getAttribute('id')}"]`).click();
  expect(await box.isChecked()).toBe(on);
}

async function submit(page: Page, name: string | RegExp, url?: RegExp) {
  const button = page.getByRole('button', { name });
  await Promise.all([url ? page.waitForURL(url) : page.waitForLoadState('networkidle'), button.click()]);
  await page.waitForLoadState('networkidle');
}

const NEW_PEOPLE = {
  desktop: [
    { givenName: 'Nicolò', familyName: 'Carrara', birthDate: '1988-04-12', gender: 'M' as const },
    { givenName: 'Martina', familyName: 'Pezzòli', birthDate: '1991-09-03', gender: 'F' as const },
  ],
  phone: [
    { givenName: 'Noemi', familyName: 'Gàmbari', birthDate: '1985-02-27', gender: 'F' as const },
    { givenName: 'Mosè', familyName: 'Lazzaroni', birthDate: '1979-11-30', gender: 'M' as const },
  ],
};

describe.each([
  ['desktop', DESKTOP, 'Piano estate', '40'],
  ['phone', PHONE, 'Piano autunno', '35,50'],
] as const)('company wallets (%s)', (name, device, planName, flat) => {
  it('HR imports a roster, creates a plan and allocates it; an employee sees the balance', async () => {
    const company = await newContext(browser, app.baseUrl, device);
    const page = await company.newPage();
    await login(page, emailOf('COMPANY_ADMIN'), password);

    // The roster: a small CSV, dry run, then saved (all or nothing).
    await page.goto('/azienda/dipendenti/importa');
    await expectAccessible(page, `/azienda/dipendenti/importa (${name})`);
    await page.getByLabel(/File dei dipendenti/).setInputFiles({
      name: `dipendenti-${name}.csv`,
      mimeType: 'text/csv',
      buffer: Buffer.from(rosterCsv(NEW_PEOPLE[name], name), 'utf8'),
    });
    await submit(page, 'Carica e verifica', /\/azienda\/dipendenti\/importa\/[0-9a-f-]{36}/);
    await expectAccessible(page, `/azienda/dipendenti/importa/:id dry run (${name})`);
    await screenshot(page, `roster-dry-run-${name}`);
    await submit(page, 'Salva i dipendenti');
    await page.getByText('Dipendenti salvati').first().waitFor();
    await expectAccessible(page, `/azienda/dipendenti/importa/:id committed (${name})`);

    // The plans page: budget, plans, history.
    await page.goto('/azienda/piani');
    await expectAccessible(page, `/azienda/piani (${name})`);
    await expect(page.getByRole('link', { name: `Piano welfare ${year}` }).isVisible()).resolves.toBe(true);
    await screenshot(page, `plans-list-${name}`);

    // A new plan: invalid first (conversion without the agreement), then valid.
    await Promise.all([page.waitForURL('**/azienda/piani/nuovo'), page.getByRole('link', { name: 'Nuovo piano' }).click()]);
    await expectAccessible(page, `/azienda/piani/nuovo (${name})`);
    await page.getByLabel('Nome del piano').fill(planName);
    await page.getByLabel('Primo giorno').fill(`${year}-01-01`);
    await page.getByLabel('Ultimo giorno').fill(`${year}-12-31`);
    await tick(page, 'Offri la conversione del premio di risultato', true);
    await submit(page, 'Salva la bozza');
    await expect(page.getByRole('alert').first().textContent()).resolves.toContain('accordo aziendale o territoriale');
    expect(await page.getByLabel('Nome del piano').inputValue()).toBe(planName);
    await expectAccessible(page, `/azienda/piani/nuovo errors (${name})`);
    await screenshot(page, `plans-new-errors-${name}`);
    await tick(page, 'Offri la conversione del premio di risultato', false);
    await submit(page, 'Salva la bozza', /\/azienda\/piani\/[0-9a-f-]{36}\?creato=1$/);
    const planId = new URL(page.url()).pathname.split('/').pop()!;
    await expectAccessible(page, `/azienda/piani/:id draft (${name})`);

    // Rules, carnet, activation.
    await page.getByLabel('Importo uguale per ogni dipendente (euro)').fill(flat);
    await submit(page, 'Salva le regole');
    await page.getByText('Regole di assegnazione salvate.').waitFor();
    await tick(page, 'Centri estivi', true);
    await page.getByLabel('Tetto per dipendente per Centri estivi').fill('300');
    await submit(page, 'Salva il carnet');
    await page.getByText('Carnet salvato.').waitFor();
    await expectAccessible(page, `/azienda/piani/:id ready (${name})`);
    await screenshot(page, `plans-detail-${name}`);
    await submit(page, 'Attiva il piano', /attivato=1/);
    await page.getByText('Piano attivato').waitFor();

    // Allocation: preview, then commit.
    await Promise.all([page.waitForURL(`**/azienda/piani/${planId}/assegnazioni`), page.getByRole('link', { name: 'Assegnazioni del credito' }).click()]);
    await expectAccessible(page, `/azienda/piani/:id/assegnazioni (${name})`);
    await submit(page, 'Calcola l’anteprima', /esecuzione=/);
    const total = (await page.getByTestId('run-total').textContent())!;
    expect(total).toMatch(/€/);
    await expect(page.getByRole('table', { name: 'Importi per dipendente in questa assegnazione' }).isVisible()).resolves.toBe(true);
    // The people just imported are in the run.
    const imported = NEW_PEOPLE[name][0]!;
    await page.getByRole('cell', { name: `${imported.familyName} ${imported.givenName}` }).first().waitFor();
    await expectAccessible(page, `/azienda/piani/:id/assegnazioni preview (${name})`);
    await screenshot(page, `allocation-preview-${name}`);
    await submit(page, /^Conferma l’assegnazione di/, /esito=confermata/);
    await page.getByText('Assegnazione confermata: il credito è nei portafogli dei dipendenti.').waitFor();
    await expectAccessible(page, `/azienda/piani/:id/assegnazioni committed (${name})`);
    await screenshot(page, `allocation-committed-${name}`);
    await company.close();

    // The employee finds the credit.
    const employee = await newContext(browser, app.baseUrl, device);
    const me = await employee.newPage();
    await login(me, emailOf('EMPLOYEE'), password);
    await me.getByTestId('home-wallet-total').waitFor({ timeout: 10_000 }).catch(async (e: unknown) => {
      await screenshot(me, `employee-home-failed-${name}`);
      throw e;
    });
    await expectAccessible(me, `/lavoratore (${name})`);
    await me.goto(`/lavoratore/portafoglio?piano=${planId}`);
    const expected = `${flat.includes(',') ? flat : `${flat},00`} €`;
    const balance = (await me.getByTestId(`wallet-balance-${planId}`).textContent())!.replace(/\s/g, ' ');
    expect(balance).toBe(expected);
    await expect(me.getByRole('heading', { name: 'Il piano in parole semplici' }).isVisible()).resolves.toBe(true);
    await expect(me.getByText('Credito assegnato dall’azienda').first().isVisible()).resolves.toBe(true);
    await expectAccessible(me, `/lavoratore/portafoglio (${name})`);
    await screenshot(me, `wallet-${name}`);
    await me.goto('/lavoratore/premio');
    await expectAccessible(me, `/lavoratore/premio (${name})`);
    await screenshot(me, `premio-${name}`);
    if (name === 'desktop') {
      // The premio di risultato: part of it becomes credit, confirmed explicitly, recorded for good.
      await me.getByLabel('Quanto vuoi convertire in credito welfare (euro)').fill('150');
      await submit(me, 'Converti in credito welfare');
      await expect(me.getByRole('alert').first().textContent()).resolves.toContain('Conferma di aver letto');
      await tick(me, 'Ho letto che cosa significa la conversione e confermo la mia scelta, che è definitiva', true);
      await submit(me, 'Converti in credito welfare');
      await me.getByText('Scelta registrata').waitFor();
      await expectAccessible(me, `/lavoratore/premio converted (${name})`);
      await screenshot(me, `premio-converted-${name}`);
    }
    await employee.close();
  });
});
