// @ts-check
// Checks the running Node against package.json "engines.node" before anything is installed, so
// the semver package is not available: this handles the range grammar package.json uses
// (comparators joined by spaces, alternatives by ||, x-ranges like 20 or 20.x).

/**
 * @param {string} version e.g. "v20.19.1" or "20.19"
 * @returns {[number, number, number]}
 */
export function parseVersion(version) {
  const match = /^v?(\d+)(?:\.(\d+|x|\*))?(?:\.(\d+|x|\*))?/.exec(version.trim());
  if (!match) throw new Error(`Not a version: ${JSON.stringify(version)}`);
  /** @param {string | undefined} p */
  const part = (p) => (p === undefined || p === 'x' || p === '*' ? 0 : Number(p));
  return [Number(match[1]), part(match[2]), part(match[3])];
}

/** @param {[number, number, number]} a @param {[number, number, number]} b */
function compare(a, b) {
  for (let i = 0; i < 3; i += 1) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * @param {[number, number, number]} version
 * @param {string} comparator e.g. ">=20.19", "<21", "20", "^20.19.0", "~20.19"
 */
function satisfiesComparator(version, comparator) {
  const match = /^(>=|<=|>|<|=|\^|~)?\s*v?(.+)$/.exec(comparator);
  if (!match) throw new Error(`Unsupported version comparator ${JSON.stringify(comparator)}`);
  const operator = match[1] ?? '';
  const text = /** @type {string} */ (match[2]);
  const target = parseVersion(text);
  const given = text.split('.').filter((p) => p !== 'x' && p !== '*').length;
  const cmp = compare(version, target);
  switch (operator) {
    case '>=':
      return cmp >= 0;
    case '<=':
      return cmp <= 0;
    case '>':
      return cmp > 0;
    case '<':
      return cmp < 0;
    case '^':
      return cmp >= 0 && version[0] === target[0];
    case '~':
      return cmp >= 0 && version[0] === target[0] && version[1] === target[1];
    default:
      // "20" means 20.x.x, "20.19" means 20.19.x, "20.19.1" exactly that.
      return target.slice(0, given).every((n, i) => version[i] === n);
  }
}

/**
 * Whether `version` satisfies a package.json engines range such as ">=20.19 <21 || >=22.12".
 * @param {string} version
 * @param {string} range
 */
export function satisfiesRange(version, range) {
  const parsed = parseVersion(version);
  return range.split('||').some((alternative) => {
    const comparators = alternative
      .trim()
      .replace(/(>=|<=|>|<|=|\^|~)\s+/g, '$1')
      .split(/\s+/)
      .filter(Boolean);
    return comparators.every((c) => c === '*' || satisfiesComparator(parsed, c));
  });
}
