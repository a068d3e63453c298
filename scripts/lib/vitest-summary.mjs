// @ts-check
import { existsSync, readFileSync } from 'node:fs';

// Turns vitest's JSON reports into the one line CI judges: "Tests: 123 passed, 0 failed".

/** @typedef {{ passed: number, failed: number, skipped: number }} Counts */

/**
 * Counts from one vitest JSON report. A test file that fails to load has no failed test but is
 * a failure all the same, so each such file counts as one failed test.
 * @param {any} report parsed JSON of `--reporter=json`
 * @returns {Counts & { brokenFiles: string[] }}
 */
export function countsFromReport(report) {
  /** @type {Array<{ name: string, status: string, assertionResults?: Array<{ status: string }> }>} */
  const files = Array.isArray(report?.testResults) ? report.testResults : [];
  const brokenFiles = files
    .filter((file) => file.status === 'failed' && !(file.assertionResults ?? []).some((a) => a.status === 'failed'))
    .map((file) => String(file.name));
  return {
    passed: Number(report?.numPassedTests ?? 0),
    failed: Number(report?.numFailedTests ?? 0) + brokenFiles.length,
    skipped: Number(report?.numPendingTests ?? 0) + Number(report?.numTodoTests ?? 0),
    brokenFiles,
  };
}

/**
 * Reads a report written by this run (callers delete the old file first); null when vitest
 * crashed before writing one.
 * @param {string} file
 */
export function readReport(file) {
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

/**
 * The counts a step contributes. A step that failed without any failed test to show for it
 * (type errors, lint, a build error, vitest crashing) counts as one failure, so the summary line
 * can never read "0 failed" when the run failed.
 * @param {{ ok: boolean, counts?: Counts | null }} step
 * @returns {Counts}
 */
export function stepCounts(step) {
  const counts = step.counts ?? { passed: 0, failed: 0, skipped: 0 };
  if (!step.ok && counts.failed === 0) return { ...counts, failed: 1 };
  return { passed: counts.passed, failed: counts.failed, skipped: counts.skipped };
}

/** @param {Counts[]} list @returns {Counts} */
export function addCounts(list) {
  return list.reduce(
    (sum, c) => ({ passed: sum.passed + c.passed, failed: sum.failed + c.failed, skipped: sum.skipped + c.skipped }),
    { passed: 0, failed: 0, skipped: 0 },
  );
}

/** @param {Counts} counts */
export function summaryLine({ passed, failed, skipped }) {
  return `Tests: ${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`;
}
