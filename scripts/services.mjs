#!/usr/bin/env node
// @ts-check
// Finds or starts the PostgreSQL and Redis the app needs. Plain Node: `npm start` runs it on a
// fresh clone. Order of preference, for each service on its own:
//   1. DATABASE_URL / REDIS_URL (TEST_… first for tests) when set and answering;
//   2. a project-local server this checkout already runs (.data/services.json);
//   3. a server on the standard local port (5432 / 6379), creating the app's database there;
//   4. a new project-local server (system initdb/pg_ctl, redis-server) with data under .data/.
// CONCILIAMO_SERVICES=local skips 1 and 3. See docs/decisions/0001-services-script.md.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLog, normalizeLog, redactUrl } from './lib/log.mjs';
import { isListening, findFreePort, isPortFree } from './lib/net.mjs';
import {
  databaseName,
  ensureDatabase,
  findPostgresBinDir,
  initCluster,
  probePostgres,
  readPostmasterPid,
  startCluster,
  stopCluster,
  withDatabase,
} from './lib/postgres.mjs';
import { isRoot, pidAlive } from './lib/proc.mjs';
import { evictionWarning, findRedisServer, localRedisUrl, probeRedis, readPidFile, startLocalRedis, stopLocalRedis } from './lib/redis.mjs';
import { dataPaths, liveHolders, newHolderId, readState, withStateLock, writeState } from './lib/state.mjs';
import { aptInstall, canInstallWithApt, ensureSystemUser, userCanReach } from './lib/system.mjs';

export const DEFAULT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const STANDARD_POSTGRES_PORT = 5432;
export const STANDARD_REDIS_PORT = 6379;
export const LOCAL_POSTGRES_FIRST_PORT = 55432;
export const LOCAL_REDIS_FIRST_PORT = 56379;
const POSTGRES_SYSTEM_USER = 'postgres';

/**
 * @typedef {'app' | 'test'} Purpose
 * @typedef {'env' | 'local' | 'standard'} Source
 * @typedef {{ source: Source, url: string, port: number | null, pid: number | null }} ServiceChoice
 * @typedef {object} ServicesHandle
 * @property {string} databaseUrl  for tests: admin-capable (may create databases), database conciliamo_test
 * @property {string} redisUrl
 * @property {Array<'postgres' | 'redis'>} started  services this call started (and stop() will stop)
 * @property {ServiceChoice} postgres
 * @property {ServiceChoice} redis
 * @property {() => Promise<void>} stop     stops what this call started, unless another run still uses it
 *   (then the last run using it stops it)
 * @property {() => Promise<void>} release  forgets this call's claim without stopping anything
 */

/** @param {Purpose} purpose */
export function databaseNameFor(purpose) {
  return purpose === 'test' ? 'conciliamo_test' : 'conciliamo';
}

/** @param {Purpose} purpose */
function envNames(purpose) {
  return purpose === 'test'
    ? { database: ['TEST_DATABASE_URL', 'DATABASE_URL'], redis: ['TEST_REDIS_URL', 'REDIS_URL'] }
    : { database: ['DATABASE_URL'], redis: ['REDIS_URL'] };
}

/** @param {string[]} names @returns {{ name: string, value: string } | null} */
function firstEnv(names) {
  for (const name of names) {
    const value = process.env[name];
    if (value) return { name, value };
  }
  return null;
}

const isProduction = () => process.env.NODE_ENV === 'production';
const forcedLocal = () => process.env.CONCILIAMO_SERVICES === 'local';

/** Port of a URL, with the protocol's default. @param {string} url @param {number} fallback */
function urlPort(url, fallback) {
  return Number(new URL(url).port || fallback);
}

/**
 * Where the project-local cluster lives. Root runs PostgreSQL as the `postgres` user, which must
 * be able to reach the data directory; a checkout under /root is not, so the cluster then lives in
 * /var/lib/conciliamo/<hash of the checkout path>.
 * @param {string} rootDir
 */
