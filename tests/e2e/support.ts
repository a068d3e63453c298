import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { createDb } from '~/utils/db.server';
import { createDatabaseFromTemplate, dropDatabase, ensureTemplateDatabase } from '../setup/template-db';
import { TEST_REDIS_URL } from '../setup/test-env';

// Starts the built app (server.ts over build/) against its own seeded database, and Debian's
// Chromium driven by playwright-core. `npm test` builds the app before the e2e project runs.

export interface DemoAccounts {
  password: string;
  accounts: Array<{ alliance: string; allianceName: string; role: string; roleLabel?: string; email: string; organization?: string }>;
}

export function demoAccounts(): DemoAccounts {
  return JSON.parse(readFileSync(path.resolve('prisma/seed/demo-accounts.json'), 'utf8')) as DemoAccounts;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface RunningApp {
  baseUrl: string;
  databaseUrl: string;
  stop(): Promise<void>;
}

export async function startApp(): Promise<RunningApp> {
  const databaseName = `conciliamo_e2e_${Math.random().toString(16).slice(2, 10)}`;
  const template = await ensureTemplateDatabase();
  const databaseUrl = await createDatabaseFromTemplate(databaseName, template);
  const db = createDb(databaseUrl);
  try {
    process.env.NODE_ENV = 'test';
    const { seedDemo } = await import('../../prisma/seed/demo');
    await seedDemo(db, { ifEmpty: false });
  } finally {
    await db.$disconnect();
  }
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'test',
    PORT: String(port),
    APP_URL: `http://localhost:${port}`,
    DATABASE_URL: databaseUrl,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: `e2e:${databaseName}`,
    LOG_LEVEL: 'warn',
    // Many logins from one address in a row: keep the per-IP limit out of the journeys' way.
    RATE_LIMIT_LOGIN_PER_IP: '1000',
  };
  const processes: ChildProcess[] = [];
  const web = spawn(process.execPath, ['--import', 'tsx', 'server.ts'], { env: { ...env, CONCILIAMO_PROCESS: 'web' }, stdio: ['ignore', 'pipe', 'pipe'] });
  processes.push(web);
  let output = '';
  web.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  web.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const baseUrl = `http://localhost:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (web.exitCode !== null) throw new Error(`web server exited (${web.exitCode}):\n${output}`);
    try {
      const response = await fetch(`${baseUrl}/healthz`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`web server did not answer /healthz within 60 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    baseUrl,
    databaseUrl,
    async stop() {
      for (const child of processes) child.kill('SIGTERM');
      await Promise.all(processes.map((child) => new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)))));
      await dropDatabase(databaseName);
    },
  };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
}

export const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
export const DESKTOP = { viewport: { width: 1280, height: 900 } };

export async function newContext(browser: Browser, baseURL: string, device: typeof PHONE | typeof DESKTOP = DESKTOP): Promise<BrowserContext> {
  return browser.newContext({ baseURL, locale: 'it-IT', ...device });
}

const AXE_SOURCE = readFileSync(path.resolve('node_modules/axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}

/** Runs axe-core in the page; fails on any serious or critical violation, listing them. */
export async function expectAccessible(page: Page, label = page.url()): Promise<void> {
  // Evaluated through the DevTools protocol: the page's CSP (rightly) refuses inline scripts.
  await page.evaluate(AXE_SOURCE);
  const violations = (await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: unknown[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations;
  })) as AxeViolation[];
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    serious.map((v) => `${v.impact} ${v.id}: ${v.help} → ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(' | ')}`),
    `axe violations on ${label}`,
  ).toEqual([]);
}

export async function login(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/accedi');
  await page.getByLabel(/e-mail/i).fill(email);
  await page.getByLabel(/password/i).first().fill(password);
  await Promise.all([page.waitForURL((url) => !url.pathname.startsWith('/accedi')), page.getByRole('button', { name: /accedi/i }).click()]);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.resolve('test-results', `${name}.png`), fullPage: true });
}
