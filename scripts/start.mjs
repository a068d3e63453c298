#!/usr/bin/env node
// @ts-check
// `npm start`: from a clean clone to a running platform. Checks Node, installs dependencies when
// needed, finds or starts PostgreSQL and Redis, generates the Prisma client, migrates, loads the
// demo data into an empty database, builds, then runs the web server and the workers until
// Ctrl-C, which stops them and any service this run started. Plain Node: it runs before
// `npm install`. `--dev` rebuilds on change (remix watch) instead of building once.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { hasExited, killOnExit, spawnPrefixed, stopChild } from './lib/children.mjs';
import { createLog } from './lib/log.mjs';
import { runChecked, sleep } from './lib/proc.mjs';
import { checkNodeVersion, ensureDependencies, localBin } from './lib/setup.mjs';

const rootDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const log = createLog('start');

const USAGE = `Usage: npm start [-- --dev]
  --dev   rebuild on change (remix watch) instead of one build
Environment: PORT (default 3000), NODE_ENV (default development), DATABASE_URL, REDIS_URL,
             CONCILIAMO_SERVICES=local (use project-local PostgreSQL/Redis only)`;

/** @type {import('./services.mjs').ServicesHandle | null} */
let services = null;
/** @type {Array<{ label: string, child: import('node:child_process').ChildProcess }>} */
const children = [];
let shuttingDown = false;

/**
 * Runs one set-up step, showing its output as it goes.
 * @param {string} what
 * @param {string} command
 * @param {string[]} args
 * @param {NodeJS.ProcessEnv} env
 */
async function step(what, command, args, env) {
  log.info(what);
  await runChecked(command, args, { cwd: rootDir, env, output: 'inherit' }).catch((error) => {
    throw new Error(`${what} failed (exit ${error.result?.code ?? '?'}); see the output above.`);
  });
}

/**
 * Waits until GET /healthz answers (any HTTP status: a 503 still means the server is up and says
 * which dependency is missing). Gives up early if the web process dies.
 * @param {number} port
 * @param {import('node:child_process').ChildProcess} web
 */
async function waitForHealth(port, web) {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (hasExited(web)) return null;
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2_000) });
      return response;
    } catch {
      await sleep(300);
    }
  }
  throw new Error(`the web server did not answer http://127.0.0.1:${port}/healthz within 90 s`);
}

/** The demo logins written by the seed, or null when there are none. */
function readDemoAccounts() {
  const file = path.join(rootDir, 'prisma/seed/demo-accounts.json');
  if (!existsSync(file)) return null;
  try {
    const data = JSON.parse(readFileSync(file, 'utf8'));
    if (!Array.isArray(data.accounts) || data.accounts.length === 0) return null;
    return /** @type {{ password?: string, accounts: Array<{ alliance: string, allianceName?: string, role: string, email: string }> }} */ (data);
  } catch {
    log.warn(`${path.relative(rootDir, file)} is not valid JSON; not listing demo logins`);
    return null;
  }
}

/** @param {string} url */
function printReady(url) {
  const lines = ['', `Conciliamo is running: ${url}`];
  const demo = process.env.NODE_ENV === 'production' ? null : readDemoAccounts();
  if (demo) {
    lines.push('', `Demo logins${demo.password ? ` (password for all: ${demo.password})` : ''}:`);
    const byAlliance = new Map();
    for (const account of demo.accounts) {
      const key = account.allianceName ?? account.alliance;
      if (!byAlliance.has(key)) byAlliance.set(key, []);
      byAlliance.get(key).push(account);
    }
    const roleWidth = Math.max(...demo.accounts.map((a) => a.role.length));
    for (const [alliance, accounts] of byAlliance) {
      lines.push(`  ${alliance}`);
      for (const account of accounts) lines.push(`    ${account.role.padEnd(roleWidth)}  ${account.email}`);
    }
  }
  if (process.env.NODE_ENV !== 'production') lines.push('', `E-mails sent by the app (dev outbox): ${url}/dev/mail`);
  lines.push('', 'Press Ctrl-C to stop.', '');
  process.stdout.write(`${lines.join('\n')}\n`);
}

