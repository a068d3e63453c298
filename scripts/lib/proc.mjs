// @ts-check
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

/**
 * @typedef {object} RunOptions
 * @property {string} [cwd]
 * @property {NodeJS.ProcessEnv} [env]
 * @property {'capture' | 'inherit' | 'stderr'} [output] capture (default) keeps the output for
 *   error messages; inherit shows it; stderr shows it on our stderr (stdout may carry JSON)
 * @property {boolean} [detached] new session: the child keeps running and does not get the
 *   terminal's Ctrl-C (servers we start must be stopped by us, in order, not by the signal)
 * @property {string} [input] written to the child's stdin
 */

/**
 * Runs a command to completion. Never throws for a non-zero exit; see runChecked.
 * @param {string} command
 * @param {string[]} args
 * @param {RunOptions} [options]
 * @returns {Promise<{ code: number, signal: NodeJS.Signals | null, stdout: string, stderr: string }>}
 */
export function run(command, args, options = {}) {
  const output = options.output ?? 'capture';
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      detached: options.detached ?? false,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', output === 'inherit' ? 'inherit' : 'pipe', output === 'inherit' ? 'inherit' : 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk) => {
      if (output === 'stderr') process.stderr.write(chunk);
      else stdout += chunk;
    });
    child.stderr?.on('data', (chunk) => {
      if (output === 'stderr') process.stderr.write(chunk);
      else stderr += chunk;
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? 1, signal, stdout, stderr }));
  });
}

export class CommandError extends Error {
  /**
   * @param {string} message
   * @param {{ code: number, stdout: string, stderr: string }} result
   */
  constructor(message, result) {
    super(message);
    this.name = 'CommandError';
    this.result = result;
  }
}

/**
 * Runs a command and throws a CommandError carrying the tail of its output when it fails.
 * @param {string} command
 * @param {string[]} args
 * @param {RunOptions} [options]
 */
export async function runChecked(command, args, options = {}) {
  const result = await run(command, args, options);
  if (result.code !== 0) {
    const tail = `${result.stderr}\n${result.stdout}`.trim().split('\n').slice(-15).join('\n');
    const shown = [command, ...args].join(' ');
    throw new CommandError(`\`${shown}\` failed (exit ${result.code})${tail ? `:\n${tail}` : ''}`, result);
  }
  return result;
}

/**
 * The absolute path of an executable on PATH, or null.
 * @param {string} name
 */
export function which(name) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return null;
}

export function isRoot() {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/**
 * Whether a process with this pid exists (EPERM means it exists but belongs to another user).
 * @param {number | undefined | null} pid
 */
export function pidAlive(pid) {
  if (!pid || !Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return /** @type {NodeJS.ErrnoException} */ (error).code === 'EPERM';
  }
}

/** @param {number} ms */
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `check` until it returns a truthy value or the time is up.
 * @template T
 * @param {() => Promise<T | null | undefined | false>} check
 * @param {{ timeoutMs: number, intervalMs?: number }} options
 * @returns {Promise<T | null>}
 */
export async function waitFor(check, { timeoutMs, intervalMs = 200 }) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() >= deadline) return null;
    await sleep(intervalMs);
  }
}
