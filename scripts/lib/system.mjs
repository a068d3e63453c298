// @ts-check
import { isRoot, run, runChecked, which } from './proc.mjs';

// Installing system packages: only as root on an apt-based system; otherwise the caller stops
// with a message naming exactly what to install.

let aptUpdated = false;

export function canInstallWithApt() {
  return isRoot() && which('apt-get') !== null;
}

/**
 * `apt-get update` (once per process) then `apt-get install -y <packages>`, output shown on stderr.
 * @param {string[]} packages
 * @param {import('./log.mjs').Log} log
 */
export async function aptInstall(packages, log) {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!aptUpdated) {
    log.info('running apt-get update');
    await runChecked('apt-get', ['update'], { env, output: 'stderr' });
    aptUpdated = true;
  }
  log.info(`installing ${packages.join(' ')} with apt-get (this can take a minute)`);
  await runChecked('apt-get', ['install', '-y', '--no-install-recommends', ...packages], { env, output: 'stderr' });
}

/**
 * uid and gid of a system user, or null when it does not exist.
 * @param {string} name
 * @returns {Promise<{ uid: number, gid: number } | null>}
 */
export async function userIds(name) {
  const uid = await run('id', ['-u', name]);
  const gid = await run('id', ['-g', name]);
  if (uid.code !== 0 || gid.code !== 0) return null;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/**
 * Creates a system user (no login shell) if missing.
 * @param {string} name
 * @param {import('./log.mjs').Log} log
 */
export async function ensureSystemUser(name, log) {
  const existing = await userIds(name);
  if (existing) return existing;
  log.info(`creating system user "${name}" (PostgreSQL refuses to run as root)`);
  await runChecked('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', name]);
  const created = await userIds(name);
  if (!created) throw new Error(`useradd reported success but user "${name}" does not exist`);
  return created;
}

/**
 * Whether `user` can enter (search) every directory down to `dir`.
 * @param {string} user
 * @param {string} dir
 */
export async function userCanReach(user, dir) {
  const result = await run('runuser', ['-u', user, '--', 'test', '-x', dir, '-a', '-r', dir]);
  return result.code === 0;
}
