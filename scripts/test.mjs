#!/usr/bin/env node
// @ts-check
// `npm test`: the same set-up as npm start against a separate test database, then, in order and
// stopping at the first failure: typecheck, lint, build, unit, integration, e2e. Ends with the
// line CI reads: "Tests: N passed, M failed[, K skipped]". Plain Node: it runs before npm install.
//   npm test -- --only unit,integration
//   npm test -- --only integration -- tests/integration/services.test.ts
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLog, formatDuration } from './lib/log.mjs';
import { isRoot, run, which } from './lib/proc.mjs';
import { checkNodeVersion, ensureDependencies, localBin } from './lib/setup.mjs';
import { aptInstall, canInstallWithApt } from './lib/system.mjs';
import { needsServices, parseTestArgs, STEPS, TEST_USAGE, UsageError } from './lib/test-plan.mjs';
import { addCounts, countsFromReport, readReport, stepCounts, summaryLine } from './lib/vitest-summary.mjs';

const rootDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const log = createLog('test');
const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/**
 * @typedef {object} StepResult
 * @property {string} name
 * @property {'passed' | 'failed' | 'not run'} status
 * @property {number} ms
 * @property {import('./lib/vitest-summary.mjs').Counts | null} counts
 * @property {string} [note]
 */

/** @type {StepResult[]} */
const results = [];
/** @type {import('./services.mjs').ServicesHandle | null} */
let services = null;
let finishing = false;

/**
 * Chromium for the browser tests: CHROMIUM_PATH, else /usr/bin/chromium, installed with apt-get
 * when we are root; otherwise the exact command to run.
 */
async function ensureChromium() {
  const wanted = process.env.CHROMIUM_PATH || DEFAULT_CHROMIUM;
  if (existsSync(wanted)) return wanted;
  if (process.env.CHROMIUM_PATH) throw new Error(`CHROMIUM_PATH=${wanted} does not exist.`);
  if (canInstallWithApt()) {
    log.info('Chromium is missing: installing it with apt-get (needed by the browser tests)');
    // Without recommended packages Chromium has no fonts; pages would render with boxes.
    await aptInstall(['chromium', 'fonts-liberation'], log);
    if (existsSync(DEFAULT_CHROMIUM)) return DEFAULT_CHROMIUM;
    throw new Error(`apt-get installed chromium but ${DEFAULT_CHROMIUM} does not exist.`);
  }
  const how = isRoot() || !which('sudo') ? 'apt-get install chromium' : 'sudo apt-get install chromium';
  throw new Error(`The browser tests need Chromium at ${DEFAULT_CHROMIUM}. Install it: ${how} (or set CHROMIUM_PATH to a Chromium binary).`);
}

/**
 * @param {{ name: string, kind: 'command' | 'vitest' }} step
 * @param {string[]} filters
 * @param {NodeJS.ProcessEnv} env
 * @returns {Promise<{ ok: boolean, counts: import('./lib/vitest-summary.mjs').Counts | null, note?: string }>}
 */
async function runStep(step, filters, env) {
  const options = { cwd: rootDir, env, output: /** @type {const} */ ('inherit') };
  switch (step.name) {
    case 'typecheck':
      return { ok: (await run(localBin(rootDir, 'tsc'), ['--noEmit', '-p', '.'], options)).code === 0, counts: null };
    case 'lint':
      return { ok: (await run(localBin(rootDir, 'eslint'), ['--max-warnings=0', '.'], options)).code === 0, counts: null };
    case 'build':
      return { ok: (await run(localBin(rootDir, 'remix'), ['build'], options)).code === 0, counts: null };
    default: {
      const reportFile = path.join(rootDir, '.cache', `vitest-${step.name}.json`);
      rmSync(reportFile, { force: true });
      const args = ['run', '--project', step.name, '--reporter=default', '--reporter=json', `--outputFile=${reportFile}`];
      // A filter aimed at one project must not fail the others for finding no file.
      if (filters.length) args.push('--passWithNoTests', ...filters);
      const result = await run(localBin(rootDir, 'vitest'), args, options);
      const report = readReport(reportFile);
      const counts = report ? countsFromReport(report) : null;
      const note = counts?.brokenFiles.length ? `${counts.brokenFiles.length} file(s) failed to load` : report ? undefined : 'vitest wrote no report';
      return { ok: result.code === 0, counts: counts && { passed: counts.passed, failed: counts.failed, skipped: counts.skipped }, note };
    }
  }
}

