// @ts-check
import { spawn } from 'node:child_process';
import readline from 'node:readline';
import { sleep } from './proc.mjs';

// Long-running children of npm start (web, workers, remix watch): their output is shown line by
// line with a prefix, and they are stopped politely, then firmly. They run in their own process
// group: Ctrl-C reaches only npm start, which then sends each child exactly one SIGTERM (a child
// that got the terminal's SIGINT and then our SIGTERM would take it as "exit now, skip the
// graceful shutdown").

/**
 * @param {string} label shown as "[label] " before each line
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd: string, env: NodeJS.ProcessEnv }} options
 */
export function spawnPrefixed(label, command, args, { cwd, env }) {
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const prefix = `[${label}] `;
  for (const [stream, target] of /** @type {const} */ ([
    [child.stdout, process.stdout],
    [child.stderr, process.stderr],
  ])) {
    readline.createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => target.write(`${prefix}${line}\n`));
  }
  return child;
}

/**
 * Last resort when npm start itself exits without its shutdown (a crash): detached children would
 * otherwise keep running and hold the port.
 * @param {Array<import('node:child_process').ChildProcess>} list
 */
export function killOnExit(list) {
  process.on('exit', () => {
    for (const child of list) if (!hasExited(child)) child.kill('SIGKILL');
  });
}

/**
 * Whether the child has exited.
 * @param {import('node:child_process').ChildProcess} child
 */
export function hasExited(child) {
  return child.exitCode !== null || child.signalCode !== null;
}

/**
 * SIGTERM, wait up to `graceMs`, then SIGKILL. Resolves once the child is gone.
 * @param {import('node:child_process').ChildProcess} child
 * @param {number} [graceMs]
 * @returns {Promise<'exited' | 'killed'>}
 */
export async function stopChild(child, graceMs = 10_000) {
  if (hasExited(child)) return 'exited';
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (!hasExited(child) && Date.now() < deadline) await sleep(100);
  if (hasExited(child)) return 'exited';
  child.kill('SIGKILL');
  await exited;
  return 'killed';
}
