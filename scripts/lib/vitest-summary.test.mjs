import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { addCounts, countsFromReport, readReport, stepCounts, summaryLine } from './vitest-summary.mjs';

const report = {
  numPassedTests: 7,
  numFailedTests: 2,
  numPendingTests: 1,
  numTodoTests: 1,
  testResults: [
    { name: '/repo/a.test.ts', status: 'passed', assertionResults: [{ status: 'passed' }] },
    { name: '/repo/b.test.ts', status: 'failed', assertionResults: [{ status: 'failed' }, { status: 'failed' }] },
    { name: '/repo/broken.test.ts', status: 'failed', assertionResults: [] },
  ],
};

describe('countsFromReport', () => {
  it('sums passed, failed and skipped (pending + todo)', () => {
    expect(countsFromReport(report)).toEqual({ passed: 7, failed: 3, skipped: 2, brokenFiles: ['/repo/broken.test.ts'] });
  });

  it('treats a missing or empty report as nothing run', () => {
    expect(countsFromReport(null)).toEqual({ passed: 0, failed: 0, skipped: 0, brokenFiles: [] });
  });
});

describe('stepCounts', () => {
  it('counts a failed step without failed tests as one failure', () => {
    expect(stepCounts({ ok: false })).toEqual({ passed: 0, failed: 1, skipped: 0 });
    expect(stepCounts({ ok: false, counts: { passed: 4, failed: 0, skipped: 0 } })).toEqual({ passed: 4, failed: 1, skipped: 0 });
  });

  it('keeps the counts of a step whose failures are tests', () => {
    expect(stepCounts({ ok: false, counts: { passed: 4, failed: 2, skipped: 1 } })).toEqual({ passed: 4, failed: 2, skipped: 1 });
    expect(stepCounts({ ok: true })).toEqual({ passed: 0, failed: 0, skipped: 0 });
  });
});

describe('summaryLine', () => {
  it('prints the exact line CI reads, with skipped only when there are some', () => {
    expect(summaryLine({ passed: 123, failed: 0, skipped: 0 })).toBe('Tests: 123 passed, 0 failed');
    expect(summaryLine(addCounts([{ passed: 3, failed: 1, skipped: 2 }, { passed: 1, failed: 0, skipped: 0 }]))).toBe(
      'Tests: 4 passed, 1 failed, 2 skipped',
    );
  });
});

describe('readReport', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vitest-summary-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('returns null for a missing or truncated file', () => {
    expect(readReport(path.join(dir, 'missing.json'))).toBeNull();
    writeFileSync(path.join(dir, 'bad.json'), '{"numPassedTests": 3');
    expect(readReport(path.join(dir, 'bad.json'))).toBeNull();
    writeFileSync(path.join(dir, 'good.json'), JSON.stringify(report));
    expect(readReport(path.join(dir, 'good.json'))).toEqual(report);
  });
});
