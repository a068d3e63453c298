// @ts-check
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pidAlive, sleep } from './proc.mjs';

// .data/services.json remembers the project-local servers (where their data lives, their port and
// pid, who is using them) so a second run reuses them instead of starting new ones.

/**
 * @typedef {object} LocalPostgresState
 * @property {string} dataDir
 * @property {string} runDir   unix socket directory and log file
 * @property {string} binDir
 * @property {number} port
 * @property {number | null} pid
 * @property {string | null} runAs  system user the server runs as (root cannot run PostgreSQL)
 * @property {string[]} holders  "pid-token" of each live ensureServices handle using it
 * @property {boolean} [autoStop] started by npm start/test: stop it when its last holder leaves
 *
 * @typedef {object} LocalRedisState
 * @property {string} dir
 * @property {string} pidFile
 * @property {number} port
 * @property {number | null} pid
 * @property {string[]} holders
 * @property {boolean} [autoStop]
 *
 * @typedef {{ postgres?: LocalPostgresState, redis?: LocalRedisState }} ServicesState
 */

/** @param {string} rootDir */
export function dataPaths(rootDir) {
  const dataDir = path.join(rootDir, '.data');
  return {
    dataDir,
    stateFile: path.join(dataDir, 'services.json'),
    lockFile: path.join(dataDir, 'services.lock'),
  };
}

/**
 * @param {string} rootDir
 * @returns {ServicesState}
 */
export function readState(rootDir) {
  try {
    return JSON.parse(readFileSync(dataPaths(rootDir).stateFile, 'utf8'));
  } catch {
    return {};
  }
}

/**
 * Written atomically (rename) so a crash never leaves half a file.
 * @param {string} rootDir
 * @param {ServicesState} state
 */
export function writeState(rootDir, state) {
  const { dataDir, stateFile } = dataPaths(rootDir);
  mkdirSync(dataDir, { recursive: true });
  const temp = `${stateFile}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(temp, stateFile);
}

/** A holder id: the pid says whether it is still alive, the token tells handles of one process apart. */
export function newHolderId() {
  return `${process.pid}-${randomBytes(4).toString('hex')}`;
}

/**
 * Holders whose process is still running.
 * @param {string[] | undefined} holders
 */
export function liveHolders(holders) {
  return (holders ?? []).filter((holder) => pidAlive(Number(holder.split('-')[0])));
}

/**
 * Runs `fn` while holding .data/services.lock, so two runs (npm start in one terminal, npm test in
 * another) never start the same server twice. A lock left by a dead process is taken over.
 * @template T
 * @param {string} rootDir
 * @param {import('./log.mjs').Log} log
 * @param {() => Promise<T>} fn
 * @returns {Promise<T>}
 */
export async function withStateLock(rootDir, log, fn) {
  const { dataDir, lockFile } = dataPaths(rootDir);
  mkdirSync(dataDir, { recursive: true });
  const deadline = Date.now() + 15 * 60_000;
  let announced = false;
  for (;;) {
    try {
      const fd = openSync(lockFile, 'wx');
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (error) {
      if (/** @type {NodeJS.ErrnoException} */ (error).code !== 'EEXIST') throw error;
      let ownerPid = 0;
      try {
        ownerPid = Number(readFileSync(lockFile, 'utf8').trim());
      } catch {
        continue; // removed between our open and read: try again
      }
      if (!pidAlive(ownerPid)) {
        rmSync(lockFile, { force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new Error(`Timed out waiting for ${lockFile} (held by pid ${ownerPid}). Remove it if that process is not a services run.`);
      }
      if (!announced) {
        log.info(`waiting for another services run to finish (pid ${ownerPid})`);
        announced = true;
      }
      await sleep(250);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lockFile, { force: true });
  }
}
