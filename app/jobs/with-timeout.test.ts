import { describe, expect, it } from 'vitest';
import { sleep, TimeoutError, withTimeout } from './with-timeout';

describe('withTimeout', () => {
  it('passes through a value that arrives in time', async () => {
    await expect(withTimeout(Promise.resolve(7), 50, 'slow')).resolves.toBe(7);
  });

  it('passes through a rejection that arrives in time', async () => {
    await expect(withTimeout(Promise.reject(new Error('nope')), 50, 'slow')).rejects.toThrow('nope');
  });

  it('rejects with TimeoutError when the promise hangs', async () => {
    const started = Date.now();
    const error = await withTimeout(new Promise(() => undefined), 30, 'took too long').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toBe('took too long');
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('sleep', () => {
  it('ends early when aborted', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const sleeping = sleep(10_000, controller.signal);
    setTimeout(() => controller.abort(), 10);
    await sleeping;
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('returns at once for an already aborted signal or zero delay', async () => {
    const controller = new AbortController();
    controller.abort();
    await sleep(10_000, controller.signal);
    await sleep(0);
  });
});