async function localClusterPaths(rootDir) {
  const { dataDir } = dataPaths(rootDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o755 });
  if (isRoot() && !(await userCanReach(POSTGRES_SYSTEM_USER, dataDir))) {
    const hash = createHash('sha256').update(path.resolve(rootDir)).digest('hex').slice(0, 12);
    const base = path.join('/var/lib/conciliamo', hash);
    mkdirSync(base, { recursive: true, mode: 0o755 });
    return { dataDir: path.join(base, 'postgres'), runDir: path.join(base, 'run'), relocated: true };
  }
  return { dataDir: path.join(dataDir, 'postgres'), runDir: path.join(dataDir, 'postgres-run'), relocated: false };
}

/** @param {string} rootDir */
function localRedisPaths(rootDir) {
  const dir = path.join(dataPaths(rootDir).dataDir, 'redis');
  return { dir, pidFile: path.join(dir, 'redis.pid') };
}

/** @param {number} port @param {string} database */
const localPostgresUrl = (port, database) => `postgresql://postgres@127.0.0.1:${port}/${database}`;

/**
 * The URL from the environment when it answers; null (after a warning) when it does not.
 * @param {Purpose} purpose
 * @param {import('./lib/log.mjs').Log} log
 * @returns {Promise<ServiceChoice | null>}
 */
async function postgresFromEnv(purpose, log) {
  const found = firstEnv(envNames(purpose).database);
  if (!found) return null;
  // Tests never run in the app's database: DATABASE_URL's server is used with conciliamo_test.
  const url = purpose === 'test' && found.name === 'DATABASE_URL' ? withDatabase(found.value, databaseNameFor('test')) : found.value;
  const probe = await probePostgres(url);
  let problem = probe.answering ? null : probe.reason;
  if (!problem && purpose === 'test' && !probe.canCreateDb) problem = 'its role cannot create databases, which the tests need (grant CREATEDB)';
  if (!problem && !probe.databaseExists) {
    try {
      await ensureDatabase(url);
      log.info(`created database ${databaseName(url)} on ${redactUrl(url)}`);
    } catch (error) {
      problem = `database ${databaseName(url)} does not exist and could not be created (${/** @type {Error} */ (error).message})`;
    }
  }
  if (!problem) {
    log.info(`PostgreSQL: using ${found.name} (${redactUrl(url)})`);
    return { source: 'env', url, port: urlPort(url, STANDARD_POSTGRES_PORT), pid: null };
  }
  if (isProduction()) {
    throw new Error(`${found.name} is set but PostgreSQL does not answer (${problem}); refusing to fall back to a local server in production.`);
  }
  log.warn(`${found.name} is set but PostgreSQL does not answer (${problem}); falling back to a local server`);
  return null;
}

/**
 * @param {Purpose} purpose
 * @param {import('./lib/log.mjs').Log} log
 * @returns {Promise<ServiceChoice | null>}
 */
async function redisFromEnv(purpose, log) {
  const found = firstEnv(envNames(purpose).redis);
  if (!found) return null;
  const probe = await probeRedis(found.value);
  if (probe.answering) {
    log.info(`Redis: using ${found.name} (${redactUrl(found.value)})`);
    const warning = evictionWarning(`Redis at ${redactUrl(found.value)}`, probe);
    if (warning) log.warn(warning);
    return { source: 'env', url: found.value, port: urlPort(found.value, STANDARD_REDIS_PORT), pid: null };
  }
  if (isProduction()) {
    throw new Error(`${found.name} is set but Redis does not answer (${probe.reason}); refusing to fall back to a local server in production.`);
  }
  log.warn(`${found.name} is set but Redis does not answer (${probe.reason}); falling back to a local server`);
  return null;
}

/**
 * A server on 127.0.0.1:5432 that lets user `postgres` or the OS user in, with the app's database
 * created there when missing.
 * @param {Purpose} purpose
 * @param {import('./lib/log.mjs').Log} log
 * @returns {Promise<ServiceChoice | null>}
 */
