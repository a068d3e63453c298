import { describe, expect, it } from 'vitest';
import { httpStatusFor, overallStatus, type HealthReport } from './health.fns';

const up = { ok: true, latencyMs: 1 };
const downCheck = { ok: false, latencyMs: 1000, error: 'timeout' };
const outbox = { pending: 0, oldestPendingAgeSeconds: null };

function checks(overrides: Partial<HealthReport['checks']>): HealthReport['checks'] {
  return { database: up, redis: up, outbox, ...overrides };
}

describe('overallStatus', () => {
  it('is ok when everything answers', () => {
    expect(overallStatus(checks({}))).toBe('ok');
  });

  it('is degraded without Redis or when the outbox cannot be read', () => {
    expect(overallStatus(checks({ redis: downCheck }))).toBe('degraded');
    expect(overallStatus(checks({ outbox: { pending: null, oldestPendingAgeSeconds: null, error: 'timeout' } }))).toBe('degraded');
  });

  it('is down without the database, whatever else', () => {
    expect(overallStatus(checks({ database: downCheck }))).toBe('down');
    expect(overallStatus(checks({ database: downCheck, redis: downCheck }))).toBe('down');
  });
});

describe('httpStatusFor', () => {
  it('answers 503 only when down', () => {
    expect(httpStatusFor('ok')).toBe(200);
    expect(httpStatusFor('degraded')).toBe(200);
    expect(httpStatusFor('down')).toBe(503);
  });
});