/** Prints each step's outcome, then the summary line, and exits. @param {number} exitCode */
async function finish(exitCode) {
  if (finishing) return;
  finishing = true;
  if (services) {
    await services.stop().catch((error) => log.error(`could not stop the test services: ${error instanceof Error ? error.message : String(error)}`));
  }
  const lines = ['', 'Summary'];
  for (const r of results) {
    const counts = r.counts ? ` (${r.counts.passed} passed, ${r.counts.failed} failed${r.counts.skipped ? `, ${r.counts.skipped} skipped` : ''})` : '';
    const time = r.status === 'not run' ? '' : ` in ${formatDuration(r.ms)}`;
    lines.push(`  ${r.name.padEnd(11)} ${r.status}${time}${counts}${r.note ? ` - ${r.note}` : ''}`);
  }
  const total = addCounts(results.filter((r) => r.status !== 'not run').map((r) => stepCounts({ ok: r.status === 'passed', counts: r.counts })));
  const failed = exitCode !== 0 || results.some((r) => r.status === 'failed');
  if (failed && total.failed === 0) total.failed = 1; // set-up failed before any step ran
  lines.push('', summaryLine(total));
  process.stdout.write(`${lines.join('\n')}\n`);
  process.exit(failed ? exitCode || 1 : 0);
}

async function main() {
  let plan;
  try {
    plan = parseTestArgs(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n${TEST_USAGE}\n`);
      process.exit(2);
    }
    throw error;
  }
  if (plan.help) {
    process.stdout.write(`${TEST_USAGE}\n`);
    return;
  }
  process.on('SIGINT', () => void finish(130));
  process.on('SIGTERM', () => void finish(143));

  const selected = STEPS.filter((s) => plan.steps.includes(s.name));
  for (const s of selected) results.push({ name: s.name, status: 'not run', ms: 0, counts: null });

  const setupStarted = Date.now();
  checkNodeVersion(rootDir);
  await ensureDependencies(rootDir, log);
  /** @type {NodeJS.ProcessEnv} */
  const env = { ...process.env, NODE_ENV: 'test' };
  if (needsServices(plan.steps)) {
    const { ensureServices } = await import('./services.mjs');
    services = await ensureServices({ purpose: 'test', rootDir, log: createLog('services') });
    // TEST_DATABASE_URL may create and drop databases (one per test file, cloned from a template).
    Object.assign(env, {
      TEST_DATABASE_URL: services.databaseUrl,
      DATABASE_URL: services.databaseUrl,
      TEST_REDIS_URL: services.redisUrl,
      REDIS_URL: services.redisUrl,
    });
  }
  const { prismaGenerate } = await import('./prisma-generate.mjs');
  await prismaGenerate({ rootDir, log: createLog('prisma') });
  mkdirSync(path.join(rootDir, '.cache'), { recursive: true });
  log.info(`set-up done in ${formatDuration(Date.now() - setupStarted)}`);

  for (const [index, step] of selected.entries()) {
    const result = /** @type {StepResult} */ (results[index]);
    log.info(`==> ${step.name}: ${step.description}${step.kind === 'vitest' && plan.filters.length ? ` ${plan.filters.join(' ')}` : ''}`);
    const started = Date.now();
    let outcome;
    try {
      if (step.name === 'e2e') env.CHROMIUM_PATH = await ensureChromium();
      outcome = await runStep(step, plan.filters, env);
    } catch (error) {
      log.error(error instanceof Error ? error.message : String(error));
      outcome = { ok: false, counts: null, note: 'could not run' };
    }
    Object.assign(result, { status: outcome.ok ? 'passed' : 'failed', ms: Date.now() - started, counts: outcome.counts, note: outcome.note });
    log.info(`<== ${step.name} ${result.status} in ${formatDuration(result.ms)}`);
    if (!outcome.ok) {
      await finish(1);
      return;
    }
  }
  await finish(0);
}

main().catch(async (error) => {
  log.error(error instanceof Error ? error.message : String(error));
  await finish(1);
});