async function postgresOnStandardPort(purpose, log) {
  if (!(await isListening(STANDARD_POSTGRES_PORT))) return null;
  const database = databaseNameFor(purpose);
  const users = [...new Set([POSTGRES_SYSTEM_USER, os.userInfo().username])];
  const refusals = [];
  for (const user of users) {
    const url = `postgresql://${encodeURIComponent(user)}@127.0.0.1:${STANDARD_POSTGRES_PORT}/${database}`;
    const probe = await probePostgres(url);
    if (!probe.answering) {
      refusals.push(`${user}: ${probe.reason}`);
      continue;
    }
    if (purpose === 'test' && !probe.canCreateDb) {
      refusals.push(`${user}: cannot create databases`);
      continue;
    }
    if (!probe.databaseExists) {
      if (!probe.canCreateDb) {
        refusals.push(`${user}: database ${database} is missing and the role cannot create it`);
        continue;
      }
      await ensureDatabase(url);
      log.info(`created database ${database} on 127.0.0.1:${STANDARD_POSTGRES_PORT}`);
    }
    log.info(`PostgreSQL: using the server on 127.0.0.1:${STANDARD_POSTGRES_PORT} as user ${user}`);
    return { source: 'standard', url, port: STANDARD_POSTGRES_PORT, pid: null };
  }
  log.warn(`PostgreSQL on 127.0.0.1:${STANDARD_POSTGRES_PORT} does not let us in (${refusals.join('; ')}); starting a project-local server instead`);
  return null;
}

/**
 * @param {import('./lib/log.mjs').Log} log
 * @returns {Promise<ServiceChoice | null>}
 */
async function redisOnStandardPort(log) {
  if (!(await isListening(STANDARD_REDIS_PORT))) return null;
  const url = localRedisUrl(STANDARD_REDIS_PORT);
  const probe = await probeRedis(url);
  if (!probe.answering) {
    log.warn(`something listens on 127.0.0.1:${STANDARD_REDIS_PORT} but does not answer Redis PING (${probe.reason}); starting a project-local Redis instead`);
    return null;
  }
  log.info(`Redis: using the server on 127.0.0.1:${STANDARD_REDIS_PORT}`);
  const warning = evictionWarning(`Redis on 127.0.0.1:${STANDARD_REDIS_PORT}`, probe);
  if (warning) log.warn(warning);
  return { source: 'standard', url, port: STANDARD_REDIS_PORT, pid: null };
}

/**
 * The project-local cluster when it is already running (found through its postmaster.pid).
 * @param {import('./lib/state.mjs').LocalPostgresState | undefined} saved
 * @param {Purpose} purpose
 * @returns {Promise<ServiceChoice | null>}
 */
async function runningLocalPostgres(saved, purpose) {
  if (!saved) return null;
  const running = readPostmasterPid(saved.dataDir);
  if (!running || !pidAlive(running.pid)) return null;
  const url = localPostgresUrl(running.port, databaseNameFor(purpose));
  const probe = await probePostgres(url);
  if (!probe.answering) {
    throw new Error(
      `The project-local PostgreSQL (pid ${running.pid}, port ${running.port}) does not answer (${probe.reason}). Stop it with \`node scripts/services.mjs stop\` and run again.`,
    );
  }
  if (!probe.databaseExists) await ensureDatabase(url);
  return { source: 'local', url, port: running.port, pid: running.pid };
}

/**
 * @param {import('./lib/state.mjs').LocalRedisState | undefined} saved
 * @returns {Promise<ServiceChoice | null>}
 */
async function runningLocalRedis(saved) {
  if (!saved) return null;
  const pid = readPidFile(saved.pidFile);
  if (!pid || !pidAlive(pid)) return null;
  const url = localRedisUrl(saved.port);
  const probe = await probeRedis(url);
  if (!probe.answering) {
    throw new Error(
      `The project-local Redis (pid ${pid}) does not answer on port ${saved.port} (${probe.reason}). Stop it with \`node scripts/services.mjs stop\` and run again.`,
    );
  }
  return { source: 'local', url, port: saved.port, pid };
}

/**
 * Servers left running by a run whose services.json was lost: found through their pid files so
 * that nothing is ever started twice on the same data directory.
 * @param {string} rootDir
 * @param {import('./lib/state.mjs').ServicesState} state
 */
