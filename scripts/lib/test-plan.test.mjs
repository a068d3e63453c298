import { describe, expect, it } from 'vitest';
import { needsServices, parseTestArgs, STEP_NAMES, UsageError } from './test-plan.mjs';

describe('parseTestArgs', () => {
  it('runs every step in order by default', () => {
    expect(parseTestArgs([])).toEqual({ steps: STEP_NAMES, filters: [], help: false });
    expect(STEP_NAMES).toEqual(['typecheck', 'lint', 'build', 'unit', 'integration', 'e2e']);
  });

  it('keeps the canonical order whatever order --only lists', () => {
    expect(parseTestArgs(['--only', 'integration,unit']).steps).toEqual(['unit', 'integration']);
    expect(parseTestArgs(['--only=e2e']).steps).toEqual(['e2e']);
    expect(parseTestArgs(['--only', 'lint', '--only', 'typecheck']).steps).toEqual(['typecheck', 'lint']);
  });

  it('passes what follows -- (and bare words) to vitest as filters', () => {
    expect(parseTestArgs(['--only', 'unit', '--', 'app/domain', '-t', 'money'])).toEqual({
      steps: ['unit'],
      filters: ['app/domain', '-t', 'money'],
      help: false,
    });
    expect(parseTestArgs(['scripts/lib']).filters).toEqual(['scripts/lib']);
  });

  it('refuses unknown steps and options with a clear message', () => {
    expect(() => parseTestArgs(['--only', 'unit,smoke'])).toThrow(UsageError);
    expect(() => parseTestArgs(['--only', 'unit,smoke'])).toThrow(/Unknown step "smoke"/);
    expect(() => parseTestArgs(['--only'])).toThrow(/needs a comma-separated list/);
    expect(() => parseTestArgs(['--watch'])).toThrow(/Unknown option --watch/);
  });

  it('recognises --help', () => {
    expect(parseTestArgs(['--help']).help).toBe(true);
  });
});

describe('needsServices', () => {
  it('is true only when database-backed tests run', () => {
    expect(needsServices(['typecheck', 'lint', 'build', 'unit'])).toBe(false);
    expect(needsServices(['integration'])).toBe(true);
    expect(needsServices(['e2e'])).toBe(true);
  });
});
