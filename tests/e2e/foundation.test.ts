import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLE_HOME, type RoleName } from '~/domain/auth/roles';
import { NAVIGATION } from '~/ui/layout/navigation';
import { demoAccounts, DESKTOP, expectAccessible, launchBrowser, login, newContext, PHONE, screenshot, startApp, type RunningApp } from './support';

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

describe('public pages', () => {
  it.each([
    ['/', 'home'],
    ['/accedi', 'login'],
    ['/password-dimenticata', 'forgot-password'],
    ['/accessibilita', 'accessibility'],
    ['/privacy', 'privacy'],
    ['/reimposta-password/not-a-real-token', 'reset-invalid'],
    ['/invito/not-a-real-token', 'invite-invalid'],
    ['/dev/mail', 'dev-mail'],
    ['/pagina-che-non-esiste', 'not-found'],
  ])('%s renders, in Italian, with no serious accessibility violation', async (path, name) => {
    const context = await newContext(browser, app.baseUrl);
    const page = await context.newPage();
    const response = await page.goto(path);
    expect(response?.status()).toBe(name === 'not-found' ? 404 : 200);
    expect(await page.getAttribute('html', 'lang')).toBe('it');
    await expectAccessible(page, path);
    await screenshot(page, `public-${name}`);
    await context.close();
  });

  it('shows both alliances on the public home and switches to English', async () => {
    const context = await newContext(browser, app.baseUrl, PHONE);
    const page = await context.newPage();
    await page.goto('/');
    await expect.poll(() => page.getByRole('heading', { level: 3 }).allTextContents()).toEqual(
      expect.arrayContaining([expect.stringContaining('Networking 2.0'), expect.stringContaining('W.IN.')]),
    );
    await page.getByRole('button', { name: 'EN', exact: true }).click();
    await page.waitForLoadState('networkidle');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toContain('welfare in your territory');
    await expectAccessible(page, '/ (en, phone)');
    await screenshot(page, 'public-home-en-phone');
    await context.close();
  });
});

describe('each demo role', () => {
  const { password, accounts } = demoAccounts();

  it.each(accounts.map((a) => [a.role, a.alliance, a.email] as const))(
    '%s of %s logs in, lands on its home and every page in its menu is accessible',
    async (role, alliance, email) => {
      const context = await newContext(browser, app.baseUrl, alliance === 'val-cavallina' ? PHONE : DESKTOP);
      const page = await context.newPage();
      await login(page, email, password);
      expect(new URL(page.url()).pathname).toBe(ROLE_HOME[role as RoleName]);
      await expectAccessible(page, `${role} home`);
      await screenshot(page, `home-${alliance}-${role}`);
      for (const item of NAVIGATION[role as RoleName]) {
        const response = await page.goto(item.to);
        expect(response?.status(), item.to).toBe(200);
        await expectAccessible(page, `${role} ${item.to}`);
      }
      // Another role's home is not there for this account.
      const foreign = Object.entries(ROLE_HOME).find(([r]) => r !== role)![1];
      expect((await page.goto(foreign))?.status()).toBe(404);
      await context.close();
    },
  );
});

describe('keyboard only', () => {
  it('signs in, skips to the content and follows the menu without a mouse', async () => {
    const { password, accounts } = demoAccounts();
    const admin = accounts.find((a) => a.role === 'COMPANY_ADMIN')!;
    const context = await newContext(browser, app.baseUrl);
    const page = await context.newPage();
    await page.goto('/accedi');

    // First Tab reaches the skip link, which moves focus to the main content.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toContain('Vai al contenuto principale');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => location.hash)).toBe('#main-content');

    // Tab forward until the e-mail field has focus, then type the credentials and submit with Enter.
    for (let i = 0; i < 30; i++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.type === 'email')) break;
    }
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).type)).toBe('email');
    await page.keyboard.type(admin.email);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).type)).toBe('password');
    await page.keyboard.type(password);
    await Promise.all([page.waitForURL('**/azienda'), page.keyboard.press('Enter')]);

    // Focus is visible: the focused link or button has an outline (after hydration, on a slow machine too).
    await page.waitForLoadState('networkidle');
    await page.keyboard.press('Tab');
    await expect
      .poll(() => page.evaluate(() => (document.activeElement && document.activeElement !== document.body ? getComputedStyle(document.activeElement).outlineStyle : 'none')))
      .not.toBe('none');

    // Reach the "Chiavi API" menu entry by Tab and open it with Enter.
    let reached = false;
    for (let i = 0; i < 40 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => document.activeElement?.getAttribute('href') === '/impostazioni/chiavi-api');
    }
    expect(reached).toBe(true);
    await Promise.all([page.waitForURL('**/impostazioni/chiavi-api'), page.keyboard.press('Enter')]);
    await context.close();
  });

  it('refuses a wrong password with an accessible error summary', async () => {
    const { accounts } = demoAccounts();
    const context = await newContext(browser, app.baseUrl);
    const page = await context.newPage();
    await page.goto('/accedi');
    await page.getByLabel(/e-mail/i).fill(accounts[0]!.email);
    await page.getByLabel(/password/i).first().fill('definitely-wrong-password');
    await page.getByRole('button', { name: /accedi/i }).click();
    await expect.poll(() => page.getByRole('alert').first().textContent()).toBeTruthy();
    expect(new URL(page.url()).pathname).toBe('/accedi');
    await expectAccessible(page, '/accedi with error');
    await screenshot(page, 'login-error');
    await context.close();
  });
});