async function adoptUnrecordedServers(rootDir, state) {
  if (!state.postgres) {
    const paths = await localClusterPaths(rootDir);
    const running = readPostmasterPid(paths.dataDir);
    const binDir = findPostgresBinDir();
    if (running && pidAlive(running.pid) && binDir) {
      const runAs = isRoot() ? POSTGRES_SYSTEM_USER : null;
      state.postgres = { dataDir: paths.dataDir, runDir: paths.runDir, binDir, port: running.port, pid: running.pid, runAs, holders: [] };
    }
  }
  if (!state.redis) {
    const { dir, pidFile } = localRedisPaths(rootDir);
    const pid = readPidFile(pidFile);
    if (pid && pidAlive(pid)) {
      // redis-server's process title is "redis-server 127.0.0.1:<port>".
      let port = 0;
      try {
        port = Number(/:(\d+)/.exec(readFileSync(`/proc/${pid}/cmdline`, 'utf8'))?.[1] ?? 0);
      } catch {
        // not Linux, or the process just exited
      }
      if (!port) throw new Error(`A project-local Redis (pid ${pid}) runs from ${dir} but its port is unknown; stop it (kill ${pid}) and run again.`);
      state.redis = { dir, pidFile, port, pid, holders: [] };
    }
  }
}

/**
 * Makes sure initdb/pg_ctl and redis-server exist for the servers we must start: installs them
 * with apt-get as root, otherwise stops with the exact command to run.
 * @param {{ postgres: boolean, redis: boolean }} needed
 * @param {import('./lib/log.mjs').Log} log
 */
async function ensureBinaries(needed, log) {
  const missing = [];
  if (needed.postgres && !findPostgresBinDir()) missing.push('postgresql');
  if (needed.redis && !findRedisServer()) missing.push('redis-server');
  if (missing.length === 0) return;
  if (canInstallWithApt()) {
    log.info(`${missing.join(' and ')} not found; installing (${missing.join(' ')})`);
    await aptInstall(missing, log);
    const still = [];
    if (needed.postgres && !findPostgresBinDir()) still.push('postgresql (initdb, pg_ctl)');
    if (needed.redis && !findRedisServer()) still.push('redis-server');
    if (still.length) throw new Error(`apt-get installed ${missing.join(' ')} but ${still.join(' and ')} still cannot be found.`);
    return;
  }
  const what = missing.map((m) => (m === 'postgresql' ? 'PostgreSQL server (initdb, pg_ctl)' : 'redis-server')).join(' and ');
  const envVars = missing.map((m) => (m === 'postgresql' ? 'DATABASE_URL' : 'REDIS_URL')).join('/');
  throw new Error(
    `${what} not found and no usable running server was found. Install: sudo apt-get install ${missing.join(' ')}` +
      ` (or your system's packages for them), or set ${envVars} to a running server.`,
  );
}

/**
 * @param {string} rootDir
 * @param {import('./lib/state.mjs').LocalPostgresState | undefined} saved
 * @param {Purpose} purpose
 * @param {import('./lib/log.mjs').Log} log
 */
async function startLocalPostgres(rootDir, saved, purpose, log) {
  const binDir = findPostgresBinDir();
  if (!binDir) throw new Error('PostgreSQL binaries disappeared while starting');
  const runAs = isRoot() ? POSTGRES_SYSTEM_USER : null;
  const owner = runAs ? await ensureSystemUser(runAs, log) : null;
  const paths = saved ? { dataDir: saved.dataDir, runDir: saved.runDir, relocated: false } : await localClusterPaths(rootDir);
  if (paths.relocated) log.info(`the postgres user cannot reach ${dataPaths(rootDir).dataDir}; keeping the cluster in ${paths.dataDir}`);
  const cluster = { dataDir: paths.dataDir, runDir: paths.runDir, binDir, runAs, owner };
  await initCluster(cluster, log);
  const port = saved && (await isPortFree(saved.port)) ? saved.port : await findFreePort(LOCAL_POSTGRES_FIRST_PORT);
  log.info(`starting project-local PostgreSQL on 127.0.0.1:${port}`);
  const running = await startCluster(cluster, port);
  const url = localPostgresUrl(port, databaseNameFor(purpose));
  try {
    await ensureDatabase(url);
  } catch (error) {
    await stopCluster(cluster).catch(() => {});
    throw error;
  }
  /** @type {import('./lib/state.mjs').LocalPostgresState} */
  const state = { dataDir: cluster.dataDir, runDir: cluster.runDir, binDir, port, pid: running.pid, runAs, holders: saved?.holders ?? [] };
  return { choice: /** @type {ServiceChoice} */ ({ source: 'local', url, port, pid: running.pid }), state };
}

