// @ts-check
import { existsSync, readFileSync, statSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { satisfiesRange } from './node-version.mjs';
import { run, which } from './proc.mjs';

// The steps npm start and npm test share before they touch services: right Node, dependencies.

/**
 * Stops with a clear message when this Node does not satisfy package.json "engines.node".
 * @param {string} rootDir
 */
export function checkNodeVersion(rootDir) {
  const pkg = JSON.parse(readFileSync(path.join(rootDir, 'package.json'), 'utf8'));
  const range = pkg.engines?.node;
  if (!range) return;
  if (!satisfiesRange(process.version, range)) {
    throw new Error(`Node ${process.version} is not supported: package.json requires node ${range}. Install a matching Node (e.g. Node 20 LTS, 20.19 or newer) and run again.`);
  }
}

/**
 * Whether `npm install` must run: no node_modules, or package-lock.json changed since the last install.
 * @param {string} rootDir
 */
export function dependenciesStale(rootDir) {
  const installed = path.join(rootDir, 'node_modules', '.package-lock.json');
  if (!existsSync(installed)) return true;
  const lock = path.join(rootDir, 'package-lock.json');
  return existsSync(lock) && statSync(lock).mtimeMs > statSync(installed).mtimeMs;
}

/**
 * `npm install` when needed. Not `npm ci`, even on CI: registries that mirror only this
 * platform's packages (as ours does) leave other platforms' optional binaries (rollup, esbuild,
 * msgpackr) out of package-lock.json, and `npm ci` then refuses the lock as out of sync.
 * With a lock in sync with package.json `npm install` installs exactly the locked versions.
 * @param {string} rootDir
 * @param {import('./log.mjs').Log} log
 */
export async function ensureDependencies(rootDir, log) {
  if (!dependenciesStale(rootDir)) return false;
  if (!which('npm')) throw new Error('npm is not on PATH; it ships with Node: reinstall Node 20 (https://nodejs.org) and run again.');
  const args = ['install', '--no-audit', '--no-fund'];
  log.info(`installing dependencies (npm ${args[0]})`);
  const result = await run('npm', args, { cwd: rootDir, output: 'inherit' });
  if (result.code !== 0) throw new Error(`npm ${args[0]} failed (exit ${result.code}); see its output above.`);
  // npm leaves the hidden lockfile untouched when nothing changed; mark this install as current.
  const installed = path.join(rootDir, 'node_modules', '.package-lock.json');
  if (existsSync(installed)) {
    const now = new Date();
    utimesSync(installed, now, now);
  }
  return true;
}

/**
 * An executable from node_modules/.bin (npx would reach for the network when it is missing).
 * @param {string} rootDir
 * @param {string} name
 */
export function localBin(rootDir, name) {
  const bin = path.join(rootDir, 'node_modules', '.bin', name);
  if (!existsSync(bin)) throw new Error(`${name} is not installed in node_modules/.bin: run \`npm install\`.`);
  return bin;
}
