// @ts-check
// What `npm test` runs, in order, and how its arguments select a subset. Pure: test.mjs executes.

/** @typedef {'typecheck' | 'lint' | 'build' | 'unit' | 'integration' | 'e2e'} StepName */

/** @type {ReadonlyArray<{ name: StepName, kind: 'command' | 'vitest', description: string }>} */
export const STEPS = [
  { name: 'typecheck', kind: 'command', description: 'tsc --noEmit' },
  { name: 'lint', kind: 'command', description: 'eslint --max-warnings=0 .' },
  { name: 'build', kind: 'command', description: 'remix build' },
  { name: 'unit', kind: 'vitest', description: 'vitest run --project unit' },
  { name: 'integration', kind: 'vitest', description: 'vitest run --project integration' },
  { name: 'e2e', kind: 'vitest', description: 'vitest run --project e2e' },
];

export const STEP_NAMES = STEPS.map((s) => s.name);

export class UsageError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'UsageError';
  }
}

export const TEST_USAGE = `Usage: npm test [-- --only <steps>] [-- <vitest filters>]
  steps, in order: ${STEP_NAMES.join(', ')}
  --only unit,integration   run only these steps
  after a second --, or any other word: passed to vitest as file filters
Examples:
  npm test
  npm test -- --only unit,integration
  npm test -- --only integration -- tests/integration/services.test.ts`;

/**
 * @param {string[]} argv arguments after `npm test --`
 * @returns {{ steps: StepName[], filters: string[], help: boolean }}
 */
export function parseTestArgs(argv) {
  /** @type {Set<string> | null} */
  let only = null;
  const filters = [];
  let help = false;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = /** @type {string} */ (argv[i]);
    if (arg === '--') {
      filters.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '--help' || arg === '-h') {
      help = true;
    } else if (arg === '--only' || arg.startsWith('--only=')) {
      const value = arg === '--only' ? argv[++i] : arg.slice('--only='.length);
      if (!value) throw new UsageError('--only needs a comma-separated list of steps');
      only ??= new Set();
      for (const name of value.split(',').map((s) => s.trim()).filter(Boolean)) {
        if (!STEP_NAMES.includes(/** @type {StepName} */ (name))) {
          throw new UsageError(`Unknown step "${name}"; the steps are ${STEP_NAMES.join(', ')}`);
        }
        only.add(name);
      }
    } else if (arg.startsWith('-')) {
      throw new UsageError(`Unknown option ${arg}`);
    } else {
      filters.push(arg);
    }
  }
  const selected = only;
  const steps = selected ? STEP_NAMES.filter((name) => selected.has(name)) : [...STEP_NAMES];
  return { steps, filters, help };
}

/** Integration and browser tests need PostgreSQL and Redis; the other steps do not. @param {StepName[]} steps */
export function needsServices(steps) {
  return steps.includes('integration') || steps.includes('e2e');
}