/**
 * @param {string} rootDir
 * @param {import('./lib/state.mjs').LocalRedisState | undefined} saved
 * @param {number[]} avoidPorts
 * @param {import('./lib/log.mjs').Log} log
 */
async function startRedis(rootDir, saved, avoidPorts, log) {
  const binary = findRedisServer();
  if (!binary) throw new Error('redis-server disappeared while starting');
  const { dir, pidFile } = saved ?? localRedisPaths(rootDir);
  const port = saved && (await isPortFree(saved.port)) ? saved.port : await findFreePort(LOCAL_REDIS_FIRST_PORT, { exclude: avoidPorts });
  log.info(`starting project-local Redis on 127.0.0.1:${port}`);
  const pid = await startLocalRedis({ binary, dir, pidFile, port });
  /** @type {import('./lib/state.mjs').LocalRedisState} */
  const state = { dir, pidFile, port, pid, holders: saved?.holders ?? [] };
  return { choice: /** @type {ServiceChoice} */ ({ source: 'local', url: localRedisUrl(port), port, pid }), state };
}

/**
 * Finds or starts PostgreSQL and Redis for the app or the tests.
 * @param {{ purpose?: Purpose, log?: import('./lib/log.mjs').Log | ((line: string) => void), rootDir?: string }} [options]
 * @returns {Promise<ServicesHandle>}
 */
