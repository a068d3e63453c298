// @ts-check
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { run, runChecked, which } from './proc.mjs';

// PostgreSQL for the services script: probing a URL, creating the app's database, and running a
// project-local cluster with the system's initdb/pg_ctl.

/** @returns {Promise<typeof import('pg').default>} */
async function loadPg() {
  try {
    return (await import('pg')).default;
  } catch {
    throw new Error('The "pg" package is not installed yet: run `npm install` first (npm start and npm test do it for you).');
  }
}

/**
 * @param {string} url
 * @param {string} database
 */
export function withDatabase(url, database) {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

/** @param {string} url */
export function databaseName(url) {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || 'postgres';
}

/** @param {string} name */
function quoteIdent(name) {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * @param {string} url
 * @param {number} timeoutMs
 */
async function connect(url, timeoutMs) {
  const pg = await loadPg();
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => {}); // a server shutting down mid-probe must not crash the script
  await client.connect();
  return client;
}

/** @param {unknown} error */
function describe(error) {
  const e = /** @type {{ code?: string, message?: string }} */ (error);
  if (e.code === 'ECONNREFUSED') return 'connection refused';
  if (e.code === 'ENOTFOUND') return 'host not found';
  return e.message || String(error);
}

/**
 * @typedef {object} PostgresProbe
 * @property {boolean} answering      the server accepted our credentials
 * @property {boolean} databaseExists the URL's database exists
 * @property {boolean} canCreateDb    the role may create databases (tests need it)
 * @property {string} [reason]        why it is not answering
 */

/**
 * Connects to the URL; when its database is missing, checks the server through `postgres`.
 * @param {string} url
 * @param {{ timeoutMs?: number }} [options]
 * @returns {Promise<PostgresProbe>}
 */
export async function probePostgres(url, { timeoutMs = 3000 } = {}) {
  let target = url;
  let databaseExists = true;
  for (let attempt = 0; attempt < 2; attempt += 1) {
    let client;
    try {
      client = await connect(target, timeoutMs);
      const { rows } = await client.query(
        'SELECT rolsuper OR rolcreatedb AS "canCreateDb" FROM pg_roles WHERE rolname = current_user',
      );
      return { answering: true, databaseExists, canCreateDb: Boolean(rows[0]?.canCreateDb) };
    } catch (error) {
      const code = /** @type {{ code?: string }} */ (error).code;
      if (code === '3D000' && attempt === 0 && databaseName(url) !== 'postgres') {
        databaseExists = false;
        target = withDatabase(url, 'postgres');
        continue;
      }
      return { answering: false, databaseExists: false, canCreateDb: false, reason: describe(error) };
    } finally {
      await client?.end().catch(() => {});
    }
  }
  return { answering: false, databaseExists: false, canCreateDb: false, reason: 'unreachable' };
}

/**
 * Creates the URL's database when it does not exist (another run creating it at the same time is fine).
 * @param {string} url
 * @returns {Promise<boolean>} whether it was created now
 */
export async function ensureDatabase(url) {
  const name = databaseName(url);
  const client = await connect(withDatabase(url, 'postgres'), 5000);
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return false;
    try {
      await client.query(`CREATE DATABASE ${quoteIdent(name)}`);
      return true;
    } catch (error) {
      if (/** @type {{ code?: string }} */ (error).code === '42P04') return false; // duplicate_database
      throw error;
    }
  } finally {
    await client.end().catch(() => {});
  }
}

