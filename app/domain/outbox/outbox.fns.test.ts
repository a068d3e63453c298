import { describe, expect, it } from 'vitest';
import { nextDispatchDelayMs, outboxJobId, outboxRetryDelayMs } from './outbox.fns';

describe('outboxRetryDelayMs', () => {
  it('doubles from one second and caps at a minute', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => outboxRetryDelayMs(n))).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000]);
    expect(outboxRetryDelayMs(1000)).toBe(60_000);
  });

  it('treats zero or negative attempts as the first', () => {
    expect(outboxRetryDelayMs(0)).toBe(1000);
    expect(outboxRetryDelayMs(-3)).toBe(1000);
  });
});

describe('outboxJobId', () => {
  it('is stable per row and not a bare integer (BullMQ refuses integer custom ids)', () => {
    expect(outboxJobId(42n)).toBe('outbox-42');
    expect(outboxJobId('42')).toBe(outboxJobId(42));
  });
});

describe('nextDispatchDelayMs', () => {
  it('runs again at once after a full batch, waits when idle, backs off after an error', () => {
    expect(nextDispatchDelayMs({ claimed: 100 }, 100, 500, 5000)).toBe(0);
    expect(nextDispatchDelayMs({ claimed: 3 }, 100, 500, 5000)).toBe(500);
    expect(nextDispatchDelayMs(null, 100, 500, 5000)).toBe(5000);
  });

  it('does not rush through full batches while Redis is failing', () => {
    expect(nextDispatchDelayMs({ claimed: 100, redisError: 'down' }, 100, 500, 5000)).toBe(500);
  });
});