export async function ensureServices({ purpose = 'app', log, rootDir = DEFAULT_ROOT } = {}) {
  if (purpose !== 'app' && purpose !== 'test') throw new Error(`purpose must be "app" or "test", got ${JSON.stringify(purpose)}`);
  const out = normalizeLog(log, 'services');
  const holder = newHolderId();
  /** @type {Array<'postgres' | 'redis'>} */
  const started = [];
  const local = forcedLocal();
  if (local) out.info('CONCILIAMO_SERVICES=local: using project-local servers only');

  let postgres = local ? null : await postgresFromEnv(purpose, out);
  let redis = local ? null : await redisFromEnv(purpose, out);

  if (!postgres || !redis) {
    await withStateLock(rootDir, out, async () => {
      const state = readState(rootDir);
      await adoptUnrecordedServers(rootDir, state);
      if (!postgres) {
        postgres = await runningLocalPostgres(state.postgres, purpose);
        if (postgres) out.info(`PostgreSQL: reusing the project-local server on 127.0.0.1:${postgres.port} (pid ${postgres.pid})`);
      }
      if (!redis) {
        redis = await runningLocalRedis(state.redis);
        if (redis) out.info(`Redis: reusing the project-local server on 127.0.0.1:${redis.port} (pid ${redis.pid})`);
      }
      if (!postgres && !local) postgres = await postgresOnStandardPort(purpose, out);
      if (!redis && !local) redis = await redisOnStandardPort(out);

      await ensureBinaries({ postgres: !postgres, redis: !redis }, out);
      if (!postgres) {
        const result = await startLocalPostgres(rootDir, state.postgres, purpose, out);
        postgres = result.choice;
        state.postgres = result.state;
        started.push('postgres');
      }
      if (!redis) {
        try {
          const result = await startRedis(rootDir, state.redis, postgres.port ? [postgres.port] : [], out);
          redis = result.choice;
          state.redis = result.state;
          started.push('redis');
        } catch (error) {
          // Leave nothing half-started: the PostgreSQL we just started goes down again.
          if (started.includes('postgres') && state.postgres) await stopCluster(clusterOf(state.postgres)).catch(() => {});
          throw error;
        }
      }
      // Every handle using a project-local server holds it, so that the run which started it does
      // not stop it under another run still using it.
      if (postgres.source === 'local' && state.postgres) {
        state.postgres.port = postgres.port ?? state.postgres.port;
        state.postgres.pid = postgres.pid;
        state.postgres.holders = [...liveHolders(state.postgres.holders), holder];
        if (started.includes('postgres')) state.postgres.autoStop = true;
      }
      if (redis.source === 'local' && state.redis) {
        state.redis.port = redis.port ?? state.redis.port;
        state.redis.pid = redis.pid;
        state.redis.holders = [...liveHolders(state.redis.holders), holder];
        if (started.includes('redis')) state.redis.autoStop = true;
      }
      writeState(rootDir, state);
    });
  }
  if (!postgres || !redis) throw new Error('internal error: services not resolved');
  const chosenPostgres = /** @type {ServiceChoice} */ (postgres);
  const chosenRedis = /** @type {ServiceChoice} */ (redis);

  let finished = false;
  // stop(): a server started by npm start/test goes down when the last run using it ends (the one
  // that started it hands it over when others still use it). release(): `services start` keeps
  // the servers it started running until `services stop`.
  /** @param {boolean} stopping */
  const finish = async (stopping) => {
    if (finished) return;
    finished = true;
    if (chosenPostgres.source !== 'local' && chosenRedis.source !== 'local') return;
    await withStateLock(rootDir, out, async () => {
      const state = readState(rootDir);
      for (const name of /** @type {const} */ (['postgres', 'redis'])) {
        const entry = state[name];
        const chosen = name === 'postgres' ? chosenPostgres : chosenRedis;
        if (!entry || chosen.source !== 'local') continue;
        entry.holders = liveHolders(entry.holders).filter((h) => h !== holder);
        if (!stopping) {
          if (started.includes(name)) entry.autoStop = false;
          continue;
        }
        if (!entry.autoStop) continue;
        if (entry.holders.length > 0) {
          const pids = [...new Set(entry.holders.map((h) => h.split('-')[0]))].join(', ');
          out.info(`leaving project-local ${name === 'postgres' ? 'PostgreSQL' : 'Redis'} running: still used by pid ${pids}`);
          continue;
        }
        await stopEntry(name, entry, out);
        entry.autoStop = false;
      }
      writeState(rootDir, state);
    });
  };

  return {
    databaseUrl: chosenPostgres.url,
    redisUrl: chosenRedis.url,
    started,
    postgres: chosenPostgres,
    redis: chosenRedis,
    stop: () => finish(true),
    release: () => finish(false),
  };
}

/** @param {import('./lib/state.mjs').LocalPostgresState} entry */
function clusterOf(entry) {
  return { dataDir: entry.dataDir, runDir: entry.runDir, binDir: entry.binDir, runAs: entry.runAs, owner: null };
}

/**
 * @param {'postgres' | 'redis'} name
 * @param {import('./lib/state.mjs').LocalPostgresState | import('./lib/state.mjs').LocalRedisState} entry
 * @param {import('./lib/log.mjs').Log} log
 * @returns {Promise<boolean>} whether something was running and is now stopped
 */
async function stopEntry(name, entry, log) {
  if (name === 'postgres') {
    const pg = /** @type {import('./lib/state.mjs').LocalPostgresState} */ (entry);
    const running = readPostmasterPid(pg.dataDir);
    if (!running || !pidAlive(running.pid)) return false;
    await stopCluster(clusterOf(pg));
    pg.pid = null;
    log.info(`stopped project-local PostgreSQL (port ${running.port})`);
    return true;
  }
  const redis = /** @type {import('./lib/state.mjs').LocalRedisState} */ (entry);
  const pid = readPidFile(redis.pidFile);
  if (!pid || !pidAlive(pid)) return false;
  await stopLocalRedis({ port: redis.port, pid });
  redis.pid = null;
  log.info(`stopped project-local Redis (port ${redis.port})`);
  return true;
}

/**
 * Stops the project-local servers of this checkout, whoever started them.
 * @param {{ rootDir?: string, log?: import('./lib/log.mjs').Log }} [options]
 * @returns {Promise<string[]>} the services stopped
 */