/**
 * Stops web and workers (SIGTERM, ≤10 s, then SIGKILL), then the services this run started.
 * @param {number} exitCode
 */
async function shutdown(exitCode) {
  if (shuttingDown) return;
  shuttingDown = true;
  const running = children.filter(({ child }) => !hasExited(child));
  if (running.length) log.info(`stopping ${running.map((c) => c.label).join(', ')}`);
  await Promise.all(
    running.map(async ({ label, child }) => {
      if ((await stopChild(child, 10_000)) === 'killed') log.warn(`${label} did not stop within 10 s; killed it`);
    }),
  );
  if (services) {
    try {
      await services.stop();
    } catch (error) {
      log.error(`could not stop the services: ${error instanceof Error ? error.message : String(error)}`);
      exitCode ||= 1;
    }
  }
  process.exit(exitCode);
}

async function main() {
  const args = process.argv.slice(2);
  if (args.includes('--help')) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const unknown = args.filter((a) => a !== '--dev');
  if (unknown.length) {
    process.stderr.write(`Unknown option ${unknown.join(' ')}\n${USAGE}\n`);
    process.exit(2);
  }
  const dev = args.includes('--dev');
  // Signals during set-up also stop what was started so far.
  process.on('SIGINT', () => void shutdown(130));
  process.on('SIGTERM', () => void shutdown(143));

  checkNodeVersion(rootDir);
  await ensureDependencies(rootDir, log);

  const { ensureServices } = await import('./services.mjs');
  services = await ensureServices({ purpose: 'app', rootDir, log: createLog('services') });
  if (shuttingDown) return;

  const nodeEnv = process.env.NODE_ENV || 'development';
  const port = process.env.PORT || '3000';
  const env = {
    ...process.env,
    NODE_ENV: nodeEnv,
    PORT: port,
    DATABASE_URL: services.databaseUrl,
    REDIS_URL: services.redisUrl,
  };

  const { prismaGenerate } = await import('./prisma-generate.mjs');
  await prismaGenerate({ rootDir, log: createLog('prisma') });

  const cli = path.join(rootDir, 'bin/conciliamo.js');
  if (!existsSync(cli)) throw new Error('bin/conciliamo.js is missing: this checkout is incomplete.');
  await step('applying database migrations', process.execPath, [cli, 'db', 'migrate'], env);
  if (nodeEnv === 'production') {
    log.info('NODE_ENV=production: not loading demo data');
  } else {
    await step('loading demo data if the database is empty', process.execPath, [cli, 'db', 'seed', '--demo', '--if-empty'], env);
  }
  // One build either way: the server needs build/ before the first watch rebuild finishes.
  await step('building the app (remix build)', localBin(rootDir, 'remix'), ['build'], env);
  if (shuttingDown) return;

  log.info(`starting the web server on port ${port} and the workers`);
  const web = spawnPrefixed('web', process.execPath, ['--import', 'tsx', 'server.ts'], {
    cwd: rootDir,
    env: { ...env, CONCILIAMO_PROCESS: 'web' },
  });
  children.push({ label: 'web', child: web });
  const workers = spawnPrefixed('workers', process.execPath, ['--import', 'tsx', 'workers/index.ts'], {
    cwd: rootDir,
    env: { ...env, CONCILIAMO_PROCESS: 'workers' },
  });
  children.push({ label: 'workers', child: workers });
  if (dev) {
    children.push({ label: 'build', child: spawnPrefixed('build', localBin(rootDir, 'remix'), ['watch'], { cwd: rootDir, env }) });
  }
  killOnExit(children.map((c) => c.child));
  for (const { label, child } of children) {
    child.on('exit', (code, signal) => {
      if (shuttingDown) return;
      log.error(`${label} exited on its own (${signal ? `signal ${signal}` : `exit code ${code}`}); stopping everything`);
      void shutdown(1);
    });
  }

  const health = await waitForHealth(Number(port), web);
  if (!health || shuttingDown) return;
  if (!health.ok) log.warn(`/healthz answered ${health.status}: a dependency is not healthy (see the web log above)`);
  printReady(`http://localhost:${port}`);
}

main().catch(async (error) => {
  log.error(error instanceof Error ? error.message : String(error));
  await shutdown(1);
});
