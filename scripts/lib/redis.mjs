// @ts-check
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pidAlive, run, sleep, waitFor, which } from './proc.mjs';
import { redisCommands } from './resp.mjs';

// Redis for the services script. Queue keys must never be evicted, so a Redis we start uses
// maxmemory-policy noeviction and an external one that does not gets a warning.

/**
 * @typedef {object} RedisProbe
 * @property {boolean} answering
 * @property {string | null} maxmemoryPolicy null when CONFIG is not allowed (managed Redis)
 * @property {string} [reason]
 */

/**
 * PING and read maxmemory-policy.
 * @param {string} url
 * @param {{ timeoutMs?: number }} [options]
 * @returns {Promise<RedisProbe>}
 */
export async function probeRedis(url, { timeoutMs = 2000 } = {}) {
  try {
    const [pong] = await redisCommands(url, [['PING']], { timeoutMs });
    if (pong !== 'PONG') return { answering: false, maxmemoryPolicy: null, reason: `unexpected PING reply ${JSON.stringify(pong)}` };
  } catch (error) {
    const e = /** @type {{ code?: string, message?: string }} */ (error);
    return { answering: false, maxmemoryPolicy: null, reason: e.code === 'ECONNREFUSED' ? 'connection refused' : (e.message ?? String(error)) };
  }
  let maxmemoryPolicy = null;
  try {
    const [reply] = await redisCommands(url, [['CONFIG', 'GET', 'maxmemory-policy']], { timeoutMs });
    if (Array.isArray(reply) && typeof reply[1] === 'string') maxmemoryPolicy = reply[1];
  } catch {
    // CONFIG is often disabled on managed Redis; the caller says it could not check.
  }
  return { answering: true, maxmemoryPolicy };
}

/**
 * One line of advice when an external Redis could evict queue keys, or null when it is fine.
 * @param {string} label how to name the server in the message
 * @param {RedisProbe} probe
 */
export function evictionWarning(label, probe) {
  if (!probe.answering) return null;
  if (probe.maxmemoryPolicy === null) {
    return `could not read maxmemory-policy of ${label} (CONFIG not allowed); make sure it is noeviction or queued jobs may be lost`;
  }
  if (probe.maxmemoryPolicy !== 'noeviction') {
    return `${label} uses maxmemory-policy ${probe.maxmemoryPolicy}; queued jobs may be evicted: set maxmemory-policy noeviction`;
  }
  return null;
}

/** @returns {string | null} */
export function findRedisServer() {
  return which('redis-server') ?? (existsSync('/usr/bin/redis-server') ? '/usr/bin/redis-server' : null);
}

/**
 * @param {string} pidFile
 * @returns {number | null}
 */
export function readPidFile(pidFile) {
  try {
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** @param {number} port */
export const localRedisUrl = (port) => `redis://127.0.0.1:${port}`;

/**
 * Starts a daemonised redis-server bound to 127.0.0.1:port with data in `dir`.
 * @param {{ binary: string, dir: string, pidFile: string, port: number }} options
 * @returns {Promise<number>} its pid
 */
export async function startLocalRedis({ binary, dir, pidFile, port }) {
  mkdirSync(dir, { recursive: true });
  const args = [
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--daemonize', 'yes',
    '--pidfile', pidFile,
    '--dir', dir,
    '--logfile', path.join(dir, 'redis.log'),
    '--appendonly', 'yes',
    '--maxmemory-policy', 'noeviction',
  ];
  // redis-server daemonises itself (fork + setsid); detached keeps the parent off the terminal too.
  const result = await run(binary, args, { cwd: dir, detached: true });
  if (result.code !== 0) {
    throw new Error(`redis-server did not start (exit ${result.code}): ${(result.stderr || result.stdout).trim()}`);
  }
  const url = localRedisUrl(port);
  const up = await waitFor(async () => (await probeRedis(url, { timeoutMs: 500 })).answering, { timeoutMs: 15_000 });
  if (!up) {
    let logTail = '';
    try {
      logTail = readFileSync(path.join(dir, 'redis.log'), 'utf8').trim().split('\n').slice(-5).join('\n');
    } catch {
      // no log written
    }
    throw new Error(`redis-server on port ${port} did not answer within 15 s\n${logTail}`.trim());
  }
  const pid = await waitFor(async () => readPidFile(pidFile), { timeoutMs: 5_000, intervalMs: 100 });
  if (!pid) throw new Error(`redis-server answers on port ${port} but wrote no pid file at ${pidFile}`);
  return pid;
}

/**
 * SHUTDOWN (Redis writes its append-only file first); SIGTERM, then SIGKILL, if it will not go.
 * @param {{ port: number, pid: number | null }} server
 */
export async function stopLocalRedis({ port, pid }) {
  try {
    await redisCommands(localRedisUrl(port), [['SHUTDOWN']], { timeoutMs: 5000 });
  } catch {
    // SHUTDOWN closes the connection without a reply; a refused connection means it is gone.
  }
  if (!pid) return;
  for (let i = 0; i < 50 && pidAlive(pid); i += 1) await sleep(200);
  if (pidAlive(pid)) {
    process.kill(pid, 'SIGTERM');
    for (let i = 0; i < 25 && pidAlive(pid); i += 1) await sleep(200);
  }
  if (pidAlive(pid)) process.kill(pid, 'SIGKILL');
}