export async function stopLocalServices({ rootDir = DEFAULT_ROOT, log } = {}) {
  const out = normalizeLog(log, 'services');
  /** @type {string[]} */
  const stopped = [];
  await withStateLock(rootDir, out, async () => {
    const state = readState(rootDir);
    for (const name of /** @type {const} */ (['postgres', 'redis'])) {
      const entry = state[name];
      if (!entry) continue;
      const users = liveHolders(entry.holders).filter((h) => Number(h.split('-')[0]) !== process.pid);
      if (users.length) out.warn(`${name} is still used by pid ${users.map((h) => h.split('-')[0]).join(', ')}; stopping it anyway`);
      if (await stopEntry(name, entry, out)) stopped.push(name);
      entry.holders = [];
      entry.autoStop = false;
    }
    writeState(rootDir, state);
  });
  if (stopped.length === 0) out.info('no project-local service is running');
  return stopped;
}

/**
 * What each candidate looks like right now, without starting or creating anything.
 * @param {{ purpose?: Purpose, rootDir?: string }} [options]
 */
export async function servicesStatus({ purpose = 'app', rootDir = DEFAULT_ROOT } = {}) {
  const state = readState(rootDir);
  const names = envNames(purpose);
  const dbEnv = firstEnv(names.database);
  const redisEnv = firstEnv(names.redis);
  const pgRunning = state.postgres ? readPostmasterPid(state.postgres.dataDir) : null;
  const redisPid = state.redis ? readPidFile(state.redis.pidFile) : null;
  const standardPg = [];
  if (await isListening(STANDARD_POSTGRES_PORT)) {
    for (const user of [...new Set([POSTGRES_SYSTEM_USER, os.userInfo().username])]) {
      const probe = await probePostgres(`postgresql://${encodeURIComponent(user)}@127.0.0.1:${STANDARD_POSTGRES_PORT}/postgres`);
      standardPg.push({ user, answering: probe.answering, canCreateDb: probe.canCreateDb, reason: probe.reason ?? null });
    }
  }
  const standardRedis = (await isListening(STANDARD_REDIS_PORT)) ? await probeRedis(localRedisUrl(STANDARD_REDIS_PORT)) : null;
  return {
    forcedLocal: forcedLocal(),
    postgres: {
      env: dbEnv ? { name: dbEnv.name, url: redactUrl(dbEnv.value), ...(await probePostgres(dbEnv.value)) } : null,
      standard: { port: STANDARD_POSTGRES_PORT, listening: standardPg.length > 0, users: standardPg },
      local: state.postgres
        ? {
            dataDir: state.postgres.dataDir,
            running: Boolean(pgRunning && pidAlive(pgRunning.pid)),
            port: pgRunning?.port ?? state.postgres.port,
            pid: pgRunning && pidAlive(pgRunning.pid) ? pgRunning.pid : null,
            holders: liveHolders(state.postgres.holders).length,
          }
        : null,
      binaries: findPostgresBinDir(),
    },
    redis: {
      env: redisEnv ? { name: redisEnv.name, url: redactUrl(redisEnv.value), ...(await probeRedis(redisEnv.value)) } : null,
      standard: { port: STANDARD_REDIS_PORT, listening: standardRedis !== null, ...(standardRedis ?? {}) },
      local: state.redis
        ? {
            dir: state.redis.dir,
            running: Boolean(redisPid && pidAlive(redisPid)),
            port: state.redis.port,
            pid: redisPid && pidAlive(redisPid) ? redisPid : null,
            holders: liveHolders(state.redis.holders).length,
          }
        : null,
      binary: findRedisServer(),
    },
  };
}