/** Runs one query (used by the test and by status). @param {string} url @param {string} sql */
export async function queryOnce(url, sql) {
  const client = await connect(url, 5000);
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * The directory holding initdb and pg_ctl: from PATH, else the highest /usr/lib/postgresql/<v>/bin.
 * @returns {string | null}
 */
export function findPostgresBinDir() {
  const initdb = which('initdb');
  const pgCtl = which('pg_ctl');
  if (initdb && pgCtl) {
    // Debian links them into /usr/local/bin at most; the real directory also holds `postgres`.
    const dir = path.dirname(realpathSync(pgCtl));
    if (existsSync(path.join(dir, 'initdb')) && existsSync(path.join(dir, 'postgres'))) return dir;
  }
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return null;
  const versions = readdirSync(base)
    .filter((v) => /^\d+(\.\d+)?$/.test(v) && existsSync(path.join(base, v, 'bin', 'initdb')) && existsSync(path.join(base, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(base, versions[0], 'bin') : null;
}

/**
 * Command line that runs `command` as `runAs` (via runuser) or as ourselves.
 * @param {string | null} runAs
 * @param {string} command
 * @param {string[]} args
 * @returns {[string, string[]]}
 */
function asUser(runAs, command, args) {
  return runAs ? ['runuser', ['-u', runAs, '--', command, ...args]] : [command, args];
}

/**
 * @typedef {object} LocalCluster
 * @property {string} dataDir
 * @property {string} runDir
 * @property {string} binDir
 * @property {string | null} runAs
 * @property {{ uid: number, gid: number } | null} owner  chown target when runAs is set
 */

/**
 * Creates the cluster if the data directory is empty: superuser `postgres`, trust auth on
 * 127.0.0.1 only, and our settings in conciliamo.conf.
 * @param {LocalCluster} cluster
 * @param {import('./log.mjs').Log} log
 * @returns {Promise<boolean>} whether it was created now
 */
export async function initCluster(cluster, log) {
  const { dataDir, runDir, binDir, runAs, owner } = cluster;
  mkdirSync(runDir, { recursive: true });
  mkdirSync(dataDir, { recursive: true });
  chmodSync(dataDir, 0o700);
  if (owner) {
    chownSync(runDir, owner.uid, owner.gid);
    const stat = statSync(dataDir);
    if (stat.uid !== owner.uid) await runChecked('chown', ['-R', `${owner.uid}:${owner.gid}`, dataDir]);
  }
  if (existsSync(path.join(dataDir, 'PG_VERSION'))) return false;
  if (readdirSync(dataDir).length > 0) {
    throw new Error(`${dataDir} is not empty and holds no PostgreSQL cluster; move it away and run again.`);
  }
  log.info(`creating a project-local PostgreSQL cluster in ${dataDir}`);
  const [command, args] = asUser(runAs, path.join(binDir, 'initdb'), [
    '--pgdata', dataDir,
    '--username', 'postgres',
    '--auth', 'trust',
    '--encoding', 'UTF8',
    '--locale', 'C',
  ]);
  await runChecked(command, args, { cwd: runDir });
  // Only loopback TCP plus a socket inside .data: nothing outside this machine can reach it, and
  // no write access to /var/run/postgresql is needed.
  const settings = [
    "listen_addresses = '127.0.0.1'",
    `unix_socket_directories = '${runDir.replace(/'/g, "''")}'`,
    'max_connections = 200',
    "timezone = 'Europe/Rome'",
    '',
  ].join('\n');
  const confFile = path.join(dataDir, 'conciliamo.conf');
  writeFileSync(confFile, settings);
  const mainConf = path.join(dataDir, 'postgresql.conf');
  writeFileSync(mainConf, `${readFileSync(mainConf, 'utf8')}\ninclude_if_exists = 'conciliamo.conf'\n`);
  if (owner) chownSync(confFile, owner.uid, owner.gid);
  return true;
}

/**
 * pid and port from the cluster's postmaster.pid, or null when there is none.
 * @param {string} dataDir
 * @returns {{ pid: number, port: number } | null}
 */
export function readPostmasterPid(dataDir) {
  try {
    const lines = readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n');
    const pid = Number(lines[0]);
    const port = Number(lines[3]);
    return Number.isInteger(pid) && pid > 0 && Number.isInteger(port) && port > 0 ? { pid, port } : null;
  } catch {
    return null;
  }
}

/**
 * Starts the cluster on `port` and waits until it accepts connections.
 * @param {LocalCluster} cluster
 * @param {number} port
 */
export async function startCluster(cluster, port) {
  const { dataDir, runDir, binDir, runAs } = cluster;
  const [command, args] = asUser(runAs, path.join(binDir, 'pg_ctl'), [
    '--pgdata', dataDir,
    '--log', path.join(runDir, 'postgres.log'),
    '--options', `-p ${port}`,
    '--wait',
    '--timeout', '60',
    'start',
  ]);
  // detached: the server must not receive the terminal's Ctrl-C; npm start stops it in order.
  const result = await run(command, args, { cwd: runDir, detached: true });
  if (result.code !== 0) {
    let logTail = '';
    try {
      logTail = readFileSync(path.join(runDir, 'postgres.log'), 'utf8').trim().split('\n').slice(-10).join('\n');
    } catch {
      // no log written
    }
    throw new Error(`PostgreSQL did not start (pg_ctl exit ${result.code}):\n${(result.stderr || result.stdout).trim()}\n${logTail}`.trim());
  }
  const running = readPostmasterPid(dataDir);
  if (!running) throw new Error(`PostgreSQL started but ${path.join(dataDir, 'postmaster.pid')} is missing`);
  return running;
}

/**
 * Fast shutdown (disconnects clients, no recovery needed at next start).
 * @param {LocalCluster} cluster
 */
export async function stopCluster(cluster) {
  const { dataDir, runDir, binDir, runAs } = cluster;
  const [command, args] = asUser(runAs, path.join(binDir, 'pg_ctl'), ['--pgdata', dataDir, '--mode', 'fast', '--wait', '--timeout', '30', 'stop']);
  const result = await run(command, args, { cwd: existsSync(runDir) ? runDir : '/' });
  if (result.code !== 0 && readPostmasterPid(dataDir)) {
    throw new Error(`pg_ctl stop failed (exit ${result.code}): ${(result.stderr || result.stdout).trim()}`);
  }
}
