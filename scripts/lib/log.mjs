// @ts-check
// One-line, prefixed messages for the set-up scripts. They run before dependencies are
// installed, so this is plain Node (no pino, no colours library).

/**
 * @typedef {{ info(message: string): void, warn(message: string): void, error(message: string): void }} Log
 */

/**
 * @param {string} prefix e.g. "services"
 * @param {NodeJS.WritableStream} [stream] where lines go (stderr when stdout carries JSON)
 * @returns {Log}
 */
export function createLog(prefix, stream = process.stdout) {
  /** @param {'info' | 'warning' | 'error'} level @param {string} message */
  const write = (level, message) => {
    const tag = level === 'info' ? '' : `${level}: `;
    stream.write(`[${prefix}] ${tag}${message}\n`);
  };
  return {
    info: (message) => write('info', message),
    warn: (message) => write('warning', message),
    error: (message) => write('error', message),
  };
}

/** A log that drops everything (tests, --quiet callers). */
export const silentLog = { info() {}, warn() {}, error() {} };

/**
 * Accepts a Log, a plain `(line) => void` function, or nothing.
 * @param {Log | ((line: string) => void) | undefined} log
 * @param {string} prefix
 * @returns {Log}
 */
export function normalizeLog(log, prefix) {
  if (!log) return createLog(prefix);
  if (typeof log === 'function') {
    return {
      info: (m) => log(`[${prefix}] ${m}`),
      warn: (m) => log(`[${prefix}] warning: ${m}`),
      error: (m) => log(`[${prefix}] error: ${m}`),
    };
  }
  return log;
}

/**
 * A connection URL safe to print: the password is replaced by "***".
 * @param {string} url
 */
export function redactUrl(url) {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unparseable url>';
  }
}

/** Milliseconds as "1.2s" / "2m 03s". @param {number} ms */
export function formatDuration(ms) {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return `${minutes}m ${String(seconds).padStart(2, '0')}s`;
}