/** @param {Awaited<ReturnType<typeof servicesStatus>>} status */
function printStatus(status) {
  /** @param {string} text */
  const line = (text) => process.stdout.write(`${text}\n`);
  const pg = status.postgres;
  line('PostgreSQL');
  line(`  env:      ${pg.env ? `${pg.env.name}=${pg.env.url} ${pg.env.answering ? 'answering' : `not answering (${pg.env.reason})`}` : 'not set'}`);
  line(
    `  standard: 127.0.0.1:${pg.standard.port} ${
      pg.standard.listening
        ? pg.standard.users.map((u) => `${u.user}: ${u.answering ? `answering${u.canCreateDb ? ', can create databases' : ''}` : u.reason}`).join('; ')
        : 'nothing listening'
    }`,
  );
  line(`  local:    ${pg.local ? `${pg.local.running ? `running on 127.0.0.1:${pg.local.port} (pid ${pg.local.pid})` : 'stopped'}, data in ${pg.local.dataDir}` : 'never started'}`);
  line(`  binaries: ${pg.binaries ?? 'initdb/pg_ctl not found (sudo apt-get install postgresql)'}`);
  const redis = status.redis;
  line('Redis');
  line(`  env:      ${redis.env ? `${redis.env.name}=${redis.env.url} ${redis.env.answering ? `answering, maxmemory-policy ${redis.env.maxmemoryPolicy ?? 'unknown'}` : `not answering (${redis.env.reason})`}` : 'not set'}`);
  line(
    `  standard: 127.0.0.1:${redis.standard.port} ${
      redis.standard.listening
        ? redis.standard.answering
          ? `answering, maxmemory-policy ${redis.standard.maxmemoryPolicy ?? 'unknown'}`
          : `not answering (${redis.standard.reason})`
        : 'nothing listening'
    }`,
  );
  line(`  local:    ${redis.local ? `${redis.local.running ? `running on 127.0.0.1:${redis.local.port} (pid ${redis.local.pid})` : 'stopped'}, data in ${redis.local.dir}` : 'never started'}`);
  line(`  binary:   ${redis.binary ?? 'redis-server not found (sudo apt-get install redis-server)'}`);
  if (status.forcedLocal) line('CONCILIAMO_SERVICES=local: env URLs and standard ports are ignored');
}

const USAGE = `Usage: node scripts/services.mjs start|stop|status [--test] [--json]
  start   find or start PostgreSQL and Redis, create the database, print the URLs
  stop    stop the project-local servers of this checkout (reused servers are never touched)
  status  show what is available, without starting anything
  --test  for the test suite (database conciliamo_test, TEST_DATABASE_URL / TEST_REDIS_URL first)
  --json  machine-readable output on stdout (messages go to stderr)
Environment: DATABASE_URL, REDIS_URL, CONCILIAMO_SERVICES=local (project-local servers only).`;

/** @param {string[]} argv */
async function main(argv) {
  const flags = new Set(argv.filter((a) => a.startsWith('--')));
  const commands = argv.filter((a) => !a.startsWith('--'));
  const unknown = [...flags].filter((f) => !['--test', '--json', '--help'].includes(f));
  if (flags.has('--help')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (commands.length !== 1 || unknown.length || !['start', 'stop', 'status'].includes(commands[0] ?? '')) {
    process.stderr.write(`${unknown.length ? `Unknown option ${unknown.join(' ')}\n` : ''}${USAGE}\n`);
    return 2;
  }
  const json = flags.has('--json');
  const purpose = flags.has('--test') ? 'test' : 'app';
  const log = createLog('services', json ? process.stderr : process.stdout);
  const command = commands[0];
  if (command === 'start') {
    const services = await ensureServices({ purpose, log });
    await services.release();
    if (json) {
      const { databaseUrl, redisUrl, started, postgres, redis } = services;
      process.stdout.write(`${JSON.stringify({ databaseUrl, redisUrl, started, postgres, redis }, null, 2)}\n`);
    } else {
      log.info(`DATABASE_URL=${redactUrl(services.databaseUrl)}`);
      log.info(`REDIS_URL=${services.redisUrl}`);
      log.info(services.started.length ? `started: ${services.started.join(', ')}` : 'nothing started: everything was already running');
    }
  } else if (command === 'stop') {
    const stopped = await stopLocalServices({ log });
    if (json) process.stdout.write(`${JSON.stringify({ stopped })}\n`);
  } else {
    const status = await servicesStatus({ purpose });
    if (json) process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
    else printStatus(status);
  }
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      process.stderr.write(`[services] error: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
